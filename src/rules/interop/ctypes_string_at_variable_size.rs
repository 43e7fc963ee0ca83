//! SG922: ctypes.string_at/wstring_at reading a size not bounded by the buffer.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::interop::check_size;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `ctypes.string_at(address, size)` and `ctypes.wstring_at(address, size)` whose `size`
    /// is computed at run time rather than a literal, `ctypes.sizeof(...)` or a bounding
    /// `min(...)`.
    ///
    /// ## Why is this bad?
    /// These functions copy `size` bytes (or characters) from a raw address into a Python
    /// object without knowing how large the memory there is. An oversized `size` reads past the
    /// buffer, leaking heap contents — keys, tokens, other users' data — or crashing the process.
    ///
    /// ## Example
    /// ```python
    /// data = ctypes.string_at(ptr, header.length)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// data = ctypes.string_at(ptr, min(header.length, ctypes.sizeof(buffer)))
    /// ```
    ///
    /// ## References
    /// - CWE-125: Out-of-bounds Read
    /// - Python docs: `ctypes` — "Utility functions"
    code: "SG922",
    name: "ctypes-string-at-variable-size",
    family: Interop,
    cwe: 125,
    severity: Medium,
    confidence: Medium,
    default_enabled: true,
    summary: "ctypes.string_at/wstring_at reading a size not bounded by the buffer",
    hooks: Hooks { call: Some((&["ctypes.string_at", "ctypes.wstring_at"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    check_size(checker, callee, site.argument(1, "size"), |size| {
        format!(
            "reads `{size}` bytes without a visible bound; check it against the size of the memory at that address"
        )
    });
}
