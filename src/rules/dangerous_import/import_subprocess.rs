//! SG404: Import of subprocess (review for command injection) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["subprocess"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `subprocess`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// Running external programs is a common path to command injection when arguments come from
    /// users. The import marks code to review; SG602 and related rules report risky calls.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import subprocess  # nosec B404 - fixed argument lists only
    /// ```
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    /// - Python docs: "subprocess — Security Considerations"
    code: "SG404",
    name: "import-subprocess",
    family: DangerousImport,
    cwe: 78,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Import of `subprocess` (review for command injection)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: make sure commands are argument lists without user-controlled shell strings",
    );
}
