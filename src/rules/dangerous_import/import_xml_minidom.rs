//! SG408: Import of xml.dom.minidom (parser not hardened against malicious XML) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["xml.dom.minidom"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `xml.dom.minidom`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// minidom expands entities while building the whole document in memory. SG318 reports the
    /// parse calls.
    ///
    /// ## Example
    /// ```python
    /// from xml.dom import minidom
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import minidom
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - defusedxml on PyPI
    code: "SG408",
    name: "import-xml-minidom",
    family: DangerousImport,
    cwe: 611,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Import of `xml.dom.minidom` (parser not hardened against malicious XML)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: parse untrusted XML with `defusedxml.minidom` instead",
    );
}
