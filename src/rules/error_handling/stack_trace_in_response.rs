//! SG815: a formatted traceback returned to the client.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, Stmt, ast};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};
use crate::rules::misconfiguration::web_support::{
    Lookup, any_subexpression, qualified_name_at, with_assigned_value,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags the output of `traceback.format_exc()`, `format_exception()`, `format_tb()` or
    /// `format_stack()` — directly, or through a local variable assigned once — passed to a
    /// response constructor (`jsonify`, `make_response`, `abort`, `HttpResponse`,
    /// `JsonResponse`, `JSONResponse`, `HTTPException(detail=...)`, DRF `Response`, ...) or
    /// returned from a view function (decorated as a route, or taking a `request` parameter).
    /// `str(e)` of an exception is deliberately not flagged: it is usually a short message.
    ///
    /// ## Why is this bad?
    /// A stack trace shows file paths, library versions, code lines and sometimes values of
    /// local variables (SQL, keys, internal host names). Sent to the client it maps the
    /// application for an attacker and may disclose secrets directly.
    ///
    /// ## Example
    /// ```python
    /// except Exception:
    ///     return jsonify(error=traceback.format_exc()), 500
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// except Exception:
    ///     app.logger.exception("export failed")
    ///     return jsonify(error="internal error"), 500
    /// ```
    ///
    /// ## References
    /// - CWE-209: Generation of Error Message Containing Sensitive Information
    /// - OWASP: "Error Handling Cheat Sheet"
    code: "SG815",
    name: "stack-trace-in-response",
    family: ErrorHandling,
    cwe: 209,
    severity: Medium,
    confidence: High,
    summary: "Stack trace sent to the client in an HTTP response",
    hooks: Hooks { call: Some((RESPONSES, check_response)), stmt: Some(check_return), stmt_kinds: Kinds::stmts(&[StmtKind::Return]), ..Hooks::NONE },
};

const RESPONSES: &[&str] = &[
    "flask.jsonify",
    "flask.json.jsonify",
    "flask.make_response",
    "flask.Response",
    "flask.wrappers.Response",
    "flask.abort",
    "werkzeug.wrappers.Response",
    "werkzeug.exceptions.abort",
    "django.http.HttpResponse",
    "django.http.JsonResponse",
    "django.http.HttpResponseServerError",
    "django.http.HttpResponseBadRequest",
    "django.http.response.HttpResponse",
    "django.http.response.JsonResponse",
    "django.http.response.HttpResponseServerError",
    "django.http.response.HttpResponseBadRequest",
    "rest_framework.response.Response",
    "starlette.responses.Response",
    "starlette.responses.JSONResponse",
    "starlette.responses.PlainTextResponse",
    "starlette.responses.HTMLResponse",
    "starlette.exceptions.HTTPException",
    "fastapi.Response",
    "fastapi.HTTPException",
    "fastapi.exceptions.HTTPException",
    "fastapi.responses.Response",
    "fastapi.responses.JSONResponse",
    "fastapi.responses.PlainTextResponse",
    "fastapi.responses.HTMLResponse",
];

const TRACEBACK_FORMATTERS: &[&str] = &[
    "traceback.format_exc",
    "traceback.format_exception",
    "traceback.format_tb",
    "traceback.format_stack",
];

/// Route-registering decorator attributes (`@app.route`, `@router.get`, ...).
const ROUTE_DECORATORS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "api_route",
    "websocket",
    "errorhandler",
    "app_errorhandler",
    "exception_handler",
];

/// The traceback call inside `expr` (following a once-assigned local one step).
fn traceback_in(checker: &Checker, lookup: Lookup, expr: &Expr, follow: bool) -> bool {
    any_subexpression(
        expr,
        &mut |sub| match sub {
            Expr::Call(call) => qualified_name_at(checker, lookup, &call.func)
                .is_some_and(|name| TRACEBACK_FORMATTERS.contains(&name.as_str())),
            Expr::Name(name) if follow => {
                with_assigned_value(checker, lookup, name, |value, inner| {
                    traceback_in(checker, inner, value, false)
                }) == Some(true)
            }
            _ => false,
        },
        &mut |sub| match sub {
            // A response nested in a returned tuple is checked by the call hook.
            Expr::Call(call) => !qualified_name_at(checker, lookup, &call.func)
                .is_some_and(|name| RESPONSES.contains(&name.as_str())),
            _ => true,
        },
    )
}

fn check_response(checker: &mut Checker, site: &CallSite) {
    let lookup = Lookup::here(checker);
    let arguments = site.call.arguments.args.iter().chain(
        site.call
            .arguments
            .keywords
            .iter()
            .map(|keyword| &keyword.value),
    );
    let found = arguments
        .into_iter()
        .find(|argument| traceback_in(checker, lookup, argument, true))
        .map(Ranged::range);
    if let Some(range) = found {
        let callee = site.qualified.unwrap_or("response");
        checker.report(
            range,
            format!(
                "stack trace passed to `{callee}` is sent to the client; log it server-side and \
                 return a generic error message"
            ),
        );
    }
}

fn is_view(function: &ast::StmtFunctionDef) -> bool {
    let decorated_as_route = function.decorator_list.iter().any(|decorator| {
        let expr = match &decorator.expression {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        match expr {
            Expr::Attribute(attribute) => ROUTE_DECORATORS.contains(&attribute.attr.as_str()),
            Expr::Name(name) => name.id.as_str() == "api_view",
            _ => false,
        }
    });
    decorated_as_route
        || function
            .parameters
            .iter()
            .any(|parameter| parameter.name().as_str() == "request")
}

fn check_return(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Return(ret) = stmt else { return };
    let Some(value) = &ret.value else { return };
    let Some(function) = checker.functions.last() else {
        return;
    };
    if !is_view(function) {
        return;
    }
    let lookup = Lookup::here(checker);
    if traceback_in(checker, lookup, value, true) {
        checker.report(
            value.range(),
            "view returns a stack trace to the client; log it server-side and return a generic \
             error message",
        );
    }
}
