//! SG854: a secret compared with `==`/`!=` instead of a constant-time comparison.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, ast};
use crate::declare_rule;
use crate::rules::authentication::named_as;
use crate::rules::helpers::{is_constant, is_constant_string_expr};
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `==` and `!=` comparisons where one side is named like a secret that an attacker
    /// tries to guess — a token, signature, digest, HMAC, password hash, API key or one-time
    /// code — and the other side is not a literal. Comparisons with `None`, `""` or any other
    /// constant, and `__eq__` methods, are ignored.
    ///
    /// ## Why is this bad?
    /// `==` on strings and bytes stops at the first differing byte, so it returns slightly
    /// sooner the more wrong the guess is. Measuring that difference over many requests lets an
    /// attacker recover a valid signature or token byte by byte.
    ///
    /// ## Example
    /// ```python
    /// expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    /// if request.headers["X-Signature"] != expected:
    ///     abort(401)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    /// if not hmac.compare_digest(request.headers["X-Signature"], expected):
    ///     abort(401)
    /// ```
    ///
    /// ## References
    /// - CWE-208: Observable Timing Discrepancy
    /// - Python docs: `hmac.compare_digest`, `secrets.compare_digest`
    code: "SG854",
    name: "non-constant-time-comparison",
    family: Authentication,
    cwe: 208,
    severity: Medium,
    confidence: Medium,
    summary: "secret compared with `==`; use `hmac.compare_digest` to avoid a timing side channel",
    hooks: Hooks { expr: Some(check), ..Hooks::NONE },
};

/// Last name segments that denote a guessable secret.
const SECRET_WORDS: &[&str] = &[
    "token",
    "signature",
    "sig",
    "digest",
    "hexdigest",
    "hmac",
    "apikey",
    "otp",
    "totp",
];

/// Whether a name denotes a secret whose value an attacker tries to guess: `token`,
/// `csrf_token`, `X-Hub-Signature-256`, `api_key`, `password_hash`, `webhook_secret`.
fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('-', "_");
    let parts: Vec<&str> = lower
        .split('_')
        .filter(|part| !part.is_empty() && !part.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    let Some(&last) = parts.last() else {
        return false;
    };
    let previous = parts
        .len()
        .checked_sub(2)
        .and_then(|index| parts.get(index).copied());
    if SECRET_WORDS.contains(&last) {
        return true;
    }
    match (previous, last) {
        // api_key, secret_key, signing_key, x-api-key
        (Some("api" | "secret" | "signing" | "access" | "private"), "key") => true,
        // password_hash, pw_hash, hashed_password
        (Some("password" | "passwd" | "pw" | "pwd" | "pass"), "hash") => true,
        (Some("hashed"), "password" | "passwd" | "pw" | "pwd") => true,
        (Some("is" | "has" | "no" | "use"), "secret") => false,
        (_, "secret") => true,
        // camelCase compounds: csrfToken, xSignature, authToken
        (_, last) => {
            ["token", "signature", "hmac", "digest"]
                .iter()
                .any(|word| last.len() > word.len() && last.ends_with(word))
                && name.bytes().any(|b| b.is_ascii_uppercase())
        }
    }
}

/// A call that produces a digest: `hmac.new(...).hexdigest()`, `h.digest()`.
fn is_digest_call(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call) if matches!(&*call.func,
        Expr::Attribute(attribute) if matches!(attribute.attr.as_str(), "hexdigest" | "digest")))
}

fn secret_side(expr: &Expr) -> Option<String> {
    if is_digest_call(expr) {
        return Some("a digest".to_string());
    }
    named_as(expr)
        .filter(|name| is_secret_name(name))
        .map(|name| format!("`{name}`"))
}

fn is_literalish(expr: &Expr) -> bool {
    is_constant(expr) || is_constant_string_expr(expr)
}

fn check(checker: &mut Checker, expr: &Expr) {
    let Expr::Compare(compare) = expr else { return };
    if checker
        .functions
        .last()
        .is_some_and(|function| matches!(function.name.as_str(), "__eq__" | "__ne__" | "__hash__"))
    {
        return;
    }
    let mut left: &Expr = &compare.left;
    for (op, right) in compare.ops.iter().zip(compare.comparators.iter()) {
        if matches!(op, ast::CmpOp::Eq | ast::CmpOp::NotEq)
            && !is_literalish(left)
            && !is_literalish(right)
            && let Some(secret) = secret_side(left).or_else(|| secret_side(right))
        {
            checker.report(
                    compare.range(),
                    format!(
                        "{secret} is compared with `{}`, which leaks timing; use `hmac.compare_digest(a, b)`",
                        if matches!(op, ast::CmpOp::Eq) { "==" } else { "!=" }
                    ),
                );
            return;
        }
        left = right;
    }
}
