//! SG800: `DEBUG = True` in a Django settings module.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    Setting, SettingOrigin, in_dev_or_test_context, is_django_settings_module, is_true_literal,
    replace_fix,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `DEBUG = True` at module level in a Django settings module (a file named
    /// `settings.py`, `settings/*.py`, `*_settings.py`, or a module that assigns
    /// `INSTALLED_APPS`, `ROOT_URLCONF`, `DATABASES`, ...). Settings files whose path or name
    /// marks them as development or test configuration (`settings/dev.py`,
    /// `local_settings.py`, `tests/settings.py`) are not flagged.
    ///
    /// ## Why is this bad?
    /// With `DEBUG` on, every unhandled error renders a page with the stack trace, local
    /// variables, the SQL that ran and most of the settings, and 404 pages list the URL
    /// patterns. An attacker who can provoke an error learns the code, paths and often
    /// credentials. Debug mode also keeps every SQL query in memory.
    ///
    /// ## Example
    /// ```python
    /// # mysite/settings.py
    /// DEBUG = True
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    /// ```
    ///
    /// ## References
    /// - CWE-489: Active Debug Code
    /// - Django docs: deployment checklist, `DEBUG`
    code: "SG800",
    name: "django-debug-true",
    family: Misconfiguration,
    cwe: 489,
    severity: High,
    confidence: Medium,
    summary: "`DEBUG = True` in a Django settings module exposes stack traces and settings",
    hooks: Hooks { setting: Some((&["DEBUG"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, setting: &Setting) {
    if setting.origin != SettingOrigin::Module
        || !is_true_literal(setting.value)
        || in_dev_or_test_context(checker, setting.origin)
        || !is_django_settings_module(checker)
    {
        return;
    }
    let range = setting.value.range();
    let fix = replace_fix(
        checker,
        range,
        "os.environ.get(\"DJANGO_DEBUG\") == \"1\"",
        "read DEBUG from the environment (needs `import os`)",
    )
    .filter(|_| crate::rules::misconfiguration::web_support::module_imports(checker, &["os"]));
    let finding = checker.report(
        range,
        "`DEBUG = True` in Django settings: error pages leak code, settings and SQL; \
         read it from the environment and keep it off in production",
    );
    finding.fix = fix;
}
