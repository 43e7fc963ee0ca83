//! SG609: `chown`/`chmod`/`tar`/`rsync` with a `*` wildcard run through a shell.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::{is_truthy_literal, string_literal};
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::options::RuleOptions;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags shell commands (functions in `options.shell`, or `options.subprocess` functions
    /// with `shell=True`) whose literal command runs `chown`, `chmod`, `tar` or `rsync` with a
    /// `*` wildcard, such as `os.system("tar czf backup.tgz *")`.
    ///
    /// ## Why is this bad?
    /// The shell expands `*` to the file names in the directory, and these tools treat names
    /// beginning with `-` as options. Anyone who can create a file called
    /// `--checkpoint-action=exec=sh evil.sh` (tar) or `--reference=owned` (chown/chmod) in that
    /// directory controls the command's options, often leading to code execution.
    ///
    /// ## Example
    /// ```python
    /// os.system("cd /srv/uploads && tar czf /backup/uploads.tgz *")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// subprocess.run(["tar", "czf", "/backup/uploads.tgz", "-C", "/srv/uploads", "."], check=True)
    /// ```
    /// Pass the directory itself, or end options with `--` before the wildcard (`tar czf out.tgz -- *`).
    ///
    /// ## References
    /// - CWE-155: Improper Neutralization of Wildcards or Matching Symbols
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    code: "SG609",
    name: "linux-commands-wildcard-injection",
    family: Injection,
    cwe: 155,
    severity: High,
    confidence: Medium,
    summary: "`chown`/`chmod`/`tar`/`rsync` with a shell wildcard allows option injection",
    hooks: Hooks { call: Some((&[], check)), call_computed: Some(RuleOptions::shell_or_subprocess_functions), ..Hooks::NONE },
};

const TOOLS: &[&str] = &["chown", "chmod", "tar", "rsync"];

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let shell = checker.options.shell.iter().any(|name| name == callee)
        || (checker.options.subprocess.iter().any(|name| name == callee)
            && site.keyword("shell").is_some_and(is_truthy_literal));
    if !shell {
        return;
    }
    let Some(command) = site.argument(0, "args") else {
        return;
    };
    let text = match command {
        Expr::List(list) => list
            .elts
            .iter()
            .filter_map(string_literal)
            .collect::<Vec<_>>()
            .join(" "),
        other => match string_literal(other) {
            Some(text) => text,
            None => return,
        },
    };
    if !text.contains('*') {
        return;
    }
    let tool = text
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '('))
        .map(|word| word.rsplit('/').next().unwrap_or(word))
        .find(|word| TOOLS.contains(word));
    if let Some(tool) = tool {
        let message = format!(
            "`{callee}` runs `{tool}` with a `*` wildcard: file names starting with `-` become options; use `--` or pass the directory"
        );
        checker.report(site.call.func.range(), message);
    }
}
