//! SG610: Django `QuerySet.extra()` with SQL fragments that are not literals.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::{is_constant_string_expr, module_imports};
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `.extra(...)` calls on Django querysets (in files that import Django, or on a
    /// `.objects` manager) whose `where=` or `tables=` lists contain non-literal strings, whose
    /// `select=` is not a dictionary of literals, or whose arguments are not literals at all.
    ///
    /// ## Why is this bad?
    /// `extra()` pastes its `select`, `where` and `tables` fragments into the SQL verbatim. A
    /// fragment built from request data is SQL injection; only `params=`/`select_params=` are
    /// passed safely to the database.
    ///
    /// ## Example
    /// ```python
    /// Entry.objects.extra(where=[f"headline = '{headline}'"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// Entry.objects.extra(where=["headline = %s"], params=[headline])
    /// # or, better, no extra() at all:
    /// Entry.objects.filter(headline=headline)
    /// ```
    ///
    /// ## References
    /// - CWE-89: Improper Neutralization of Special Elements used in an SQL Command
    /// - Django docs: "QuerySet.extra()" and "SQL injection protection"
    code: "SG610",
    name: "django-extra-used",
    family: Injection,
    cwe: 89,
    severity: Medium,
    confidence: Medium,
    summary: "Django `QuerySet.extra()` with non-literal SQL fragments",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["extra"], ..Hooks::NONE },
};

fn literal_list(expr: &Expr) -> bool {
    match expr {
        Expr::List(list) => list.elts.iter().all(is_constant_string_expr),
        Expr::Tuple(tuple) => tuple.elts.iter().all(is_constant_string_expr),
        _ => false,
    }
}

fn literal_dict(expr: &Expr) -> bool {
    match expr {
        Expr::Dict(dict) => dict.items.iter().all(|item| {
            item.key.as_ref().is_some_and(is_constant_string_expr)
                && is_constant_string_expr(&item.value)
        }),
        _ => false,
    }
}

fn check(checker: &mut Checker, site: &CallSite) {
    if site.method_name() != Some("extra") {
        return;
    }
    let Expr::Attribute(attribute) = &*site.call.func else {
        return;
    };
    let on_manager = checker.source(attribute.value.range()).contains(".objects");
    if !on_manager && !module_imports(checker.semantic, "django") {
        return;
    }
    // extra(select=None, where=None, params=None, tables=None, order_by=None, select_params=None)
    let select = site.argument(0, "select");
    let where_ = site.argument(1, "where");
    let tables = site.argument(3, "tables");
    let insecure =
        [where_, tables].into_iter().flatten().any(|fragments| {
            !literal_list(fragments) && !matches!(fragments, Expr::NoneLiteral(_))
        }) || select
            .is_some_and(|select| !literal_dict(select) && !matches!(select, Expr::NoneLiteral(_)));
    if insecure {
        checker.report(
            site.call.func.range(),
            "`extra()` with SQL fragments that are not literals: pass values through `params=` or use the ORM",
        );
    }
}
