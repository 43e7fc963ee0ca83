//! SG507: paramiko clients that accept unknown SSH host keys.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::qualified_or_callee;
use crate::rules::meta::{Hooks, RuleMeta};

const LAX_POLICIES: &[&str] = &[
    "paramiko.AutoAddPolicy",
    "paramiko.WarningPolicy",
    "paramiko.client.AutoAddPolicy",
    "paramiko.client.WarningPolicy",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `client.set_missing_host_key_policy(...)` with paramiko's `AutoAddPolicy` or
    /// `WarningPolicy` (the class or an instance).
    ///
    /// ## Why is this bad?
    /// Host key checking is what tells an SSH client it is talking to the real server. With
    /// these policies an unknown key is accepted (and with `AutoAddPolicy` even saved), so an
    /// attacker who can intercept the first connection — or any connection from a fresh
    /// container — receives the password or agent-forwarded credentials and can relay the
    /// session.
    ///
    /// ## Example
    /// ```python
    /// client = paramiko.SSHClient()
    /// client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// client = paramiko.SSHClient()
    /// client.load_system_host_keys()
    /// client.set_missing_host_key_policy(paramiko.RejectPolicy())
    /// ```
    ///
    /// ## References
    /// - CWE-295: Improper Certificate Validation
    /// - paramiko docs: "Client — MissingHostKeyPolicy"
    code: "SG507",
    name: "ssh-no-host-key-verification",
    family: Network,
    cwe: 295,
    severity: High,
    confidence: Medium,
    summary: "paramiko accepts unknown SSH host keys (`AutoAddPolicy`/`WarningPolicy`)",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["set_missing_host_key_policy"], ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.method_name() != Some("set_missing_host_key_policy") {
        return;
    }
    let Some(policy) = site.argument(0, "policy") else {
        return;
    };
    let Some(name) = qualified_or_callee(checker, policy) else {
        return;
    };
    if LAX_POLICIES.contains(&name.as_str()) {
        let short = name.rsplit('.').next().unwrap_or(&name);
        checker.report(
            policy.range(),
            format!("`{short}` accepts unknown SSH host keys; load known hosts and use `paramiko.RejectPolicy()`"),
        );
    }
}
