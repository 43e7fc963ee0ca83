//! SG931: `urllib.request` basic-auth credentials registered for an `http://` URL.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::net_cleartext::remote_cleartext_url;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `add_password(realm, uri, user, passwd)` on `urllib.request` password managers
    /// and auth handlers (`HTTPPasswordMgrWithDefaultRealm`, `HTTPBasicAuthHandler`, ...) when
    /// `uri` is a literal `http://` URL on a non-local host.
    ///
    /// ## Why is this bad?
    /// urllib then answers the server's challenge with an `Authorization: Basic` header —
    /// the user name and password, merely base64-encoded — over an unencrypted connection
    /// that anyone on the network path can read.
    ///
    /// ## Example
    /// ```python
    /// manager.add_password(None, "http://intranet.example.com/", user, password)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// manager.add_password(None, "https://intranet.example.com/", user, password)
    /// ```
    ///
    /// ## References
    /// - CWE-523: Unprotected Transport of Credentials
    /// - Python docs: `urllib.request.HTTPPasswordMgr.add_password`
    code: "SG931",
    name: "urllib-basic-auth-over-http",
    family: Network,
    cwe: 523,
    severity: High,
    confidence: High,
    summary: "urllib basic-auth password registered for a plain `http://` URL",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["add_password"], ..Hooks::NONE },
};

const PASSWORD_HOLDERS: &[&str] = &[
    "urllib.request.HTTPPasswordMgr",
    "urllib.request.HTTPPasswordMgrWithDefaultRealm",
    "urllib.request.HTTPPasswordMgrWithPriorAuth",
    "urllib.request.HTTPBasicAuthHandler",
    "urllib.request.ProxyBasicAuthHandler",
    "urllib2.HTTPPasswordMgr",
    "urllib2.HTTPPasswordMgrWithDefaultRealm",
    "urllib2.HTTPBasicAuthHandler",
];

fn check(checker: &mut Checker, site: &CallSite) {
    if site.method_name() != Some("add_password") {
        return;
    }
    let Expr::Attribute(attribute) = &*site.call.func else {
        return;
    };
    let class = match &*attribute.value {
        Expr::Call(call) => checker.qualified_name(&call.func),
        receiver => checker
            .semantic
            .instance_of(checker.scope, receiver)
            .map(str::to_string),
    };
    let Some(class) = class.filter(|class| PASSWORD_HOLDERS.contains(&class.as_str())) else {
        return;
    };
    let Some(uri) = site.argument(1, "uri") else {
        return;
    };
    if remote_cleartext_url(uri).is_some() {
        checker.report(
            uri.range(),
            format!(
                "`{class}.add_password` registers a password for a plain `http://` URL, so it is sent unencrypted; use `https://`"
            ),
        );
    }
}
