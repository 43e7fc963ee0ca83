//! SG410: Import of lxml (review XML parsing for XXE) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["lxml"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `lxml`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// lxml resolves entities by default (external ones before lxml 5). SG320 reports parse calls
    /// without a hardened parser.
    ///
    /// ## Example
    /// ```python
    /// from lxml import etree
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from lxml import etree
    /// PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - lxml FAQ: "How do I use lxml safely as a web-service endpoint?"
    code: "SG410",
    name: "import-lxml",
    family: DangerousImport,
    cwe: 611,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Import of `lxml` (review XML parsing for XXE)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: parse untrusted XML with `resolve_entities=False` or defusedxml",
    );
}
