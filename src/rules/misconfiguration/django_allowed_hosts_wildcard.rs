//! SG801: `ALLOWED_HOSTS` containing `"*"`.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{Setting, SettingOrigin, in_dev_or_test_context};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags a module-level `ALLOWED_HOSTS` list or tuple that contains `"*"` (Django), outside
    /// files marked as development or test settings.
    ///
    /// ## Why is this bad?
    /// `ALLOWED_HOSTS` is how Django checks that the `Host` header of a request names a site it
    /// serves. With `"*"` any host is accepted, so `request.get_host()` and
    /// `build_absolute_uri()` return whatever the client sent: password-reset e-mails link to
    /// the attacker's domain (the token leaks when the victim clicks), and caches keyed on the
    /// host can be poisoned. The CWE is 346 (Origin Validation Error): the setting is exactly
    /// the validation of which origin a request claims to be for, and `"*"` disables it.
    ///
    /// ## Example
    /// ```python
    /// ALLOWED_HOSTS = ["*"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// ALLOWED_HOSTS = ["www.example.com", "example.com"]
    /// ```
    ///
    /// ## References
    /// - CWE-346: Origin Validation Error
    /// - Django docs: `ALLOWED_HOSTS`, "Host header validation"
    code: "SG801",
    name: "django-allowed-hosts-wildcard",
    family: Misconfiguration,
    cwe: 346,
    severity: Medium,
    confidence: High,
    summary: "`ALLOWED_HOSTS` with `\"*\"` disables Django's Host header validation",
    hooks: Hooks { setting: Some((&["ALLOWED_HOSTS"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, setting: &Setting) {
    if setting.origin != SettingOrigin::Module || in_dev_or_test_context(checker, setting.origin) {
        return;
    }
    let elements: &[Expr] = match setting.value {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => return,
    };
    if let Some(star) = elements
        .iter()
        .find(|element| string_literal(element).as_deref() == Some("*"))
    {
        checker.report(
            star.range(),
            "`ALLOWED_HOSTS` contains \"*\": any Host header is accepted (password-reset \
             and cache poisoning); list the domain names the site serves",
        );
    }
}
