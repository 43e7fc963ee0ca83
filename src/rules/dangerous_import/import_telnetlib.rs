//! SG401: Import of telnetlib (cleartext Telnet) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["telnetlib"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `telnetlib`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// Telnet has no encryption and no server authentication: logins and session contents can
    /// be read and altered by anyone on the network path.
    ///
    /// ## Example
    /// ```python
    /// import telnetlib
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import paramiko  # SSH
    /// ```
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - Python docs: "telnetlib (removed in 3.13)"
    code: "SG401",
    name: "import-telnetlib",
    family: DangerousImport,
    cwe: 319,
    severity: High,
    confidence: High,
    default_enabled: false,
    summary: "Import of `telnetlib` (cleartext Telnet)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: Telnet is cleartext; use SSH instead",
    );
}
