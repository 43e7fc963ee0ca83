//! SG810: `response.set_cookie(...)` without `secure`, `httponly` or `samesite`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::finding::{Confidence, Severity};
use crate::rules::helpers::int_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misconfiguration::web_support::{
    SettingOrigin, in_dev_or_test_context, is_false_literal, module_imports,
};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `set_cookie(...)` / `set_signed_cookie(...)` calls in modules that import Flask,
    /// Werkzeug, Django, Starlette or FastAPI when the cookie is not marked `secure=True` and
    /// `httponly=True`, or (Flask, Django) has no `samesite`. The message lists what is
    /// missing. Severity is medium when `secure` is missing, low otherwise. Calls that delete a
    /// cookie (`max_age=0`, `expires=0`) or pass `**kwargs` are skipped.
    ///
    /// ## Why is this bad?
    /// Without `Secure` the cookie also travels over plain HTTP, where it can be read on the
    /// network; without `HttpOnly` any injected script can read it; without `SameSite` the
    /// browser attaches it to cross-site requests (CSRF) unless its own default applies.
    ///
    /// ## Example
    /// ```python
    /// response.set_cookie("session_id", sid)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// response.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")
    /// ```
    ///
    /// ## References
    /// - CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute
    /// - OWASP: "Session Management Cheat Sheet", cookie attributes
    code: "SG810",
    name: "set-cookie-insecure",
    family: Misconfiguration,
    cwe: 614,
    severity: Medium,
    confidence: Medium,
    summary: "`set_cookie` without `secure=True`, `httponly=True` or `samesite`",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["set_cookie", "set_signed_cookie"], ..Hooks::NONE },
};

const WEB_MODULES: &[&str] = &["flask", "werkzeug", "django", "quart"];
const DEFAULT_LAX_MODULES: &[&str] = &["starlette", "fastapi"];

fn check(checker: &mut Checker, site: &CallSite) {
    if !matches!(site.method_name(), Some("set_cookie" | "set_signed_cookie"))
        || site.has_kwargs_splat()
    {
        return;
    }
    let deletes = ["max_age", "expires"].iter().any(|name| {
        site.keyword(name)
            .is_some_and(|value| int_literal(value) == Some(0))
    });
    if deletes {
        return;
    }
    let classic = module_imports(checker, WEB_MODULES);
    let lax_default = module_imports(checker, DEFAULT_LAX_MODULES);
    if !(classic || lax_default) || in_dev_or_test_context(checker, SettingOrigin::AppConfig) {
        return;
    }
    // Positional order shared by Flask/Werkzeug, Django and Starlette:
    // key, value, max_age, expires, path, domain, secure, httponly, samesite.
    let unset = |index: usize, name: &str| -> bool {
        match site.argument(index, name) {
            None => true,
            Some(value) => is_false_literal(value) || matches!(value, Expr::NoneLiteral(_)),
        }
    };
    let mut missing = Vec::new();
    if unset(6, "secure") {
        missing.push("secure=True");
    }
    if unset(7, "httponly") {
        missing.push("httponly=True");
    }
    if !lax_default && unset(8, "samesite") {
        missing.push("samesite=\"Lax\"");
    }
    if missing.is_empty() {
        return;
    }
    let secure_missing = missing[0] == "secure=True";
    let method = site.method_name().unwrap_or("set_cookie");
    let finding = checker.report(
        site.call.func.range(),
        format!(
            "cookie set with `{method}` lacks {}; pass {} so it is not sent over HTTP, read by \
             scripts or attached to cross-site requests",
            missing.join(", "),
            missing.join(", ")
        ),
    );
    if !secure_missing {
        finding.severity = Some(Severity::Low);
        if missing.len() == 1 {
            finding.confidence = Some(Confidence::Low);
        }
    }
}
