//! SG900: a block-cipher IV fixed in the source code.

use std::sync::LazyLock;

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::crypto_misuse::{
    AEAD_CLASSES, PYCRYPTODOME_BLOCK_CIPHERS, pycryptodome_mode_uses_nonce, static_value,
};
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::options::RuleOptions;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags an initialization vector that is the same on every run: a str/bytes literal,
    /// `b"\x00" * 16`, `bytes(16)`, or a name bound once to such a value, passed as the IV of
    /// `AES.new(key, AES.MODE_CBC, iv)` (PyCryptodome, also DES, DES3, Blowfish, CAST, ARC2)
    /// or of cryptography's `modes.CBC`, `modes.CFB`, `modes.CFB8` and `modes.OFB`.
    ///
    /// ## Why is this bad?
    /// CBC, CFB and OFB need an unpredictable IV per message. With a fixed IV, equal plaintext
    /// prefixes give equal ciphertext prefixes, so an observer learns when messages (or their
    /// first blocks) repeat, and for OFB the key stream repeats outright. A chosen-plaintext
    /// attacker can also confirm guesses about earlier messages.
    ///
    /// ## Example
    /// ```python
    /// cipher = AES.new(key, AES.MODE_CBC, b"\x00" * 16)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// iv = os.urandom(16)
    /// cipher = AES.new(key, AES.MODE_CBC, iv)
    /// token = iv + cipher.encrypt(pad(data, 16))
    /// ```
    ///
    /// ## References
    /// - CWE-329: Generation of Predictable IV with CBC Mode
    /// - NIST SP 800-38A, Appendix C
    code: "SG900",
    name: "static-initialization-vector",
    family: Crypto,
    cwe: 329,
    severity: Medium,
    confidence: High,
    summary: "block-cipher IV is a constant; generate a random IV per message",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["encrypt"], call_computed: Some(iv_and_nonce_callees), ..Hooks::NONE },
};

/// Whether a fixed argument is an IV or a nonce.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    Iv,
    Nonce,
}

/// PyCryptodome's cipher packages.
const PYCRYPTODOME_CIPHER_PACKAGES: &[&str] = &["Crypto.Cipher.", "Cryptodome.Cipher."];
/// PyCryptodome stream ciphers (in either package) taking the nonce as the `nonce` keyword...
const NONCE_KEYWORD_CIPHERS: &[&str] = &["ChaCha20.new", "ChaCha20_Poly1305.new", "XChaCha20.new"];
/// ...and those taking it second.
const NONCE_SECOND_CIPHERS: &[&str] = &["Salsa20.new"];
/// cryptography's modes, and the argument each takes as its IV or nonce.
const MODES: &str = "cryptography.hazmat.primitives.ciphers.modes.";
const MODE_ARGUMENTS: &[(&str, &str, Role)] = &[
    ("CBC", "initialization_vector", Role::Iv),
    ("CFB", "initialization_vector", Role::Iv),
    ("CFB8", "initialization_vector", Role::Iv),
    ("OFB", "initialization_vector", Role::Iv),
    ("GCM", "initialization_vector", Role::Nonce),
    ("CTR", "nonce", Role::Nonce),
];
const CHACHA20_ALGORITHM: &str = "cryptography.hazmat.primitives.ciphers.algorithms.ChaCha20";

/// Every qualified callee [`iv_and_nonce_arguments`] takes arguments from (besides the
/// `.encrypt` method calls), for the call hooks' selection.
pub(crate) fn iv_and_nonce_callees(_: &RuleOptions) -> Vec<&'static str> {
    static CALLEES: LazyLock<Vec<String>> = LazyLock::new(|| {
        let stream = PYCRYPTODOME_CIPHER_PACKAGES.iter().flat_map(|package| {
            NONCE_KEYWORD_CIPHERS
                .iter()
                .chain(NONCE_SECOND_CIPHERS)
                .map(move |cipher| format!("{package}{cipher}"))
        });
        let modes = MODE_ARGUMENTS
            .iter()
            .map(|(mode, _, _)| format!("{MODES}{mode}"));
        PYCRYPTODOME_BLOCK_CIPHERS
            .iter()
            .map(|name| name.to_string())
            .chain(stream)
            .chain(modes)
            .chain([CHACHA20_ALGORITHM.to_string()])
            .collect()
    });
    CALLEES.iter().map(String::as_str).collect()
}

/// The IV and nonce arguments of a cipher construction or AEAD encryption call.
pub(crate) fn iv_and_nonce_arguments<'a>(
    checker: &Checker,
    site: &'a CallSite,
) -> Vec<(&'a Expr, Role)> {
    let mut found = Vec::new();
    if let Some(callee) = site.qualified {
        if PYCRYPTODOME_BLOCK_CIPHERS.contains(&callee) {
            let uses_nonce = site
                .argument(1, "mode")
                .and_then(pycryptodome_mode_uses_nonce);
            if let (Some(third), Some(uses_nonce)) = (site.positional(2), uses_nonce) {
                found.push((third, if uses_nonce { Role::Nonce } else { Role::Iv }));
            }
            for name in ["iv", "IV"] {
                if let Some(iv) = site.keyword(name) {
                    found.push((iv, Role::Iv));
                }
            }
            if let Some(nonce) = site.keyword("nonce") {
                found.push((nonce, Role::Nonce));
            }
            return found;
        }
        let simple = PYCRYPTODOME_CIPHER_PACKAGES
            .iter()
            .find_map(|package| callee.strip_prefix(package));
        if let Some(cipher) = simple {
            if NONCE_KEYWORD_CIPHERS.contains(&cipher) {
                found.extend(site.keyword("nonce").map(|nonce| (nonce, Role::Nonce)));
                return found;
            }
            if NONCE_SECOND_CIPHERS.contains(&cipher) {
                found.extend(site.argument(1, "nonce").map(|nonce| (nonce, Role::Nonce)));
                return found;
            }
        }
        if let Some(mode) = callee.strip_prefix(MODES) {
            if let Some(&(_, name, role)) =
                MODE_ARGUMENTS.iter().find(|(known, _, _)| *known == mode)
            {
                found.extend(site.argument(0, name).map(|argument| (argument, role)));
            }
            return found;
        }
        if callee == CHACHA20_ALGORITHM {
            found.extend(site.argument(1, "nonce").map(|nonce| (nonce, Role::Nonce)));
        }
        return found;
    }
    // `AESGCM(key).encrypt(nonce, data, aad)` or `aead.encrypt(...)` on such an instance.
    if site.method_name() == Some("encrypt") {
        let Expr::Attribute(attribute) = &*site.call.func else {
            return found;
        };
        let class = match &*attribute.value {
            Expr::Call(call) => checker.qualified_name(&call.func),
            receiver => checker
                .semantic
                .instance_of(checker.scope, receiver)
                .map(str::to_string),
        };
        if class.is_some_and(|class| AEAD_CLASSES.contains(&class.as_str())) {
            found.extend(site.argument(0, "nonce").map(|nonce| (nonce, Role::Nonce)));
        }
    }
    found
}

fn check(checker: &mut Checker, site: &CallSite) {
    for (argument, role) in iv_and_nonce_arguments(checker, site) {
        if role != Role::Iv {
            continue;
        }
        if let Some(how) = static_value(checker, argument) {
            checker.report(
                argument.range(),
                format!(
                    "the IV is {how}, identical for every message; use a fresh `os.urandom(16)` per message and send it with the ciphertext"
                ),
            );
        }
    }
}
