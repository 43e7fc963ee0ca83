//! SG812: Flask `send_file` / `send_from_directory` with a path taken from the request.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::semantic::BindingKind;
use crate::analysis::syntax::{Expr, Ranged, ast};
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    Lookup, any_subexpression, binding_kind_at, qualified_name_at, with_assigned_value,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `flask.send_file(path)` when `path` is built from `flask.request` or from a
    /// parameter of the enclosing view (a URL variable) — directly, through `os.path.join`,
    /// `pathlib.Path`, f-strings, `%`, `+` or `.format()`, or through a local variable
    /// assigned once — and `flask.send_from_directory(directory, path)` when the *directory*
    /// comes from the request (the file name part is joined safely by Flask). Values passed
    /// through `werkzeug.utils.secure_filename`, `safe_join` or `os.path.basename`, and URL
    /// variables declared `<int:...>`, `<float:...>` or `<uuid:...>`, are not flagged.
    ///
    /// ## Why is this bad?
    /// `send_file` opens whatever path it is given. A file name such as `../../etc/passwd` or
    /// an absolute path lets the client download any file the server process can read:
    /// source code, configuration with credentials, private keys.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/files/<name>")
    /// def download(name):
    ///     return send_file(os.path.join(UPLOAD_DIR, name))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/files/<name>")
    /// def download(name):
    ///     return send_from_directory(UPLOAD_DIR, name)
    /// ```
    ///
    /// ## References
    /// - CWE-22: Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')
    /// - Flask docs: `send_from_directory`, `werkzeug.security.safe_join`
    code: "SG812",
    name: "flask-send-file-path",
    family: Injection,
    cwe: 22,
    severity: High,
    confidence: Medium,
    summary: "Flask `send_file` with a path from the request (path traversal)",
    hooks: Hooks {
        call: Some((&[
            "flask.send_file",
            "flask.helpers.send_file",
            "flask.send_from_directory",
            "flask.helpers.send_from_directory",
        ], check)),
        ..Hooks::NONE
    },
};

/// Callees whose result is a safe file name.
const SANITIZERS: &[&str] = &["secure_filename", "safe_join", "basename"];

/// Calls that build a path or string out of their arguments (looked inside).
const PATH_BUILDERS: &[&str] = &[
    "join",
    "joinpath",
    "abspath",
    "normpath",
    "realpath",
    "expanduser",
    "Path",
    "PurePath",
    "PosixPath",
    "str",
    "format",
    "get",
    "getlist",
    "resolve",
    "absolute",
    "strip",
    "lower",
];

fn callee_last(call: &ast::ExprCall) -> Option<&str> {
    match &*call.func {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// URL variables of the enclosing view with a non-string converter (`<int:id>`).
fn typed_url_variables(checker: &Checker) -> Vec<String> {
    let Some(function) = checker.functions.last() else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for decorator in &function.decorator_list {
        let Expr::Call(call) = &decorator.expression else {
            continue;
        };
        let Some(Expr::StringLiteral(rule)) = call.arguments.args.first() else {
            continue;
        };
        let rule = rule.value.to_str();
        for part in rule.split('<').skip(1) {
            let Some(inner) = part.split('>').next() else {
                continue;
            };
            if let Some((converter, name)) = inner.split_once(':')
                && matches!(converter, "int" | "float" | "uuid")
            {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Whether `expr` carries request data or a view parameter into a path.
fn is_user_path(
    checker: &Checker,
    lookup: Lookup,
    expr: &Expr,
    typed: &[String],
    follow: bool,
) -> bool {
    any_subexpression(
        expr,
        &mut |sub| match sub {
            Expr::Name(name) => {
                if qualified_name_at(checker, lookup, sub)
                    .is_some_and(|qualified| qualified.starts_with("flask.request"))
                {
                    return true;
                }
                match binding_kind_at(checker, lookup, name) {
                    Some(BindingKind::Parameter) => {
                        !typed.iter().any(|typed| typed == name.id.as_str())
                    }
                    Some(BindingKind::Assignment { .. }) if follow => {
                        with_assigned_value(checker, lookup, name, |value, inner| {
                            is_user_path(checker, inner, value, typed, false)
                        }) == Some(true)
                    }
                    _ => false,
                }
            }
            _ => false,
        },
        &mut |sub| match sub {
            Expr::Call(call) => callee_last(call)
                .is_some_and(|last| !SANITIZERS.contains(&last) && PATH_BUILDERS.contains(&last)),
            Expr::Attribute(_)
            | Expr::Subscript(_)
            | Expr::BinOp(_)
            | Expr::FString(_)
            | Expr::Tuple(_)
            | Expr::List(_)
            | Expr::Starred(_) => true,
            _ => false,
        },
    )
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let directory_only = callee.ends_with("send_from_directory");
    let argument = if directory_only {
        site.argument(0, "directory")
    } else {
        site.argument(0, "path_or_file")
            .or_else(|| site.keyword("filename_or_fp"))
    };
    let Some(argument) = argument else { return };
    let typed = typed_url_variables(checker);
    if directory_only {
        // Only request data counts for the directory; view parameters there are unusual
        // enough to leave to the taint rules.
        let lookup = Lookup::here(checker);
        let from_request = any_subexpression(
            argument,
            &mut |sub| {
                matches!(sub, Expr::Name(_))
                    && qualified_name_at(checker, lookup, sub)
                        .is_some_and(|qualified| qualified.starts_with("flask.request"))
            },
            &mut |_| true,
        );
        if from_request {
            checker.report(
                argument.range(),
                "directory passed to `send_from_directory` comes from the request (path \
                 traversal); use a fixed directory and let the file name vary",
            );
        }
        return;
    }
    if is_user_path(checker, Lookup::here(checker), argument, &typed, true) {
        checker.report(
            argument.range(),
            "path passed to `send_file` is built from request data (path traversal); use \
             `send_from_directory(BASE_DIR, name)` or `secure_filename`",
        );
    }
}
