//! SG113: HTTP requests that can wait forever (`requests` without `timeout=`, `timeout=None`).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `requests` calls (`get`, `post`, `put`, `patch`, `delete`, `head`, `options`,
    /// `request`) without a `timeout=` argument, and `requests` or `httpx` calls (including
    /// `httpx.Client(...)`/`httpx.AsyncClient(...)`) with `timeout=None`. `httpx` calls without
    /// `timeout=` are fine: httpx applies a default timeout. Calls passing `**kwargs` are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// `requests` waits indefinitely by default. A slow or malicious server (or a URL a user
    /// supplied) can hold the connection open and tie up a worker for ever; a handful of such
    /// requests exhausts a web server's worker pool — a cheap denial of service.
    ///
    /// ## Example
    /// ```python
    /// response = requests.get(url)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// response = requests.get(url, timeout=10)
    /// ```
    ///
    /// ## References
    /// - CWE-400: Uncontrolled Resource Consumption
    /// - Requests docs: "Timeouts"
    code: "SG113",
    name: "request-without-timeout",
    family: Misc,
    cwe: 400,
    severity: Medium,
    confidence: Low,
    summary: "HTTP request without a timeout can hang forever",
    hooks: Hooks {
        call: Some((&[
            "requests.get", "requests.post", "requests.put", "requests.patch",
            "requests.delete", "requests.head", "requests.options", "requests.request",
            "requests.api.get", "requests.api.post", "requests.api.put", "requests.api.patch",
            "requests.api.delete", "requests.api.head", "requests.api.options",
            "requests.api.request",
            "httpx.get", "httpx.post", "httpx.put", "httpx.patch", "httpx.delete", "httpx.head",
            "httpx.options", "httpx.request", "httpx.stream", "httpx.Client",
            "httpx.AsyncClient",
        ], check)),
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    match site.keyword("timeout") {
        Some(timeout @ Expr::NoneLiteral(_)) => {
            let message = format!(
                "`{callee}` with `timeout=None` can wait forever; pass a timeout in seconds"
            );
            checker.report(timeout.range(), message);
        }
        Some(_) => {}
        None if callee.starts_with("requests.") && !site.has_kwargs_splat() => {
            let message = format!(
                "`{callee}` without `timeout=` can wait forever; pass a timeout in seconds"
            );
            checker.report(site.call.func.range(), message);
        }
        None => {}
    }
}
