//! What every rule declares about itself, and the macro that declares it.
//!
//! A rule's doc comment *is* its user documentation (What it does / Why is this bad? /
//! Example / Use instead / References). [`declare_rule!`](crate::declare_rule) captures the `///` lines into
//! [`RuleMeta::docs`], so `snakeguard rules CODE`, `docs/rules.md` and SARIF help text are
//! generated from the same text and never drift.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::settings::Setting;
use crate::analysis::syntax::{Expr, Stmt};
use crate::finding::{Confidence, Severity};
use crate::rules::options::RuleOptions;

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
/// names such as `subprocess.Popen`, or bare builtins such as `eval`), or that calls a method
/// named in [`Hooks::call_methods`], or one of the callees computed once per scan
/// ([`Hooks::call_computed`]). With an empty list and neither of the others: every call.
pub type CallHook = fn(&mut Checker, &CallSite);
/// Qualified callees a call hook wants, computed once per scan: read from the scan's rule
/// options (the process-function lists a user can extend), or built from a rule's tables.
pub type ComputedCallees = fn(&RuleOptions) -> Vec<&str>;
/// Called for every statement.
pub type StmtHook = fn(&mut Checker, &Stmt);
/// Called for every expression.
pub type ExprHook = fn(&mut Checker, &Expr);
/// Called once per file after the traversal (for whole-module rules).
pub type ModuleHook = fn(&mut Checker, &[Stmt]);
/// Called for every framework setting assigned (see `analysis::settings`) whose name the rule
/// lists in [`Hooks::setting`].
pub type SettingHook = for<'a> fn(&mut Checker<'a>, &Setting<'a>);

/// Where a rule plugs into the single AST pass.
#[derive(Copy, Clone, Default)]
pub struct Hooks {
    pub call: Option<(&'static [&'static str], CallHook)>,
    /// Method names (`set_cookie` in `response.set_cookie(...)`) that also select calls for
    /// the call hook: a rule that recognizes a method on any receiver need not run for every
    /// call.
    pub call_methods: &'static [&'static str],
    /// Qualified callees computed once per scan (from its options, or from the rule's own
    /// tables) that also select calls for the call hook.
    pub call_computed: Option<ComputedCallees>,
    pub stmt: Option<StmtHook>,
    /// The statement kinds `stmt` is called for (all unless narrowed).
    pub stmt_kinds: Kinds,
    pub expr: Option<ExprHook>,
    /// The expression kinds `expr` is called for (all unless narrowed).
    pub expr_kinds: Kinds,
    pub module: Option<ModuleHook>,
    /// Setting names (`DEBUG`, `SECRET_KEY`) and the hook called for each assignment of one.
    pub setting: Option<(&'static [&'static str], SettingHook)>,
    /// When not empty, the hooks called for every call, statement or expression of a kind run
    /// only in modules where some qualified name can start with one of these prefixes (see
    /// `helpers::root_may_resolve_under`; decided once per file). Only for rules whose node
    /// hooks can report nothing elsewhere: every such finding rests on such a name.
    pub only_resolving_under: &'static [&'static str],
}

/// The kind of a statement, for narrowing a statement hook to the nodes it looks at: the
/// pass then skips the call entirely for every other statement (most hooks only care about
/// assignments or imports, and there are many more statements than findings).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    FunctionDef,
    ClassDef,
    Return,
    Delete,
    TypeAlias,
    Assign,
    AugAssign,
    AnnAssign,
    For,
    While,
    If,
    With,
    Match,
    Raise,
    Try,
    Assert,
    Import,
    ImportFrom,
    Global,
    Nonlocal,
    Expr,
    Pass,
    Break,
    Continue,
    IpyEscapeCommand,
}

impl StmtKind {
    /// Number of kinds (the last variant's index plus one).
    pub const COUNT: usize = StmtKind::IpyEscapeCommand as usize + 1;

    pub fn of(stmt: &Stmt) -> StmtKind {
        match stmt {
            Stmt::FunctionDef(_) => StmtKind::FunctionDef,
            Stmt::ClassDef(_) => StmtKind::ClassDef,
            Stmt::Return(_) => StmtKind::Return,
            Stmt::Delete(_) => StmtKind::Delete,
            Stmt::TypeAlias(_) => StmtKind::TypeAlias,
            Stmt::Assign(_) => StmtKind::Assign,
            Stmt::AugAssign(_) => StmtKind::AugAssign,
            Stmt::AnnAssign(_) => StmtKind::AnnAssign,
            Stmt::For(_) => StmtKind::For,
            Stmt::While(_) => StmtKind::While,
            Stmt::If(_) => StmtKind::If,
            Stmt::With(_) => StmtKind::With,
            Stmt::Match(_) => StmtKind::Match,
            Stmt::Raise(_) => StmtKind::Raise,
            Stmt::Try(_) => StmtKind::Try,
            Stmt::Assert(_) => StmtKind::Assert,
            Stmt::Import(_) => StmtKind::Import,
            Stmt::ImportFrom(_) => StmtKind::ImportFrom,
            Stmt::Global(_) => StmtKind::Global,
            Stmt::Nonlocal(_) => StmtKind::Nonlocal,
            Stmt::Expr(_) => StmtKind::Expr,
            Stmt::Pass(_) => StmtKind::Pass,
            Stmt::Break(_) => StmtKind::Break,
            Stmt::Continue(_) => StmtKind::Continue,
            Stmt::IpyEscapeCommand(_) => StmtKind::IpyEscapeCommand,
        }
    }
}

