//! Small predicates over expressions that many rules share.

use crate::analysis::syntax::{Expr, ast};

/// The value of a string literal (implicitly concatenated parts joined).
pub fn string_literal(expr: &Expr) -> Option<String> {
    string_literal_str(expr).map(str::to_string)
}

/// [`string_literal`] without the copy, for checks on hot paths.
pub fn string_literal_str(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str()),
        _ => None,
    }
}

/// Whether `haystack` contains `needle` (lowercase ASCII) ignoring ASCII case, without
/// lowercasing a copy of `haystack`.
pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Whether the expression is a literal whose value is fully known (str, bytes, number, bool,
/// None, or a tuple/list/set of such).
pub fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_) => true,
        Expr::Tuple(tuple) => tuple.elts.iter().all(is_constant),
        Expr::List(list) => list.elts.iter().all(is_constant),
        Expr::Set(set) => set.elts.iter().all(is_constant),
        _ => false,
    }
}

/// Whether a string is built dynamically: `%` formatting, `.format()`, an f-string with
/// placeholders, or `+` concatenation involving a non-literal.
pub fn is_dynamic_string(expr: &Expr) -> bool {
    match expr {
        Expr::FString(fstring) => fstring
            .value
            .elements()
            .any(|element| element.as_interpolation().is_some()),
        Expr::BinOp(binop) => match binop.op {
            ast::Operator::Mod => is_stringish(&binop.left) && !is_constant(&binop.right),
            ast::Operator::Add => {
                (is_stringish(&binop.left) || is_stringish(&binop.right))
                    && !(is_constant_string_expr(&binop.left)
                        && is_constant_string_expr(&binop.right))
            }
            _ => false,
        },
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attribute) => {
                attribute.attr.as_str() == "format"
                    && is_stringish(&attribute.value)
                    && (!call.arguments.args.is_empty() || !call.arguments.keywords.is_empty())
                    && !(call.arguments.args.iter().all(is_constant)
                        && call
                            .arguments
                            .keywords
                            .iter()
                            .all(|keyword| is_constant(&keyword.value)))
            }
            _ => false,
        },
        _ => false,
    }
}

/// A string literal, f-string, or string-building expression.
fn is_stringish(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) | Expr::FString(_) => true,
        Expr::BinOp(binop) => is_stringish(&binop.left) || is_stringish(&binop.right),
        _ => false,
    }
}

/// A string whose value is fully known: literals and `+` of literals.
pub fn is_constant_string_expr(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) => true,
        Expr::FString(fstring) => fstring
            .value
            .elements()
            .all(|element| element.as_interpolation().is_none()),
        Expr::BinOp(binop) if binop.op == ast::Operator::Add => {
            is_constant_string_expr(&binop.left) && is_constant_string_expr(&binop.right)
        }
        _ => false,
    }
}

/// `True`, or a non-zero number literal.
pub fn is_truthy_literal(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(literal) => literal.value,
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_u64() != Some(0),
            ast::Number::Float(float) => *float != 0.0,
            ast::Number::Complex { .. } => true,
        },
        Expr::StringLiteral(literal) => !literal.value.is_empty(),
        _ => false,
    }
}

/// `False`, `None`, `0` or `""`.
pub fn is_falsy_literal(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(literal) => !literal.value,
        Expr::NoneLiteral(_) => true,
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_u64() == Some(0),
            ast::Number::Float(float) => *float == 0.0,
            ast::Number::Complex { .. } => false,
        },
        Expr::StringLiteral(literal) => literal.value.is_empty(),
        _ => false,
    }
}

/// The integer value of a literal, if it is a non-negative integer that fits in u64.
pub fn int_literal(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_u64(),
            _ => None,
        },
        _ => None,
    }
}

/// The last segment of the name an assignment target binds: `x`, `self.x` -> `x`,
/// `cfg["x"]` -> `x`.
pub fn target_name(target: &Expr) -> Option<String> {
    target_str(target).map(str::to_string)
}

/// [`target_name`] without the copy, for checks on hot paths.
pub fn target_str(target: &Expr) -> Option<&str> {
    match target {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        Expr::Subscript(subscript) => string_literal_str(&subscript.slice),
        _ => None,
    }
}

