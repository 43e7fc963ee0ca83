//! SG603: a `subprocess` call without a shell (audit aid; off by default).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::is_falsy_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::options::RuleOptions;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags every call to the `subprocess` functions (`options.subprocess`) that does not use
    /// a shell (no `shell=` argument, or a false literal). Off by default: it is an audit aid
    /// that lists every place a process is started.
    ///
    /// ## Why is this bad?
    /// Without a shell there is no shell injection, but the program still runs whatever
    /// executable and arguments it is given. If the program name or an argument comes from
    /// a user, they may choose what runs or inject options (`--upload-pack=...`,
    /// `-oProxyCommand=...`).
    ///
    /// ## Example
    /// ```python
    /// subprocess.run([tool, *user_args])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// subprocess.run(["/usr/bin/convert", "--", input_path, output_path])
    /// ```
    /// Fix the executable, validate arguments, and end options with `--`.
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    /// - Python docs: "subprocess — Security Considerations"
    code: "SG603",
    name: "subprocess-without-shell-equals-true",
    family: Injection,
    cwe: 78,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "`subprocess` call (without a shell): check the command for untrusted input",
    hooks: Hooks { call: Some((&[], check)), call_computed: Some(RuleOptions::subprocess_functions), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if !checker.options.subprocess.iter().any(|name| name == callee)
        || checker.options.shell.iter().any(|name| name == callee)
    {
        return;
    }
    if site
        .keyword("shell")
        .is_some_and(|shell| !is_falsy_literal(shell))
    {
        return;
    }
    let message = format!("`{callee}` starts a process: make sure no argument is user-controlled");
    checker.report(site.call.func.range(), message);
}
