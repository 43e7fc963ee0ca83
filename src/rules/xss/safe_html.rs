//! Shared logic of the XSS rules (SG308, SG703, SG704; not a rule itself): which expressions
//! are known not to carry unescaped user data into HTML.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, ast};
use crate::rules::helpers::is_constant;

/// Functions whose result is escaped (or built from escaped parts) HTML.
const ESCAPERS: &[&str] = &[
    "django.utils.html.escape",
    "django.utils.html.conditional_escape",
    "django.utils.html.format_html",
    "django.utils.html.format_html_join",
    "django.utils.html.json_script",
    "django.utils.html.escapejs",
    "django.utils.html.urlize",
    "django.template.defaultfilters.escape",
    "django.template.defaultfilters.force_escape",
    "django.template.loader.render_to_string",
    "html.escape",
    "markupsafe.escape",
    "markupsafe.Markup.escape",
    "flask.escape",
    "jinja2.escape",
    "bleach.clean",
    "bleach.linkify",
    "nh3.clean",
];

/// Whether `expr` is a literal, the result of an escaping function, or a string built only
/// from those (f-string, `%`, `+`, `.format`).
pub fn is_escaped_html(checker: &Checker, expr: &Expr) -> bool {
    match expr {
        _ if is_constant(expr) => true,
        Expr::FString(fstring) => fstring.value.elements().all(|element| {
            element
                .as_interpolation()
                .is_none_or(|interpolation| is_escaped_html(checker, &interpolation.expression))
        }),
        Expr::BinOp(binop) if matches!(binop.op, ast::Operator::Add | ast::Operator::Mod) => {
            is_escaped_html(checker, &binop.left) && is_escaped_html(checker, &binop.right)
        }
        Expr::Tuple(tuple) => tuple.elts.iter().all(|elt| is_escaped_html(checker, elt)),
        Expr::Dict(dict) => dict
            .items
            .iter()
            .all(|item| is_escaped_html(checker, &item.value)),
        Expr::Call(call) => {
            if let Expr::Attribute(attribute) = &*call.func
                && attribute.attr.as_str() == "format"
                && is_constant(&attribute.value)
            {
                return call
                    .arguments
                    .args
                    .iter()
                    .all(|arg| is_escaped_html(checker, arg))
                    && call
                        .arguments
                        .keywords
                        .iter()
                        .all(|keyword| is_escaped_html(checker, &keyword.value));
            }
            checker
                .qualified_name(&call.func)
                .is_some_and(|name| ESCAPERS.contains(&name.as_str()))
        }
        _ => false,
    }
}
