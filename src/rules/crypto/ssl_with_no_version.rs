//! SG504: `ssl.wrap_socket` without an explicit protocol version.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `ssl.wrap_socket(...)` calls that do not pass `ssl_version`.
    ///
    /// ## Why is this bad?
    /// The module-level `ssl.wrap_socket` (deprecated since Python 3.7, removed in 3.12)
    /// picks its protocol and, by default, does not verify the peer certificate
    /// (`cert_reqs=CERT_NONE`). Relying on its defaults means the connection's security
    /// depends on the Python and OpenSSL versions it happens to run on.
    ///
    /// ## Example
    /// ```python
    /// tls = ssl.wrap_socket(sock)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// context = ssl.create_default_context()
    /// tls = context.wrap_socket(sock, server_hostname=host)
    /// ```
    ///
    /// ## References
    /// - CWE-327: Use of a Broken or Risky Cryptographic Algorithm
    /// - Python docs: "ssl — Security considerations"
    code: "SG504",
    name: "ssl-with-no-version",
    family: Crypto,
    cwe: 327,
    severity: Low,
    confidence: Medium,
    summary: "`ssl.wrap_socket` without `ssl_version` relies on version-dependent defaults",
    hooks: Hooks { call: Some((&["ssl.wrap_socket"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    // `ssl_version` is the sixth positional parameter.
    if site.argument(5, "ssl_version").is_some() || site.has_kwargs_splat() {
        return;
    }
    checker.report(
        site.call.func.range(),
        "`ssl.wrap_socket` without `ssl_version`; use `ssl.create_default_context().wrap_socket(...)`",
    );
}
