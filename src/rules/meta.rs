//! What every rule declares about itself, and the macro that declares it.
//!
//! A rule's doc comment *is* its user documentation (What it does / Why is this bad? /
//! Example / Use instead / References). [`declare_rule!`] captures the `///` lines into
//! [`RuleMeta::docs`], so `snakeguard rules CODE`, `docs/rules.md` and SARIF help text are
//! generated from the same text and never drift.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Stmt};
use crate::finding::{Confidence, Severity};

/// Rule families, shown in listings and used for selection (`select = ["injection"]`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Misc: assert, exec, binds, passwords, tempfiles, try/except/pass.
    Misc,
    /// Framework and library misconfiguration (debug, CSRF, cookies, TLS settings).
    Misconfiguration,
    /// Calls to dangerous functions (deserialization, weak hashes, randomness, XML).
    DangerousCall,
    /// Imports of dangerous modules.
    DangerousImport,
    /// Weak cryptography and broken TLS.
    Crypto,
    /// Injection: SQL, OS command, code.
    Injection,
    /// Cross-site scripting and template injection.
    Xss,
    /// Authentication and session management.
    Authentication,
    /// Secrets in source code.
    Secrets,
    /// Error handling and logging: stack traces in responses, secrets in logs.
    ErrorHandling,
    /// Unsafe C interop through `ctypes`.
    Interop,
    /// Network protocols and clients: cleartext protocols, host key checking.
    Network,
    /// Untrusted data reaching a sink (taint tracking).
    Taint,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Misc => "misc",
            Family::Misconfiguration => "misconfiguration",
            Family::DangerousCall => "dangerous-call",
            Family::DangerousImport => "dangerous-import",
            Family::Crypto => "crypto",
            Family::Injection => "injection",
            Family::Xss => "xss",
            Family::Authentication => "authentication",
            Family::Secrets => "secrets",
            Family::ErrorHandling => "error-handling",
            Family::Interop => "interop",
            Family::Network => "network",
            Family::Taint => "taint",
        }
    }

    pub const ALL: [Family; 13] = [
        Family::Misc,
        Family::Misconfiguration,
        Family::DangerousCall,
        Family::DangerousImport,
        Family::Crypto,
        Family::Injection,
        Family::Xss,
        Family::Authentication,
        Family::Secrets,
        Family::ErrorHandling,
        Family::Interop,
        Family::Network,
        Family::Taint,
    ];
}

/// Called for every call expression whose callee resolves to one of `callees` (qualified
/// names such as `subprocess.Popen`, or bare builtins such as `eval`). An empty list means
/// every call.
pub type CallHook = fn(&mut Checker, &CallSite);
/// Called for every statement.
pub type StmtHook = fn(&mut Checker, &Stmt);
/// Called for every expression.
pub type ExprHook = fn(&mut Checker, &Expr);
/// Called once per file after the traversal (for whole-module rules).
pub type ModuleHook = fn(&mut Checker, &[Stmt]);

/// Where a rule plugs into the single AST pass.
#[derive(Copy, Clone, Default)]
pub struct Hooks {
    pub call: Option<(&'static [&'static str], CallHook)>,
    pub stmt: Option<StmtHook>,
    pub expr: Option<ExprHook>,
    pub module: Option<ModuleHook>,
}

/// Everything the registry knows about a rule.
pub struct RuleMeta {
    /// `SG` + three digits; the digits equal bandit's test number where one exists.
    pub code: &'static str,
    /// kebab-case name.
    pub name: &'static str,
    pub family: Family,
    /// The most specific CWE.
    pub cwe: u16,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Off-by-default rules are noisy (e.g. "any import of pickle") but selectable.
    pub default_enabled: bool,
    /// One-line summary (the first line of "What it does").
    pub summary: &'static str,
    /// The full Markdown documentation (from the doc comment).
    pub docs: &'static str,
    pub hooks: Hooks,
}

impl RuleMeta {
    /// The numeric part, used to match `B602`/`S602` in suppressions.
    pub fn number(&self) -> &'static str {
        self.code.trim_start_matches("SG")
    }

    /// Docs with the one leading space that `///` leaves on each line removed.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// Declare a rule's metadata with its doc comment as documentation.
///
/// ```ignore
/// pub const META: RuleMeta = declare_rule! {
///     /// ## What it does
///     /// Checks for ...
///     code: "SG602", name: "subprocess-shell-true", family: Injection, cwe: 78,
///     severity: High, confidence: High, summary: "...",
///     hooks: Hooks { call: Some((&["subprocess.Popen"], check)), ..Hooks::NONE },
/// };
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        code: $code:literal,
        name: $name:literal,
        family: $family:ident,
        cwe: $cwe:literal,
        severity: $severity:ident,
        confidence: $confidence:ident,
        $(default_enabled: $enabled:literal,)?
        summary: $summary:literal,
        hooks: $hooks:expr $(,)?
    ) => {
        $crate::rules::meta::RuleMeta {
            code: $code,
            name: $name,
            family: $crate::rules::meta::Family::$family,
            cwe: $cwe,
            severity: $crate::finding::Severity::$severity,
            confidence: $crate::finding::Confidence::$confidence,
            default_enabled: $crate::declare_rule!(@enabled $($enabled)?),
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
            hooks: $hooks,
        }
    };
    (@enabled) => { true };
    (@enabled $enabled:literal) => { $enabled };
}

impl Hooks {
    pub const NONE: Hooks = Hooks {
        call: None,
        stmt: None,
        expr: None,
        module: None,
    };
}
