//! SG955: a live Stripe secret key in a string literal.

use std::sync::LazyLock;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::Expr;
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};
use crate::rules::secrets::{SecretPattern, scan_literal};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string and bytes literals containing a live-mode Stripe secret key (`sk_live_`) or
    /// restricted key (`rk_live_`).
    ///
    /// ## Why is this bad?
    /// A live secret key (`sk_live_`) or restricted key (`rk_live_`) can create charges,
    /// issue refunds and read customer data on the real account. Test-mode keys (`sk_test_`)
    /// are not reported.
    ///
    /// ## Example
    /// ```python
    /// stripe.api_key = "sk_live_51HqLy2CkT9vRmZ0aXbN4pQs7Wd3eUf8G"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
    /// ```
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - Stripe docs: "API keys"
    code: "SG955",
    name: "stripe-api-key",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: High,
    summary: "live Stripe secret or restricted key hard-coded in a string literal",
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::StringLiteral, ExprKind::BytesLiteral]), ..Hooks::NONE },
};

static PATTERN: LazyLock<Option<SecretPattern>> =
    LazyLock::new(|| SecretPattern::new(r"\b[sr]k_live_[0-9A-Za-z]{20,247}\b", &["_live_"]));

fn check(checker: &mut Checker, expr: &Expr) {
    scan_literal(
        checker,
        expr,
        PATTERN.as_ref(),
        |_| 8,
        |shown| {
            format!(
                "string contains a live Stripe secret key ({shown}); revoke it and load it at run time from the environment or a secrets manager"
            )
        },
    );
}
