//! SG306: `tempfile.mktemp`, which returns a name without creating the file.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls to `tempfile.mktemp(...)`.
    ///
    /// ## Why is this bad?
    /// `mktemp` only invents a file name; the file is created later by the caller. In between,
    /// another local user can create that path — often as a symlink to a file the program may
    /// write — so the program writes where the attacker chose or reads attacker content.
    /// The function has been deprecated since Python 2.3 for this reason.
    ///
    /// ## Example
    /// ```python
    /// path = tempfile.mktemp(suffix=".csv")
    /// with open(path, "w") as handle:
    ///     handle.write(report)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
    ///     handle.write(report)
    /// ```
    ///
    /// ## References
    /// - CWE-377: Insecure Temporary File
    /// - Python docs: "tempfile.mktemp — Deprecated"
    code: "SG306",
    name: "mktemp-q",
    family: DangerousCall,
    cwe: 377,
    severity: Medium,
    confidence: High,
    summary: "`tempfile.mktemp` creates a race between naming and creating the file",
    hooks: Hooks { call: Some((&["tempfile.mktemp"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    checker.report(
        site.call.func.range(),
        "`tempfile.mktemp` is race-prone; use `tempfile.mkstemp()` or `tempfile.NamedTemporaryFile()`",
    );
}
