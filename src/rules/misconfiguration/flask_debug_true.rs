//! SG201: Flask application run with the Werkzeug debugger on.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::is_truthy_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `app.run(debug=True)` on a Flask application (any `*.run(debug=True)` call whose
    /// receiver was created by `flask.Flask(...)`, or any `run(debug=True)` in a module that
    /// imports Flask).
    ///
    /// ## Why is this bad?
    /// Flask's debug mode enables the Werkzeug interactive debugger: anyone who can trigger an
    /// exception gets a Python console in the browser and can run arbitrary code on the server.
    /// It also returns full stack traces with source code and local variables.
    ///
    /// ## Example
    /// ```python
    /// app = Flask(__name__)
    /// app.run(debug=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    /// ```
    /// and never enable it where the server is reachable by others.
    ///
    /// ## References
    /// - CWE-489: Active Debug Code
    /// - Flask docs: "Debug Mode"
    code: "SG201",
    name: "flask-debug-true",
    family: Misconfiguration,
    cwe: 489,
    severity: High,
    confidence: Medium,
    summary: "Flask app run with `debug=True` exposes the Werkzeug debugger (remote code execution)",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["run"], ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.method_name() != Some("run") {
        return;
    }
    let Some(debug) = site.keyword("debug") else {
        return;
    };
    if !is_truthy_literal(debug) {
        return;
    }
    let Expr::Attribute(attribute) = &*site.call.func else {
        return;
    };
    let is_flask = match &*attribute.value {
        Expr::Call(call) => checker.qualified_name(&call.func).as_deref() == Some("flask.Flask"),
        receiver => match checker.semantic.instance_of(checker.scope, receiver) {
            Some(class) => class == "flask.Flask",
            None => module_imports_flask(checker),
        },
    };
    if is_flask {
        checker.report(
            debug.range(),
            "Flask app run with `debug=True`: the Werkzeug debugger allows remote code execution",
        );
    }
}

fn module_imports_flask(checker: &Checker) -> bool {
    checker
        .semantic
        .bindings()
        .iter()
        .any(|binding| match &binding.kind {
            crate::analysis::semantic::BindingKind::Import { module } => module == "flask",
            crate::analysis::semantic::BindingKind::FromImport { qualified } => {
                qualified.starts_with("flask.")
            }
            _ => false,
        })
}
