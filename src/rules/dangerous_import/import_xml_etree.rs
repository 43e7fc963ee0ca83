//! SG405: Import of xml.etree (parsers not hardened against malicious XML) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["xml.etree.cElementTree", "xml.etree.ElementTree"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `xml.etree.cElementTree`, `xml.etree.ElementTree`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// ElementTree's parsers expand entities and can be made to exhaust memory by a small crafted
    /// document. SG313/SG314 report the parse calls.
    ///
    /// ## Example
    /// ```python
    /// import xml.etree.ElementTree as ET
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import defusedxml.ElementTree as ET
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - defusedxml on PyPI
    code: "SG405",
    name: "import-xml-etree",
    family: DangerousImport,
    cwe: 611,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Import of `xml.etree` (parsers not hardened against malicious XML)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: parse untrusted XML with `defusedxml` instead",
    );
}
