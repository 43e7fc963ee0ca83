//! SG904: TLS certificate verification switched off with `CERT_NONE`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `context.verify_mode = ssl.CERT_NONE` and `cert_reqs=ssl.CERT_NONE` (or the
    /// string `"CERT_NONE"`) passed to `ssl.wrap_socket` or to urllib3's pool managers and
    /// connection pools.
    ///
    /// ## Why is this bad?
    /// With `CERT_NONE` the client accepts any certificate, including a self-signed one made
    /// by an attacker on the network path, who can then read and modify the traffic —
    /// credentials and session cookies included — while the connection still looks encrypted.
    ///
    /// ## Example
    /// ```python
    /// context = ssl.create_default_context()
    /// context.verify_mode = ssl.CERT_NONE
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// context = ssl.create_default_context(cafile="/etc/myapp/internal-ca.pem")
    /// ```
    /// Trust the private CA explicitly instead of trusting everything.
    ///
    /// ## References
    /// - CWE-295: Improper Certificate Validation
    /// - Python docs: `ssl.SSLContext.verify_mode`
    code: "SG904",
    name: "ssl-verify-mode-cert-none",
    family: Crypto,
    cwe: 295,
    severity: High,
    confidence: High,
    summary: "TLS certificate verification disabled with `CERT_NONE`",
    hooks: Hooks {
        call: Some((
            &[
                "ssl.wrap_socket",
                "urllib3.PoolManager",
                "urllib3.ProxyManager",
                "urllib3.proxy_from_url",
                "urllib3.HTTPSConnectionPool",
                "urllib3.connection_from_url",
                "urllib3.poolmanager.PoolManager",
                "urllib3.poolmanager.ProxyManager",
                "urllib3.connectionpool.HTTPSConnectionPool",
                "urllib3.connectionpool.connection_from_url",
            ],
            check_call,
        )),
        stmt: Some(check_stmt), stmt_kinds: Kinds::stmts(&[StmtKind::Assign]),
        ..Hooks::NONE
    },
};

fn is_cert_none(checker: &Checker, expr: &Expr) -> bool {
    if let Some(text) = string_literal(expr) {
        return matches!(text.as_str(), "CERT_NONE" | "NONE");
    }
    checker
        .qualified_name(expr)
        .is_some_and(|name| matches!(name.as_str(), "ssl.CERT_NONE" | "ssl.VerifyMode.CERT_NONE"))
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Assign(assign) = stmt else { return };
    let sets_verify_mode = assign.targets.iter().any(|target| {
        matches!(target, Expr::Attribute(attribute) if attribute.attr.as_str() == "verify_mode")
    });
    if sets_verify_mode && is_cert_none(checker, &assign.value) {
        checker.report(
            assign.range(),
            "`verify_mode = CERT_NONE` accepts any certificate, so TLS no longer authenticates the server; keep `CERT_REQUIRED` and trust the right CA",
        );
    }
}

fn check_call(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let Some(cert_reqs) = site.keyword("cert_reqs") else {
        return;
    };
    if is_cert_none(checker, cert_reqs) {
        checker.report(
            cert_reqs.range(),
            format!(
                "`{callee}` with `cert_reqs=CERT_NONE` accepts any certificate; use `CERT_REQUIRED` and a CA bundle"
            ),
        );
    }
}
