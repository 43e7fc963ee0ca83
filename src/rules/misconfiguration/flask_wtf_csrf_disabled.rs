//! SG809: Flask-WTF CSRF protection switched off with `WTF_CSRF_ENABLED = False`.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    Setting, in_dev_or_test_context, is_false_literal,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `WTF_CSRF_ENABLED = False` at module level, in a config class, or through
    /// `app.config["WTF_CSRF_ENABLED"] = False` / `app.config.update(WTF_CSRF_ENABLED=False)`.
    /// Test and development configuration (`TestingConfig`, `tests/`, `conftest.py`, functions
    /// named `test_*`) is not flagged, since disabling CSRF there is the usual practice.
    ///
    /// ## Why is this bad?
    /// The setting turns off the CSRF token check for every Flask-WTF form and for
    /// `CSRFProtect`, so other sites can submit forms on behalf of logged-in users.
    ///
    /// ## Example
    /// ```python
    /// app.config["WTF_CSRF_ENABLED"] = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.config["WTF_CSRF_ENABLED"] = True  # the default
    /// ```
    /// and exempt single token-authenticated API views with `csrf.exempt` if needed.
    ///
    /// ## References
    /// - CWE-352: Cross-Site Request Forgery (CSRF)
    /// - Flask-WTF docs: "CSRF Protection", `WTF_CSRF_ENABLED`
    code: "SG809",
    name: "flask-wtf-csrf-disabled",
    family: Misconfiguration,
    cwe: 352,
    severity: High,
    confidence: High,
    summary: "`WTF_CSRF_ENABLED = False` disables Flask-WTF CSRF protection",
    hooks: Hooks { setting: Some((&["WTF_CSRF_ENABLED"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, setting: &Setting) {
    if !is_false_literal(setting.value) || in_dev_or_test_context(checker, setting.origin) {
        return;
    }
    checker.report(
        setting.value.range(),
        "`WTF_CSRF_ENABLED` is False: Flask-WTF forms accept cross-site submissions; \
         remove the setting (it defaults to True)",
    );
}
