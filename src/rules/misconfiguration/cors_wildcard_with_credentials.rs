//! SG814: CORS that allows any origin together with credentials.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    SettingOrigin, in_dev_or_test_context, is_true_literal,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags cross-origin resource sharing configured to accept any origin *and* credentials:
    /// Starlette/FastAPI `CORSMiddleware` with `allow_origins=["*"]` (or an
    /// `allow_origin_regex` such as `".*"`) and `allow_credentials=True` — via
    /// `app.add_middleware`, `Middleware(...)` or a direct call; Flask-CORS `CORS(...)` /
    /// `cross_origin(...)` with `supports_credentials=True` and `origins="*"` (also the
    /// default when no origins are given); django-cors-headers settings with
    /// `CORS_ALLOW_ALL_ORIGINS` (or `CORS_ORIGIN_ALLOW_ALL`) and `CORS_ALLOW_CREDENTIALS` both
    /// `True` in one module.
    ///
    /// ## Why is this bad?
    /// Browsers refuse `Access-Control-Allow-Origin: *` with credentials, so these libraries
    /// echo the requesting origin instead. The effect is that every website can make
    /// authenticated requests to the API with the visitor's cookies and read the responses:
    /// account data, CSRF tokens, API keys.
    ///
    /// ## Example
    /// ```python
    /// app.add_middleware(
    ///     CORSMiddleware, allow_origins=["*"], allow_credentials=True
    /// )
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// app.add_middleware(
    ///     CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True
    /// )
    /// ```
    ///
    /// ## References
    /// - CWE-942: Permissive Cross-domain Policy with Untrusted Domains
    /// - Starlette docs: "CORSMiddleware"; Flask-CORS docs: `supports_credentials`
    code: "SG814",
    name: "cors-wildcard-with-credentials",
    family: Misconfiguration,
    cwe: 942,
    severity: High,
    confidence: High,
    summary: "CORS allows any origin with credentials: any site can read authenticated responses",
    hooks: Hooks {
        call: Some((CALLEES, check)),
        call_methods: &["add_middleware"],
        module: Some(check_django_settings),
        ..Hooks::NONE
    },
};

const CORS_MIDDLEWARE: &[&str] = &[
    "starlette.middleware.cors.CORSMiddleware",
    "fastapi.middleware.cors.CORSMiddleware",
];
const FLASK_CORS: &[&str] = &[
    "flask_cors.CORS",
    "flask_cors.cross_origin",
    "flask_cors.extension.CORS",
    "flask_cors.decorator.cross_origin",
];
/// Every callee [`check`] looks at (besides `.add_middleware(...)` on any receiver).
const CALLEES: &[&str] = &[
    "starlette.middleware.cors.CORSMiddleware",
    "fastapi.middleware.cors.CORSMiddleware",
    "flask_cors.CORS",
    "flask_cors.cross_origin",
    "flask_cors.extension.CORS",
    "flask_cors.decorator.cross_origin",
    "starlette.middleware.Middleware",
    "fastapi.middleware.Middleware",
];

/// `"*"`, or a list/tuple containing `"*"`.
fn is_wildcard_origins(expr: &Expr) -> bool {
    match expr {
        Expr::List(list) => list.elts.iter().any(is_wildcard_origins),
        Expr::Tuple(tuple) => tuple.elts.iter().any(is_wildcard_origins),
        Expr::Set(set) => set.elts.iter().any(is_wildcard_origins),
        _ => string_literal(expr).is_some_and(|value| value == "*" || is_match_all_regex(&value)),
    }
}

/// Regular expressions that accept every origin.
fn is_match_all_regex(pattern: &str) -> bool {
    let trimmed = pattern.trim_start_matches('^').trim_end_matches('$');
    matches!(
        trimmed,
        ".*" | ".+"
            | "(.*)"
            | "(.+)"
            | "https?://.*"
            | "https?://.+"
            | "https://.*"
            | "http://.*"
            | "https://.+"
            | "http://.+"
    )
}

