//! SG312: Telnet connections (cleartext).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `telnetlib.Telnet(...)` connections.
    ///
    /// ## Why is this bad?
    /// Telnet sends everything, including the login password, in cleartext, and does not
    /// authenticate the server. Anyone on the network path can read the session or inject
    /// commands into it. (`telnetlib` was also removed in Python 3.13.)
    ///
    /// ## Example
    /// ```python
    /// session = telnetlib.Telnet(switch_host)
    /// session.write(password.encode() + b"\n")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// client = paramiko.SSHClient()
    /// client.load_system_host_keys()
    /// client.connect(switch_host, username=user, password=password)
    /// ```
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - PEP 594: Removing dead batteries from the standard library
    code: "SG312",
    name: "telnetlib",
    family: DangerousCall,
    cwe: 319,
    severity: High,
    confidence: High,
    summary: "Telnet connection sends credentials and data in cleartext",
    hooks: Hooks { call: Some((&["telnetlib.Telnet"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    checker.report(
        site.call.func.range(),
        "`telnetlib.Telnet` sends credentials and data in cleartext; use SSH (e.g. paramiko) instead",
    );
}