/// Whether qualified names built from `root` (one of [`qualified_name_roots`]) can start
/// with one of `prefixes` (`["random"]`).
///
/// Qualified names are built from the text of an import, from-import or alias binding, with
/// attributes appended and a leading `builtins.` dropped; bare builtins resolve to their own
/// names. So if no root of a module starts with a prefix (or with `builtins`), no callee in
/// it resolves under the prefix: a per-module test that lets hooks skip the module.
pub fn root_may_resolve_under(root: &str, prefixes: &[&str]) -> bool {
    root.starts_with("builtins") || prefixes.iter().any(|prefix| root.starts_with(prefix))
}

/// The texts every qualified name in the module starts from (see [`root_may_resolve_under`]): the
/// modules and names of its imports and from-imports, and the names its aliases stand for.
pub fn qualified_name_roots<'s>(
    semantic: &'s crate::analysis::semantic::SemanticModel,
) -> impl Iterator<Item = &'s str> {
    use crate::analysis::semantic::BindingKind;
    semantic
        .bindings()
        .iter()
        .filter_map(|binding| match &binding.kind {
            BindingKind::Import { module } => Some(module.as_str()),
            BindingKind::FromImport { qualified } => Some(qualified.as_str()),
            BindingKind::Assignment {
                alias_of: Some(alias),
                ..
            } => Some(alias.as_str()),
            _ => None,
        })
}

/// Whether the module imports `module` or one of its submodules anywhere (`import m`,
/// `import m.sub`, `from m import x`, `from m.sub import x`). For rules that match a method
/// name (`.exec_command`, `.extractall`) only in files that use the library.
pub fn module_imports(semantic: &crate::analysis::semantic::SemanticModel, module: &str) -> bool {
    use crate::analysis::semantic::BindingKind;
    let within = |name: &str| {
        name == module
            || name
                .strip_prefix(module)
                .is_some_and(|rest| rest.starts_with('.'))
    };
    semantic
        .bindings()
        .iter()
        .any(|binding| match &binding.kind {
            BindingKind::Import { module } => within(module),
            BindingKind::FromImport { qualified } => within(qualified),
            _ => false,
        })
}

/// Whether a hard-coded "secret" value is obviously not a real secret: empty, `None`/`null`,
/// an environment-variable or template reference (`$PASSWORD`, `${PASSWORD}`, `{password}`,
/// `%(password)s`, `{{ password }}`), an angle-bracket placeholder (`<password>`), or a mask made
/// only of `x`, `*`, `.`, `-`, `_` or `#` (`xxx`, `***`).
pub fn is_placeholder_secret(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || matches!(value.to_ascii_lowercase().as_str(), "none" | "null" | "nil") {
        return true;
    }
    if value.starts_with('$')
        || value.contains("${")
        || value.contains("{{")
        || value.contains("%(")
        || (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with('{') && value.ends_with('}'))
    {
        return true;
    }
    value
        .chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '-' | '_' | '#' | '?'))
}

/// The qualified name an expression refers to, or for a call the qualified name of its callee:
/// `paramiko.AutoAddPolicy` and `paramiko.AutoAddPolicy()` both give `paramiko.AutoAddPolicy`.
pub fn qualified_or_callee(
    checker: &crate::analysis::checker::Checker,
    expr: &Expr,
) -> Option<String> {
    match expr {
        Expr::Call(call) => checker.qualified_name(&call.func),
        _ => checker.qualified_name(expr),
    }
}

/// Whether a scan-root-relative path is test code (`test_*.py`, `*_test.py`, `conftest.py`,
/// or under a `tests`, `test` or `testing` directory).
pub fn is_test_path(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.starts_with("test_")
        || file.ends_with("_test.py")
        || file == "conftest.py"
        || path
            .split('/')
            .any(|part| part == "tests" || part == "test" || part == "testing")
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_code_is_told_by_its_file_name_or_a_directory() {
        for path in [
            "test_app.py",
            "pkg/app_test.py",
            "conftest.py",
            "tests/helpers.py",
            "src/test/util.py",
            "a/testing/b.py",
        ] {
            assert!(is_test_path(path), "{path}");
        }
        for path in [
            "app.py",
            "latest_app.py",
            "pkg/contest.py",
            "attest/app.py",
            "tests.py",
        ] {
            assert!(!is_test_path(path), "{path}");
        }
    }
}
