//! SG811: `render_template_string` with a template that is not a constant.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::finding::Confidence;
use crate::rules::helpers::{is_constant_string_expr, is_dynamic_string};
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    Lookup, any_subexpression, qualified_name_at, with_assigned_value,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `flask.render_template_string(source, ...)` when `source` is not a constant
    /// string (a literal, or a name assigned a literal once). Confidence is high when the
    /// template is built by formatting or reads `flask.request`, medium otherwise.
    ///
    /// ## Why is this bad?
    /// The first argument is Jinja2 *source code*. Text that reaches it from a user is compiled
    /// and run on the server: `{{ config }}` leaks the secret key and
    /// `{{ ''.__class__.__mro__[1].__subclasses__() }}`-style payloads execute commands
    /// (server-side template injection). Formatting a value into the template before rendering
    /// is the usual way this happens.
    ///
    /// ## Example
    /// ```python
    /// return render_template_string(f"<h1>Hello {name}</h1>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    /// ```
    ///
    /// ## References
    /// - CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine
    /// - Flask docs: `render_template_string`
    code: "SG811",
    name: "flask-render-template-string",
    family: Xss,
    cwe: 1336,
    severity: High,
    confidence: Medium,
    summary: "`render_template_string` with a non-constant template (server-side template injection)",
    hooks: Hooks {
        call: Some((&["flask.render_template_string", "flask.templating.render_template_string"], check)),
        ..Hooks::NONE
    },
};

/// How a template expression looks: `None` when constant.
fn assess(checker: &Checker, lookup: Lookup, expr: &Expr, follow: bool) -> Option<Confidence> {
    if is_constant_string_expr(expr) {
        return None;
    }
    if let (Expr::Name(name), true) = (expr, follow) {
        if let Some(result) = with_assigned_value(checker, lookup, name, |value, inner| {
            assess(checker, inner, value, false)
        }) {
            return result;
        }
        return Some(Confidence::Medium);
    }
    let reads_request = any_subexpression(
        expr,
        &mut |sub| {
            matches!(sub, Expr::Name(_) | Expr::Attribute(_))
                && qualified_name_at(checker, lookup, sub)
                    .is_some_and(|name| name.starts_with("flask.request"))
        },
        &mut |_| true,
    );
    if reads_request || is_dynamic_string(expr) {
        Some(Confidence::High)
    } else {
        Some(Confidence::Medium)
    }
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(source) = site.argument(0, "source") else {
        return;
    };
    let Some(confidence) = assess(checker, Lookup::here(checker), source, true) else {
        return;
    };
    let finding = checker.report(
        source.range(),
        "template source passed to `render_template_string` is not a constant (server-side \
         template injection); keep the template constant and pass values as context variables",
    );
    finding.confidence = Some(confidence);
}
