//! SG411: Import of xmlrpc (parses network XML with unhardened parsers) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["xmlrpc", "xmlrpclib"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `xmlrpc`, `xmlrpclib`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// XML-RPC parses XML received over the network with the standard, unhardened parsers, so a
    /// malicious peer can send entity bombs.
    ///
    /// ## Example
    /// ```python
    /// from xmlrpc.client import ServerProxy
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import defusedxml.xmlrpc
    /// defusedxml.xmlrpc.monkey_patch()
    /// from xmlrpc.client import ServerProxy
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - defusedxml on PyPI: "defusedxml.xmlrpc"
    code: "SG411",
    name: "import-xmlrpclib",
    family: DangerousImport,
    cwe: 611,
    severity: High,
    confidence: High,
    default_enabled: false,
    summary: "Import of `xmlrpc` (parses network XML with unhardened parsers)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: call `defusedxml.xmlrpc.monkey_patch()` to harden its XML parsing",
    );
}
