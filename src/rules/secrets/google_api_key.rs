//! SG956: a Google API key in a string literal.

use std::sync::LazyLock;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Expr;
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};
use crate::rules::secrets::{SecretPattern, scan_literal};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string and bytes literals containing a Google Cloud / Firebase API key (`AIza`
    /// followed by 35 characters).
    ///
    /// ## Why is this bad?
    /// Google API keys are billed to their project and often unrestricted: anyone holding one
    /// can call every API enabled for the project (Maps, Gemini, Translate...) at the owner's
    /// expense, or read data those APIs expose.
    ///
    /// ## Example
    /// ```python
    /// MAPS_KEY = "AIzaSyD3kX9vQmB7tLwN2pR5cZ8hJ4fYs6uE1oA"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// MAPS_KEY = os.environ["GOOGLE_MAPS_API_KEY"]
    /// ```
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - Google Cloud docs: "Best practices for managing API keys"
    code: "SG956",
    name: "google-api-key",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: Medium,
    summary: "Google API key hard-coded in a string literal",
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::StringLiteral, ExprKind::BytesLiteral]), ..Hooks::NONE },
};

static PATTERN: LazyLock<Option<SecretPattern>> =
    LazyLock::new(|| SecretPattern::new(r"\bAIza[0-9A-Za-z_\-]{35}", &["AIza"]));

fn check(checker: &mut Checker, expr: &Expr) {
    scan_literal(
        checker,
        expr,
        PATTERN.as_ref(),
        |_| 4,
        |shown| {
            format!(
                "string contains a Google API key ({shown}); revoke it and load it at run time from the environment or a secrets manager"
            )
        },
    );
}