/// The kind of an expression, for narrowing an expression hook (see [`StmtKind`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    BoolOp,
    Named,
    BinOp,
    UnaryOp,
    Lambda,
    If,
    Dict,
    Set,
    ListComp,
    SetComp,
    DictComp,
    Generator,
    Await,
    Yield,
    YieldFrom,
    Compare,
    Call,
    FString,
    TString,
    StringLiteral,
    BytesLiteral,
    NumberLiteral,
    BooleanLiteral,
    NoneLiteral,
    EllipsisLiteral,
    Attribute,
    Subscript,
    Starred,
    Name,
    List,
    Tuple,
    Slice,
    IpyEscapeCommand,
}

impl ExprKind {
    /// Number of kinds (the last variant's index plus one).
    pub const COUNT: usize = ExprKind::IpyEscapeCommand as usize + 1;

    pub fn of(expr: &Expr) -> ExprKind {
        match expr {
            Expr::BoolOp(_) => ExprKind::BoolOp,
            Expr::Named(_) => ExprKind::Named,
            Expr::BinOp(_) => ExprKind::BinOp,
            Expr::UnaryOp(_) => ExprKind::UnaryOp,
            Expr::Lambda(_) => ExprKind::Lambda,
            Expr::If(_) => ExprKind::If,
            Expr::Dict(_) => ExprKind::Dict,
            Expr::Set(_) => ExprKind::Set,
            Expr::ListComp(_) => ExprKind::ListComp,
            Expr::SetComp(_) => ExprKind::SetComp,
            Expr::DictComp(_) => ExprKind::DictComp,
            Expr::Generator(_) => ExprKind::Generator,
            Expr::Await(_) => ExprKind::Await,
            Expr::Yield(_) => ExprKind::Yield,
            Expr::YieldFrom(_) => ExprKind::YieldFrom,
            Expr::Compare(_) => ExprKind::Compare,
            Expr::Call(_) => ExprKind::Call,
            Expr::FString(_) => ExprKind::FString,
            Expr::TString(_) => ExprKind::TString,
            Expr::StringLiteral(_) => ExprKind::StringLiteral,
            Expr::BytesLiteral(_) => ExprKind::BytesLiteral,
            Expr::NumberLiteral(_) => ExprKind::NumberLiteral,
            Expr::BooleanLiteral(_) => ExprKind::BooleanLiteral,
            Expr::NoneLiteral(_) => ExprKind::NoneLiteral,
            Expr::EllipsisLiteral(_) => ExprKind::EllipsisLiteral,
            Expr::Attribute(_) => ExprKind::Attribute,
            Expr::Subscript(_) => ExprKind::Subscript,
            Expr::Starred(_) => ExprKind::Starred,
            Expr::Name(_) => ExprKind::Name,
            Expr::List(_) => ExprKind::List,
            Expr::Tuple(_) => ExprKind::Tuple,
            Expr::Slice(_) => ExprKind::Slice,
            Expr::IpyEscapeCommand(_) => ExprKind::IpyEscapeCommand,
        }
    }
}

/// A set of statement or expression kinds, one bit per kind.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Kinds(u64);

impl Kinds {
    pub const ALL: Kinds = Kinds(u64::MAX);

    pub const fn stmts(kinds: &[StmtKind]) -> Kinds {
        let mut bits = 0u64;
        let mut index = 0;
        while index < kinds.len() {
            bits |= 1 << kinds[index] as u32;
            index += 1;
        }
        Kinds(bits)
    }

    pub const fn exprs(kinds: &[ExprKind]) -> Kinds {
        let mut bits = 0u64;
        let mut index = 0;
        while index < kinds.len() {
            bits |= 1 << kinds[index] as u32;
            index += 1;
        }
        Kinds(bits)
    }

    /// Whether the kind with this index (`StmtKind as usize`) is in the set.
    pub fn contains(self, index: usize) -> bool {
        index < 64 && self.0 & (1 << index) != 0
    }
}

impl Default for Kinds {
    fn default() -> Self {
        Kinds::ALL
    }
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
        call_methods: &[],
        call_computed: None,
        stmt: None,
        stmt_kinds: Kinds::ALL,
        expr: None,
        expr_kinds: Kinds::ALL,
        module: None,
        setting: None,
        only_resolving_under: &[],
    };
}
