//! SG103: `chmod` with permissions that let other users write or execute the file.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, ast};
use crate::declare_rule;
use crate::finding::Severity;
use crate::rules::helpers::int_literal;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `os.chmod`, `os.lchmod`, `os.fchmod` and `Path.chmod` calls whose mode (an integer
    /// literal, `stat.S_*` constants or their `|` combination) grants write permission to
    /// other users (high severity), write permission to the group (medium), or execute
    /// permission to group or others (low).
    ///
    /// ## Why is this bad?
    /// A world-writable file can be replaced or modified by any local user or compromised
    /// service: a script, configuration or cache written with `0o777` is an easy path to
    /// privilege escalation or code injection. Group-writable files extend that trust to every
    /// member of the group, and executable bits on data files widen what can be run.
    ///
    /// ## Example
    /// ```python
    /// os.chmod("/etc/myapp/config.ini", 0o777)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// os.chmod("/etc/myapp/config.ini", 0o600)
    /// ```
    ///
    /// ## References
    /// - CWE-732: Incorrect Permission Assignment for Critical Resource
    /// - Python docs: `os.chmod`, `stat`
    code: "SG103",
    name: "set-bad-file-permissions",
    family: Misc,
    cwe: 732,
    severity: Medium,
    confidence: High,
    summary: "`chmod` makes a file writable or executable by other users",
    hooks: Hooks { call: Some((&["os.chmod", "os.lchmod", "os.fchmod"], check)), call_methods: &["chmod"], ..Hooks::NONE },
};

const S_IWGRP: u64 = 0o020;
const S_IXGRP: u64 = 0o010;
const S_IWOTH: u64 = 0o002;
const S_IXOTH: u64 = 0o001;

fn check(checker: &mut Checker, site: &CallSite) {
    let mode = match site.qualified {
        Some("os.chmod" | "os.lchmod" | "os.fchmod") => site.argument(1, "mode"),
        // `Path(...).chmod(mode)` and other `.chmod(mode)` methods with a single argument.
        None if site.method_name() == Some("chmod")
            && site.call.arguments.args.len() + site.call.arguments.keywords.len() == 1 =>
        {
            site.argument(0, "mode")
        }
        _ => return,
    };
    let Some(mode) = mode else { return };
    let Some(bits) = mode_value(checker, mode) else {
        return;
    };
    let (severity, what) = if bits & S_IWOTH != 0 {
        (Severity::High, "writable by every user")
    } else if bits & S_IWGRP != 0 {
        (Severity::Medium, "writable by its group")
    } else if bits & (S_IXGRP | S_IXOTH) != 0 {
        (Severity::Low, "executable by group or others")
    } else {
        return;
    };
    let callee = site.qualified.unwrap_or("chmod");
    let message = format!(
        "`{callee}` with mode {bits:#o} makes the file {what}; use a mode such as 0o600 or 0o644"
    );
    let finding = checker.report(mode.range(), message);
    finding.severity = Some(severity);
}

/// The numeric value of a mode expression: integer literals, `stat.S_*` constants and `|`.
fn mode_value(checker: &Checker, expr: &Expr) -> Option<u64> {
    match expr {
        Expr::NumberLiteral(_) => int_literal(expr),
        Expr::BinOp(binop) if binop.op == ast::Operator::BitOr => {
            Some(mode_value(checker, &binop.left)? | mode_value(checker, &binop.right)?)
        }
        Expr::Name(_) | Expr::Attribute(_) => {
            let name = checker.qualified_name(expr)?;
            stat_constant(name.strip_prefix("stat.")?)
        }
        _ => None,
    }
}

fn stat_constant(name: &str) -> Option<u64> {
    Some(match name {
        "S_ISUID" => 0o4000,
        "S_ISGID" => 0o2000,
        "S_ISVTX" => 0o1000,
        "S_IRWXU" => 0o700,
        "S_IRUSR" | "S_IREAD" => 0o400,
        "S_IWUSR" | "S_IWRITE" => 0o200,
        "S_IXUSR" | "S_IEXEC" => 0o100,
        "S_IRWXG" => 0o070,
        "S_IRGRP" => 0o040,
        "S_IWGRP" => S_IWGRP,
        "S_IXGRP" => S_IXGRP,
        "S_IRWXO" => 0o007,
        "S_IROTH" => 0o004,
        "S_IWOTH" => S_IWOTH,
        "S_IXOTH" => S_IXOTH,
        _ => return None,
    })
}
