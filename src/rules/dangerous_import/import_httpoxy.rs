//! SG412: Import of a CGI handler (exposed to httpoxy) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &[
    "wsgiref.handlers.CGIHandler",
    "twisted.web.twcgi.CGIScript",
    "twisted.web.twcgi.CGIDirectory",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `wsgiref.handlers.CGIHandler`, `twisted.web.twcgi.CGIScript`, `twisted.web.twcgi.CGIDirectory`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// Under CGI, the request header `Proxy:` becomes the `HTTP_PROXY` environment variable, which
    /// many HTTP clients use as their proxy (httpoxy): an attacker can route the application's
    /// outgoing requests, with their credentials, through a server they control.
    ///
    /// ## Example
    /// ```python
    /// from wsgiref.handlers import CGIHandler
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from waitress import serve  # a WSGI server, not CGI
    /// ```
    ///
    /// ## References
    /// - CWE-284: Improper Access Control
    /// - httpoxy.org
    code: "SG412",
    name: "import-httpoxy",
    family: DangerousImport,
    cwe: 284,
    severity: High,
    confidence: High,
    default_enabled: false,
    summary: "Import of a CGI handler (exposed to httpoxy)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: CGI deployments are exposed to httpoxy; use a WSGI server",
    );
}
