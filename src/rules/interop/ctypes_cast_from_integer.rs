//! SG923: `ctypes.cast` of a computed integer address to a pointer type.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, ast};
use crate::declare_rule;
use crate::rules::helpers::is_constant;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `ctypes.cast(address, POINTER(...))` where the first argument is an integer
    /// computed at run time: pointer arithmetic (`ctypes.addressof(buf) + offset`), `id(obj)`,
    /// `int(...)`, or a variable named like an address (`addr`, `ptr`, `offset`). Casting
    /// ctypes objects (arrays, pointers) is not reported. Off by default: low-level code does
    /// this on purpose.
    ///
    /// ## Why is this bad?
    /// `cast` turns any integer into a typed pointer without checking that the address is
    /// valid, aligned or large enough for the type. A wrong offset or an address taken from
    /// input yields reads and writes to arbitrary memory, which Python cannot detect.
    ///
    /// ## Example
    /// ```python
    /// record = ctypes.cast(ctypes.addressof(buf) + offset, ctypes.POINTER(Record)).contents
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// if offset + ctypes.sizeof(Record) > ctypes.sizeof(buf):
    ///     raise ValueError("record out of range")
    /// record = Record.from_buffer(buf, offset)  # bounds-checked by ctypes
    /// ```
    ///
    /// ## References
    /// - CWE-704: Incorrect Type Conversion or Cast
    /// - Python docs: `ctypes.cast`, `_CData.from_buffer`
    code: "SG923",
    name: "ctypes-cast-from-integer",
    family: Interop,
    cwe: 704,
    severity: Medium,
    confidence: Low,
    default_enabled: false,
    summary: "`ctypes.cast` turns a computed integer into a pointer without any checks",
    hooks: Hooks { call: Some((&["ctypes.cast"], check)), ..Hooks::NONE },
};

/// Whether an expression is a run-time integer used as an address.
fn is_computed_address(checker: &Checker, expr: &Expr) -> bool {
    if is_constant(expr) {
        return false;
    }
    match expr {
        Expr::BinOp(binop) => matches!(
            binop.op,
            ast::Operator::Add | ast::Operator::Sub | ast::Operator::Mult | ast::Operator::BitAnd
        ),
        Expr::Call(call) => checker
            .qualified_name(&call.func)
            .is_some_and(|name| matches!(name.as_str(), "int" | "id" | "ctypes.addressof")),
        Expr::Name(_) | Expr::Attribute(_) => {
            let name = match expr {
                Expr::Name(name) => name.id.to_string(),
                Expr::Attribute(attribute) => attribute.attr.to_string(),
                _ => return false,
            };
            let lower = name.to_ascii_lowercase();
            lower
                .split('_')
                .any(|part| matches!(part, "addr" | "address" | "offset" | "ptr" | "pointer"))
        }
        _ => false,
    }
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(object) = site.argument(0, "obj") else {
        return;
    };
    if !is_computed_address(checker, object) {
        return;
    }
    checker.report(
        object.range(),
        "`ctypes.cast` of a computed integer address; validate the address and size, or use `Type.from_buffer(buffer, offset)` which checks bounds",
    );
}
