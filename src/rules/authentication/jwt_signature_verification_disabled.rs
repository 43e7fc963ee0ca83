//! SG850: a JSON Web Token decoded without verifying its signature.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::authentication::dict_entry;
use crate::rules::helpers::is_falsy_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags PyJWT and python-jose calls that read a JSON Web Token's claims without checking
    /// its signature: `jwt.decode(..., options={"verify_signature": False})`, the old PyJWT
    /// `jwt.decode(..., verify=False)`, and python-jose's `jwt.get_unverified_claims(...)`.
    ///
    /// ## Why is this bad?
    /// A JWT is only as trustworthy as its signature. Without verification anybody can edit
    /// the payload (`"sub": "admin"`, a later `exp`) and re-encode it, and the application will
    /// accept the forged identity. Reading unverified claims is only safe for choosing which
    /// key to verify with, never for an authorization decision.
    ///
    /// ## Example
    /// ```python
    /// claims = jwt.decode(token, options={"verify_signature": False})
    /// user = User.objects.get(pk=claims["sub"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// claims = jwt.decode(token, settings.JWT_PUBLIC_KEY, algorithms=["RS256"])
    /// user = User.objects.get(pk=claims["sub"])
    /// ```
    ///
    /// ## References
    /// - CWE-347: Improper Verification of Cryptographic Signature
    /// - PyJWT docs: "Reading the Claimset without Validation"
    code: "SG850",
    name: "jwt-signature-verification-disabled",
    family: Authentication,
    cwe: 347,
    severity: High,
    confidence: Medium,
    summary: "JWT decoded without verifying its signature; forged tokens are accepted",
    hooks: Hooks {
        call: Some((
            &[
                "jwt.decode",
                "jwt.decode_complete",
                "jwt.api_jwt.decode",
                "jwt.api_jwt.decode_complete",
                "jwt.api_jws.decode",
                "jose.jwt.decode",
                "jose.jwt.get_unverified_claims",
                "jose.jws.get_unverified_claims",
            ],
            check,
        )),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if callee.ends_with("get_unverified_claims") {
        checker.report(
            site.call.func.range(),
            format!(
                "`{callee}` returns claims whose signature was never checked; use `jose.jwt.decode` with the issuer's key and `algorithms=[...]` before trusting them"
            ),
        );
        return;
    }
    if let Some(verify) = site.keyword("verify")
        && is_falsy_literal(verify)
    {
        checker.report(
                verify.range(),
                format!(
                    "`{callee}(..., verify=False)` skips signature verification; pass the key and `algorithms=[...]` and drop `verify=False`"
                ),
            );
        return;
    }
    let Some(options) = site.argument(3, "options") else {
        return;
    };
    if let Some(flag) = dict_entry(options, "verify_signature")
        && is_falsy_literal(flag)
    {
        checker.report(
                flag.range(),
                format!(
                    "`{callee}` with `\"verify_signature\": False` accepts forged tokens; verify with the issuer's key and `algorithms=[...]`"
                ),
            );
    }
}
