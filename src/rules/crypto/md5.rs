//! SG303: MD2/MD4/MD5/SHA-1 through the PyCrypto, PyCryptodome and `cryptography` hash classes.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

/// Constructors of broken hash functions (bandit B303's list, plus PyCryptodome's `SHA1`).
const WEAK_HASHES: &[&str] = &[
    "Crypto.Hash.MD2.new",
    "Crypto.Hash.MD4.new",
    "Crypto.Hash.MD5.new",
    "Crypto.Hash.SHA.new",
    "Crypto.Hash.SHA1.new",
    "Cryptodome.Hash.MD2.new",
    "Cryptodome.Hash.MD4.new",
    "Cryptodome.Hash.MD5.new",
    "Cryptodome.Hash.SHA.new",
    "Cryptodome.Hash.SHA1.new",
    "cryptography.hazmat.primitives.hashes.MD5",
    "cryptography.hazmat.primitives.hashes.SHA1",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags MD2, MD4, MD5 and SHA-1 objects created through PyCrypto (`Crypto.Hash`),
    /// PyCryptodome (`Cryptodome.Hash`) or `cryptography.hazmat.primitives.hashes`.
    /// (`hashlib.md5`/`hashlib.sha1`/`hashlib.new("md5")` are covered by SG324.)
    ///
    /// ## Why is this bad?
    /// Collisions for MD5 can be computed in seconds and for SHA-1 with modest budgets. A
    /// digest from these functions cannot prove that a signed document, a certificate or an
    /// uploaded file is the one that was approved, and fast unsalted hashes make stored
    /// passwords easy to brute-force.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Hash import MD5
    /// digest = MD5.new(document).hexdigest()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from Crypto.Hash import SHA256
    /// digest = SHA256.new(document).hexdigest()
    /// ```
    /// For passwords use a dedicated KDF (argon2, scrypt, bcrypt, PBKDF2).
    ///
    /// ## References
    /// - CWE-328: Use of Weak Hash
    /// - NIST SP 800-131A: Transitioning the Use of Cryptographic Algorithms and Key Lengths
    code: "SG303",
    name: "md5",
    family: Crypto,
    cwe: 328,
    severity: Medium,
    confidence: High,
    summary: "MD2/MD4/MD5/SHA-1 hash object from PyCrypto, PyCryptodome or `cryptography`",
    hooks: Hooks { call: Some((WEAK_HASHES, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    checker.report(
        site.call.func.range(),
        format!("`{callee}` is a broken hash function; use SHA-256 or stronger (or a password KDF for passwords)"),
    );
}
