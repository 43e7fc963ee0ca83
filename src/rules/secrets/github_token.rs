//! SG952: a GitHub token in a string literal.

use std::sync::LazyLock;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Expr;
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};
use crate::rules::secrets::{SecretPattern, scan_literal};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string and bytes literals containing a GitHub token: classic personal access
    /// tokens (`ghp_`), OAuth tokens (`gho_`), user-to-server (`ghu_`), server-to-server
    /// (`ghs_`) and refresh tokens (`ghr_`), and fine-grained tokens (`github_pat_`).
    ///
    /// ## Why is this bad?
    /// A GitHub token acts as its owner: depending on its scopes it can push code, read
    /// private repositories, change workflows and exfiltrate their secrets. A token in source
    /// is readable by everyone with access to the repository and its history.
    ///
    /// ## Example
    /// ```python
    /// gh = Github("ghp_R8tNq2vLxW4kZ7mPcY1sBdF6hJ3eA9uGo0Ti")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// gh = Github(os.environ["GITHUB_TOKEN"])
    /// ```
    /// Revoke the committed token in GitHub's settings.
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - GitHub docs: "About authentication to GitHub" (token prefixes)
    code: "SG952",
    name: "github-token",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: High,
    summary: "GitHub access token hard-coded in a string literal",
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::StringLiteral, ExprKind::BytesLiteral]), ..Hooks::NONE },
};

static PATTERN: LazyLock<Option<SecretPattern>> = LazyLock::new(|| {
    SecretPattern::new(
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})\b",
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    )
});

fn check(checker: &mut Checker, expr: &Expr) {
    scan_literal(
        checker,
        expr,
        PATTERN.as_ref(),
        |token| {
            if token.starts_with("github_pat_") {
                11
            } else {
                4
            }
        },
        |shown| {
            format!(
                "string contains a GitHub token ({shown}); revoke it and read the token from the environment or a secrets manager"
            )
        },
    );
}
