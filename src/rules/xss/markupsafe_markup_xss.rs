//! SG704: `markupsafe.Markup` (and its Flask/Jinja2 re-exports) on unescaped dynamic strings.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::xss::safe_html::is_escaped_html;

const MARKUP: &[&str] = &[
    "markupsafe.Markup",
    "flask.Markup",
    "jinja2.Markup",
    "jinja2.utils.Markup",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `Markup(...)` from `markupsafe` (also reached as `flask.Markup` or
    /// `jinja2.Markup`) when the argument is neither a literal nor built only from escaped
    /// parts. `Markup("<b>{}</b>").format(name)` is not reported: `format` escapes.
    ///
    /// ## Why is this bad?
    /// `Markup` declares a string safe HTML; Jinja2 then inserts it without escaping even with
    /// autoescape on. Any user-controlled part becomes live markup (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// flash(Markup(f"Welcome back, <b>{user.name}</b>"))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// flash(Markup("Welcome back, <b>{}</b>").format(user.name))
    /// ```
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')
    /// - MarkupSafe docs: "Markup.format escapes its arguments"
    code: "SG704",
    name: "markupsafe-markup-xss",
    family: Xss,
    cwe: 79,
    severity: Medium,
    confidence: Medium,
    summary: "`markupsafe.Markup` on a string with unescaped dynamic parts",
    hooks: Hooks { call: Some((MARKUP, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(argument) = site.positional(0).or_else(|| site.keyword("base")) else {
        return;
    };
    if is_escaped_html(checker, argument) {
        return;
    }
    checker.report(
        argument.range(),
        "`Markup` on a string with unescaped dynamic parts allows XSS; use `Markup(\"...{}...\").format(value)` or `escape()`",
    );
}
