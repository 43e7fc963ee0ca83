//! SG305: block ciphers in ECB mode.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

const ECB_MODE: &str = "cryptography.hazmat.primitives.ciphers.modes.ECB";

const CALLEES: &[&str] = &[
    ECB_MODE,
    "Crypto.Cipher.AES.new",
    "Crypto.Cipher.DES.new",
    "Crypto.Cipher.DES3.new",
    "Crypto.Cipher.Blowfish.new",
    "Crypto.Cipher.CAST.new",
    "Crypto.Cipher.ARC2.new",
    "Cryptodome.Cipher.AES.new",
    "Cryptodome.Cipher.DES.new",
    "Cryptodome.Cipher.DES3.new",
    "Cryptodome.Cipher.Blowfish.new",
    "Cryptodome.Cipher.CAST.new",
    "Cryptodome.Cipher.ARC2.new",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags the ECB cipher mode: `cryptography`'s `modes.ECB()` and a `MODE_ECB` argument to
    /// a PyCrypto/PyCryptodome cipher factory such as `AES.new(key, AES.MODE_ECB)`.
    ///
    /// ## Why is this bad?
    /// ECB encrypts every block independently, so equal plaintext blocks give equal
    /// ciphertext blocks: structure (the famous ECB penguin), repeated fields and record
    /// boundaries stay visible, and blocks can be cut, reordered and replayed without the key.
    ///
    /// ## Example
    /// ```python
    /// cipher = Cipher(algorithms.AES(key), modes.ECB())
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// ciphertext = AESGCM(key).encrypt(os.urandom(12), data, None)
    /// ```
    /// Use an authenticated mode (GCM, or ChaCha20-Poly1305) with a fresh nonce per message.
    ///
    /// ## References
    /// - CWE-327: Use of a Broken or Risky Cryptographic Algorithm
    /// - NIST SP 800-38A: Recommendation for Block Cipher Modes of Operation
    code: "SG305",
    name: "cipher-modes",
    family: Crypto,
    cwe: 327,
    severity: Medium,
    confidence: High,
    summary: "Block cipher used in ECB mode, which leaks plaintext patterns",
    hooks: Hooks { call: Some((CALLEES, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if callee == ECB_MODE {
        checker.report(
            site.call.func.range(),
            "ECB mode leaks plaintext patterns; use an authenticated mode such as GCM",
        );
        return;
    }
    // `Crypto`/`Cryptodome` cipher factories whose mode argument may be `MODE_ECB`.
    if !crate::rules::crypto_misuse::PYCRYPTODOME_BLOCK_CIPHERS.contains(&callee) {
        return;
    }
    let arguments = &site.call.arguments;
    let mode = arguments
        .args
        .iter()
        .chain(arguments.keywords.iter().map(|keyword| &keyword.value))
        .find(|arg| {
            checker
                .qualified_name(arg)
                .is_some_and(|name| name.ends_with(".MODE_ECB"))
        });
    if let Some(mode) = mode {
        let range = mode.range();
        checker.report(
            range,
            format!("`{callee}` in ECB mode leaks plaintext patterns; use `MODE_GCM` instead"),
        );
    }
}
