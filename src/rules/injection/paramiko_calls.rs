//! SG601: commands run on a remote host through paramiko's `exec_command`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::semantic::BindingKind;
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::finding::Severity;
use crate::rules::helpers::module_imports;
use crate::rules::injection::subprocess_shell_true::is_literal_command;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `exec_command(...)` calls in files that import `paramiko` (typically
    /// `SSHClient.exec_command`). Commands built at run time are reported with medium severity,
    /// fully literal commands with low severity.
    ///
    /// ## Why is this bad?
    /// `exec_command` hands its string to the remote user's login shell. Any interpolated value —
    /// a filename, a user name, a branch — can append `; rm -rf ~` or `$(...)` and run commands
    /// on the remote machine with the SSH user's privileges.
    ///
    /// ## Example
    /// ```python
    /// client.exec_command(f"tail -n 100 /var/log/{service}.log")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// client.exec_command(f"tail -n 100 /var/log/{shlex.quote(service)}.log")
    /// ```
    /// Quote every interpolated value with `shlex.quote`, or validate it against an allow-list.
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    /// - Paramiko docs: `SSHClient.exec_command`
    code: "SG601",
    name: "paramiko-calls",
    family: Injection,
    cwe: 78,
    severity: Medium,
    confidence: Medium,
    summary: "Remote shell command run through paramiko `exec_command`",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["exec_command"], ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.method_name() != Some("exec_command") || !module_imports(checker.semantic, "paramiko") {
        return;
    }
    if let Expr::Attribute(attribute) = &*site.call.func
        && instance_of_other_class(checker, &attribute.value)
    {
        return;
    }
    let literal = site.argument(0, "command").is_some_and(is_literal_command);
    let message = if literal {
        "paramiko `exec_command` runs a literal command in the remote shell"
    } else {
        "paramiko `exec_command` runs a command built at run time in the remote shell: quote values with `shlex.quote`"
    };
    let finding = checker.report(site.call.func.range(), message);
    if literal {
        finding.severity = Some(Severity::Low);
    }
}

/// Whether the receiver is known to be created by a class other than paramiko's: an imported
/// class from another library, or a class defined in this file (`runner = LocalRunner()`).
fn instance_of_other_class(checker: &Checker, receiver: &Expr) -> bool {
    if let Some(class) = checker.semantic.instance_of(checker.scope, receiver) {
        return !class.starts_with("paramiko.");
    }
    let Expr::Name(name) = receiver else {
        return false;
    };
    let semantic = checker.semantic;
    let Some(id) = semantic.resolve_name(checker.scope, name.id.as_str(), name.range.start())
    else {
        return false;
    };
    let binding = semantic.binding(id);
    if !matches!(binding.kind, BindingKind::Assignment { .. }) {
        return false;
    }
    // `x = LocalClass(...)`.
    let Some(Expr::Call(call)) = binding.value else {
        return false;
    };
    let Expr::Name(callee) = &*call.func else {
        return false;
    };
    semantic
        .resolve_name(binding.scope, callee.id.as_str(), callee.range.start())
        .is_some_and(|class| semantic.binding(class).kind == BindingKind::ClassDef)
}
