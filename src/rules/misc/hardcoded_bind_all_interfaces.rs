//! SG104: a server bound to every network interface (`0.0.0.0`, `::`).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::helpers::{string_literal, string_literal_str, target_str};
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags the all-interfaces addresses `"0.0.0.0"`, `"::"` and `"[::]"` (alone or as
    /// `"0.0.0.0:8000"`) where they are used as a listening address: a `host=`/`bind=`-style
    /// keyword argument or parameter default, an `(address, port)` tuple passed to a call such
    /// as `sock.bind(...)` or `HTTPServer(...)`, the first argument of `.run(...)`/`.bind(...)`,
    /// a dictionary entry under such a key, or an assignment to a name like `HOST`, `BIND` or
    /// `LISTEN_ADDRESS` (including gunicorn's `bind = "0.0.0.0:8000"`). Unlike bandit's B104,
    /// other occurrences of the string (comparisons, log messages) are not reported.
    ///
    /// ## Why is this bad?
    /// Binding to every interface exposes the service on all networks the machine is attached
    /// to — including public ones — rather than just loopback or a private interface. Debug
    /// servers, admin consoles and internal APIs end up reachable from places nobody intended.
    ///
    /// ## Example
    /// ```python
    /// app.run(host="0.0.0.0", port=8000)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.run(host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8000)
    /// ```
    /// Bind to loopback by default and make exposure an explicit deployment decision.
    ///
    /// ## References
    /// - CWE-605: Multiple Binds to the Same Port
    /// - CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
    code: "SG104",
    name: "hardcoded-bind-all-interfaces",
    family: Misc,
    cwe: 605,
    severity: Medium,
    confidence: Medium,
    summary: "Service bound to all network interfaces (`0.0.0.0` / `::`)",
    hooks: Hooks { call: Some((&[], check_call)), stmt: Some(check_stmt), stmt_kinds: Kinds::stmts(&[StmtKind::Assign, StmtKind::AnnAssign, StmtKind::FunctionDef, StmtKind::Return]), ..Hooks::NONE },
};

/// Whether a literal is an all-interfaces listening address, optionally with a port.
fn is_bind_all(value: &str) -> bool {
    let value = value.trim();
    if matches!(value, "0.0.0.0" | "::" | "[::]") {
        return true;
    }
    value
        .strip_prefix("0.0.0.0:")
        .or_else(|| value.strip_prefix("[::]:"))
        .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a variable, parameter, keyword or key name denotes a listening address.
fn is_host_name(name: &str) -> bool {
    // Compared in place, ignoring ASCII case: this runs for every keyword argument.
    let name = name.as_bytes();
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let starts_with = |prefix: &str| {
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    [
        "host",
        "hostname",
        "bind",
        "listen",
        "address",
        "addr",
        "ip",
        "interface",
        "iface",
    ]
    .iter()
    .any(|exact| name.eq_ignore_ascii_case(exact.as_bytes()))
        || ["_host", "_bind", "_addr", "_address", "_ip", "_interface"]
            .iter()
            .any(|suffix| ends_with(suffix))
        || ["bind_", "listen_"]
            .iter()
            .any(|prefix| starts_with(prefix))
}

fn bind_all_literal(expr: &Expr) -> Option<&Expr> {
    match expr {
        Expr::StringLiteral(_) => string_literal_str(expr)
            .is_some_and(is_bind_all)
            .then_some(expr),
        // gunicorn: bind = ["0.0.0.0:8000"]
        Expr::List(list) => list.elts.iter().find_map(bind_all_literal),
        Expr::Tuple(tuple) => tuple.elts.iter().find_map(bind_all_literal),
        _ => None,
    }
}

/// `("0.0.0.0", port)`: the usual socket address tuple.
fn address_tuple(expr: &Expr) -> Option<&Expr> {
    let Expr::Tuple(tuple) = expr else {
        return None;
    };
    if !(2..=4).contains(&tuple.elts.len()) {
        return None;
    }
    let host = tuple.elts.first()?;
    string_literal_str(host)
        .is_some_and(is_bind_all)
        .then_some(host)
}

fn report(checker: &mut Checker, literal: &Expr, context: &str) {
    let value = string_literal(literal).unwrap_or_default();
    let message = format!(
        "{context} binds to all interfaces (`{value}`): bind to 127.0.0.1 or a specific interface, or make the address configurable"
    );
    checker.report(literal.range(), message);
}

fn check_call(checker: &mut Checker, site: &CallSite) {
    for keyword in &site.call.arguments.keywords {
        let Some(arg) = &keyword.arg else { continue };
        // Most values are not a bind-all literal: settle those before reading the name.
        if let Some(literal) = bind_all_literal(&keyword.value)
            && is_host_name(arg.as_str())
        {
            report(checker, literal, &format!("`{}=`", arg.as_str()));
            return;
        }
    }
    for arg in &site.call.arguments.args {
        if let Some(host) = address_tuple(arg) {
            report(checker, host, "address tuple");
            return;
        }
    }
    if matches!(site.method_name(), Some("run" | "bind" | "listen"))
        && let Some(literal) = site.positional(0).and_then(bind_all_literal)
    {
        let method = site.method_name().unwrap_or("run");
        report(checker, literal, &format!("`.{method}(...)`"));
    }
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Assign(assign) => {
            // Most values are not a bind-all literal: settle those before reading the names.
            let found = bind_all_literal(&assign.value).and_then(|literal| {
                let name = assign
                    .targets
                    .iter()
                    .filter_map(target_str)
                    .find(|name| is_host_name(name))?;
                Some((name, literal))
            });
            if let Some((name, literal)) = found {
                report(checker, literal, &format!("`{name}`"));
            } else {
                check_dicts(checker, &assign.value);
            }
        }
        Stmt::AnnAssign(assign) => {
            let Some(value) = &assign.value else { return };
            match (target_str(&assign.target), bind_all_literal(value)) {
                (Some(name), Some(literal)) if is_host_name(name) => {
                    report(checker, literal, &format!("`{name}`"));
                }
                _ => check_dicts(checker, value),
            }
        }
        Stmt::FunctionDef(function) => {
            for parameter in function.parameters.iter() {
                let name = parameter.name().as_str();
                if let Some(literal) = parameter.default().and_then(bind_all_literal)
                    && is_host_name(name)
                {
                    report(checker, literal, &format!("default of parameter `{name}`"));
                }
            }
        }
        Stmt::Return(ret) => {
            if let Some(value) = &ret.value {
                check_dicts(checker, value);
            }
        }
        _ => {}
    }
}

/// `{"host": "0.0.0.0"}` in an assigned or returned dictionary literal.
fn check_dicts(checker: &mut Checker, expr: &Expr) {
    let Expr::Dict(dict) = expr else { return };
    for item in &dict.items {
        let Some(key) = item.key.as_ref().and_then(string_literal_str) else {
            check_dicts(checker, &item.value);
            continue;
        };
        if is_host_name(key) {
            if let Some(literal) = bind_all_literal(&item.value) {
                report(checker, literal, &format!("key `{key}`"));
            }
        } else {
            check_dicts(checker, &item.value);
        }
    }
}
