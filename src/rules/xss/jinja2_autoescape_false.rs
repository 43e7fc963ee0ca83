//! SG701: Jinja2 environments with HTML autoescaping off.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::finding::Confidence;
use crate::rules::helpers::is_falsy_literal;
use crate::rules::meta::{Hooks, RuleMeta};

const ENVIRONMENTS: &[&str] = &[
    "jinja2.Environment",
    "jinja2.environment.Environment",
    "jinja2.sandbox.SandboxedEnvironment",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `jinja2.Environment(...)` (and `SandboxedEnvironment`) created with
    /// `autoescape=False` or without `autoescape` (Jinja2's default is off). `autoescape=True`,
    /// `select_autoescape(...)` and non-literal values are accepted.
    ///
    /// ## Why is this bad?
    /// Without autoescaping every `{{ value }}` is inserted into the page verbatim. One
    /// template variable that holds user input — a name, a search term, a comment — is
    /// enough for cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// env = Environment(loader=FileSystemLoader("templates"))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
    /// ```
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')
    /// - Jinja docs: "Autoescaping"
    code: "SG701",
    name: "jinja2-autoescape-false",
    family: Xss,
    cwe: 79,
    severity: High,
    confidence: High,
    summary: "Jinja2 environment with autoescaping off renders variables as raw HTML",
    hooks: Hooks { call: Some((ENVIRONMENTS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    match site.keyword("autoescape") {
        Some(value) if is_falsy_literal(value) && !matches!(value, Expr::StringLiteral(_)) => {
            checker.report(
                value.range(),
                "Jinja2 `autoescape=False` renders variables as raw HTML (XSS); use `autoescape=select_autoescape()`",
            );
        }
        Some(_) => {}
        None if site.has_kwargs_splat() => {}
        None => {
            let finding = checker.report(
                site.call.func.range(),
                "Jinja2 environment without `autoescape` does not escape HTML (XSS); pass `autoescape=select_autoescape()`",
            );
            finding.confidence = Some(Confidence::Medium);
        }
    }
}
