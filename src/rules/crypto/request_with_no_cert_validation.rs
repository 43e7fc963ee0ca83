//! SG501: HTTP requests with TLS certificate verification turned off (`verify=False`).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::semantic::BindingKind;
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::finding::{Confidence, Fix};
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

/// Module-level request functions and client constructors that take `verify`.
const FUNCTIONS: &[&str] = &[
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
    "requests.api.put",
    "requests.api.patch",
    "requests.api.delete",
    "requests.api.head",
    "requests.api.options",
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
    "httpx.Client",
    "httpx.AsyncClient",
];

/// Session/client classes whose request methods take `verify`.
const SESSION_CLASSES: &[&str] = &[
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
    "httpx.Client",
    "httpx.AsyncClient",
];

const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `verify=False` on `requests` and `httpx` calls (module functions, `Session` /
    /// `Client` methods, `httpx.Client(...)`) and `session.verify = False`.
    ///
    /// ## Why is this bad?
    /// With verification off, any machine on the network path (public Wi-Fi, a compromised
    /// router, a malicious proxy) can present its own certificate and read or change the
    /// traffic, including credentials and tokens sent in headers.
    ///
    /// ## Example
    /// ```python
    /// response = requests.get(url, verify=False)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// response = requests.get(url)
    /// response = requests.get(url, verify="/etc/ssl/internal-ca.pem")  # private CA
    /// ```
    ///
    /// ## References
    /// - CWE-295: Improper Certificate Validation
    /// - requests docs: "SSL Cert Verification"
    code: "SG501",
    name: "request-with-no-cert-validation",
    family: Crypto,
    cwe: 295,
    severity: High,
    confidence: High,
    summary: "HTTP request with `verify=False` disables TLS certificate checks",
    hooks: Hooks { call: Some((&[], check)), stmt: Some(check_assignment), stmt_kinds: Kinds::stmts(&[StmtKind::Assign]), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(verify) = site.keyword("verify") else {
        return;
    };
    if !is_false(verify) {
        return;
    }
    let (callee, confidence) = match site.qualified {
        Some(name) if FUNCTIONS.contains(&name) => (name.to_string(), Confidence::High),
        _ => {
            let Some(method) = site.method_name() else {
                return;
            };
            if !METHODS.contains(&method) {
                return;
            }
            let Expr::Attribute(attribute) = &*site.call.func else {
                return;
            };
            match session_class(checker, &attribute.value) {
                Some(class) => (format!("{class}.{method}"), Confidence::High),
                None if module_imports_http_client(checker) => {
                    (method.to_string(), Confidence::Medium)
                }
                None => return,
            }
        }
    };
    let message = format!(
        "`{callee}` with `verify=False` disables TLS certificate verification; remove it or pass a CA bundle path"
    );
    let fix = remove_verify_fix(checker, site);
    let finding = checker.report(verify.range(), message);
    if confidence != Confidence::High {
        finding.confidence = Some(confidence);
    }
    finding.fix = fix;
}

/// The session class a receiver was built from: `requests.Session()` inline or a name bound
/// once to such a call.
fn session_class(checker: &Checker, receiver: &Expr) -> Option<String> {
    let class = match receiver {
        Expr::Call(call) => checker.qualified_name(&call.func)?,
        _ => checker
            .semantic
            .instance_of(checker.scope, receiver)?
            .to_string(),
    };
    SESSION_CLASSES.contains(&class.as_str()).then_some(class)
}

fn module_imports_http_client(checker: &Checker) -> bool {
    checker
        .semantic
        .bindings()
        .iter()
        .any(|binding| match &binding.kind {
            BindingKind::Import { module } => {
                module == "requests" || module == "httpx" || module.starts_with("requests.")
            }
            BindingKind::FromImport { qualified } => {
                qualified.starts_with("requests.") || qualified.starts_with("httpx.")
            }
            _ => false,
        })
}

/// `requests.get(url, verify=False)` -> `requests.get(url)` when the call is on one line.
fn remove_verify_fix(checker: &Checker, site: &CallSite) -> Option<Fix> {
    let call_range = site.call.range();
    let line = checker.lines.line_of(call_range.start());
    if checker.lines.line_of(call_range.end()) != line {
        return None;
    }
    let keyword = site.call.arguments.keywords.iter().find(|keyword| {
        keyword
            .arg
            .as_ref()
            .is_some_and(|arg| arg.as_str() == "verify")
    })?;
    let keyword_range = keyword.range();
    let mut others: Vec<_> = site
        .call
        .arguments
        .args
        .iter()
        .map(Ranged::range)
        .chain(
            site.call
                .arguments
                .keywords
                .iter()
                .map(Ranged::range)
                .filter(|range| *range != keyword_range),
        )
        .collect();
    others.sort_by_key(|range| range.start());
    let previous = others
        .iter()
        .rev()
        .find(|range| range.end() <= keyword_range.start());
    let next = others
        .iter()
        .find(|range| range.start() >= keyword_range.end());
    let (start, end) = match (previous, next) {
        (Some(previous), _) => (previous.end(), keyword_range.end()),
        (None, Some(next)) => (keyword_range.start(), next.start()),
        (None, None) => (keyword_range.start(), keyword_range.end()),
    };
    let call_start = usize::from(call_range.start());
    let relative_start = usize::from(start).checked_sub(call_start)?;
    let relative_end = usize::from(end).checked_sub(call_start)?;
    let call_text = checker.source(call_range);
    let new_call = format!(
        "{}{}",
        call_text.get(..relative_start)?,
        call_text.get(relative_end..)?
    );
    let line_text = checker.lines.line_text(line);
    let replacement = line_text.replacen(call_text, &new_call, 1);
    (replacement != line_text).then(|| Fix {
        description: "remove `verify=False`".to_string(),
        start_line: line,
        end_line: line,
        replacement,
    })
}

/// `session.verify = False` on a requests/httpx session.
fn check_assignment(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Assign(assign) = stmt else { return };
    if !is_false(&assign.value) {
        return;
    }
    for target in &assign.targets {
        let Expr::Attribute(attribute) = target else {
            continue;
        };
        if attribute.attr.as_str() != "verify" {
            continue;
        }
        let known = session_class(checker, &attribute.value).is_some();
        if !known && !module_imports_http_client(checker) {
            continue;
        }
        let finding = checker.report(
            assign.value.range(),
            "setting `verify = False` on an HTTP session disables TLS certificate verification for every request",
        );
        if !known {
            finding.confidence = Some(Confidence::Medium);
        }
    }
}

/// `False` or `0` (not `None`, which means "use the session default").
fn is_false(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(literal) => !literal.value,
        Expr::NumberLiteral(_) => crate::rules::helpers::int_literal(expr) == Some(0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyse_text;
    use crate::rules::Rule;

    fn fixes(source: &str) -> Vec<String> {
        analyse_text(
            "app/client.py",
            source,
            &[Rule::RequestWithNoCertValidation],
        )
        .findings
        .into_iter()
        .filter_map(|finding| finding.fix.map(|fix| fix.replacement))
        .collect()
    }

    #[test]
    fn removes_verify_false_on_one_line() {
        let source = "import requests\nr = requests.get(url, verify=False, timeout=5)\ns = requests.get(verify=False)\nt = requests.post(url, verify=False)\n";
        assert_eq!(
            fixes(source),
            vec![
                "r = requests.get(url, timeout=5)".to_string(),
                "s = requests.get()".to_string(),
                "t = requests.post(url)".to_string(),
            ]
        );
    }

    #[test]
    fn no_fix_across_lines() {
        let source = "import requests\nr = requests.get(\n    url,\n    verify=False,\n)\n";
        assert!(fixes(source).is_empty());
    }
}
