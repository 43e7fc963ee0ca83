//! SG950: an AWS access key id in a string literal.

use std::sync::LazyLock;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Expr;
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};
use crate::rules::secrets::{SecretPattern, scan_literal};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string and bytes literals containing an AWS access key id: `AKIA` (long-term
    /// IAM user keys) or `ASIA` (temporary STS keys) followed by 16 upper-case letters or
    /// digits. Samples such as `AKIAIOSFODNN7EXAMPLE` or `AKIAXXXXXXXXXXXXXXXX` are ignored.
    ///
    /// ## Why is this bad?
    /// An access key id is half of an AWS credential and is almost always committed together
    /// with its secret. Automated scanners harvest keys from public commits within minutes;
    /// even in a private repository the key outlives its author's access and cannot be
    /// rotated without a code change.
    ///
    /// ## Example
    /// ```python
    /// s3 = boto3.client("s3", aws_access_key_id="AKIA2OGYBAH6TQNNJ4WZ", aws_secret_access_key=...)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// s3 = boto3.client("s3")  # credentials from the environment, profile or instance role
    /// ```
    /// Deactivate the committed key in IAM; deleting it from the code does not revoke it.
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - AWS docs: "Managing access keys for IAM users"
    code: "SG950",
    name: "aws-access-key-id",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: High,
    summary: "AWS access key id hard-coded in a string literal",
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::StringLiteral, ExprKind::BytesLiteral]), ..Hooks::NONE },
};

static PATTERN: LazyLock<Option<SecretPattern>> =
    LazyLock::new(|| SecretPattern::new(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", &["AKIA", "ASIA"]));

fn check(checker: &mut Checker, expr: &Expr) {
    scan_literal(
        checker,
        expr,
        PATTERN.as_ref(),
        |_| 4,
        |shown| {
            format!(
                "string contains an AWS access key id ({shown}); deactivate it in IAM and load credentials from the environment or an instance role"
            )
        },
    );
}
