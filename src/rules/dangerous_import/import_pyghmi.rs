//! SG415: Import of pyghmi (IPMI is insecure) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["pyghmi"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `pyghmi`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// IPMI's authentication is weak (RAKP hashes can be requested and cracked offline) and its
    /// traffic can be observed; management controllers should not be reached over it.
    ///
    /// ## Example
    /// ```python
    /// from pyghmi.ipmi import command
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import redfish  # Redfish over HTTPS
    /// ```
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - CVE-2013-4786
    code: "SG415",
    name: "import-pyghmi",
    family: DangerousImport,
    cwe: 319,
    severity: High,
    confidence: High,
    default_enabled: false,
    summary: "Import of `pyghmi` (IPMI is insecure)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: IPMI is insecure; use Redfish over HTTPS or keep IPMI on an isolated network",
    );
}
