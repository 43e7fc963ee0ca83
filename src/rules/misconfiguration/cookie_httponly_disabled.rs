//! SG806: session cookie settings that turn off the `HttpOnly` flag.

use crate::analysis::checker::Checker;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{Setting, report_disabled_flag};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `SESSION_COOKIE_HTTPONLY` (Django, Flask) and `REMEMBER_COOKIE_HTTPONLY`
    /// (Flask-Login) explicitly set to `False` — at module level, in a config class or through
    /// `app.config` — outside development and test configuration. `CSRF_COOKIE_HTTPONLY` is
    /// not flagged: JavaScript legitimately reads the CSRF cookie.
    ///
    /// ## Why is this bad?
    /// A session cookie without `HttpOnly` can be read by JavaScript, so any cross-site
    /// scripting bug becomes a session theft: the injected script sends `document.cookie` to
    /// the attacker, who then uses the session from anywhere.
    ///
    /// ## Example
    /// ```python
    /// SESSION_COOKIE_HTTPONLY = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SESSION_COOKIE_HTTPONLY = True  # the default
    /// ```
    ///
    /// ## References
    /// - CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag
    /// - Django docs: `SESSION_COOKIE_HTTPONLY`
    code: "SG806",
    name: "cookie-httponly-disabled",
    family: Misconfiguration,
    cwe: 1004,
    severity: Medium,
    confidence: High,
    summary: "Session cookie configured without the `HttpOnly` flag",
    hooks: Hooks { setting: Some((NAMES, check)), ..Hooks::NONE },
};

const NAMES: &[&str] = &["SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"];

fn check(checker: &mut Checker, setting: &Setting) {
    report_disabled_flag(
        checker,
        setting,
        "scripts can read the session cookie, so any XSS steals sessions",
    );
}
