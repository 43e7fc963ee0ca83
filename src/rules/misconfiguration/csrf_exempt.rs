//! SG803: a view exempted from CSRF protection (`csrf_exempt`, Flask-WTF `csrf.exempt`).

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags every use of Django's `django.views.decorators.csrf.csrf_exempt` (as a decorator,
    /// wrapped around a view in `urls.py`, or passed to `method_decorator`) and of Flask-WTF's
    /// `CSRFProtect().exempt`.
    ///
    /// ## Why is this bad?
    /// An exempted view accepts state-changing requests that another site made the victim's
    /// browser send with the victim's cookies. Exemptions are sometimes right (webhooks that
    /// verify a signature, token-authenticated APIs that never read cookies), which is why each
    /// one deserves a reviewer's look and a comment saying what protects the view instead.
    ///
    /// ## Example
    /// ```python
    /// @csrf_exempt
    /// def transfer(request):
    ///     ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def transfer(request):  # protected by CsrfViewMiddleware
    ///     ...
    /// ```
    /// or verify the webhook's signature and say so next to the exemption.
    ///
    /// ## References
    /// - CWE-352: Cross-Site Request Forgery (CSRF)
    /// - Django docs: "Cross Site Request Forgery protection", `csrf_exempt`
    code: "SG803",
    name: "csrf-exempt",
    family: Misconfiguration,
    cwe: 352,
    severity: Medium,
    confidence: Medium,
    summary: "View exempted from CSRF protection (`csrf_exempt` / `csrf.exempt`)",
    hooks: Hooks {
        expr: Some(check),
        expr_kinds: Kinds::exprs(&[ExprKind::Name, ExprKind::Attribute]),
        // Both decorators are recognized by their qualified names.
        only_resolving_under: &["django", "flask_wtf"],
        ..Hooks::NONE
    },
};

const CSRF_PROTECT: &[&str] = &["flask_wtf.csrf.CSRFProtect", "flask_wtf.CSRFProtect"];

fn check(checker: &mut Checker, expr: &Expr) {
    let (last, receiver) = match expr {
        Expr::Name(name) => (name.id.as_str(), None),
        Expr::Attribute(attribute) => (attribute.attr.as_str(), Some(&*attribute.value)),
        _ => return,
    };
    match last {
        "csrf_exempt"
            if checker.qualified_name(expr).as_deref()
                == Some("django.views.decorators.csrf.csrf_exempt") =>
        {
            checker.report(
                expr.range(),
                "`csrf_exempt` turns off Django's CSRF check for this view; remove it, or \
                 document what authenticates the request instead (e.g. a verified signature)",
            );
        }
        "exempt" => {
            let Some(receiver) = receiver else { return };
            let is_csrf_protect = match receiver {
                Expr::Call(call) => checker
                    .qualified_name(&call.func)
                    .is_some_and(|name| CSRF_PROTECT.contains(&name.as_str())),
                receiver => checker
                    .semantic
                    .instance_of(checker.scope, receiver)
                    .is_some_and(|class| CSRF_PROTECT.contains(&class)),
            };
            if is_csrf_protect {
                checker.report(
                    expr.range(),
                    "`csrf.exempt` turns off Flask-WTF's CSRF check for this view; remove it, or \
                     document what authenticates the request instead",
                );
            }
        }
        _ => {}
    }
}
