//! SG606: processes started without a shell via `os.exec*`/`os.spawn*` (audit aid; off by default).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::options::RuleOptions;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls to functions that start a process without a shell (`options.no-shell`:
    /// `os.execv`, `os.spawnlp`, `os.startfile`, ...). Off by default: an audit aid listing
    /// every place a program is launched.
    ///
    /// ## Why is this bad?
    /// No shell means no shell injection, but whoever controls the program path or the
    /// arguments still controls what runs and how (option injection, running a binary from a
    /// writable directory).
    ///
    /// ## Example
    /// ```python
    /// os.execvp(tool, [tool, *args])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// os.execv("/usr/bin/rsync", ["rsync", "--", source, dest])
    /// ```
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    code: "SG606",
    name: "start-process-with-no-shell",
    family: Injection,
    cwe: 78,
    severity: Low,
    confidence: Medium,
    default_enabled: false,
    summary: "Process started without a shell (`os.exec*`, `os.spawn*`): check its arguments",
    hooks: Hooks { call: Some((&[], check)), call_computed: Some(RuleOptions::no_shell_functions), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if !checker.options.no_shell.iter().any(|name| name == callee) {
        return;
    }
    let message = format!(
        "`{callee}` starts a process: make sure the program and its arguments are not user-controlled"
    );
    checker.report(site.call.func.range(), message);
}
