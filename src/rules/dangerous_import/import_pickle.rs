//! SG403: Import of pickle, dill or shelve (unsafe deserialization) (off by default).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Stmt;
use crate::declare_rule;
use crate::rules::dangerous_import::blacklist::check_import;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

const MODULES: &[&str] = &["pickle", "cPickle", "_pickle", "dill", "shelve"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags imports of `pickle`, `cPickle`, `_pickle`, `dill`, `shelve`. Off by default: it reports every import, which
    /// is useful for an audit but too noisy for pull-request review.
    ///
    /// ## Why is this bad?
    /// Loading pickled data (also through `dill` and `shelve`) executes code chosen by whoever
    /// wrote the bytes. Importing the module marks code to review; SG301 reports the loads.
    ///
    /// ## Example
    /// ```python
    /// import pickle
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import json
    /// ```
    ///
    /// ## References
    /// - CWE-502: Deserialization of Untrusted Data
    /// - Python docs: "pickle — Warning"
    code: "SG403",
    name: "import-pickle",
    family: DangerousImport,
    cwe: 502,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Import of `pickle`, `dill` or `shelve` (unsafe deserialization)",
    hooks: Hooks { stmt: Some(check), stmt_kinds: Kinds::stmts(&[StmtKind::Import, StmtKind::ImportFrom]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, stmt: &Stmt) {
    check_import(
        checker,
        stmt,
        MODULES,
        "`{name}` is imported: never load its data from an untrusted source",
    );
}
