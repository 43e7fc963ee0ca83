//! Shared logic of the XML parsing rules SG313-SG320 (not a rule itself).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::rules::helpers::is_constant;

/// Report an XML parse call unless its input is a literal (a file shipped with the code or
/// an inline document). `has_input` is false for parser factories such as `create_parser`.
pub fn report_parse(checker: &mut Checker, site: &CallSite, has_input: bool, advice: &str) {
    let Some(callee) = site.qualified else { return };
    if has_input {
        let input = site
            .positional(0)
            .or_else(|| site.keyword("source"))
            .or_else(|| site.keyword("text"))
            .or_else(|| site.keyword("string"))
            .or_else(|| site.keyword("file"));
        match input {
            Some(input) if is_literal_input(input) => return,
            None if site.has_kwargs_splat() || site.call.arguments.args.is_empty() => return,
            _ => {}
        }
    }
    checker.report(
        site.call.func.range(),
        format!("`{callee}` on untrusted XML is open to entity expansion and external entity attacks; {advice}"),
    );
}

fn is_literal_input(expr: &Expr) -> bool {
    is_constant(expr) || crate::rules::helpers::is_constant_string_expr(expr)
}

/// Whether an lxml `parser=` argument was built with `resolve_entities=False`: inline
/// `etree.XMLParser(resolve_entities=False)` or a name bound once to such a call.
pub fn is_hardened_lxml_parser(checker: &Checker, parser: &Expr) -> bool {
    match parser {
        Expr::Call(call) => {
            checker
                .qualified_name(&call.func)
                .is_some_and(|name| name.starts_with("lxml.etree."))
                && call.arguments.keywords.iter().any(|keyword| {
                    keyword
                        .arg
                        .as_ref()
                        .is_some_and(|arg| arg.as_str() == "resolve_entities")
                        && matches!(&keyword.value, Expr::BooleanLiteral(b) if !b.value)
                })
        }
        Expr::Name(name) => {
            let Some(class) = checker.semantic.instance_of(checker.scope, parser) else {
                return false;
            };
            if !class.starts_with("lxml.etree.") {
                return false;
            }
            // The framework keeps the constructor's name, not its arguments: look at the
            // binding statement's source text.
            let Some(id) =
                checker
                    .semantic
                    .resolve_name(checker.scope, name.id.as_str(), name.range.start())
            else {
                return false;
            };
            let text: String = checker
                .source(checker.semantic.binding(id).source_range)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            text.contains("resolve_entities=False")
        }
        _ => false,
    }
}
