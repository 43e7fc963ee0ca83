//! SG304: broken block and stream ciphers (DES, RC2, RC4, Blowfish, IDEA, XOR).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

/// Broken cipher constructors (bandit B304's list, plus `cryptography`'s `decrepit` module).
const WEAK_CIPHERS: &[&str] = &[
    "Crypto.Cipher.ARC2.new",
    "Crypto.Cipher.ARC4.new",
    "Crypto.Cipher.Blowfish.new",
    "Crypto.Cipher.DES.new",
    "Crypto.Cipher.XOR.new",
    "Cryptodome.Cipher.ARC2.new",
    "Cryptodome.Cipher.ARC4.new",
    "Cryptodome.Cipher.Blowfish.new",
    "Cryptodome.Cipher.DES.new",
    "Cryptodome.Cipher.XOR.new",
    "cryptography.hazmat.primitives.ciphers.algorithms.ARC4",
    "cryptography.hazmat.primitives.ciphers.algorithms.Blowfish",
    "cryptography.hazmat.primitives.ciphers.algorithms.IDEA",
    "cryptography.hazmat.decrepit.ciphers.algorithms.ARC4",
    "cryptography.hazmat.decrepit.ciphers.algorithms.Blowfish",
    "cryptography.hazmat.decrepit.ciphers.algorithms.IDEA",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags ciphers that are broken or have 64-bit blocks: ARC2 (RC2), ARC4 (RC4), Blowfish,
    /// DES, IDEA and XOR, from PyCrypto, PyCryptodome and `cryptography`.
    ///
    /// ## Why is this bad?
    /// DES keys are brute-forced in hours, RC4's keystream is biased enough to recover
    /// plaintext from TLS, and 64-bit block ciphers leak plaintext after a few gigabytes
    /// under one key (Sweet32). "XOR" is not encryption at all. Data encrypted this way
    /// should be considered readable by an attacker.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Cipher import DES
    /// cipher = DES.new(key, DES.MODE_CBC, iv)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    /// ciphertext = AESGCM(key).encrypt(nonce, data, None)
    /// ```
    ///
    /// ## References
    /// - CWE-327: Use of a Broken or Risky Cryptographic Algorithm
    /// - Sweet32: Birthday attacks on 64-bit block ciphers in TLS and OpenVPN
    code: "SG304",
    name: "ciphers",
    family: Crypto,
    cwe: 327,
    severity: High,
    confidence: High,
    summary: "Broken cipher (DES, RC2, RC4, Blowfish, IDEA, XOR); use AES-GCM or ChaCha20-Poly1305",
    hooks: Hooks { call: Some((WEAK_CIPHERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    checker.report(
        site.call.func.range(),
        format!("`{callee}` uses a broken cipher; use AES-GCM or ChaCha20-Poly1305 instead"),
    );
}
