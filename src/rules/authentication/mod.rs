//! Authentication and session management: token verification, password storage, secret
//! comparison.
pub mod jwt_insecure_algorithms;
pub mod jwt_signature_verification_disabled;
pub mod non_constant_time_comparison;
pub mod password_fast_hash;
pub mod pbkdf2_insufficient_iterations;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Expr;
use crate::rules::helpers::string_literal;

/// The value of the entry `key` in a dict literal (`{"key": value}`), if present.
pub(crate) fn dict_entry<'e>(dict: &'e Expr, key: &str) -> Option<&'e Expr> {
    let Expr::Dict(dict) = dict else { return None };
    dict.items
        .iter()
        .find(|item| {
            item.key
                .as_ref()
                .and_then(string_literal)
                .is_some_and(|name| name == key)
        })
        .map(|item| &item.value)
}

/// The name an expression is known by: `x`, `obj.x`, `d["x"]`, `d.get("x")`.
pub(crate) fn named_as(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => Some(attribute.attr.to_string()),
        Expr::Subscript(subscript) => string_literal(&subscript.slice),
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "get" => {
                call.arguments.args.first().and_then(string_literal)
            }
            _ => None,
        },
        _ => None,
    }
}

/// A name that holds a password (not an API token or key): `password`, `user_pwd`,
/// `hashedPassword`, `pw`, or a configured password name that mentions `pass`; not
/// `password_reset_token`, `password_salt`, `password_field` and the like.
pub(crate) fn is_password_like(checker: &Checker, name: &str) -> bool {
    let lower = name.trim_start_matches('_').to_ascii_lowercase();
    const NOT_A_PASSWORD: &[&str] = &[
        "token", "salt", "reset", "url", "link", "file", "policy", "length", "field", "label",
        "prompt", "expire", "change",
    ];
    if NOT_A_PASSWORD.iter().any(|word| lower.contains(word)) {
        return false;
    }
    lower.contains("password")
        || lower.contains("passwd")
        || lower.contains("passphrase")
        || lower
            .split('_')
            .any(|part| matches!(part, "pass" | "pwd" | "pw" | "pword" | "passwords"))
        || (checker.options.is_password_name(name) && lower.contains("pass"))
}
