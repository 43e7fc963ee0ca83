//! SG901: a stream-cipher or AEAD nonce fixed in the source code.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::crypto_misuse::static_initialization_vector::{
    Role, iv_and_nonce_arguments, iv_and_nonce_callees,
};
use crate::rules::crypto_misuse::static_value;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags a nonce that is the same on every run — a str/bytes literal, `b"\x00" * 12`,
    /// `bytes(12)`, or a name bound once to such a value — given to GCM, CTR, EAX, CCM or OCB
    /// (`AES.new(key, AES.MODE_GCM, nonce=...)`, `modes.GCM(...)`, `modes.CTR(...)`), to
    /// ChaCha20/Salsa20, or to the `encrypt` method of `AESGCM`, `ChaCha20Poly1305`, `AESCCM`
    /// and `AESOCB3`.
    ///
    /// ## Why is this bad?
    /// These modes turn the key and nonce into a key stream. Two messages encrypted under the
    /// same key and nonce XOR to the XOR of their plaintexts, which usually reveals both; for
    /// GCM a repeated nonce also leaks the authentication key, letting an attacker forge
    /// messages. A constant nonce repeats on every call.
    ///
    /// ## Example
    /// ```python
    /// ciphertext = AESGCM(key).encrypt(b"000000000000", data, None)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// nonce = os.urandom(12)
    /// ciphertext = nonce + AESGCM(key).encrypt(nonce, data, None)
    /// ```
    ///
    /// ## References
    /// - CWE-323: Reusing a Nonce, Key Pair in Encryption
    /// - NIST SP 800-38D, section 8
    code: "SG901",
    name: "static-nonce",
    family: Crypto,
    cwe: 323,
    severity: High,
    confidence: High,
    summary: "cipher nonce is a constant, so it repeats under the same key",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["encrypt"], call_computed: Some(iv_and_nonce_callees), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    for (argument, role) in iv_and_nonce_arguments(checker, site) {
        if role != Role::Nonce {
            continue;
        }
        if let Some(how) = static_value(checker, argument) {
            checker.report(
                argument.range(),
                format!(
                    "the nonce is {how}, so every encryption under this key reuses it; generate a fresh random nonce (`os.urandom(12)`) per message"
                ),
            );
        }
    }
}
