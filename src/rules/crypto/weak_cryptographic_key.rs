//! SG505: RSA/DSA keys shorter than 2048 bits and elliptic curves under 224 bits.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::finding::Severity;
use crate::rules::helpers::int_literal;
use crate::rules::meta::{Hooks, RuleMeta};

/// Key generators taking a size in bits: (callee, positional index, keyword).
const SIZED: &[(&str, usize, &str)] = &[
    (
        "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key",
        1,
        "key_size",
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key",
        0,
        "key_size",
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters",
        0,
        "key_size",
    ),
    ("Crypto.PublicKey.RSA.generate", 0, "bits"),
    ("Crypto.PublicKey.DSA.generate", 0, "bits"),
    ("Cryptodome.PublicKey.RSA.generate", 0, "bits"),
    ("Cryptodome.PublicKey.DSA.generate", 0, "bits"),
];

const EC_GENERATE: &str = "cryptography.hazmat.primitives.asymmetric.ec.generate_private_key";

/// Curves with fewer than 224 bits of order.
const WEAK_CURVES: &[(&str, u64)] = &[("SECP192R1", 192), ("SECT163K1", 163), ("SECT163R2", 163)];

const CALLEES: &[&str] = &[
    "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key",
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key",
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters",
    "Crypto.PublicKey.RSA.generate",
    "Crypto.PublicKey.DSA.generate",
    "Cryptodome.PublicKey.RSA.generate",
    "Cryptodome.PublicKey.DSA.generate",
    EC_GENERATE,
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags RSA and DSA keys generated with fewer than 2048 bits and EC keys on curves
    /// smaller than 224 bits (`SECP192R1`, `SECT163K1`, `SECT163R2`), with `cryptography`,
    /// PyCrypto or PyCryptodome. Keys under 1024 bits (EC: 160) are reported as high severity.
    ///
    /// ## Why is this bad?
    /// 512-bit RSA keys are factored in hours on rented hardware and 1024-bit keys are within
    /// reach of well-funded attackers. Whoever recovers the private key can forge signatures
    /// and decrypt everything encrypted to it, including recorded past traffic.
    ///
    /// ## Example
    /// ```python
    /// key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    /// key = ec.generate_private_key(ec.SECP256R1())
    /// ```
    ///
    /// ## References
    /// - CWE-326: Inadequate Encryption Strength
    /// - NIST SP 800-57 Part 1: Recommendation for Key Management
    code: "SG505",
    name: "weak-cryptographic-key",
    family: Crypto,
    cwe: 326,
    severity: Medium,
    confidence: High,
    summary: "RSA/DSA key under 2048 bits or elliptic curve under 224 bits",
    hooks: Hooks { call: Some((CALLEES, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if callee == EC_GENERATE {
        let Some(curve) = site.argument(0, "curve") else {
            return;
        };
        let Some(curve_name) = crate::rules::helpers::qualified_or_callee(checker, curve) else {
            return;
        };
        let short = curve_name.rsplit('.').next().unwrap_or(&curve_name);
        if !curve_name.starts_with("cryptography.") {
            return;
        }
        if let Some(&(name, bits)) = WEAK_CURVES.iter().find(|(name, _)| *name == short) {
            let severity = if bits < 160 {
                Severity::High
            } else {
                Severity::Medium
            };
            let finding = checker.report(
                curve.range(),
                format!("EC key on `{name}` ({bits} bits) is too weak; use SECP256R1 or stronger"),
            );
            if severity != Severity::Medium {
                finding.severity = Some(severity);
            }
        }
        return;
    }
    let Some(&(_, index, keyword)) = SIZED.iter().find(|(name, _, _)| *name == callee) else {
        return;
    };
    let Some(size_expr) = site.argument(index, keyword) else {
        return;
    };
    let Some(bits) = int_literal(size_expr) else {
        return;
    };
    if bits >= 2048 {
        return;
    }
    let kind = if callee.contains("dsa") || callee.contains("DSA") {
        "DSA"
    } else {
        "RSA"
    };
    let finding = checker.report(
        size_expr.range(),
        format!("{kind} key of {bits} bits is too weak; use at least 2048 (preferably 3072) bits"),
    );
    if bits < 1024 {
        finding.severity = Some(Severity::High);
    }
}
