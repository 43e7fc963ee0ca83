//! SG112: `except: continue` that silently skips every error in a loop.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Ranged, Stmt};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};
use crate::rules::misc::try_except_pass::broad_handlers;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags exception handlers that catch everything (bare `except:`, `except Exception:` or
    /// `except BaseException:`) and whose only statement is `continue`.
    ///
    /// ## Why is this bad?
    /// Inside a loop this quietly drops every item whose processing failed for any reason —
    /// including failed validation, authorization or integrity checks — with no trace. Partial
    /// results look complete and attacks that trigger errors go unnoticed.
    ///
    /// ## Example
    /// ```python
    /// for upload in uploads:
    ///     try:
    ///         scan_for_malware(upload)
    ///     except Exception:
    ///         continue
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// for upload in uploads:
    ///     try:
    ///         scan_for_malware(upload)
    ///     except ScanTimeout:
    ///         log.warning("scan timed out for %s", upload.name)
    ///         quarantine(upload)
    ///         continue
    /// ```
    ///
    /// ## References
    /// - CWE-703: Improper Check or Handling of Exceptional Conditions
    /// - CWE-390: Detection of Error Condition Without Action
    code: "SG112",
    name: "try-except-continue",
    family: Misc,
    cwe: 703,
    severity: Low,
    confidence: High,
    summary: "`except: continue` silently skips every failing loop iteration",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Try]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Try(try_stmt) = stmt else { return };
    for handler in broad_handlers(checker, try_stmt, |stmt| matches!(stmt, Stmt::Continue(_))) {
        let range = handler.body.first().map_or(handler.range, Ranged::range);
        checker.report(
            range,
            "exception handler catches everything and silently continues: handle specific exceptions or log them",
        );
    }
}
