//! SG801: `ALLOWED_HOSTS` containing `"*"`.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};
use crate::rules::misconfiguration::web_support::{
    SettingOrigin, in_dev_or_test_context, settings_in_stmt,
};

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
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Assign, StmtKind::AnnAssign]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    if !matches!(stmt, Stmt::Assign(_) | Stmt::AnnAssign(_)) {
        return;
    }
    for setting in settings_in_stmt(checker, stmt, &["ALLOWED_HOSTS"]) {
        if setting.origin != SettingOrigin::Module
            || in_dev_or_test_context(checker, setting.origin)
        {
            continue;
        }
        let elements: &[Expr] = match setting.value {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => continue,
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
}
