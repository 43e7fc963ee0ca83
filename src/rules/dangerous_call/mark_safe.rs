//! SG308: every `django.utils.safestring.mark_safe` call on a non-literal (bandit's blacklist).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::is_constant;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags every `django.utils.safestring.mark_safe(...)` call whose argument is not a
    /// literal, for review. Off by default: SG703 (`django-mark-safe`) reports the same calls
    /// but stays quiet when the markup is built only from escaped parts.
    ///
    /// ## Why is this bad?
    /// `mark_safe` tells Django's template engine not to escape a string. If any part of that
    /// string comes from a user, it is rendered as HTML and can carry `<script>`: stored or
    /// reflected cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// label = mark_safe(f"<b>{user.display_name}</b>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// label = format_html("<b>{}</b>", user.display_name)
    /// ```
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')
    /// - Django docs: "django.utils.safestring.mark_safe"
    code: "SG308",
    name: "mark-safe",
    family: Xss,
    cwe: 79,
    severity: Medium,
    confidence: Low,
    default_enabled: false,
    summary: "`mark_safe` on a non-literal string disables Django's HTML escaping",
    hooks: Hooks {
        call: Some((&["django.utils.safestring.mark_safe", "django.utils.html.mark_safe"], check)),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.argument(0, "s").is_none_or(is_constant) {
        return;
    }
    checker.report(
        site.call.func.range(),
        "`mark_safe` on a non-literal string: review that every part is escaped, or use `format_html`",
    );
}
