//! SG323: `ssl._create_unverified_context`, which turns off certificate checks.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Ranged, Stmt};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const UNVERIFIED: &str = "ssl._create_unverified_context";

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls to `ssl._create_unverified_context()` and the process-wide patch
    /// `ssl._create_default_https_context = ssl._create_unverified_context`.
    ///
    /// ## Why is this bad?
    /// The unverified context accepts any certificate for any host name. A network attacker
    /// can impersonate the server and read or alter the traffic. The global patch does this for
    /// every `urllib`/`http.client` connection in the process, including libraries.
    ///
    /// ## Example
    /// ```python
    /// urllib.request.urlopen(url, context=ssl._create_unverified_context())
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// context = ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")
    /// urllib.request.urlopen(url, context=context)
    /// ```
    ///
    /// ## References
    /// - CWE-295: Improper Certificate Validation
    /// - PEP 476: Enabling certificate verification by default for stdlib http clients
    code: "SG323",
    name: "unverified-context",
    family: DangerousCall,
    cwe: 295,
    severity: High,
    confidence: High,
    summary: "`ssl._create_unverified_context` disables certificate and host name checks",
    hooks: Hooks { call: Some((&[UNVERIFIED], check)), stmt: Some(check_patch), stmt_kinds: Kinds::stmts(&[StmtKind::Assign]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    checker.report(
        site.call.func.range(),
        "`ssl._create_unverified_context()` disables certificate verification; use `ssl.create_default_context()`",
    );
}

fn check_patch(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Assign(assign) = stmt else { return };
    if checker.qualified_name(&assign.value).as_deref() != Some(UNVERIFIED) {
        return;
    }
    checker.report(
        assign.value.range(),
        "installing `ssl._create_unverified_context` as the default disables certificate checks for every HTTPS connection",
    );
}
