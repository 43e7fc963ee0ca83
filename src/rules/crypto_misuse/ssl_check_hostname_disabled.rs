//! SG903: `check_hostname = False` on a TLS context.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::helpers::is_falsy_literal;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags assignments of `False` (or another false literal) to a `check_hostname`
    /// attribute, as in `context.check_hostname = False` on an `ssl.SSLContext`.
    ///
    /// ## Why is this bad?
    /// Certificate validation proves that the peer holds *a* certificate from a trusted CA;
    /// the host-name check proves it is the certificate for the host you meant to reach.
    /// Without it, anyone with any valid certificate — obtainable for free for a domain they
    /// own — can intercept the connection.
    ///
    /// ## Example
    /// ```python
    /// context = ssl.create_default_context()
    /// context.check_hostname = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// context = ssl.create_default_context()
    /// # connect with server_hostname=... and keep check_hostname enabled
    /// ```
    ///
    /// ## References
    /// - CWE-297: Improper Validation of Certificate with Host Mismatch
    /// - Python docs: `ssl.SSLContext.check_hostname`
    code: "SG903",
    name: "ssl-check-hostname-disabled",
    family: Crypto,
    cwe: 297,
    severity: Medium,
    confidence: High,
    summary: "TLS host-name verification disabled with `check_hostname = False`",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Assign]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Assign(assign) = stmt else { return };
    if !is_falsy_literal(&assign.value) || matches!(&*assign.value, Expr::StringLiteral(_)) {
        return;
    }
    for target in &assign.targets {
        if let Expr::Attribute(attribute) = target
            && attribute.attr.as_str() == "check_hostname"
        {
            checker.report(
                    assign.range(),
                    "`check_hostname = False` accepts any trusted certificate for any host; keep host-name checking on and pass `server_hostname`",
                );
            return;
        }
    }
}
