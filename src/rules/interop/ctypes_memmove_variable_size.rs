//! SG920: ctypes.memmove with a size not bounded by the destination.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::interop::check_size;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `ctypes.memmove(dst, src, count)` whose `count` is computed at run time (a
    /// variable, `len(data)`, arithmetic) rather than a literal, `ctypes.sizeof(dst)` or a
    /// `min(...)` that bounds it.
    ///
    /// ## Why is this bad?
    /// `memmove` copies raw bytes with no bounds checking: if `count` exceeds the destination
    /// buffer, Python memory beyond it is overwritten — corrupting objects, crashing the
    /// interpreter or, with attacker-controlled data, giving code execution. Python code that
    /// reaches for `memmove` loses the memory safety the language otherwise guarantees.
    ///
    /// ## Example
    /// ```python
    /// buf = ctypes.create_string_buffer(64)
    /// ctypes.memmove(buf, payload, len(payload))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// buf = ctypes.create_string_buffer(64)
    /// ctypes.memmove(buf, payload, min(len(payload), ctypes.sizeof(buf)))
    /// ```
    ///
    /// ## References
    /// - CWE-120: Buffer Copy without Checking Size of Input ('Classic Buffer Overflow')
    /// - Python docs: `ctypes` — "Utility functions"
    code: "SG920",
    name: "ctypes-memmove-variable-size",
    family: Interop,
    cwe: 120,
    severity: Medium,
    confidence: Medium,
    default_enabled: true,
    summary: "ctypes.memmove with a size not bounded by the destination",
    hooks: Hooks { call: Some((&["ctypes.memmove"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    check_size(checker, callee, site.argument(2, "count"), |size| {
        format!(
            "copies `{size}` bytes without a visible bound; limit it to `ctypes.sizeof(destination)`"
        )
    });
}
