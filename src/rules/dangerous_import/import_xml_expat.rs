//! SG407: Import of xml.dom.expatbuilder (parser not hardened against malicious XML) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["xml.dom.expatbuilder"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `xml.dom.expatbuilder`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// `expatbuilder` expands entities while building a DOM. SG316 reports the parse calls.
    ///
    /// ## Example
    /// ```python
    /// from xml.dom import expatbuilder
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import expatbuilder
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - defusedxml on PyPI
    code: "SG407",
    name: "import-xml-expat",
    family: DangerousImport,
    cwe: 611,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Import of `xml.dom.expatbuilder` (parser not hardened against malicious XML)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: parse untrusted XML with `defusedxml.expatbuilder` instead",
    );
}
