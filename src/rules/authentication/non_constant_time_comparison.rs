//! SG854: a secret compared with `==`/`!=` instead of a constant-time comparison.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, ast};
use crate::declare_rule;
use crate::rules::authentication::named_as;
use crate::rules::helpers::{is_constant, is_constant_string_expr};
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};

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
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::Compare]), ..Hooks::NONE },
};

/// Last name segments that denote a guessable secret.
const SECRET_WORDS: &[&str] = &["hmac", "apikey", "otp", "totp"];

/// `signature` and `digest` are secrets only in a verification context (`expected_signature`,
/// `request_digest`); alone they are usually `inspect.Signature`s or content hashes.
const VERIFICATION_PREFIXES: &[&str] = &[
    "expected",
    "computed",
    "calculated",
    "received",
    "provided",
    "given",
    "request",
    "webhook",
    "hmac",
    "hub",
    "header",
    "client",
    "user",
    "signed",
    "original",
    "mac",
];

/// Qualifiers that make a `token` a credential. A bare `token` is usually a lexer token or an
/// opaque handle (trio's `callee_token`, moto's `lock_token`), so it is not enough on its own.
const CREDENTIAL_TOKEN_PREFIXES: &[&str] = &[
    "csrf",
    "xsrf",
    "auth",
    "access",
    "api",
    "session",
    "reset",
    "refresh",
    "bearer",
    "secret",
    "verification",
    "verify",
    "confirm",
    "confirmation",
    "webhook",
    "otp",
    "login",
    "invite",
    "activation",
    "magic",
    "unsubscribe",
    "signup",
    "jwt",
    "id",
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
    if matches!(last, "signature" | "digest" | "hexdigest" | "sig" | "mac") {
        return previous.is_some_and(|prefix| VERIFICATION_PREFIXES.contains(&prefix));
    }
    if last == "token" {
        return previous.is_some_and(|prefix| CREDENTIAL_TOKEN_PREFIXES.contains(&prefix));
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
            let camel_secret = ["signature", "digest"].iter().any(|word| {
                last.strip_suffix(word)
                    .is_some_and(|prefix| VERIFICATION_PREFIXES.contains(&prefix))
            }) || (last.len() > "hmac".len() && last.ends_with("hmac"));
            let camel_token = last.len() > "token".len()
                && last.ends_with("token")
                && CREDENTIAL_TOKEN_PREFIXES
                    .iter()
                    .any(|prefix| last.strip_suffix("token") == Some(*prefix));
            (camel_secret || camel_token) && name.bytes().any(|b| b.is_ascii_uppercase())
        }
    }
}

/// A call that produces a MAC: `hmac.new(...).hexdigest()`, `hmac.digest(...)`.
fn is_digest_call(checker: &Checker, expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    if checker.qualified_name(&call.func).as_deref() == Some("hmac.digest") {
        return true;
    }
    let Expr::Attribute(attribute) = &*call.func else {
        return false;
    };
    if !matches!(attribute.attr.as_str(), "hexdigest" | "digest") {
        return false;
    }
    match &*attribute.value {
        Expr::Call(inner) => checker
            .qualified_name(&inner.func)
            .is_some_and(|name| name.starts_with("hmac.")),
        receiver => checker
            .semantic
            .instance_of(checker.scope, receiver)
            .is_some_and(|class| class.starts_with("hmac.")),
    }
}

fn secret_side(checker: &Checker, expr: &Expr) -> Option<String> {
    let assigned_digest = checker
        .semantic
        .binding_value(checker.scope, expr)
        .is_some_and(|value| is_digest_call(checker, value));
    if assigned_digest || is_digest_call(checker, expr) {
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
    if checker.in_test_file() {
        return;
    }
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
            && let Some(secret) = secret_side(checker, left).or_else(|| secret_side(checker, right))
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
