//! SG802: the framework signing key (`SECRET_KEY`, `app.secret_key`) hard-coded as a literal.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};
use crate::rules::misconfiguration::web_support::{
    Setting, SettingOrigin, in_dev_or_test_context, module_imports,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags a non-empty string or bytes literal assigned to the framework's signing key:
    /// `SECRET_KEY = "..."` at module level (Django settings, Flask `config.py`) or in a
    /// config class (`class Config: SECRET_KEY = "..."`), `app.config["SECRET_KEY"] = "..."`,
    /// `app.config.update(SECRET_KEY="...")` and, in Flask modules, `app.secret_key = "..."`.
    /// Values read from the environment or a secrets store are not flagged, nor are files and
    /// classes marked as development or test configuration.
    ///
    /// ## Why is this bad?
    /// The secret key signs sessions, password-reset tokens, CSRF tokens and signed cookies.
    /// Anyone who has read the repository (or a leaked copy, a fork, a container image) can
    /// forge a session for any user, and with Flask's or Django's cookie sessions often craft
    /// payloads that reach deserialisation. A key in source control cannot be rotated without
    /// a code change and is shared by every environment.
    ///
    /// ## Example
    /// ```python
    /// SECRET_KEY = "django-insecure-8x!q3..."
    /// app.config["SECRET_KEY"] = "dev"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    /// app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]
    /// ```
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - Django docs: `SECRET_KEY`; Flask docs: `SECRET_KEY`
    code: "SG802",
    name: "hardcoded-secret-key",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: High,
    summary: "Framework `SECRET_KEY` hard-coded in source; load it from the environment",
    hooks: Hooks {
        setting: Some((&["SECRET_KEY"], check_setting)),
        stmt: Some(check_attribute), stmt_kinds: Kinds::stmts(&[StmtKind::Assign]),
        ..Hooks::NONE
    },
};

/// A non-empty string or bytes literal (implicit concatenation included).
fn is_secret_literal(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(literal) => !literal.value.to_str().trim().is_empty(),
        Expr::BytesLiteral(literal) => literal.value.bytes().next().is_some(),
        _ => false,
    }
}

fn check_setting(checker: &mut Checker, setting: &Setting) {
    if !is_secret_literal(setting.value) || in_dev_or_test_context(checker, setting.origin) {
        return;
    }
    if let SettingOrigin::Class(class) = setting.origin {
        let lower = class.to_ascii_lowercase();
        if !(lower.ends_with("config")
            || lower.ends_with("settings")
            || lower.ends_with("configuration"))
        {
            return;
        }
    }
    checker.report(
        setting.value.range(),
        "`SECRET_KEY` is hard-coded: anyone with the source can forge sessions and tokens; \
         load it from the environment or a secrets manager",
    );
}

/// `app.secret_key = "..."` (Flask's attribute, set outside the config mapping).
fn check_attribute(checker: &mut Checker, stmt: &Stmt) {
    if let Stmt::Assign(assign) = stmt {
        let is_secret_key_attribute = assign.targets.iter().any(|target| {
            matches!(target, Expr::Attribute(attribute) if attribute.attr.as_str() == "secret_key")
        });
        if is_secret_key_attribute
            && is_secret_literal(&assign.value)
            && !in_dev_or_test_context(checker, SettingOrigin::AppConfig)
            && module_imports(checker, &["flask", "quart"])
        {
            checker.report(
                assign.value.range(),
                "`secret_key` is hard-coded: anyone with the source can forge Flask sessions; \
                 load it from the environment or a secrets manager",
            );
        }
    }
}
