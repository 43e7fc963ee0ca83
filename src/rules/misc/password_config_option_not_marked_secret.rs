//! SG109: an oslo.config option holding a password that is not marked `secret=True`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::finding::Confidence;
use crate::rules::helpers::{is_falsy_literal, is_truthy_literal, string_literal};
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `oslo_config.cfg.StrOpt(...)` options whose name looks like a password or other
    /// secret (ends with `password`, or matches `options.password-name-pattern`) and that are
    /// not declared with `secret=True`. When `secret` is set to something that is not a literal
    /// the finding has low confidence.
    ///
    /// ## Why is this bad?
    /// oslo.config logs option values (for example with `log_opt_values` at service start-up)
    /// and masks only options marked secret. An unmarked password option ends up in log files,
    /// which are usually far less protected than the configuration itself.
    ///
    /// ## Example
    /// ```python
    /// cfg.StrOpt("db_password", help="Database password")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// cfg.StrOpt("db_password", secret=True, help="Database password")
    /// ```
    ///
    /// ## References
    /// - CWE-532: Insertion of Sensitive Information into Log File
    /// - OpenStack security guidelines: "Protect sensitive data in config files from disclosure"
    code: "SG109",
    name: "password-config-option-not-marked-secret",
    family: Misc,
    cwe: 532,
    severity: Medium,
    confidence: Medium,
    summary: "oslo.config password option not marked `secret=True` is written to logs",
    hooks: Hooks {
        call: Some((&["oslo_config.cfg.StrOpt", "oslo.config.cfg.StrOpt"], check)),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(name_expr) = site.argument(0, "name") else {
        return;
    };
    let Some(name) = string_literal(name_expr) else {
        return;
    };
    if !(name.to_ascii_lowercase().ends_with("password") || checker.options.is_password_name(&name))
    {
        return;
    }
    let secret = site.keyword("secret");
    if secret.is_some_and(is_truthy_literal) || site.has_kwargs_splat() && secret.is_none() {
        return;
    }
    let uncertain = secret.is_some_and(|value| !is_falsy_literal(value));
    let message = format!(
        "config option `{name}` holds a secret but is not marked `secret=True`; its value can be logged"
    );
    let finding = checker.report(name_expr.range(), message);
    if uncertain {
        finding.confidence = Some(Confidence::Low);
    }
}
