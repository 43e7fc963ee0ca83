//! SG951: an AWS secret access key assigned to a name that says so.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::helpers::{string_literal_str, target_str};
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta, StmtKind};
use crate::rules::secrets::{is_placeholder, literal_text, redact};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags a 40-character AWS secret access key literal assigned to a variable, attribute
    /// or dict key named like `aws_secret_access_key`, `AWS_SECRET_KEY` or
    /// `secret_access_key`, or passed as `aws_secret_access_key=` (as `boto3.client` takes it).
    ///
    /// ## Why is this bad?
    /// The secret access key is the signing half of an AWS credential: with it and the key id,
    /// anyone can call AWS as that user — read S3 buckets, start instances on the owner's
    /// bill, or delete resources. Source code is copied far more widely than its author
    /// intends.
    ///
    /// ## Example
    /// ```python
    /// AWS_SECRET_ACCESS_KEY = "k7Qv2hR9xLmB3nT8wZ4cF1pJ6sD0gY5uE/aH+oNi"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// session = boto3.Session()  # environment, shared config, SSO or instance role
    /// ```
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - AWS docs: "Best practices for managing AWS access keys"
    code: "SG951",
    name: "aws-secret-access-key",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: High,
    summary: "AWS secret access key hard-coded in the source",
    hooks: Hooks { stmt: Some(check_stmt), stmt_kinds: Kinds::stmts(&[StmtKind::Assign, StmtKind::AnnAssign]), expr: Some(check_expr), expr_kinds: Kinds::exprs(&[ExprKind::Call, ExprKind::Dict]), ..Hooks::NONE },
};

/// Whether a name is where an AWS secret access key lives.
fn is_aws_secret_name(name: &str) -> bool {
    // Every accepted spelling holds `secret`; most names (every assignment's) do not.
    if !name
        .as_bytes()
        .windows(b"secret".len())
        .any(|window| window.eq_ignore_ascii_case(b"secret"))
    {
        return false;
    }
    let lower = name.to_ascii_lowercase().replace('-', "_");
    lower.contains("secret_access_key")
        || lower.contains("secretaccesskey")
        || (lower.contains("aws") && lower.contains("secret"))
}

/// Whether a literal has the shape of a secret access key (40 base64 characters).
fn is_secret_key_shape(value: &str) -> bool {
    value.len() == 40
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && value.bytes().any(|b| b.is_ascii_digit())
        && value.bytes().any(|b| b.is_ascii_lowercase())
        && value.bytes().any(|b| b.is_ascii_uppercase())
        && !is_placeholder(value, 0)
}

fn report_if_secret(checker: &mut Checker, name: &str, value: &Expr) {
    if !is_aws_secret_name(name) {
        return;
    }
    let Some(text) = literal_text(value) else {
        return;
    };
    if is_secret_key_shape(&text) {
        let shown = redact(&text, 4);
        checker.report(
            value.range(),
            format!(
                "`{name}` holds an AWS secret access key ({shown}); deactivate it in IAM and use the environment, a profile or an instance role"
            ),
        );
    }
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Assign(assign) => {
            if let Some(name) = assign.targets.iter().find_map(target_str) {
                report_if_secret(checker, name, &assign.value);
            }
        }
        Stmt::AnnAssign(assign) => {
            if let (Some(name), Some(value)) = (target_str(&assign.target), &assign.value) {
                report_if_secret(checker, name, value);
            }
        }
        _ => {}
    }
}

fn check_expr(checker: &mut Checker, expr: &Expr) {
    match expr {
        Expr::Call(call) => {
            for keyword in &call.arguments.keywords {
                if let Some(arg) = &keyword.arg {
                    report_if_secret(checker, arg.as_str(), &keyword.value);
                }
            }
        }
        Expr::Dict(dict) => {
            for item in &dict.items {
                if let Some(name) = item.key.as_ref().and_then(string_literal_str) {
                    report_if_secret(checker, name, &item.value);
                }
            }
        }
        _ => {}
    }
}
