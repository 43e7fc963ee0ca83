//! SG930: credentials sent with `requests`/`httpx` to a plain `http://` URL.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::net_cleartext::remote_cleartext_url;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `requests` and `httpx` calls to a literal `http://` URL on a non-local host that
    /// carry credentials: an `auth=` argument, an `Authorization` (or API-key) header, or
    /// `data`/`json`/`params` with a password- or token-named key.
    ///
    /// ## Why is this bad?
    /// Plain HTTP is readable and modifiable by every network hop — public Wi-Fi, a proxy, a
    /// compromised router. Basic-auth headers are only base64, and bearer tokens and form
    /// passwords travel verbatim, so anyone on the path can replay them.
    ///
    /// ## Example
    /// ```python
    /// requests.post("http://api.example.com/login", json={"user": u, "password": p})
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// requests.post("https://api.example.com/login", json={"user": u, "password": p})
    /// ```
    ///
    /// ## References
    /// - CWE-523: Unprotected Transport of Credentials
    /// - OWASP Transport Layer Security Cheat Sheet
    code: "SG930",
    name: "credentials-over-http",
    family: Network,
    cwe: 523,
    severity: High,
    confidence: Medium,
    summary: "credentials sent to a plain `http://` URL",
    hooks: Hooks {
        call: Some((
            &[
                "requests.get",
                "requests.post",
                "requests.put",
                "requests.patch",
                "requests.delete",
                "requests.head",
                "requests.options",
                "requests.request",
                "requests.api.get",
                "requests.api.post",
                "requests.api.request",
                "httpx.get",
                "httpx.post",
                "httpx.put",
                "httpx.patch",
                "httpx.delete",
                "httpx.head",
                "httpx.options",
                "httpx.request",
                "httpx.stream",
            ],
            check,
        )),
        ..Hooks::NONE
    },
};

/// Header names that carry credentials.
fn is_credential_header(checker: &Checker, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "authorization"
            | "proxy-authorization"
            | "x-api-key"
            | "api-key"
            | "x-auth-token"
            | "cookie"
    ) || checker.options.is_password_name(&lower.replace('-', "_"))
}

/// The credential a call sends, described for the message.
fn credential(checker: &Checker, site: &CallSite) -> Option<String> {
    if site
        .keyword("auth")
        .is_some_and(|auth| !matches!(auth, Expr::NoneLiteral(_)))
    {
        return Some("`auth=`".to_string());
    }
    if let Some(Expr::Dict(headers)) = site.keyword("headers") {
        for item in &headers.items {
            if let Some(name) = item.key.as_ref().and_then(string_literal)
                && is_credential_header(checker, &name)
            {
                return Some(format!("the `{name}` header"));
            }
        }
    }
    for argument in ["data", "json", "params"] {
        if let Some(Expr::Dict(body)) = site.keyword(argument) {
            for item in &body.items {
                if let Some(name) = item.key.as_ref().and_then(string_literal)
                    && checker.options.is_password_name(&name)
                {
                    return Some(format!("`{name}` in `{argument}=`"));
                }
            }
        }
    }
    None
}

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let url = if callee.ends_with(".request") || callee.ends_with(".stream") {
        site.argument(1, "url")
    } else {
        site.argument(0, "url")
    };
    let Some(url) = url else { return };
    if remote_cleartext_url(url).is_none() {
        return;
    }
    let Some(what) = credential(checker, site) else {
        return;
    };
    checker.report(
        url.range(),
        format!(
            "`{callee}` sends {what} over plain HTTP, readable by anyone on the network path; use an `https://` URL"
        ),
    );
}
