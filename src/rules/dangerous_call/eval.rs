//! SG307: `eval` on a non-literal expression.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::is_constant_string_expr;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls to the builtin `eval(...)` whose expression is not a string literal.
    ///
    /// ## Why is this bad?
    /// `eval` runs arbitrary Python. If any part of the string comes from a request, a file
    /// or an environment variable, whoever controls it can call `__import__("os").system(...)`.
    /// Restricting `globals`/`__builtins__` does not make it safe.
    ///
    /// ## Example
    /// ```python
    /// limits = eval(request.args["limits"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// limits = ast.literal_eval(request.args["limits"])  # or json.loads
    /// ```
    ///
    /// ## References
    /// - CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')
    /// - Python docs: "ast.literal_eval"
    code: "SG307",
    name: "eval",
    family: DangerousCall,
    cwe: 95,
    severity: Medium,
    confidence: High,
    summary: "`eval` of a non-literal string can execute arbitrary code",
    hooks: Hooks { call: Some((&["eval"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site
        .argument(0, "source")
        .is_some_and(is_constant_string_expr)
    {
        return;
    }
    checker.report(
        site.call.func.range(),
        "`eval` of a non-literal expression can run arbitrary code; use `ast.literal_eval` or `json.loads`",
    );
}
