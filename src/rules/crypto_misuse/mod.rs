//! Misuse of sound ciphers and TLS: fixed IVs and nonces, hard-coded keys, disabled checks.
pub mod hard_coded_encryption_key;
pub mod ssl_check_hostname_disabled;
pub mod ssl_verify_mode_cert_none;
pub mod static_initialization_vector;
pub mod static_nonce;

use crate::analysis::checker::Checker;
use crate::analysis::semantic::{BindingKind, dotted_name};
use crate::analysis::syntax::{Expr, ast};
use crate::rules::helpers::int_literal;

/// How a key, IV or nonce argument is fixed at analysis time: `"a literal"` for
/// `b"0123456789abcdef"`, `b"\x00" * 16`, `bytes(16)`, `bytes.fromhex("...")`, or
/// ``"the constant `IV`"`` for a name bound exactly once to such a value.
pub(crate) fn static_value(checker: &Checker, expr: &Expr) -> Option<String> {
    if is_static_bytes(expr, 0) {
        return Some("a literal".to_string());
    }
    let Expr::Name(name) = expr else { return None };
    let id = checker
        .semantic
        .resolve_name(checker.scope, name.id.as_str(), name.range.start())?;
    let binding = checker.semantic.binding(id);
    if !matches!(binding.kind, BindingKind::Assignment { .. })
        || checker
            .semantic
            .scope(binding.scope)
            .bindings_of(binding.name)
            .len()
            != 1
    {
        return None;
    }
    let value = binding.value?;
    is_static_bytes(value, 0).then(|| format!("the constant `{}`", name.id))
}

/// Calls that turn a literal into bytes.
const DECODERS: &[&str] = &[
    "bytes.fromhex",
    "binascii.unhexlify",
    "binascii.a2b_hex",
    "base64.b64decode",
    "base64.urlsafe_b64decode",
    "base64.b32decode",
    "base64.b16decode",
    "bytes",
    "bytearray",
];

/// A str/bytes value fully known from the source text.
fn is_static_bytes(expr: &Expr, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match expr {
        Expr::StringLiteral(_) | Expr::BytesLiteral(_) => true,
        Expr::BinOp(binop) => match binop.op {
            ast::Operator::Mult => {
                (is_static_bytes(&binop.left, depth + 1) && int_literal(&binop.right).is_some())
                    || (int_literal(&binop.left).is_some()
                        && is_static_bytes(&binop.right, depth + 1))
            }
            ast::Operator::Add => {
                is_static_bytes(&binop.left, depth + 1) && is_static_bytes(&binop.right, depth + 1)
            }
            _ => false,
        },
        Expr::Call(call) => {
            let [argument] = &*call.arguments.args else {
                return false;
            };
            if let Expr::Attribute(attribute) = &*call.func
                && attribute.attr.as_str() == "encode"
            {
                return is_static_bytes(&attribute.value, depth + 1);
            }
            let Some(callee) = dotted_name(&call.func) else {
                return false;
            };
            if !DECODERS.contains(&callee.as_str()) {
                return false;
            }
            // `bytes(16)`: sixteen zero bytes.
            is_static_bytes(argument, depth + 1)
                || (matches!(callee.as_str(), "bytes" | "bytearray")
                    && int_literal(argument).is_some())
        }
        _ => false,
    }
}

/// PyCryptodome block-cipher modules whose `new(key, mode, iv_or_nonce)` this family checks.
pub(crate) const PYCRYPTODOME_BLOCK_CIPHERS: &[&str] = &[
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

/// Whether a PyCryptodome mode argument (`AES.MODE_GCM`) takes a nonce rather than an IV.
pub(crate) fn pycryptodome_mode_uses_nonce(mode: &Expr) -> Option<bool> {
    let Expr::Attribute(attribute) = mode else {
        return None;
    };
    match attribute.attr.as_str() {
        "MODE_CBC" | "MODE_CFB" | "MODE_OFB" | "MODE_OPENPGP" => Some(false),
        "MODE_CTR" | "MODE_GCM" | "MODE_EAX" | "MODE_CCM" | "MODE_OCB" => Some(true),
        _ => None,
    }
}

/// cryptography's AEAD classes, whose `encrypt(nonce, data, associated_data)` takes a nonce.
pub(crate) const AEAD_CLASSES: &[&str] = &[
    "cryptography.hazmat.primitives.ciphers.aead.AESGCM",
    "cryptography.hazmat.primitives.ciphers.aead.ChaCha20Poly1305",
    "cryptography.hazmat.primitives.ciphers.aead.AESCCM",
    "cryptography.hazmat.primitives.ciphers.aead.AESOCB3",
];
