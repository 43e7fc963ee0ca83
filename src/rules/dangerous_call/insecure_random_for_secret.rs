//! SG330: values from the `random` module stored in secret-looking names or returned from
//! token/password generators.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt, Visitor, visitor};
use crate::declare_rule;
use crate::rules::dangerous_call::random::PSEUDO_RANDOM;
use crate::rules::helpers::{contains_ignore_ascii_case, target_str};
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};
use crate::rules::misconfiguration::web_support::any_subexpression;

/// Name parts (split on `_` and case) that mark a secret on their own.
const SECRET_WORDS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "pwd",
    "secret",
    "nonce",
    "otp",
    "salt",
    "csrf",
    "apikey",
    "sessionid",
    "passphrase",
    "pin",
];

/// Name parts that mark a secret when followed by `key`, `id` or `code`.
const QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "signing",
    "encryption",
    "auth",
    "session",
    "access",
    "reset",
    "verification",
    "verify",
    "activation",
    "confirmation",
    "confirm",
    "login",
    "mfa",
    "sms",
    "invite",
    "recovery",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags values produced by the `random` module (`random.choice`, `randint`, `getrandbits`,
    /// ...) that are assigned to a name that looks like a secret (`token`, `password`,
    /// `secret`, `nonce`, `otp`, `salt`, `session_id`, `api_key`, `reset_code`, ...) or returned
    /// from a function with such a name (`generate_token`).
    ///
    /// ## Why is this bad?
    /// The `random` module is a Mersenne Twister whose state can be reconstructed from its
    /// output. A password-reset code, session identifier or API key generated with it can be
    /// predicted by someone who has seen enough other values, and then used to take over
    /// accounts.
    ///
    /// ## Example
    /// ```python
    /// reset_token = "".join(random.choice(ALPHABET) for _ in range(32))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// reset_token = secrets.token_urlsafe(32)
    /// ```
    ///
    /// ## References
    /// - CWE-330: Use of Insufficiently Random Values
    /// - Python docs: "secrets — Generate secure random numbers for managing secrets"
    code: "SG330",
    name: "insecure-random-for-secret",
    family: DangerousCall,
    cwe: 330,
    severity: High,
    confidence: Medium,
    summary: "Secret (token, password, key, nonce, salt) generated with the predictable `random` module",
    hooks: Hooks {
        stmt: Some(check),
        stmt_kinds: Kinds::stmts(&[StmtKind::Assign, StmtKind::AnnAssign, StmtKind::Return]),
        // Every callee this rule looks for is `random.*`.
        only_resolving_under: &["random"],
        ..Hooks::NONE
    },
};

/// Whether a variable or function name looks like it holds a secret.
/// A copy-free necessary condition for [`is_secret_name`]: every word it accepts is a
/// substring of the lowercased name.
fn may_be_secret_name(name: &str) -> bool {
    SECRET_WORDS
        .iter()
        .chain(&["key", "id", "code"])
        .any(|word| contains_ignore_ascii_case(name, word))
}

fn is_secret_name(name: &str) -> bool {
    if !may_be_secret_name(name) {
        return false;
    }
    let mut parts: Vec<String> = Vec::new();
    for chunk in name.split(['_', '-', '.']) {
        // Split camelCase: `resetToken` -> `reset`, `token`.
        let mut current = String::new();
        let mut previous_lower = false;
        for c in chunk.chars() {
            if c.is_ascii_uppercase() && previous_lower {
                parts.push(std::mem::take(&mut current));
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            current.push(c.to_ascii_lowercase());
        }
        if !current.is_empty() {
            parts.push(current);
        }
    }
    parts.iter().enumerate().any(|(index, part)| {
        let part = part.as_str();
        let word = part.strip_suffix('s').unwrap_or(part);
        if SECRET_WORDS.contains(&part) || SECRET_WORDS.contains(&word) {
            return true;
        }
        if matches!(word, "key" | "id" | "code") && index > 0 {
            return QUALIFIERS.contains(&parts[index - 1].as_str());
        }
        false
    })
}

/// Finds the first call to a `random` generator inside an expression.
struct RandomCallFinder<'c, 'a> {
    checker: &'c Checker<'a>,
    found: Option<String>,
}

impl<'x> Visitor<'x> for RandomCallFinder<'_, '_> {
    fn visit_expr(&mut self, expr: &'x Expr) {
        if self.found.is_some() {
            return;
        }
        if let Expr::Call(call) = expr
            && let Some(name) = self.checker.qualified_name(&call.func)
            && PSEUDO_RANDOM.contains(&name.as_str())
            && name != "random.Random"
        {
            self.found = Some(name);
            return;
        }
        visitor::walk_expr(self, expr);
    }
}

fn random_call_in(checker: &Checker, expr: &Expr) -> Option<String> {
    let mut finder = RandomCallFinder {
        checker,
        found: None,
    };
    finder.visit_expr(expr);
    finder.found
}

fn check(checker: &mut Checker, stmt: &Stmt) {
    let value = match stmt {
        Stmt::Assign(assign) => Some(&*assign.value),
        Stmt::AnnAssign(assign) => assign.value.as_deref(),
        Stmt::Return(ret) => ret.value.as_deref(),
        _ => None,
    };
    let Some(value) = value else { return };
    // Only a call can make the value random, and most values hold none: settle those before
    // reading the names.
    if !any_subexpression(
        value,
        &mut |expr| matches!(expr, Expr::Call(_)),
        &mut |_| true,
    ) {
        return;
    }
    let secret = match stmt {
        Stmt::Assign(assign) => assign
            .targets
            .iter()
            .filter_map(target_str)
            .find(|name| is_secret_name(name)),
        Stmt::AnnAssign(assign) => target_str(&assign.target).filter(|name| is_secret_name(name)),
        Stmt::Return(_) => checker
            .functions
            .last()
            .map(|function| function.name.as_str())
            .filter(|name| is_secret_name(name)),
        _ => None,
    };
    let Some(secret) = secret else {
        return;
    };
    let Some(callee) = random_call_in(checker, value) else {
        return;
    };
    let secret = secret.to_string();
    checker.report(
        value.range(),
        format!("`{secret}` is generated with the predictable `{callee}`; use the `secrets` module (e.g. `secrets.token_urlsafe()`)"),
    );
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn every_callee_is_under_random() {
        assert!(
            crate::rules::dangerous_call::random::PSEUDO_RANDOM
                .iter()
                .all(|name| name.starts_with("random."))
        );
    }

    #[test]
    fn secret_names() {
        for name in [
            "token",
            "reset_token",
            "resetToken",
            "api_key",
            "session_id",
            "otp",
            "SALT",
            "verification_code",
            "generate_password",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "key",
            "monkey",
            "sort_key",
            "delay",
            "choice",
            "session",
            "tokenizer",
            "code",
            "user_id",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
