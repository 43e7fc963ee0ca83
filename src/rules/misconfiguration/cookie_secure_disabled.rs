//! SG805: session/CSRF cookie settings that turn off the `Secure` flag.

use crate::analysis::checker::Checker;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{Setting, report_disabled_flag};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `SESSION_COOKIE_SECURE`, `CSRF_COOKIE_SECURE` (Django, Flask) and
    /// `REMEMBER_COOKIE_SECURE` (Flask-Login) explicitly set to `False` — at module level, in
    /// a config class or through `app.config` — outside development and test configuration.
    ///
    /// ## Why is this bad?
    /// Without the `Secure` attribute the browser also sends the cookie over plain HTTP, where
    /// anyone on the network path (public Wi-Fi, a proxy) can read the session or CSRF token
    /// and take over the session. An explicit `False` in a production settings file usually
    /// survives from local development by accident.
    ///
    /// ## Example
    /// ```python
    /// SESSION_COOKIE_SECURE = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SESSION_COOKIE_SECURE = True
    /// CSRF_COOKIE_SECURE = True
    /// ```
    ///
    /// ## References
    /// - CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute
    /// - Django docs: deployment checklist, `SESSION_COOKIE_SECURE`
    code: "SG805",
    name: "cookie-secure-disabled",
    family: Misconfiguration,
    cwe: 614,
    severity: Medium,
    confidence: High,
    summary: "Session or CSRF cookie configured without the `Secure` flag",
    hooks: Hooks { setting: Some((NAMES, check)), ..Hooks::NONE },
};

const NAMES: &[&str] = &[
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE",
];

fn check(checker: &mut Checker, setting: &Setting) {
    report_disabled_flag(
        checker,
        setting,
        "the cookie is also sent over plain HTTP and can be stolen",
    );
}
