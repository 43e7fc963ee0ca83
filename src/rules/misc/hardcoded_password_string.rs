//! SG105: a password or other secret assigned as a string literal.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt, ast};
use crate::declare_rule;
use crate::rules::helpers::{
    is_placeholder_secret, string_literal, string_literal_str, target_str,
};
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string literals assigned to a variable, attribute or dictionary key whose name
    /// looks like it holds a secret (`password`, `db_pass`, `API_KEY`, `secret`, `token`, ...;
    /// configurable as `options.password-name-pattern`), and comparisons such as
    /// `password == "hunter2"`. Empty strings, `"None"`, placeholders (`"<password>"`,
    /// `"${DB_PASSWORD}"`, `"xxx"`, `"***"`), URLs, phrases with spaces, values equal to the name
    /// itself (`PASSWORD = "password"`), and names that describe the secret rather than hold it
    /// (`PASSWORD_FIELD`, `TOKEN_URL`, `SECRET_KEY_PATH`) are not reported.
    ///
    /// ## Why is this bad?
    /// A secret in the source is shared with everyone who can read the repository, its forks,
    /// its history, CI logs and built artifacts, and it cannot be rotated without a code change.
    /// Leaked database passwords and API keys from public repositories are harvested within
    /// minutes.
    ///
    /// ## Example
    /// ```python
    /// DATABASE_PASSWORD = "s3cr3t-pa55"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]
    /// ```
    /// Read secrets from the environment or a secret manager at run time.
    ///
    /// ## References
    /// - CWE-259: Use of Hard-coded Password
    /// - CWE-798: Use of Hard-coded Credentials
    code: "SG105",
    name: "hardcoded-password-string",
    family: Misc,
    cwe: 259,
    severity: Low,
    confidence: Medium,
    summary: "Hard-coded password or secret assigned to a variable, attribute or key",
    hooks: Hooks { stmt: Some(check_stmt), stmt_kinds: Kinds::stmts(&[StmtKind::Assign, StmtKind::AnnAssign]), expr: Some(check_expr), expr_kinds: Kinds::exprs(&[ExprKind::Dict, ExprKind::Compare]), ..Hooks::NONE },
};

/// Name suffixes that describe a secret (where it lives, what it is called) rather than hold
/// its value.
const DESCRIPTIVE_SUFFIXES: &[&str] = &[
    "_url",
    "_uri",
    "_endpoint",
    "_path",
    "_file",
    "_filename",
    "_dir",
    "_field",
    "_fields",
    "_name",
    "_names",
    "_header",
    "_type",
    "_prefix",
    "_suffix",
    "_length",
    "_len",
    "_env",
    "_var",
    "_label",
    "_prompt",
    "_message",
    "_msg",
    "_help",
    "_regex",
    "_pattern",
    "_format",
    "_template",
    "_expiry",
    "_ttl",
    "_timeout",
    "_lifetime",
    "_param",
    "_attr",
    "_column",
    "_key_name",
    "_error",
    "_policy",
    "_algorithm",
    "_validator",
    "_validators",
    "_hash",
    "_hasher",
    "_scheme",
    "_mode",
    "_method",
    "_strength",
    "_salt_name",
    "_version",
    "_hint",
    "_kind",
];

/// Words the default name pattern matches; a value equal to one of them is a label.
const SECRET_WORDS: &[&str] = &[
    "pass",
    "passwd",
    "password",
    "pwd",
    "secret",
    "token",
    "secrete",
    "apikey",
    "privatekey",
    "credential",
    "credentials",
    "passphrase",
];

/// Token types and schemes, not secrets (`default_token="Bearer"`).
const SCHEME_WORDS: &[&str] = &["bearer", "basic", "digest", "mac", "jwt", "oauth", "oauth2"];

/// `refresh_token`, `access-token`: an identifier naming a kind of secret, not its value.
fn is_identifier_label(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
        && SECRET_WORDS.iter().any(|word| lower.contains(word))
}

/// Regular-expression syntax (`r"[^\W\d]\w*"`), as in lexers and validators.
fn looks_like_regex(value: &str) -> bool {
    ["[^", "\\w", "\\d", "\\s", "(?", ".*", "\\b"]
        .iter()
        .any(|marker| value.contains(marker))
}

fn normalized(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// If `name` looks like it holds a secret and `value` is a string literal that looks like a real
/// secret, that literal's value. Shared by SG105, SG106 and SG107.
pub fn hardcoded_secret(checker: &Checker, name: &str, value: &Expr) -> Option<String> {
    // Most values assigned are not string literals: settle those before the name's regex.
    if !matches!(value, Expr::StringLiteral(_)) || !checker.options.is_password_name(name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if DESCRIPTIVE_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix))
    {
        return None;
    }
    let literal = string_literal(value)?;
    if is_placeholder_secret(&literal)
        || literal.chars().any(char::is_whitespace)
        || literal.contains("://")
        || literal.contains("***")
        || !literal.chars().any(|c| c.is_ascii_alphanumeric())
        || is_identifier_label(&literal)
        || looks_like_regex(&literal)
    {
        return None;
    }
    let value_key = normalized(&literal);
    if value_key == normalized(name)
        || SECRET_WORDS.contains(&value_key.as_str())
        || SCHEME_WORDS.contains(&value_key.as_str())
    {
        return None;
    }
    Some(literal)
}

fn report(checker: &mut Checker, name: &str, value: &Expr) {
    let message = format!(
        "hard-coded secret assigned to `{name}`: read it from the environment or a secret store instead"
    );
    checker.report(value.range(), message);
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let (targets, value): (&[Expr], &Expr) = match stmt {
        Stmt::Assign(assign) => (&assign.targets, &assign.value),
        Stmt::AnnAssign(assign) => match &assign.value {
            Some(value) => (std::slice::from_ref(&*assign.target), value),
            None => return,
        },
        _ => return,
    };
    for target in targets {
        let Some(name) = target_str(target) else {
            continue;
        };
        if hardcoded_secret(checker, name, value).is_some() {
            report(checker, name, value);
            return;
        }
    }
}

fn check_expr(checker: &mut Checker, expr: &Expr) {
    match expr {
        Expr::Dict(dict) => {
            for item in &dict.items {
                let Some(key) = item.key.as_ref().and_then(string_literal_str) else {
                    continue;
                };
                if hardcoded_secret(checker, key, &item.value).is_some() {
                    report(checker, key, &item.value);
                }
            }
        }
        Expr::Compare(compare) => {
            let [op] = &*compare.ops else { return };
            if !matches!(op, ast::CmpOp::Eq | ast::CmpOp::NotEq) {
                return;
            }
            let [right] = &*compare.comparators else {
                return;
            };
            for (side, other) in [(&*compare.left, right), (right, &*compare.left)] {
                let name = match side {
                    Expr::Name(name) => name.id.as_str(),
                    Expr::Attribute(attribute) => attribute.attr.as_str(),
                    _ => continue,
                };
                // Parsers compare `token` with keywords all the time.
                if name.eq_ignore_ascii_case("token") || name.eq_ignore_ascii_case("tok") {
                    continue;
                }
                if hardcoded_secret(checker, name, other).is_some() {
                    let message = format!(
                        "`{name}` is compared with a hard-coded secret: store a hash or read the expected value from configuration"
                    );
                    checker.report(other.range(), message);
                    return;
                }
            }
        }
        _ => {}
    }
}
