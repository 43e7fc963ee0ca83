//! SG605: functions that always run their command through a shell (`os.system`, `os.popen`).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::finding::Severity;
use crate::rules::injection::subprocess_shell_true::is_literal_command;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::options::RuleOptions;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls to functions that always start a shell (`options.shell`: `os.system`,
    /// `os.popen`, `subprocess.getoutput`, `commands.getoutput`, ...). A command built at run
    /// time is reported with high severity; a fully literal command with low severity.
    ///
    /// ## Why is this bad?
    /// The command string is parsed by `/bin/sh`; any interpolated value can add `;`, `|`,
    /// `$(...)` or backticks and run arbitrary commands with the program's privileges.
    ///
    /// ## Example
    /// ```python
    /// os.system("ping -c 1 " + host)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// subprocess.run(["ping", "-c", "1", "--", host], check=True)
    /// ```
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    /// - Python docs: `os.system`, "subprocess — Replacing Older Functions"
    code: "SG605",
    name: "start-process-with-a-shell",
    family: Injection,
    cwe: 78,
    severity: High,
    confidence: High,
    summary: "Process started through a shell (`os.system`, `os.popen`, ...)",
    hooks: Hooks { call: Some((&[], check)), call_computed: Some(RuleOptions::shell_functions), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if !checker.options.shell.iter().any(|name| name == callee) {
        return;
    }
    let literal = site.positional(0).is_some_and(is_literal_command);
    let message = if literal {
        format!(
            "`{callee}` runs a literal command through the shell; prefer `subprocess.run` with an argument list"
        )
    } else {
        format!(
            "`{callee}` runs a command built at run time through the shell: shell injection if any part is user-controlled; use `subprocess.run` with an argument list"
        )
    };
    let finding = checker.report(site.call.func.range(), message);
    if literal {
        finding.severity = Some(Severity::Low);
    }
}