fn check(checker: &mut Checker, site: &CallSite) {
    if let Some(callee) = site.qualified {
        if CORS_MIDDLEWARE.contains(&callee) {
            check_starlette(checker, site);
            return;
        }
        if FLASK_CORS.contains(&callee) {
            check_flask_cors(checker, site);
            return;
        }
    }
    let is_middleware_wrapper = site.method_name() == Some("add_middleware")
        || matches!(
            site.qualified,
            Some("starlette.middleware.Middleware" | "fastapi.middleware.Middleware")
        );
    if is_middleware_wrapper {
        let Some(first) = site.positional(0) else {
            return;
        };
        if checker
            .qualified_name(first)
            .is_some_and(|name| CORS_MIDDLEWARE.contains(&name.as_str()))
        {
            check_starlette(checker, site);
        }
    }
}

fn check_starlette(checker: &mut Checker, site: &CallSite) {
    if !site
        .keyword("allow_credentials")
        .is_some_and(is_true_literal)
    {
        return;
    }
    let wildcard = site
        .keyword("allow_origins")
        .filter(|origins| is_wildcard_origins(origins))
        .or_else(|| {
            site.keyword("allow_origin_regex")
                .filter(|regex| string_literal(regex).is_some_and(|r| is_match_all_regex(&r)))
        });
    if let Some(origins) = wildcard {
        checker.report(
            origins.range(),
            "CORSMiddleware allows any origin together with `allow_credentials=True`: every \
             website can make authenticated requests and read the responses; list the trusted \
             origins",
        );
    }
}

fn check_flask_cors(checker: &mut Checker, site: &CallSite) {
    let Some(credentials) = site
        .keyword("supports_credentials")
        .filter(|value| is_true_literal(value))
    else {
        return;
    };
    let flagged = match site.keyword("origins") {
        Some(origins) => is_wildcard_origins(origins).then_some(origins.range()),
        None => {
            // Without `origins`, Flask-CORS defaults to "*" unless per-resource options or
            // the `CORS_ORIGINS` config set them.
            let resources_set_origins =
                site.keyword("resources")
                    .is_some_and(|resources| match resources {
                        Expr::Dict(dict) => dict.items.iter().any(|item| match &item.value {
                            Expr::Dict(options) => options.items.iter().any(|option| {
                                option.key.as_ref().and_then(string_literal).as_deref()
                                    == Some("origins")
                                    && !is_wildcard_origins(&option.value)
                            }),
                            _ => false,
                        }),
                        _ => true,
                    });
            (!resources_set_origins
                && !site.has_kwargs_splat()
                && !checker.lines.text().contains("CORS_ORIGINS"))
            .then_some(credentials.range())
        }
    };
    if let Some(range) = flagged {
        checker.report(
            range,
            "Flask-CORS allows any origin with `supports_credentials=True` (origins default to \
             \"*\"): every website can make authenticated requests and read the responses; pass \
             `origins=[...]` with the trusted origins",
        );
    }
}

fn check_django_settings(checker: &mut Checker, body: &[Stmt]) {
    if in_dev_or_test_context(checker, SettingOrigin::Module) {
        return;
    }
    let mut allow_all = None;
    let mut credentials = false;
    for stmt in body {
        let Stmt::Assign(assign) = stmt else { continue };
        for target in &assign.targets {
            let Expr::Name(name) = target else { continue };
            match name.id.as_str() {
                "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL"
                    if is_true_literal(&assign.value) =>
                {
                    allow_all = Some(assign.value.range());
                }
                "CORS_ALLOW_CREDENTIALS" => credentials = is_true_literal(&assign.value),
                _ => {}
            }
        }
    }
    if let (Some(range), true) = (allow_all, credentials) {
        checker.report(
            range,
            "django-cors-headers allows all origins while `CORS_ALLOW_CREDENTIALS = True`: every \
             website can make authenticated requests and read the responses; set \
             `CORS_ALLOWED_ORIGINS` instead",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{CALLEES, CORS_MIDDLEWARE, FLASK_CORS};

    #[test]
    fn the_call_hook_is_selected_by_every_callee_it_checks() {
        for callee in CORS_MIDDLEWARE.iter().chain(FLASK_CORS) {
            assert!(
                CALLEES.contains(callee),
                "{callee} does not select the call hook"
            );
        }
    }
}
