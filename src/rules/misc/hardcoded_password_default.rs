//! SG107: a function parameter for a password or secret with a string literal default.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Ranged, Stmt};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};
use crate::rules::misc::hardcoded_password_string::hardcoded_secret;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags function parameters whose name looks like it holds a secret (`password`,
    /// `api_key`, `token`, ...; configurable as `options.password-name-pattern`) and whose
    /// default value is a string literal. `None` and empty defaults are fine.
    ///
    /// ## Why is this bad?
    /// A default credential is used whenever a caller forgets to pass one, silently, and it is
    /// visible to everyone who can read the code. Default passwords are among the first things
    /// attackers try.
    ///
    /// ## Example
    /// ```python
    /// def connect(user="admin", password="admin123"):
    ///     ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def connect(user, password):
    ///     ...
    /// ```
    /// Require the caller to supply the secret, or default to `None` and read it from the
    /// environment.
    ///
    /// ## References
    /// - CWE-259: Use of Hard-coded Password
    /// - CWE-798: Use of Hard-coded Credentials
    code: "SG107",
    name: "hardcoded-password-default",
    family: Misc,
    cwe: 259,
    severity: Low,
    confidence: Medium,
    summary: "Hard-coded password or secret as a parameter default",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::FunctionDef]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::FunctionDef(function) = stmt else {
        return;
    };
    for parameter in function.parameters.iter() {
        let Some(default) = parameter.default() else {
            continue;
        };
        let name = parameter.name().as_str();
        if hardcoded_secret(checker, name, default).is_some() {
            let message = format!(
                "parameter `{name}` has a hard-coded secret as default: require it from the caller or default to None"
            );
            checker.report(default.range(), message);
        }
    }
}
