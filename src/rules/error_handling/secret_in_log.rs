//! SG816: a password, token or secret passed to a logging call or `print`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, TextRange, ast};
use crate::declare_rule;
use crate::finding::{Confidence, Severity};
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `logging.*`, `logger.*` (any receiver named like a logger, or created by
    /// `logging.getLogger`) and `print` calls whose arguments include a value named like a
    /// secret — a variable, attribute, `dict["key"]` or `.get("key")` matching the
    /// `password-name-pattern` option (`password`, `token`, `secret`, `api_key`, ...) —
    /// directly, in an f-string, or through `%`, `+`, `.format()`, `str()` or `repr()`. Names
    /// that describe rather than hold a secret (`token_url`, `password_length`,
    /// `is_password_valid`) and values passed through other functions (`len(password)`,
    /// `mask(token)`) are not flagged. `print` findings have low severity and confidence.
    ///
    /// ## Why is this bad?
    /// Logs are copied to aggregators, tickets and backups, kept for a long time and readable by
    /// far more people than the credential store. A secret written there must be considered
    /// leaked and rotated.
    ///
    /// ## Example
    /// ```python
    /// logger.info("login attempt user=%s password=%s", username, password)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// logger.info("login attempt user=%s", username)
    /// ```
    ///
    /// ## References
    /// - CWE-532: Insertion of Sensitive Information into Log File
    /// - OWASP: "Logging Cheat Sheet", data to exclude
    code: "SG816",
    name: "secret-in-log",
    family: ErrorHandling,
    cwe: 532,
    severity: Medium,
    confidence: Medium,
    summary: "Password, token or secret written to a log or printed",
    hooks: Hooks { call: Some((&[], check)), ..Hooks::NONE },
};

const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
    "msg",
];

/// Keyword arguments of logging calls that never carry message data.
const CONTROL_KEYWORDS: &[&str] = &[
    "exc_info",
    "stack_info",
    "stacklevel",
    "file",
    "sep",
    "end",
    "flush",
];

/// Last words that describe a secret rather than hold it.
const DESCRIPTIVE_SUFFIXES: &[&str] = &[
    "url",
    "uri",
    "urls",
    "name",
    "names",
    "type",
    "file",
    "path",
    "dir",
    "len",
    "length",
    "size",
    "count",
    "field",
    "fields",
    "prompt",
    "policy",
    "required",
    "changed",
    "valid",
    "validator",
    "validators",
    "endpoint",
    "expiry",
    "expires",
    "expiration",
    "exp",
    "ttl",
    "timeout",
    "age",
    "id",
    "ids",
    "header",
    "param",
    "label",
    "hint",
    "format",
    "regex",
    "pattern",
    "min",
    "max",
    "version",
    "attempts",
    "error",
    "errors",
    "form",
    "status",
    "strength",
    "manager",
    "class",
    "service",
    "provider",
    "backend",
    "store",
    "storage",
    "cache",
    "handler",
    "generator",
    "serializer",
    "model",
    "config",
    "settings",
    "env",
    "var",
    "reset",
    "source",
    "kind",
    "scope",
    "scopes",
    "created",
    "updated",
    "used",
    "set",
    "mode",
];

/// First words that make a name a flag or a measure.
const DESCRIPTIVE_PREFIXES: &[&str] = &[
    "is", "has", "num", "n", "max", "min", "should", "use", "allow", "require", "requires", "show",
    "needs", "check", "validate", "verify", "no",
];

fn is_secret_name(checker: &Checker, name: &str) -> bool {
    if !checker.options.is_password_name(name) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower.split('_').filter(|word| !word.is_empty()).collect();
    !matches!(
        words.as_slice(),
        [first, .., last]
            if DESCRIPTIVE_SUFFIXES.contains(last) || DESCRIPTIVE_PREFIXES.contains(first)
    )
}

