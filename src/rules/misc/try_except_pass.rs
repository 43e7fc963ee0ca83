//! SG110: `except: pass` that silently swallows every error.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt, ast};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags exception handlers that catch everything (bare `except:`, `except Exception:` or
    /// `except BaseException:`) and whose only statement is `pass`. Handlers for specific
    /// exceptions (`except KeyError: pass`) are a normal idiom and are not reported.
    ///
    /// ## Why is this bad?
    /// Swallowing every exception hides failures of security checks — a signature verification
    /// that raised, a permission lookup that crashed, an audit log that could not be written —
    /// and the program carries on as if they had succeeded. It also hides the evidence of an
    /// attack in progress.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     verify_signature(payload, signature)
    /// except Exception:
    ///     pass
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// try:
    ///     verify_signature(payload, signature)
    /// except InvalidSignature:
    ///     log.warning("rejected payload with a bad signature")
    ///     raise
    /// ```
    ///
    /// ## References
    /// - CWE-703: Improper Check or Handling of Exceptional Conditions
    /// - CWE-390: Detection of Error Condition Without Action
    code: "SG110",
    name: "try-except-pass",
    family: Misc,
    cwe: 703,
    severity: Low,
    confidence: High,
    summary: "`except: pass` silently swallows every exception",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Try]), ..Hooks::NONE },
};

/// Handlers of `try` that catch every exception (bare, `Exception`, `BaseException`, or a tuple
/// containing one of them) and whose body is exactly one statement matching `only`.
pub fn broad_handlers<'a>(
    checker: &Checker,
    try_stmt: &'a ast::StmtTry,
    only: fn(&Stmt) -> bool,
) -> Vec<&'a ast::ExceptHandlerExceptHandler> {
    try_stmt
        .handlers
        .iter()
        .filter_map(|handler| handler.as_except_handler())
        .filter(|handler| {
            matches!(handler.body.as_slice(), [stmt] if only(stmt))
                && handler
                    .type_
                    .as_deref()
                    .is_none_or(|kind| catches_everything(checker, kind))
        })
        .collect()
}

fn catches_everything(checker: &Checker, kind: &Expr) -> bool {
    match kind {
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .any(|element| catches_everything(checker, element)),
        _ => matches!(
            checker.qualified_name(kind).as_deref(),
            Some("Exception" | "BaseException")
        ),
    }
}

fn check(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Try(try_stmt) = stmt else { return };
    for handler in broad_handlers(checker, try_stmt, |stmt| matches!(stmt, Stmt::Pass(_))) {
        let range = handler.body.first().map_or(handler.range, Ranged::range);
        checker.report(
            range,
            "exception handler catches everything and does nothing: handle specific exceptions or at least log them",
        );
    }
}
