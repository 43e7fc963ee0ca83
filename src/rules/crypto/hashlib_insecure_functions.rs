//! SG324: `hashlib` MD4/MD5/SHA-1 used without `usedforsecurity=False`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::{is_falsy_literal, string_literal};
use crate::rules::meta::{Hooks, RuleMeta};

/// Algorithm names `hashlib.new` accepts that are broken (compared lower-case).
const WEAK_NAMES: &[&str] = &["md4", "md5", "sha", "sha1", "md5-sha1", "ripemd160"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `hashlib.md5(...)`, `hashlib.sha1(...)` and `hashlib.new("md5" | "md4" | "sha1" |
    /// ...)` unless the call passes `usedforsecurity=False`.
    ///
    /// ## Why is this bad?
    /// MD4, MD5 and SHA-1 are not collision resistant: attackers can craft two inputs with
    /// the same digest, so these functions cannot protect signatures, integrity checks,
    /// tokens or passwords. When the digest is only a checksum or a cache key, say so with
    /// `usedforsecurity=False` (Python 3.9+), which also keeps the code working on FIPS
    /// systems.
    ///
    /// ## Example
    /// ```python
    /// signature = hashlib.md5(secret + payload).hexdigest()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// signature = hmac.new(secret, payload, hashlib.sha256).hexdigest()
    /// etag = hashlib.md5(body, usedforsecurity=False).hexdigest()  # not a security use
    /// ```
    ///
    /// ## References
    /// - CWE-328: Use of Weak Hash
    /// - Python docs: "hashlib — usedforsecurity"
    code: "SG324",
    name: "hashlib-insecure-functions",
    family: Crypto,
    cwe: 328,
    severity: Medium,
    confidence: High,
    summary: "`hashlib` MD4/MD5/SHA-1 used without `usedforsecurity=False`",
    hooks: Hooks {
        call: Some((&["hashlib.md5", "hashlib.sha1", "hashlib.new"], check)),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if site
        .keyword("usedforsecurity")
        .is_some_and(is_falsy_literal)
        || site.has_kwargs_splat()
    {
        return;
    }
    let algorithm = if callee == "hashlib.new" {
        let Some(name) = site.argument(0, "name").and_then(string_literal) else {
            return;
        };
        let lower = name.to_ascii_lowercase();
        if !WEAK_NAMES.contains(&lower.as_str()) {
            return;
        }
        lower
    } else {
        callee.trim_start_matches("hashlib.").to_string()
    };
    checker.report(
        site.call.func.range(),
        format!(
            "`{callee}` with the broken `{algorithm}` algorithm; use SHA-256 or stronger, or pass `usedforsecurity=False` if this is not a security use"
        ),
    );
}
