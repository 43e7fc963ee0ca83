//! SG608: SQL built by string formatting or concatenation.

use std::sync::OnceLock;

use regex::Regex;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt, TextRange, Visitor, ast, visitor};
use crate::declare_rule;
use crate::finding::Confidence;
use crate::rules::helpers::is_dynamic_string;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags strings that look like SQL (`SELECT ... FROM`, `INSERT INTO`, `UPDATE ... SET`,
    /// `DELETE FROM`) and are built from non-literal values with `%`, `.format()`, an f-string
    /// or `+`. Reported with medium confidence when the string is passed straight to an
    /// `execute`/`executemany`/`executescript`/`raw`/`text`/`read_sql` call, with low confidence
    /// elsewhere (the string may be executed later). To avoid flagging prose, the SQL keywords
    /// must either start the string or be written in upper case.
    ///
    /// ## Why is this bad?
    /// Values pasted into SQL text are interpreted as SQL. A name like `x' OR '1'='1` or
    /// `1; DROP TABLE users` changes the query: attackers read other users' data, bypass logins
    /// or modify the database. Escaping by hand is fragile; drivers already know how to pass
    /// values safely.
    ///
    /// ## Example
    /// ```python
    /// cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    /// ```
    /// Use query parameters (the placeholder style depends on the driver) or a query builder.
    /// Identifiers (table and column names) cannot be parameters: pick them from an allow-list.
    ///
    /// ## References
    /// - CWE-89: Improper Neutralization of Special Elements used in an SQL Command
    /// - OWASP: "SQL Injection Prevention Cheat Sheet"
    code: "SG608",
    name: "hardcoded-sql-expressions",
    family: Injection,
    cwe: 89,
    severity: Medium,
    confidence: Low,
    summary: "SQL query built with string formatting or concatenation",
    hooks: Hooks {
        expr: Some(check),
        expr_kinds: Kinds::exprs(&[ExprKind::Call, ExprKind::BinOp, ExprKind::FString]),
        stmt: Some(check_type_params),
        stmt_kinds: Kinds::stmts(&[StmtKind::FunctionDef, StmtKind::ClassDef]),
        ..Hooks::NONE
    },
};

/// Callee names whose first argument is SQL text.
const SQL_SINKS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "mogrify",
    "raw",
    "text",
    "read_sql",
    "read_sql_query",
];

fn sql_at_start() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?is)^[\s(]*(with\s.+\sselect\s|select\s.+\sfrom\s|delete\s+from\s|insert\s+(or\s+\w+\s+)?into\s|replace\s+into\s|update\s.+\sset\s)",
        )
        .ok()
    })
    .as_ref()
}

fn sql_upper_anywhere() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?s)\b(SELECT\s.+\sFROM\s|DELETE\s+FROM\s|INSERT\s+INTO\s|UPDATE\s.+\sSET\s)")
            .ok()
    })
    .as_ref()
}

fn looks_like_sql(text: &str) -> bool {
    // A trailing space lets `... FROM ` + table match `from\s` at the end.
    let text = crate::analysis::concat(&[text, " "]);
    sql_at_start().is_some_and(|re| re.is_match(&text))
        || sql_upper_anywhere().is_some_and(|re| re.is_match(&text))
}

/// The literal text of a string-building expression, with ` ? ` for each non-literal part.
fn sql_text(expr: &Expr, out: &mut String) {
    match expr {
        Expr::StringLiteral(literal) => out.push_str(literal.value.to_str()),
        Expr::FString(fstring) => {
            for part in fstring.value.iter() {
                match part {
                    ast::FStringPart::Literal(literal) => out.push_str(&literal.value),
                    ast::FStringPart::FString(fstring) => {
                        for element in &fstring.elements {
                            match element.as_literal() {
                                Some(literal) => out.push_str(&literal.value),
                                None => out.push_str(" ? "),
                            }
                        }
                    }
                }
            }
        }
        Expr::BinOp(binop) if binop.op == ast::Operator::Add => {
            sql_text(&binop.left, out);
            sql_text(&binop.right, out);
        }
        Expr::BinOp(binop) if binop.op == ast::Operator::Mod => sql_text(&binop.left, out),
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "format" => {
                sql_text(&attribute.value, out);
            }
            _ => out.push_str(" ? "),
        },
        _ => out.push_str(" ? "),
    }
}

fn is_built_sql(expr: &Expr) -> bool {
    if !is_dynamic_string(expr) {
        return false;
    }
    let mut text = String::new();
    sql_text(expr, &mut text);
    looks_like_sql(&text)
}

fn is_sql_sink(call: &ast::ExprCall) -> bool {
    let name = match &*call.func {
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        Expr::Name(name) => name.id.as_str(),
        _ => return false,
    };
    SQL_SINKS.contains(&name)
}

/// Walks the expressions of one statement (not nested statements: they get their own hook
/// call), outermost first, and does not descend into a string it reports.
/// Looks at every expression of the pass, top down: a built query is reported once, as a
/// whole (the parts of a reported expression are claimed and skipped); a sink call with a
/// built first argument reports that argument and goes on with its other parts.
fn check(checker: &mut Checker, expr: &Expr) {
    if checker.is_claimed(expr.range()) {
        return;
    }
    if let Expr::Call(call) = expr
        && is_sql_sink(call)
        && let Some(first) = call.arguments.args.first()
        && is_built_sql(first)
    {
        report(checker, first.range(), true);
        checker.claim(first.range());
        return;
    }
    if is_built_sql(expr) {
        report(checker, expr.range(), false);
        checker.claim(expr.range());
    }
}

/// Type parameters of functions and classes (`def f[T: ...]`) are not part of the pass's
/// expressions; look at them with the same rules.
fn check_type_params(checker: &mut Checker, stmt: &Stmt) {
    let type_params = match stmt {
        Stmt::FunctionDef(function) => function.type_params.as_deref(),
        Stmt::ClassDef(class) => class.type_params.as_deref(),
        _ => None,
    };
    let Some(type_params) = type_params else {
        return;
    };
    let mut finder = SqlFinder::default();
    finder.visit_type_params(type_params);
    for (range, executed) in finder.found {
        report(checker, range, executed);
    }
}

/// Report a built query, in the scope of its statement (a query inside a lambda belongs to
/// the statement that holds the lambda).
fn report(checker: &mut Checker, range: TextRange, executed: bool) {
    let message = if executed {
        "SQL query built from run-time values is executed directly: pass the values as query parameters"
    } else {
        "SQL query built with string formatting: if any value is user-controlled this is SQL injection; use query parameters"
    };
    let scope = checker.statement_scope();
    let finding = checker.report(range, message);
    finding.scope = scope;
    if executed {
        finding.confidence = Some(Confidence::Medium);
    }
}

/// The same search as [`check`] as a walk of its own, for expressions the pass does not
/// visit (type parameters).
#[derive(Default)]
struct SqlFinder {
    found: Vec<(TextRange, bool)>,
}

impl<'a> Visitor<'a> for SqlFinder {
    fn visit_stmt(&mut self, _stmt: &'a Stmt) {}

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && is_sql_sink(call)
            && let Some(first) = call.arguments.args.first()
            && is_built_sql(first)
        {
            self.found.push((first.range(), true));
            self.visit_expr(&call.func);
            for arg in call.arguments.args.iter().skip(1) {
                self.visit_expr(arg);
            }
            for keyword in &call.arguments.keywords {
                self.visit_expr(&keyword.value);
            }
            return;
        }
        if is_built_sql(expr) {
            self.found.push((expr.range(), false));
            return;
        }
        visitor::walk_expr(self, expr);
    }
}
