//! SG703: Django `mark_safe` / `SafeString` on strings with unescaped dynamic parts.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::xss::safe_html::is_escaped_html;

const MARKERS: &[&str] = &[
    "django.utils.safestring.mark_safe",
    "django.utils.html.mark_safe",
    "django.utils.safestring.SafeString",
    "django.utils.safestring.SafeText",
    "django.utils.safestring.SafeUnicode",
    "django.utils.safestring.SafeBytes",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `mark_safe(...)`, `SafeString(...)` and `SafeText(...)` from Django when the
    /// argument is neither a literal nor built only from escaped parts (`escape`,
    /// `format_html`, `conditional_escape`, ... inside an f-string, `%`, `+` or `.format`).
    ///
    /// ## Why is this bad?
    /// These calls mark a string as already-escaped HTML, so the template engine inserts it
    /// verbatim. A user-controlled name, comment or URL inside it becomes live markup and
    /// can run script in other users' browsers.
    ///
    /// ## Example
    /// ```python
    /// def author_link(user):
    ///     return mark_safe(f'<a href="/u/{user.pk}">{user.name}</a>')
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def author_link(user):
    ///     return format_html('<a href="/u/{}">{}</a>', user.pk, user.name)
    /// ```
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')
    /// - Django docs: "django.utils.html.format_html"
    code: "SG703",
    name: "django-mark-safe",
    family: Xss,
    cwe: 79,
    severity: Medium,
    confidence: Medium,
    summary: "Django `mark_safe`/`SafeString` on a string with unescaped dynamic parts",
    hooks: Hooks { call: Some((MARKERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let Some(argument) = site.positional(0).or_else(|| site.keyword("s")) else {
        return;
    };
    if is_escaped_html(checker, argument) {
        return;
    }
    let short = callee.rsplit('.').next().unwrap_or(callee);
    checker.report(
        argument.range(),
        format!("`{short}` on a string with unescaped dynamic parts allows XSS; build it with `format_html` or escape each part"),
    );
}
