//! SG702: Mako templates without an HTML-escaping default filter.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};

const TEMPLATES: &[&str] = &["mako.template.Template", "mako.lookup.TemplateLookup"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `mako.template.Template(...)` and `mako.lookup.TemplateLookup(...)` unless
    /// `default_filters` includes `"h"` (HTML escaping). Off by default: it reports nearly
    /// every Mako template, including ones that do not produce HTML.
    ///
    /// ## Why is this bad?
    /// Mako does not escape `${...}` expressions unless told to; each one must carry `| h`.
    /// A single forgotten filter on user-controlled data is cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// page = Template(filename="profile.html").render(user=user)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// page = Template(filename="profile.html", default_filters=["h"]).render(user=user)
    /// ```
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')
    /// - Mako docs: "Filtering and Buffering — The default_filters Argument"
    code: "SG702",
    name: "use-of-mako-templates",
    family: Xss,
    cwe: 79,
    severity: Medium,
    confidence: High,
    default_enabled: false,
    summary: "Mako template without the `h` default filter does not escape HTML",
    hooks: Hooks { call: Some((TEMPLATES, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.has_kwargs_splat() {
        return;
    }
    if let Some(filters) = site.keyword("default_filters") {
        let elements = match filters {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            // Filters decided elsewhere: do not guess.
            _ => return,
        };
        if elements
            .iter()
            .filter_map(string_literal)
            .any(|filter| filter == "h")
        {
            return;
        }
    }
    checker.report(
        site.call.func.range(),
        "Mako template without `default_filters=[\"h\"]` does not escape HTML; add the `h` filter",
    );
}
