//! SG402: Import of ftplib (FTP is cleartext unless FTP_TLS is used) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["ftplib"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `ftplib`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// Plain FTP sends passwords and files in cleartext. The module also offers `FTP_TLS`, so
    /// this rule only points at code worth reviewing; SG321 reports actual `ftplib.FTP` use.
    ///
    /// ## Example
    /// ```python
    /// from ftplib import FTP
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from ftplib import FTP_TLS  # or SFTP via paramiko
    /// ```
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - Python docs: "ftplib.FTP_TLS"
    code: "SG402",
    name: "import-ftplib",
    family: DangerousImport,
    cwe: 319,
    severity: High,
    confidence: High,
    default_enabled: false,
    summary: "Import of `ftplib` (FTP is cleartext unless FTP_TLS is used)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: make sure connections use `FTP_TLS` or SFTP, not plain FTP",
    );
}
