//! SG953: a Slack token or webhook URL in a string literal.

use std::sync::LazyLock;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Expr;
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};
use crate::rules::secrets::{SecretPattern, scan_literal};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string and bytes literals containing a Slack token (`xoxb-`, `xoxp-`, `xoxa-`,
    /// `xoxo-`, `xoxr-`, `xoxs-`) or an incoming-webhook URL
    /// (`https://hooks.slack.com/services/T.../B.../...`).
    ///
    /// ## Why is this bad?
    /// Slack bot, user and app tokens read and post messages, list channels and download
    /// files in the workspace; an incoming-webhook URL lets anyone post as the integration.
    /// Once in a repository they spread to every clone and fork.
    ///
    /// ## Example
    /// ```python
    /// client = WebClient(token="xoxb-2740163387-4513398457-Zq8hR3kVn0cYwLpT6bXuE2jM")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// client = WebClient(token=os.environ["SLACK_BOT_TOKEN"])
    /// ```
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - Slack docs: "Token types"
    code: "SG953",
    name: "slack-token",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: High,
    summary: "Slack token or incoming-webhook URL hard-coded in a string literal",
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::StringLiteral, ExprKind::BytesLiteral]), ..Hooks::NONE },
};

static PATTERN: LazyLock<Option<SecretPattern>> = LazyLock::new(|| {
    SecretPattern::new(
        r"\bxox[abposr]-[0-9A-Za-z-]{10,250}|https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}",
        &["xox", "hooks.slack.com/services/"],
    )
});

fn check(checker: &mut Checker, expr: &Expr) {
    scan_literal(
        checker,
        expr,
        PATTERN.as_ref(),
        |token| if token.starts_with("xox") { 5 } else { 33 },
        |shown| {
            format!(
                "string contains a Slack token or webhook URL ({shown}); revoke it and load it at run time from the environment or a secrets manager"
            )
        },
    );
}
