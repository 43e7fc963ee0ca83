//! Unsafe C interop through `ctypes`: raw memory copies, reads and casts.
pub mod ctypes_cast_from_integer;
pub mod ctypes_memmove_variable_size;
pub mod ctypes_memset_variable_size;
pub mod ctypes_string_at_variable_size;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Expr;
use crate::rules::helpers::is_constant;

/// A size the reader can see is bounded: a literal, `ctypes.sizeof(...)`, `min(...)`, or
/// arithmetic on those.
pub(crate) fn is_bounded_size(checker: &Checker, expr: &Expr) -> bool {
    match expr {
        _ if is_constant(expr) => true,
        Expr::Call(call) => checker
            .qualified_name(&call.func)
            .is_some_and(|name| matches!(name.as_str(), "ctypes.sizeof" | "min")),
        Expr::BinOp(binop) => {
            is_bounded_size(checker, &binop.left) && is_bounded_size(checker, &binop.right)
        }
        Expr::Name(name) => name
            .id
            .as_str()
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_'),
        _ => false,
    }
}

/// Report a `ctypes` memory call whose size argument is not visibly bounded.
pub(crate) fn check_size(
    checker: &mut Checker,
    callee: &str,
    size: Option<&Expr>,
    message: impl Fn(&str) -> String,
) {
    use crate::analysis::syntax::Ranged;
    let Some(size) = size else { return };
    if is_bounded_size(checker, size) {
        return;
    }
    let text = checker.source(size.range()).to_string();
    let shown = if text.len() > 40 {
        "the size"
    } else {
        text.as_str()
    };
    checker.report(size.range(), format!("`{callee}` {}", message(shown)));
}
