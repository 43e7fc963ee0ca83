//! SG202: `TarFile.extractall` without a member filter (path traversal, "tar slip").

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::semantic::BindingKind;
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::finding::{Confidence, Severity};
use crate::rules::helpers::{module_imports, string_literal};
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `extractall(...)` on a `tarfile` archive unless it passes an extraction filter
    /// (`filter="data"`, `filter="tar"`, `tarfile.data_filter` or a custom filter). Without a
    /// filter and without `members=`, the finding has high severity; with `members=` produced
    /// by a function call (which presumably vets the members) low; with any other `members=`
    /// medium. Only files that import `tarfile` are checked, and receivers known to be
    /// something else (a `zipfile.ZipFile`) are skipped.
    ///
    /// ## Why is this bad?
    /// Tar members can have absolute names, `..` components, or be symlinks and hard links
    /// pointing anywhere. Extracting an untrusted archive as-is writes files outside the target
    /// directory — overwriting code, configuration or `~/.ssh/authorized_keys`. Before Python
    /// 3.14 `extractall` applies no filter by default.
    ///
    /// ## Example
    /// ```python
    /// with tarfile.open(upload_path) as archive:
    ///     archive.extractall(dest)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// with tarfile.open(upload_path) as archive:
    ///     archive.extractall(dest, filter="data")
    /// ```
    /// On Python versions without extraction filters, pass `members=` a generator that
    /// rejects absolute paths, `..` components, links and device files.
    ///
    /// ## References
    /// - CWE-22: Improper Limitation of a Pathname to a Restricted Directory
    /// - Python docs: "tarfile — Extraction filters" (PEP 706)
    code: "SG202",
    name: "tarfile-unsafe-members",
    family: DangerousCall,
    cwe: 22,
    severity: High,
    confidence: High,
    summary: "`tarfile` `extractall` without an extraction filter allows path traversal",
    hooks: Hooks { call: Some((&[], check)), call_methods: &["extractall"], ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.method_name() != Some("extractall") || !module_imports(checker.semantic, "tarfile") {
        return;
    }
    let Expr::Attribute(attribute) = &*site.call.func else {
        return;
    };
    if !may_be_tarfile(checker, &attribute.value) {
        return;
    }
    if let Some(filter) = site.keyword("filter") {
        let unsafe_filter = matches!(filter, Expr::NoneLiteral(_))
            || string_literal(filter).is_some_and(|value| value == "fully_trusted")
            || checker.qualified_name(filter).as_deref() == Some("tarfile.fully_trusted_filter");
        if !unsafe_filter {
            return;
        }
    }
    let (severity, confidence, message) = match site.keyword("members") {
        None => (
            Severity::High,
            Confidence::High,
            "`extractall` extracts every archive member as-is: pass `filter=\"data\"` to block `..`, absolute paths and links",
        ),
        Some(Expr::Call(_)) => (
            Severity::Low,
            Confidence::Low,
            "`extractall(members=...)`: make sure the function rejects `..`, absolute paths and links, or pass `filter=\"data\"`",
        ),
        Some(_) => (
            Severity::Medium,
            Confidence::Medium,
            "`extractall(members=...)` with members that may not be vetted: pass `filter=\"data\"`",
        ),
    };
    let finding = checker.report(site.call.func.range(), message);
    finding.severity = Some(severity);
    finding.confidence = Some(confidence);
}

/// False when the receiver is known to be something other than a tar archive.
fn may_be_tarfile(checker: &Checker, receiver: &Expr) -> bool {
    let is_tar = |name: &str| name.starts_with("tarfile.");
    match receiver {
        Expr::Call(call) => checker
            .qualified_name(&call.func)
            .is_none_or(|name| is_tar(&name)),
        Expr::Name(name) => {
            if let Some(class) = checker.semantic.instance_of(checker.scope, receiver) {
                return is_tar(class);
            }
            let Some(id) =
                checker
                    .semantic
                    .resolve_name(checker.scope, name.id.as_str(), name.range.start())
            else {
                return true;
            };
            let binding = checker.semantic.binding(id);
            if binding.kind == BindingKind::WithTarget {
                // `with tarfile.open(...) as tar`: judge by what the context manager is.
                if let Some(Expr::Call(call)) = binding.value {
                    return match checker.qualified_name(&call.func) {
                        Some(callee) => is_tar(&callee) || !callee.starts_with("zipfile."),
                        None => true,
                    };
                }
            }
            true
        }
        _ => true,
    }
}
