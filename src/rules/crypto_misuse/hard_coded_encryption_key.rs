//! SG902: a cipher, MAC or token-signing key written into the source code.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::crypto_misuse::{AEAD_CLASSES, PYCRYPTODOME_BLOCK_CIPHERS, static_value};
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags a key that is a str/bytes literal (or a name bound once to one) passed to
    /// `AES.new` and the other PyCryptodome ciphers, cryptography's `algorithms.AES`,
    /// `algorithms.ChaCha20`, `AESGCM` and the other AEAD classes, `Fernet`, `hmac.new`,
    /// `hmac.digest`, cryptography's `hmac.HMAC`, and PyJWT/python-jose `jwt.encode`/`jwt.decode`.
    ///
    /// ## Why is this bad?
    /// A key in the source is shared with everyone who can read the repository, its forks,
    /// CI logs and every built artifact, and it cannot be rotated without a release. Whoever
    /// has it decrypts the data or forges MACs and session tokens.
    ///
    /// ## Example
    /// ```python
    /// token = jwt.encode({"sub": user.id}, "s3cr3t-signing-key", algorithm="HS256")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// token = jwt.encode({"sub": user.id}, os.environ["JWT_SIGNING_KEY"], algorithm="HS256")
    /// ```
    /// Load keys from the environment, a secrets manager or a KMS at run time.
    ///
    /// ## References
    /// - CWE-321: Use of Hard-coded Cryptographic Key
    /// - OWASP Cryptographic Storage Cheat Sheet, "Key Management"
    code: "SG902",
    name: "hard-coded-encryption-key",
    family: Crypto,
    cwe: 321,
    severity: High,
    confidence: Medium,
    summary: "cryptographic key is hard-coded in the source",
    hooks: Hooks { call: Some((CALLEES, check)), ..Hooks::NONE },
};

const CALLEES: &[&str] = &[
    "Crypto.Cipher.AES.new",
    "Crypto.Cipher.DES.new",
    "Crypto.Cipher.DES3.new",
    "Crypto.Cipher.Blowfish.new",
    "Crypto.Cipher.CAST.new",
    "Crypto.Cipher.ARC2.new",
    "Crypto.Cipher.ARC4.new",
    "Crypto.Cipher.ChaCha20.new",
    "Crypto.Cipher.ChaCha20_Poly1305.new",
    "Crypto.Cipher.Salsa20.new",
    "Cryptodome.Cipher.AES.new",
    "Cryptodome.Cipher.DES.new",
    "Cryptodome.Cipher.DES3.new",
    "Cryptodome.Cipher.Blowfish.new",
    "Cryptodome.Cipher.CAST.new",
    "Cryptodome.Cipher.ARC2.new",
    "Cryptodome.Cipher.ARC4.new",
    "Cryptodome.Cipher.ChaCha20.new",
    "Cryptodome.Cipher.ChaCha20_Poly1305.new",
    "Cryptodome.Cipher.Salsa20.new",
    "cryptography.hazmat.primitives.ciphers.algorithms.AES",
    "cryptography.hazmat.primitives.ciphers.algorithms.AES128",
    "cryptography.hazmat.primitives.ciphers.algorithms.AES256",
    "cryptography.hazmat.primitives.ciphers.algorithms.ChaCha20",
    "cryptography.hazmat.primitives.ciphers.algorithms.Camellia",
    "cryptography.hazmat.primitives.ciphers.algorithms.TripleDES",
    "cryptography.hazmat.primitives.ciphers.algorithms.SM4",
    "cryptography.hazmat.primitives.ciphers.aead.AESGCM",
    "cryptography.hazmat.primitives.ciphers.aead.ChaCha20Poly1305",
    "cryptography.hazmat.primitives.ciphers.aead.AESCCM",
    "cryptography.hazmat.primitives.ciphers.aead.AESOCB3",
    "cryptography.hazmat.primitives.ciphers.aead.AESSIV",
    "cryptography.hazmat.primitives.ciphers.aead.AESGCMSIV",
    "cryptography.hazmat.primitives.hmac.HMAC",
    "cryptography.fernet.Fernet",
    "hmac.new",
    "hmac.HMAC",
    "hmac.digest",
    "jwt.encode",
    "jwt.decode",
    "jwt.api_jwt.encode",
    "jwt.api_jwt.decode",
    "jose.jwt.encode",
    "jose.jwt.decode",
];

/// The key argument of a call to one of [`CALLEES`].
fn key_argument<'a>(callee: &str, site: &'a CallSite) -> Option<&'a Expr> {
    if callee.ends_with("jwt.encode") || callee.ends_with("jwt.decode") {
        return site.argument(1, "key");
    }
    if AEAD_CLASSES.contains(&callee)
        || PYCRYPTODOME_BLOCK_CIPHERS.contains(&callee)
        || callee.starts_with("cryptography.")
        || callee.starts_with("hmac.")
        || callee.ends_with(".new")
    {
        return site.argument(0, "key");
    }
    None
}

/// A JWT verification key may legitimately be a public key or certificate.
fn is_public_material(expr: &Expr) -> bool {
    string_literal(expr).is_some_and(|text| {
        text.contains("PUBLIC KEY") || text.contains("CERTIFICATE") || text.starts_with("ssh-")
    })
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let Some(key) = key_argument(callee, site) else {
        return;
    };
    if is_public_material(key) {
        return;
    }
    let Some(how) = static_value(checker, key) else {
        return;
    };
    checker.report(
        key.range(),
        format!(
            "the key given to `{callee}` is {how} in the source; load it at run time from the environment or a secrets manager"
        ),
    );
}
