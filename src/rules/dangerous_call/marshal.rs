//! SG302: deserialization with `marshal`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `marshal.load(...)` and `marshal.loads(...)`.
    ///
    /// ## Why is this bad?
    /// `marshal` is Python's internal format for compiled code objects. It is explicitly not
    /// hardened against malformed or malicious input: crafted data can crash the interpreter,
    /// and loaded code objects can be executed by anything that later calls `exec` on them.
    ///
    /// ## Example
    /// ```python
    /// state = marshal.loads(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// state = json.loads(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-502: Deserialization of Untrusted Data
    /// - Python docs: "marshal — Warning: not intended to be secure"
    code: "SG302",
    name: "marshal",
    family: DangerousCall,
    cwe: 502,
    severity: Medium,
    confidence: High,
    summary: "Deserialization with `marshal`, which is not safe for untrusted data",
    hooks: Hooks { call: Some((&["marshal.load", "marshal.loads"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let callee = site.qualified.unwrap_or("marshal.loads");
    checker.report(
        site.call.func.range(),
        format!("`{callee}` is not safe for untrusted data; use JSON or another data-only format"),
    );
}
