//! SG852: a password hashed with a fast, general-purpose hash function.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, Stmt, ast};
use crate::declare_rule;
use crate::rules::authentication::{is_password_like, named_as};
use crate::rules::helpers::{contains_ignore_ascii_case, target_str};
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `hashlib` digests (`md5`, `sha1`, the SHA-2 and SHA-3 families, `blake2b`,
    /// `blake2s`, `hashlib.new(...)`) applied to a value named like a password, fed a password
    /// through `.update(...)`, or whose result is stored under a name such as `password_hash`,
    /// `pw_hash` or `hashed_password`.
    ///
    /// ## Why is this bad?
    /// General-purpose hashes are built to be fast: a single GPU computes billions of SHA-256
    /// digests per second, so a leaked table of salted or unsalted SHA hashes is cracked for
    /// most real-world passwords within hours. Password storage needs a deliberately slow,
    /// salted key-derivation function whose cost can be raised over time.
    ///
    /// ## Example
    /// ```python
    /// user.password_hash = hashlib.sha256(password.encode()).hexdigest()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from argon2 import PasswordHasher
    ///
    /// user.password_hash = PasswordHasher().hash(password)
    /// ```
    /// `bcrypt`, `scrypt` (`hashlib.scrypt`) or Django's `make_password` are fine too.
    ///
    /// ## References
    /// - CWE-916: Use of Password Hash With Insufficient Computational Effort
    /// - OWASP Password Storage Cheat Sheet
    code: "SG852",
    name: "password-fast-hash",
    family: Authentication,
    cwe: 916,
    severity: High,
    confidence: Medium,
    summary: "password hashed with a fast hash function instead of a password KDF",
    hooks: Hooks {
        call: Some((FAST_HASHES, check_call)),
        stmt: Some(check_stmt), stmt_kinds: Kinds::stmts(&[StmtKind::Assign, StmtKind::AnnAssign, StmtKind::Expr]),
        // Every fast hash is a `hashlib` constructor.
        only_resolving_under: &["hashlib"],
        ..Hooks::NONE
    },
};

const FAST_HASHES: &[&str] = &[
    "hashlib.md5",
    "hashlib.sha1",
    "hashlib.sha224",
    "hashlib.sha256",
    "hashlib.sha384",
    "hashlib.sha512",
    "hashlib.sha512_224",
    "hashlib.sha512_256",
    "hashlib.sha3_224",
    "hashlib.sha3_256",
    "hashlib.sha3_384",
    "hashlib.sha3_512",
    "hashlib.blake2b",
    "hashlib.blake2s",
    "hashlib.new",
];

/// The data argument of a hashlib constructor call.
fn hashed_data<'a>(site: &'a CallSite) -> Option<&'a Expr> {
    let index = usize::from(site.qualified == Some("hashlib.new"));
    site.argument(index, "data")
        .or_else(|| site.keyword("string"))
}

/// The password-like name inside a hashed value: `password`, `password.encode()`,
/// `salt + password`, `f"{salt}{password}"`, `bytes(user.password, "utf-8")`.
fn password_in(checker: &Checker, expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => {
            named_as(expr).filter(|name| is_password_like(checker, name))
        }
        Expr::Call(call) => {
            if let Some(name) = named_as(expr).filter(|name| is_password_like(checker, name)) {
                return Some(name);
            }
            match &*call.func {
                Expr::Attribute(attribute) if attribute.attr.as_str() == "encode" => {
                    password_in(checker, &attribute.value)
                }
                Expr::Name(name) if matches!(name.id.as_str(), "bytes" | "str") => call
                    .arguments
                    .args
                    .first()
                    .and_then(|arg| password_in(checker, arg)),
                _ => None,
            }
        }
        Expr::BinOp(binop) if binop.op == ast::Operator::Add => {
            password_in(checker, &binop.left).or_else(|| password_in(checker, &binop.right))
        }
        Expr::FString(fstring) => fstring.value.elements().find_map(|element| {
            element
                .as_interpolation()
                .and_then(|interpolation| password_in(checker, &interpolation.expression))
        }),
        _ => None,
    }
}

fn check_call(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let Some(data) = hashed_data(site) else {
        return;
    };
    let Some(name) = password_in(checker, data) else {
        return;
    };
    checker.report(
        site.call.func.range(),
        format!(
            "`{callee}` hashes the password `{name}` with a fast hash; use argon2, bcrypt, scrypt or a slow PBKDF2"
        ),
    );
}

/// A name that holds a password hash: `password_hash`, `pw_hash`, `hashed_password`.
fn is_password_hash_name(checker: &Checker, name: &str) -> bool {
    // The cheap, copy-free test first: few assigned names mention a hash.
    (contains_ignore_ascii_case(name, "hash") || contains_ignore_ascii_case(name, "digest"))
        && is_password_like(checker, name)
}

/// The fast-hash constructor call at the root of `hashlib.sha256(x).hexdigest()`.
fn fast_hash_root<'e>(checker: &Checker, expr: &'e Expr) -> Option<(&'e ast::ExprCall, String)> {
    let Expr::Call(call) = expr else { return None };
    if let Some(name) = checker.qualified_name(&call.func)
        && FAST_HASHES.contains(&name.as_str())
    {
        return Some((call, name));
    }
    match &*call.func {
        Expr::Attribute(attribute) if matches!(attribute.attr.as_str(), "hexdigest" | "digest") => {
            fast_hash_root(checker, &attribute.value)
        }
        _ => None,
    }
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Assign(assign) => {
            let Some(target) = assign
                .targets
                .iter()
                .filter_map(target_str)
                .find(|name| is_password_hash_name(checker, name))
            else {
                return;
            };
            report_stored_hash(checker, &assign.value, target);
        }
        Stmt::AnnAssign(assign) => {
            let (Some(value), Some(target)) = (&assign.value, target_str(&assign.target)) else {
                return;
            };
            if is_password_hash_name(checker, target) {
                report_stored_hash(checker, value, target);
            }
        }
        Stmt::Expr(statement) => check_update(checker, &statement.value),
        _ => {}
    }
}

fn report_stored_hash(checker: &mut Checker, value: &Expr, target: &str) {
    let Some((call, callee)) = fast_hash_root(checker, value) else {
        return;
    };
    let site = CallSite {
        call,
        qualified: Some(&callee),
    };
    // The call hook already reported a password-named argument.
    if hashed_data(&site).is_some_and(|data| password_in(checker, data).is_some()) {
        return;
    }
    checker.report(
        call.func.range(),
        format!(
            "`{target}` is computed with the fast hash `{callee}`; store passwords with argon2, bcrypt, scrypt or a slow PBKDF2"
        ),
    );
}

/// `digest.update(password.encode())` on a `hashlib.sha256()` object.
fn check_update(checker: &mut Checker, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    let Expr::Attribute(attribute) = &*call.func else {
        return;
    };
    if attribute.attr.as_str() != "update" {
        return;
    }
    let Some(class) = checker
        .semantic
        .instance_of(checker.scope, &attribute.value)
    else {
        return;
    };
    if !FAST_HASHES.contains(&class) {
        return;
    }
    let class = class.to_string();
    let Some(name) = call
        .arguments
        .args
        .first()
        .and_then(|arg| password_in(checker, arg))
    else {
        return;
    };
    checker.report(
        call.func.range(),
        format!(
            "the password `{name}` is fed to the fast hash `{class}`; use argon2, bcrypt, scrypt or a slow PBKDF2"
        ),
    );
}
