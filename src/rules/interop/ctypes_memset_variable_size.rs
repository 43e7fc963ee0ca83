//! SG921: ctypes.memset with a size not bounded by the destination.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::interop::check_size;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `ctypes.memset(dst, c, count)` whose `count` is computed at run time rather than a
    /// literal, `ctypes.sizeof(dst)` or a bounding `min(...)`.
    ///
    /// ## Why is this bad?
    /// `memset` writes `count` bytes starting at `dst` with no bounds checking. A count larger
    /// than the buffer overwrites whatever follows it in memory, corrupting the interpreter
    /// state or enabling code execution when the count is influenced by input.
    ///
    /// ## Example
    /// ```python
    /// ctypes.memset(buf, 0, length)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// ctypes.memset(buf, 0, ctypes.sizeof(buf))
    /// ```
    ///
    /// ## References
    /// - CWE-787: Out-of-bounds Write
    /// - Python docs: `ctypes` — "Utility functions"
    code: "SG921",
    name: "ctypes-memset-variable-size",
    family: Interop,
    cwe: 787,
    severity: Medium,
    confidence: Medium,
    default_enabled: true,
    summary: "ctypes.memset with a size not bounded by the destination",
    hooks: Hooks { call: Some((&["ctypes.memset"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    check_size(checker, callee, site.argument(2, "count"), |size| {
        format!(
            "writes `{size}` bytes without a visible bound; limit it to `ctypes.sizeof(destination)`"
        )
    });
}
