//! SG101: `assert` guarding access control.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt, Visitor, visitor};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `assert` statements outside tests whose condition checks authentication or
    /// authorization (names such as `user`, `is_admin`, `permission`, `token`, `role`).
    ///
    /// ## Why is this bad?
    /// Python removes `assert` statements when run with `-O` or `PYTHONOPTIMIZE`, which some
    /// deployments do. An access check written as an assertion then silently disappears and
    /// every caller is let through. Bandit's B101 flags every assert; snakeguard reports the ones
    /// that guard security decisions and ignores test files, where asserts are the point.
    ///
    /// ## Example
    /// ```python
    /// def delete_account(user, account):
    ///     assert user.is_admin, "admins only"
    ///     account.delete()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def delete_account(user, account):
    ///     if not user.is_admin:
    ///         raise PermissionError("admins only")
    ///     account.delete()
    /// ```
    ///
    /// ## References
    /// - CWE-703: Improper Check or Handling of Exceptional Conditions
    /// - Python docs: the `assert` statement and `-O`
    code: "SG101",
    name: "assert-used-for-access-control",
    family: Misc,
    cwe: 703,
    severity: Medium,
    confidence: Medium,
    summary: "`assert` guards an access-control decision and is removed under `python -O`",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Assert]), ..Hooks::NONE },
};

const ACCESS_WORDS: &[&str] = &[
    "admin",
    "auth",
    "permission",
    "perm",
    "role",
    "owner",
    "staff",
    "superuser",
    "logged",
    "login",
    "token",
    "access",
    "allowed",
    "authorized",
    "authenticated",
    "is_user",
    "privilege",
    "csrf",
    "session",
    "signature",
    "verified",
];

fn check(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Assert(assert) = stmt else { return };
    // Test code may assert freely.
    if checker.in_test_file() {
        return;
    }
    let mut names = NameCollector(Vec::new());
    names.visit_expr(&assert.test);
    let guarded = names.0.iter().find(|name| {
        let lower = name.to_ascii_lowercase();
        ACCESS_WORDS.iter().any(|word| lower.contains(word))
    });
    if let Some(name) = guarded {
        let message = format!(
            "`assert` on `{name}` guards access control and is stripped under `python -O`; raise an exception instead"
        );
        checker.report(assert.test.range(), message);
    }
}

struct NameCollector(Vec<String>);

impl<'a> Visitor<'a> for NameCollector {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => self.0.push(name.id.to_string()),
            Expr::Attribute(attribute) => self.0.push(attribute.attr.to_string()),
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
