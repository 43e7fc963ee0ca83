//! SG817: the Werkzeug interactive debugger switched on directly.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{is_false_literal, is_true_literal};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `werkzeug.debug.DebuggedApplication(app, evalex=True)` and
    /// `werkzeug.serving.run_simple(..., use_debugger=True)` unless `use_evalex=False`.
    /// (`app.run(debug=True)` for Flask is SG201.)
    ///
    /// ## Why is this bad?
    /// With `evalex` the debugger's error page contains a Python console. Whoever reaches the
    /// page after an exception can run code on the server; the PIN that guards it is derived
    /// from guessable machine data and is bypassable through other bugs such as a file read.
    ///
    /// ## Example
    /// ```python
    /// application = DebuggedApplication(app, evalex=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// application = app  # no debugger outside a developer's machine
    /// ```
    ///
    /// ## References
    /// - CWE-489: Active Debug Code
    /// - Werkzeug docs: "Debugging Applications"
    code: "SG817",
    name: "werkzeug-debugger-enabled",
    family: Misconfiguration,
    cwe: 489,
    severity: High,
    confidence: High,
    summary: "Werkzeug interactive debugger enabled (remote code execution)",
    hooks: Hooks {
        call: Some((&[
            "werkzeug.debug.DebuggedApplication",
            "werkzeug.serving.run_simple",
            "werkzeug.run_simple",
        ], check)),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    if callee.ends_with("DebuggedApplication") {
        if let Some(evalex) = site.argument(1, "evalex").filter(|v| is_true_literal(v)) {
            checker.report(
                evalex.range(),
                "`DebuggedApplication(evalex=True)` serves an in-browser Python console \
                 (remote code execution); do not wrap deployed applications in the debugger",
            );
        }
        return;
    }
    // run_simple(hostname, port, application, use_reloader, use_debugger, use_evalex, ...)
    let Some(debugger) = site
        .argument(4, "use_debugger")
        .filter(|v| is_true_literal(v))
    else {
        return;
    };
    if site.argument(5, "use_evalex").is_some_and(is_false_literal) {
        return;
    }
    checker.report(
        debugger.range(),
        "`run_simple(use_debugger=True)` serves the Werkzeug console (remote code execution); \
         disable the debugger or pass `use_evalex=False`",
    );
}
