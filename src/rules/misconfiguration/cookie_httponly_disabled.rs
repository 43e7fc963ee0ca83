//! SG806: session cookie settings that turn off the `HttpOnly` flag.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Ranged, Stmt};
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    in_dev_or_test_context, is_false_literal, replace_fix, settings_in_stmt,
};

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
    hooks: Hooks { stmt: Some(check), ..Hooks::NONE },
};

const NAMES: &[&str] = &["SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"];

fn check(checker: &mut Checker, stmt: &Stmt) {
    if !matches!(stmt, Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::Expr(_)) {
        return;
    }
    for setting in settings_in_stmt(checker, stmt, NAMES) {
        if !is_false_literal(setting.value) || in_dev_or_test_context(checker, setting.origin) {
            continue;
        }
        let range = setting.value.range();
        let fix = replace_fix(
            checker,
            range,
            "True",
            &format!("set `{}` to True", setting.name),
        );
        let finding = checker.report(
            range,
            format!(
                "`{}` is False: scripts can read the session cookie, so any XSS steals \
                 sessions; set it to True",
                setting.name
            ),
        );
        finding.fix = fix;
    }
}
