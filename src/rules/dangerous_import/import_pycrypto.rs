//! SG413: Import of the unmaintained PyCrypto library (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &[
    "Crypto.Cipher",
    "Crypto.Hash",
    "Crypto.IO",
    "Crypto.Protocol",
    "Crypto.PublicKey",
    "Crypto.Random",
    "Crypto.Signature",
    "Crypto.Util",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `Crypto.Cipher`, `Crypto.Hash`, `Crypto.IO`, `Crypto.Protocol`, `Crypto.PublicKey`, `Crypto.Random`, `Crypto.Signature`, `Crypto.Util`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// PyCrypto has not been maintained since 2013 and has a public heap overflow
    /// (CVE-2013-7459). Note that PyCryptodome installs under the same `Crypto` name; if that is
    /// what you use, suppress this rule.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Cipher import AES
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    /// ```
    ///
    /// ## References
    /// - CWE-327: Use of a Broken or Risky Cryptographic Algorithm
    /// - CVE-2013-7459
    code: "SG413",
    name: "import-pycrypto",
    family: DangerousImport,
    cwe: 327,
    severity: High,
    confidence: High,
    default_enabled: false,
    summary: "Import of the unmaintained PyCrypto library",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: PyCrypto is unmaintained; use `cryptography` (or PyCryptodome)",
    );
}
