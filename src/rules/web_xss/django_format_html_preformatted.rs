//! SG808: `format_html` given a format string that was already formatted.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::is_dynamic_string;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{Lookup, with_assigned_value};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `django.utils.html.format_html(fmt, ...)` and `format_html_join(sep, fmt, ...)`
    /// when `fmt` is itself built with an f-string, `%`, `.format()` or `+` (directly or
    /// through a local variable assigned once).
    ///
    /// ## Why is this bad?
    /// `format_html` escapes the *arguments* it substitutes and marks the result safe. Values
    /// already interpolated into the format string skip the escaping but still come out marked
    /// safe, so user input in them is rendered as HTML: cross-site scripting, with the
    /// appearance of having been escaped.
    ///
    /// ## Example
    /// ```python
    /// format_html(f"<b>{user.name}</b>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// format_html("<b>{}</b>", user.name)
    /// ```
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')
    /// - Django docs: `django.utils.html.format_html`
    code: "SG808",
    name: "django-format-html-preformatted",
    family: Xss,
    cwe: 79,
    severity: Medium,
    confidence: High,
    summary: "`format_html` with a pre-formatted string skips escaping (XSS)",
    hooks: Hooks {
        call: Some((&["django.utils.html.format_html", "django.utils.html.format_html_join"], check)),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let function = callee.rsplit('.').next().unwrap_or(callee);
    let format = if function == "format_html_join" {
        site.argument(1, "format_string")
    } else {
        site.argument(0, "format_string")
    };
    let Some(format) = format else { return };
    let dynamic = match format {
        Expr::Name(name) => {
            with_assigned_value(checker, Lookup::here(checker), name, |value, _| {
                is_dynamic_string(value)
            }) == Some(true)
        }
        format => is_dynamic_string(format),
    };
    if dynamic {
        checker.report(
            format.range(),
            format!(
                "format string of `{function}` is already formatted, so its values are not \
                 escaped; use `{{}}` placeholders and pass the values as arguments"
            ),
        );
    }
}
