//! SG604: a non-`subprocess` function called with `shell=True`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::is_truthy_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls with `shell=True` to functions that are not in the `subprocess` list
    /// (`options.subprocess`, covered by SG602) — typically project wrappers and third-party
    /// helpers (`run_command(cmd, shell=True)`, `invoke.run(..., shell=True)`).
    ///
    /// ## Why is this bad?
    /// A `shell=True` argument usually means the wrapper passes its command to `/bin/sh`, with
    /// the same injection risk as `subprocess.run(cmd, shell=True)`, but hidden behind a name
    /// reviewers do not recognise.
    ///
    /// ## Example
    /// ```python
    /// utils.run_command(f"git clone {repo_url}", shell=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// utils.run_command(["git", "clone", "--", repo_url])
    /// ```
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    code: "SG604",
    name: "any-other-function-with-shell-equals-true",
    family: Injection,
    cwe: 78,
    severity: Medium,
    confidence: Low,
    summary: "Function called with `shell=True` probably runs its command through a shell",
    hooks: Hooks { call: Some((&[], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(shell) = site.keyword("shell") else {
        return;
    };
    if !is_truthy_literal(shell) {
        return;
    }
    if let Some(callee) = site.qualified
        && checker.options.subprocess.iter().any(|name| name == callee)
    {
        return;
    }
    let name = checker.source(site.call.func.range());
    let message = format!(
        "`{name}` is called with `shell=True`: if it runs a shell, any user-controlled part of the command is shell injection"
    );
    checker.report(site.call.func.range(), message);
}
