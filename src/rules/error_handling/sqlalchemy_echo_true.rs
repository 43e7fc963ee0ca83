//! SG813: SQLAlchemy statement echo switched on (`SQLALCHEMY_ECHO`, `create_engine(echo=True)`).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    Setting, SettingOrigin, in_dev_or_test_context, is_true_literal,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `SQLALCHEMY_ECHO = True` (Flask-SQLAlchemy; module level, config class or
    /// `app.config`) and `sqlalchemy.create_engine(..., echo=True)` /
    /// `create_async_engine(..., echo=True)` (also `echo="debug"`), outside development and
    /// test code.
    ///
    /// ## Why is this bad?
    /// Echo logs every SQL statement together with its bound parameters: password hashes,
    /// tokens, personal data written to or read from the database end up in application logs,
    /// which are kept longer and read by more people than the database.
    ///
    /// ## Example
    /// ```python
    /// engine = create_engine(DATABASE_URL, echo=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// engine = create_engine(DATABASE_URL, echo=os.environ.get("SQL_ECHO") == "1")
    /// ```
    ///
    /// ## References
    /// - CWE-532: Insertion of Sensitive Information into Log File
    /// - SQLAlchemy docs: `create_engine.echo`, `hide_parameters`
    code: "SG813",
    name: "sqlalchemy-echo-true",
    family: ErrorHandling,
    cwe: 532,
    severity: Low,
    confidence: Medium,
    summary: "SQLAlchemy echo logs every statement with its parameters",
    hooks: Hooks {
        setting: Some((&["SQLALCHEMY_ECHO"], check_setting)),
        call: Some((&[
            "sqlalchemy.create_engine",
            "sqlalchemy.engine.create_engine",
            "sqlalchemy.ext.asyncio.create_async_engine",
        ], check_engine)),
        ..Hooks::NONE
    },
};

fn is_echo_on(expr: &Expr) -> bool {
    is_true_literal(expr) || string_literal(expr).as_deref() == Some("debug")
}

fn check_setting(checker: &mut Checker, setting: &Setting) {
    if !is_echo_on(setting.value) || in_dev_or_test_context(checker, setting.origin) {
        return;
    }
    checker.report(
        setting.value.range(),
        "`SQLALCHEMY_ECHO` logs every SQL statement with its parameters (secrets, personal \
         data); turn it off outside local debugging",
    );
}

fn check_engine(checker: &mut Checker, site: &CallSite) {
    let Some(echo) = site.keyword("echo").filter(|value| is_echo_on(value)) else {
        return;
    };
    if in_dev_or_test_context(checker, SettingOrigin::AppConfig) {
        return;
    }
    checker.report(
        echo.range(),
        "`echo=True` logs every SQL statement with its parameters (secrets, personal data); \
         drop it or enable it from configuration only while debugging",
    );
}