/// The first secret-named value in a logged expression, with the name that gave it away.
fn secret_in(checker: &Checker, expr: &Expr) -> Option<(TextRange, String)> {
    match expr {
        Expr::Name(name) => {
            is_secret_name(checker, name.id.as_str()).then(|| (name.range, name.id.to_string()))
        }
        Expr::Attribute(attribute) => is_secret_name(checker, attribute.attr.as_str())
            .then(|| (attribute.range, attribute.attr.to_string())),
        Expr::Subscript(subscript) => string_literal(&subscript.slice)
            .filter(|key| is_secret_name(checker, key))
            .map(|key| (subscript.range, key)),
        Expr::FString(fstring) => fstring.value.elements().find_map(|element| {
            element
                .as_interpolation()
                .and_then(|interpolation| secret_in(checker, &interpolation.expression))
        }),
        Expr::BinOp(binop) if matches!(binop.op, ast::Operator::Mod | ast::Operator::Add) => {
            secret_in(checker, &binop.left).or_else(|| secret_in(checker, &binop.right))
        }
        Expr::Tuple(tuple) => tuple.elts.iter().find_map(|elt| secret_in(checker, elt)),
        Expr::List(list) => list.elts.iter().find_map(|elt| secret_in(checker, elt)),
        Expr::Starred(starred) => secret_in(checker, &starred.value),
        Expr::Dict(dict) => dict.items.iter().find_map(|item| {
            let keyed = item
                .key
                .as_ref()
                .and_then(string_literal)
                .filter(|key| is_secret_name(checker, key) && !is_literal(&item.value))
                .map(|key| (item.value.range(), key));
            keyed.or_else(|| secret_in(checker, &item.value))
        }),
        Expr::Call(call) => secret_in_call(checker, call),
        _ => None,
    }
}

fn is_literal(expr: &Expr) -> bool {
    crate::rules::helpers::is_constant(expr)
}

/// `str(x)`, `repr(x)`, `"...".format(x)`, `d.get("password")`.
fn secret_in_call(checker: &Checker, call: &ast::ExprCall) -> Option<(TextRange, String)> {
    match &*call.func {
        Expr::Name(name) if matches!(name.id.as_str(), "str" | "repr") => call
            .arguments
            .args
            .first()
            .and_then(|arg| secret_in(checker, arg)),
        Expr::Attribute(attribute) => match attribute.attr.as_str() {
            "format" if matches!(&*attribute.value, Expr::StringLiteral(_)) => call
                .arguments
                .args
                .iter()
                .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
                .find_map(|arg| secret_in(checker, arg)),
            "get" => call
                .arguments
                .args
                .first()
                .and_then(string_literal)
                .filter(|key| is_secret_name(checker, key))
                .map(|key| (call.range(), key)),
            _ => None,
        },
        _ => None,
    }
}

/// `log`, `logger`, `_logger`, `LOG`, `audit_logger`, `app.logger`, `self.log`.
fn looks_like_logger(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.trim_start_matches('_');
    lower == "log" || lower.ends_with("logger") || lower.ends_with("_log")
}

fn is_logging_call(checker: &Checker, site: &CallSite) -> Option<bool> {
    if site.qualified == Some("print") {
        return Some(false);
    }
    let Expr::Attribute(attribute) = &*site.call.func else {
        return None;
    };
    if !LOG_METHODS.contains(&attribute.attr.as_str()) {
        return None;
    }
    if site
        .qualified
        .is_some_and(|name| name.starts_with("logging.") || name.starts_with("loguru.logger."))
    {
        return Some(true);
    }
    let receiver = &*attribute.value;
    let by_name = match receiver {
        Expr::Name(name) => looks_like_logger(name.id.as_str()),
        Expr::Attribute(inner) => looks_like_logger(inner.attr.as_str()),
        _ => false,
    };
    let by_type = checker
        .semantic
        .instance_of(checker.scope, receiver)
        .is_some_and(|class| class == "logging.getLogger" || class == "structlog.get_logger");
    (by_name || by_type).then_some(true)
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(is_log) = is_logging_call(checker, site) else {
        return;
    };
    let mut found = site
        .call
        .arguments
        .args
        .iter()
        .find_map(|arg| secret_in(checker, arg));
    if found.is_none() {
        for keyword in &site.call.arguments.keywords {
            let Some(arg) = &keyword.arg else { continue };
            if CONTROL_KEYWORDS.contains(&arg.as_str()) {
                continue;
            }
            // structlog-style `log.info("login", password=pw)`.
            if is_log && is_secret_name(checker, arg.as_str()) && !is_literal(&keyword.value) {
                found = Some((keyword.value.range(), arg.to_string()));
                break;
            }
            if let Some(hit) = secret_in(checker, &keyword.value) {
                found = Some(hit);
                break;
            }
        }
    }
    let Some((range, name)) = found else { return };
    let sink = if is_log {
        "a log message"
    } else {
        "`print` output"
    };
    let finding = checker.report(
        range,
        format!("`{name}` looks like a secret and is written to {sink}; log a redacted value or leave it out"),
    );
    if !is_log {
        finding.severity = Some(Severity::Low);
        finding.confidence = Some(Confidence::Low);
    }
}
