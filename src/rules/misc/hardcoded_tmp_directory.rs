//! SG108: a hard-coded path in a shared temporary directory (`/tmp`, `/var/tmp`, `/dev/shm`).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, ast};
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string literals and f-strings that start with a shared temporary directory
    /// (`options.tmp-dirs`, default `/tmp`, `/var/tmp`, `/dev/shm`), such as `"/tmp/app.lock"`
    /// or `f"/tmp/{job_id}.json"`.
    ///
    /// ## Why is this bad?
    /// Shared temporary directories are writable by every local user. A predictable name there
    /// can be pre-created or replaced with a symlink by another user, so the program reads
    /// attacker-controlled data or overwrites a file it did not mean to (a classic race).
    ///
    /// ## Example
    /// ```python
    /// with open("/tmp/report.csv", "w") as out:
    ///     out.write(data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as out:
    ///     out.write(data)
    /// ```
    /// `tempfile` creates files and directories with unpredictable names and safe permissions.
    ///
    /// ## References
    /// - CWE-377: Insecure Temporary File
    /// - Python docs: `tempfile`
    code: "SG108",
    name: "hardcoded-tmp-directory",
    family: Misc,
    cwe: 377,
    severity: Medium,
    confidence: Medium,
    summary: "Hard-coded file name in a shared temporary directory",
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::StringLiteral, ExprKind::FString]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, expr: &Expr) {
    let prefix: &str = match expr {
        Expr::StringLiteral(literal) => literal.value.to_str(),
        Expr::FString(fstring) => match fstring.value.iter().next() {
            Some(ast::FStringPart::Literal(literal)) => &literal.value,
            Some(ast::FStringPart::FString(part)) => match part.elements.iter().next() {
                Some(element) => match element.as_literal() {
                    Some(literal) => &literal.value,
                    None => return,
                },
                None => return,
            },
            None => return,
        },
        _ => return,
    };
    let Some(dir) = checker.options.tmp_dirs.iter().find(|dir| {
        // Nearly every literal differs from every directory in its first byte.
        if dir.as_bytes().first() != prefix.as_bytes().first() {
            return false;
        }
        let dir = dir.trim_end_matches('/');
        !dir.is_empty()
            && prefix
                .strip_prefix(dir)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }) else {
        return;
    };
    let message = format!(
        "hard-coded path in the shared directory `{dir}`: other users can pre-create or replace it; use the `tempfile` module"
    );
    checker.report(expr.range(), message);
}
