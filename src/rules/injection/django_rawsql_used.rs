//! SG611: Django `RawSQL` built from a non-literal string.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::is_constant_string_expr;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `django.db.models.expressions.RawSQL(sql, params)` when `sql` is not a literal
    /// string (an f-string, a concatenation, a `%`/`.format()` result or a variable).
    ///
    /// ## Why is this bad?
    /// `RawSQL` inserts its SQL text into the query unchanged. Anything interpolated into that
    /// text is interpreted as SQL; only the `params` list is passed to the database safely.
    ///
    /// ## Example
    /// ```python
    /// qs.annotate(rank=RawSQL(f"SELECT rank FROM scores WHERE user_id = {uid}", []))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// qs.annotate(rank=RawSQL("SELECT rank FROM scores WHERE user_id = %s", [uid]))
    /// ```
    ///
    /// ## References
    /// - CWE-89: Improper Neutralization of Special Elements used in an SQL Command
    /// - Django docs: "RawSQL expressions"
    code: "SG611",
    name: "django-rawsql-used",
    family: Injection,
    cwe: 89,
    severity: Medium,
    confidence: Medium,
    summary: "Django `RawSQL` with SQL text that is not a literal",
    hooks: Hooks {
        call: Some((&["django.db.models.RawSQL", "django.db.models.expressions.RawSQL"], check)),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(sql) = site.argument(0, "sql") else {
        return;
    };
    if is_constant_string_expr(sql) {
        return;
    }
    checker.report(
        sql.range(),
        "`RawSQL` with SQL text built at run time: keep the SQL literal and pass values in `params`",
    );
}
