//! SG853: PBKDF2 with a literal iteration count below the configured minimum.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::int_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags PBKDF2 key derivations whose iteration count is a literal below
    /// `options.min-pbkdf2-iterations` (default 100,000): `hashlib.pbkdf2_hmac`, cryptography's
    /// `PBKDF2HMAC(iterations=...)`, passlib's `pbkdf2_sha256.using(rounds=...)`, Django's
    /// `django.utils.crypto.pbkdf2`, and PyCryptodome's `PBKDF2`, whose `count` defaults to
    /// only 1,000 when omitted.
    ///
    /// ## Why is this bad?
    /// PBKDF2's only defence against offline guessing is its iteration count: each guess costs
    /// the attacker as many HMAC computations as the count. A few thousand iterations made
    /// sense in 2000; on today's GPUs it lets an attacker test hundreds of millions of
    /// candidate passwords per second against a leaked hash.
    ///
    /// ## Example
    /// ```python
    /// key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    /// ```
    /// or switch to argon2id or scrypt.
    ///
    /// ## References
    /// - CWE-916: Use of Password Hash With Insufficient Computational Effort
    /// - OWASP Password Storage Cheat Sheet (PBKDF2 iteration counts)
    code: "SG853",
    name: "pbkdf2-insufficient-iterations",
    family: Authentication,
    cwe: 916,
    severity: Medium,
    confidence: High,
    summary: "PBKDF2 iteration count is too low to slow down password guessing",
    hooks: Hooks {
        call: Some((
            &[
                "hashlib.pbkdf2_hmac",
                "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC",
                "passlib.hash.pbkdf2_sha1.using",
                "passlib.hash.pbkdf2_sha256.using",
                "passlib.hash.pbkdf2_sha512.using",
                "passlib.hash.pbkdf2_sha1.hash",
                "passlib.hash.pbkdf2_sha256.hash",
                "passlib.hash.pbkdf2_sha512.hash",
                "passlib.hash.pbkdf2_sha1.encrypt",
                "passlib.hash.pbkdf2_sha256.encrypt",
                "passlib.hash.pbkdf2_sha512.encrypt",
                "django.utils.crypto.pbkdf2",
                "Crypto.Protocol.KDF.PBKDF2",
                "Cryptodome.Protocol.KDF.PBKDF2",
            ],
            check,
        )),
        ..Hooks::NONE
    },
};

/// PyCryptodome's default `count`.
const PYCRYPTODOME_DEFAULT_COUNT: u64 = 1000;

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let minimum = checker.options.min_pbkdf2_iterations;
    let (count, parameter) = match callee {
        "hashlib.pbkdf2_hmac" | "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC" => {
            (site.argument(3, "iterations"), "iterations")
        }
        "django.utils.crypto.pbkdf2" => (site.argument(2, "iterations"), "iterations"),
        "Crypto.Protocol.KDF.PBKDF2" | "Cryptodome.Protocol.KDF.PBKDF2" => {
            let count = site.argument(3, "count");
            if count.is_none() && !site.has_kwargs_splat() && site.call.arguments.args.len() < 4 {
                if PYCRYPTODOME_DEFAULT_COUNT < minimum {
                    checker.report(
                        site.call.func.range(),
                        format!(
                            "`{callee}` without `count=` uses only {PYCRYPTODOME_DEFAULT_COUNT} iterations; pass `count={minimum}` or more"
                        ),
                    );
                }
                return;
            }
            (count, "count")
        }
        _ => (site.keyword("rounds"), "rounds"),
    };
    let Some(count) = count else { return };
    let Some(value) = int_literal(count) else {
        return;
    };
    if value < minimum {
        checker.report(
            count.range(),
            format!(
                "`{callee}` uses {parameter}={value}, below the minimum of {minimum}; raise it (OWASP suggests 600,000 for PBKDF2-HMAC-SHA256)"
            ),
        );
    }
}
