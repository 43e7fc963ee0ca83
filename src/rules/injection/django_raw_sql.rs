//! SG807: Django `Manager.raw()` with a query string built from variables.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::is_dynamic_string;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{Lookup, module_imports, with_assigned_value};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `.raw(query)` calls in modules that import Django when `query` is built with an
    /// f-string, `%`, `.format()` or `+` — directly or through a local variable assigned once.
    ///
    /// ## Why is this bad?
    /// `Manager.raw()` sends the string to the database as SQL. Values interpolated into it are
    /// not escaped, so a crafted value changes the query: reading other users' rows, bypassing
    /// filters, or (on some backends) writing data.
    ///
    /// ## Example
    /// ```python
    /// User.objects.raw(f"SELECT * FROM auth_user WHERE username = '{name}'")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// User.objects.raw("SELECT * FROM auth_user WHERE username = %s", [name])
    /// ```
    ///
    /// ## References
    /// - CWE-89: Improper Neutralization of Special Elements used in an SQL Command
    /// - Django docs: "Performing raw SQL queries"
    code: "SG807",
    name: "django-raw-sql",
    family: Injection,
    cwe: 89,
    severity: High,
    confidence: Medium,
    summary: "Django `.raw()` with an interpolated query string (SQL injection)",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["raw"], ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.method_name() != Some("raw") {
        return;
    }
    let Some(query) = site.argument(0, "raw_query") else {
        return;
    };
    let dynamic = match query {
        Expr::Name(name) => {
            with_assigned_value(checker, Lookup::here(checker), name, |value, _| {
                is_dynamic_string(value)
            }) == Some(true)
        }
        query => is_dynamic_string(query),
    };
    if !dynamic || !module_imports(checker, &["django"]) {
        return;
    }
    checker.report(
        query.range(),
        "query passed to `.raw()` is built by string formatting (SQL injection); use `%s` \
         placeholders and pass the values in `params`",
    );
}
