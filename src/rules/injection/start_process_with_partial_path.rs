//! SG607: a process started by bare program name, resolved through `PATH` (off by default).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::options::RuleOptions;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags process-starting calls (`options.subprocess`, `options.shell`, `options.no-shell`)
    /// whose program is a literal that is not an absolute or explicitly relative path:
    /// `subprocess.run(["git", "status"])`, `os.system("ls")`. Off by default, since calling
    /// tools by name is common and usually intended.
    ///
    /// ## Why is this bad?
    /// The executable is looked up through `PATH` at run time. If an attacker can prepend a
    /// writable directory to `PATH` (or the working directory is searched on Windows), a
    /// planted `git` or `ls` runs instead of the real one.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(["git", "pull"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// subprocess.run([shutil.which("git") or "/usr/bin/git", "pull"])
    /// ```
    /// Use an absolute path, or resolve it once from a trusted `PATH`.
    ///
    /// ## References
    /// - CWE-426: Untrusted Search Path
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    code: "SG607",
    name: "start-process-with-partial-path",
    family: Injection,
    cwe: 426,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Process started by bare program name, looked up through `PATH`",
    hooks: Hooks { call: Some((&[], check)), call_computed: Some(RuleOptions::process_functions), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let options = checker.options;
    if ![&options.subprocess, &options.shell, &options.no_shell]
        .iter()
        .any(|list| list.iter().any(|name| name == callee))
    {
        return;
    }
    let Some(command) = site.argument(0, "args") else {
        return;
    };
    let program = match command {
        Expr::List(list) => list.elts.first(),
        Expr::Tuple(tuple) => tuple.elts.first(),
        other => Some(other),
    };
    let Some(program) = program else { return };
    let Some(text) = string_literal(program) else {
        return;
    };
    let text = text.trim_start();
    if text.is_empty() || is_full_path(text) {
        return;
    }
    let name = text.split_whitespace().next().unwrap_or(text);
    let message = format!(
        "`{callee}` starts `{name}` by bare name, resolved through PATH; use an absolute path"
    );
    checker.report(program.range(), message);
}

/// `/usr/bin/x`, `./x`, `../x`, `\\server\x`, `C:\x`.
fn is_full_path(text: &str) -> bool {
    let bytes = text.as_bytes();
    matches!(bytes.first(), Some(b'/' | b'\\' | b'.'))
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}
