//! SG851: a JSON Web Token accepted or produced with the `none` algorithm or no algorithm list.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::authentication::dict_entry;
use crate::rules::helpers::{is_falsy_literal, string_literal};
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `jwt.decode` (PyJWT or python-jose) whose `algorithms` list contains `"none"` or
    /// is explicitly `None`, python-jose's `jwt.decode` without any `algorithms`, and
    /// `jwt.encode(..., algorithm="none")`.
    ///
    /// ## Why is this bad?
    /// The algorithm named in a token's header is chosen by whoever made the token. Accepting
    /// `none` lets an attacker strip the signature entirely; accepting "whatever the header
    /// says" enables algorithm confusion, where an RSA public key is used as an HMAC secret to
    /// forge a valid-looking signature. The verifier must pin the algorithms it expects.
    ///
    /// ## Example
    /// ```python
    /// claims = jwt.decode(token, key, algorithms=["HS256", "none"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// claims = jwt.decode(token, key, algorithms=["HS256"])
    /// ```
    ///
    /// ## References
    /// - CWE-347: Improper Verification of Cryptographic Signature
    /// - RFC 8725: JSON Web Token Best Current Practices, section 3.1
    code: "SG851",
    name: "jwt-insecure-algorithms",
    family: Authentication,
    cwe: 347,
    severity: High,
    confidence: High,
    summary: "JWT algorithms not pinned: `none` accepted or produced, or any header algorithm trusted",
    hooks: Hooks {
        call: Some((
            &[
                "jwt.decode",
                "jwt.decode_complete",
                "jwt.api_jwt.decode",
                "jwt.encode",
                "jwt.api_jwt.encode",
                "jose.jwt.decode",
                "jose.jwt.encode",
            ],
            check,
        )),
        ..Hooks::NONE
    },
};

fn is_none_algorithm(expr: &Expr) -> bool {
    string_literal(expr).is_some_and(|name| name.eq_ignore_ascii_case("none"))
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if callee.ends_with("encode") {
        if let Some(algorithm) = site.argument(2, "algorithm")
            && is_none_algorithm(algorithm)
        {
            checker.report(
                    algorithm.range(),
                    format!("`{callee}` with `algorithm=\"none\"` issues unsigned tokens; sign with HS256/RS256/ES256"),
                );
        }
        return;
    }
    let jose = callee.starts_with("jose.");
    match site.argument(2, "algorithms") {
        Some(Expr::NoneLiteral(none)) => {
            checker.report(
                none.range(),
                format!("`{callee}` with `algorithms=None` trusts the algorithm named in the token header; pin `algorithms=[...]`"),
            );
        }
        Some(algorithms) => {
            let items: &[Expr] = match algorithms {
                Expr::List(list) => &list.elts,
                Expr::Tuple(tuple) => &tuple.elts,
                Expr::Set(set) => &set.elts,
                _ => &[],
            };
            let single = std::slice::from_ref(algorithms);
            let items = if items.is_empty() { single } else { items };
            if let Some(none) = items.iter().find(|item| is_none_algorithm(item)) {
                checker.report(
                    none.range(),
                    format!("`{callee}` accepts the `none` algorithm, i.e. unsigned tokens; remove it from `algorithms`"),
                );
            }
        }
        None if jose && !site.has_kwargs_splat() && !signature_check_disabled(site) => {
            checker.report(
                site.call.func.range(),
                format!("`{callee}` without `algorithms=[...]` trusts the algorithm named in the token header; pin the expected algorithms"),
            );
        }
        None => {}
    }
}

/// SG850 already reports `options={"verify_signature": False}`.
fn signature_check_disabled(site: &CallSite) -> bool {
    site.argument(3, "options")
        .and_then(|options| dict_entry(options, "verify_signature"))
        .is_some_and(is_falsy_literal)
}
