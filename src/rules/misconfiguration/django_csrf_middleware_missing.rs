//! SG804: a Django `MIDDLEWARE` list without `CsrfViewMiddleware`.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{Setting, SettingOrigin, in_dev_or_test_context};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags a module-level `MIDDLEWARE` (or legacy `MIDDLEWARE_CLASSES`) list of string
    /// literals that is recognisably Django's (it contains `CommonMiddleware` or
    /// `SessionMiddleware`) but not `django.middleware.csrf.CsrfViewMiddleware`. Nothing is
    /// reported when the module mentions `CsrfViewMiddleware` anywhere else (added later with
    /// `+=` or `insert`), or for development and test settings.
    ///
    /// ## Why is this bad?
    /// `CsrfViewMiddleware` is what enforces Django's CSRF protection; `{% csrf_token %}` in
    /// templates does nothing without it. Removing it exposes every cookie-authenticated,
    /// state-changing view to cross-site request forgery at once.
    ///
    /// ## Example
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.middleware.common.CommonMiddleware",
    ///     "django.contrib.auth.middleware.AuthenticationMiddleware",
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.middleware.common.CommonMiddleware",
    ///     "django.middleware.csrf.CsrfViewMiddleware",
    ///     "django.contrib.auth.middleware.AuthenticationMiddleware",
    /// ]
    /// ```
    /// and exempt individual views with `csrf_exempt` only where something else protects them.
    ///
    /// ## References
    /// - CWE-352: Cross-Site Request Forgery (CSRF)
    /// - Django docs: "Cross Site Request Forgery protection"
    code: "SG804",
    name: "django-csrf-middleware-missing",
    family: Misconfiguration,
    cwe: 352,
    severity: High,
    confidence: Medium,
    summary: "Django `MIDDLEWARE` lacks `CsrfViewMiddleware`, disabling CSRF protection site-wide",
    hooks: Hooks { setting: Some((&["MIDDLEWARE", "MIDDLEWARE_CLASSES"], check)), ..Hooks::NONE },
};

const DJANGO_MARKERS: &[&str] = &[
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
];
const CSRF_MIDDLEWARE: &str = "CsrfViewMiddleware";

fn check(checker: &mut Checker, setting: &Setting) {
    if setting.origin != SettingOrigin::Module {
        return;
    }
    let elements: &[Expr] = match setting.value {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => return,
    };
    let names: Vec<String> = elements.iter().filter_map(string_literal).collect();
    if names.len() != elements.len()
        || !names
            .iter()
            .any(|name| DJANGO_MARKERS.contains(&name.as_str()))
        || checker.lines.text().contains(CSRF_MIDDLEWARE)
        || in_dev_or_test_context(checker, setting.origin)
    {
        return;
    }
    checker.report(
        setting.value.range(),
        format!(
            "`{}` has no `django.middleware.csrf.CsrfViewMiddleware`: CSRF protection is off \
             for every view; add it after `SessionMiddleware`",
            setting.name
        ),
    );
}
