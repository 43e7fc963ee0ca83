//! SG102: the `exec` builtin.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::finding::Severity;
use crate::rules::helpers::is_constant_string_expr;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls to the `exec` builtin. Code given as a fully literal string is reported with
    /// low severity; code built or loaded at run time with medium severity.
    ///
    /// ## Why is this bad?
    /// `exec` compiles and runs any Python it is handed, with the caller's privileges and
    /// globals. If any part of that text can be influenced from outside — a request field, a
    /// configuration value, a file in a writable directory — the influence becomes arbitrary
    /// code execution. Even purely internal uses make the code hard to review and analyse.
    ///
    /// ## Example
    /// ```python
    /// exec(f"result = {request.args['expr']}")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import ast
    /// result = ast.literal_eval(request.args["expr"])
    /// ```
    /// Parse data with a data-only parser, or dispatch to known functions through a dictionary.
    ///
    /// ## References
    /// - CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code
    /// - Python docs: built-in function `exec`
    code: "SG102",
    name: "exec-used",
    family: Misc,
    cwe: 95,
    severity: Medium,
    confidence: High,
    summary: "`exec` runs arbitrary Python code",
    hooks: Hooks { call: Some((&["exec"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let literal = site
        .argument(0, "source")
        .is_some_and(is_constant_string_expr);
    let message = if literal {
        "`exec` of a literal string: replace it with ordinary code"
    } else {
        "`exec` runs code built at run time: arbitrary code execution if any part is user-controlled; use a data parser or a dispatch table"
    };
    let finding = checker.report(site.call.func.range(), message);
    if literal {
        finding.severity = Some(Severity::Low);
    }
}
