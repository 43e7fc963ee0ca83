//! SG503: function parameters whose default is an obsolete SSL/TLS protocol.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Ranged, Stmt};
use crate::declare_rule;
use crate::rules::crypto::ssl_with_bad_version::bad_protocol;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags function parameters whose default value is an obsolete protocol constant such
    /// as `ssl.PROTOCOL_SSLv3`, `ssl.PROTOCOL_TLSv1` or `OpenSSL.SSL.TLSv1_METHOD`.
    ///
    /// ## Why is this bad?
    /// Every caller that does not pass the argument silently gets SSLv3 or TLS 1.0/1.1,
    /// which are broken or deprecated. Defaults spread: wrappers and helper libraries pass
    /// them on without anyone choosing them.
    ///
    /// ## Example
    /// ```python
    /// def connect(host, port, ssl_version=ssl.PROTOCOL_TLSv1):
    ///     ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def connect(host, port, context=None):
    ///     context = context or ssl.create_default_context()
    ///     ...
    /// ```
    ///
    /// ## References
    /// - CWE-327: Use of a Broken or Risky Cryptographic Algorithm
    /// - RFC 8996: Deprecating TLS 1.0 and TLS 1.1
    code: "SG503",
    name: "ssl-with-bad-defaults",
    family: Crypto,
    cwe: 327,
    severity: Medium,
    confidence: Medium,
    summary: "Function parameter defaults to an obsolete SSL/TLS protocol version",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::FunctionDef]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::FunctionDef(function) = stmt else {
        return;
    };
    for parameter in function.parameters.iter() {
        let Some(default) = parameter.default() else {
            continue;
        };
        if let Some(protocol) = bad_protocol(checker, default) {
            let name = parameter.name().to_string();
            checker.report(
                default.range(),
                format!("parameter `{name}` of `{}` defaults to the obsolete `{protocol}`; default to TLS 1.2 or newer", function.name),
            );
        }
    }
}
