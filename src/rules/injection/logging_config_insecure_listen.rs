//! SG612: `logging.config.listen()` without a `verify` function.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `logging.config.listen(...)` calls that do not pass `verify=` (its second
    /// argument).
    ///
    /// ## Why is this bad?
    /// `logging.config.listen` opens a socket that accepts logging configurations and applies
    /// them with `fileConfig`/`dictConfig`, which can import and call arbitrary code. Anyone who
    /// can connect to the port can run code in the process unless a `verify` callable checks
    /// (for example) a signature on each received configuration.
    ///
    /// ## Example
    /// ```python
    /// thread = logging.config.listen(9999)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// thread = logging.config.listen(9999, verify=check_hmac_signature)
    /// ```
    ///
    /// ## References
    /// - CWE-94: Improper Control of Generation of Code ('Code Injection')
    /// - Python docs: `logging.config.listen` security considerations
    code: "SG612",
    name: "logging-config-insecure-listen",
    family: Injection,
    cwe: 94,
    severity: Medium,
    confidence: High,
    summary: "`logging.config.listen` without `verify` accepts code from the network",
    hooks: Hooks { call: Some((&["logging.config.listen"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.argument(1, "verify").is_some() || site.has_kwargs_splat() {
        return;
    }
    checker.report(
        site.call.func.range(),
        "`logging.config.listen` without `verify=` applies any configuration sent to the port (code execution); pass a verify function",
    );
}
