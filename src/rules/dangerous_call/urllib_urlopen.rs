//! SG310: `urllib` openers called with a URL that may use `file:` or a custom scheme.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::helpers::string_literal;
use crate::rules::meta::{Hooks, RuleMeta};

const OPENERS: &[&str] = &[
    "urllib.urlopen",
    "urllib.request.urlopen",
    "urllib.urlretrieve",
    "urllib.request.urlretrieve",
    "urllib.URLopener",
    "urllib.request.URLopener",
    "urllib.FancyURLopener",
    "urllib.request.FancyURLopener",
    "urllib.request.Request",
    "urllib2.urlopen",
    "urllib2.Request",
    "six.moves.urllib.request.urlopen",
    "six.moves.urllib.request.urlretrieve",
    "six.moves.urllib.request.URLopener",
    "six.moves.urllib.request.FancyURLopener",
];

const REQUEST_CLASSES: &[&str] = &["urllib.request.Request", "urllib2.Request"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `urllib.request.urlopen`, `urlretrieve`, `Request` and the legacy `URLopener`
    /// classes (and their `urllib2`/`six.moves` spellings) unless the URL is a string literal
    /// starting with `http://` or `https://`. Off by default: most non-literal URLs are fine.
    ///
    /// ## Why is this bad?
    /// `urllib` also handles `file://`, `ftp://` and `data:` URLs. A URL taken from user input
    /// can therefore read local files (`file:///etc/passwd`) or reach internal services,
    /// unless the scheme and host are checked first.
    ///
    /// ## Example
    /// ```python
    /// body = urllib.request.urlopen(request.args["feed"]).read()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// feed = request.args["feed"]
    /// if urllib.parse.urlparse(feed).scheme not in ("http", "https"):
    ///     abort(400)
    /// body = urllib.request.urlopen(feed).read()  # nosec B310 - scheme checked above
    /// ```
    ///
    /// ## References
    /// - CWE-22: Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')
    /// - Python docs: "urllib.request — file: URLs"
    code: "SG310",
    name: "urllib-urlopen",
    family: DangerousCall,
    cwe: 22,
    severity: Medium,
    confidence: Medium,
    default_enabled: false,
    summary: "`urllib` URL open with a URL that may use `file:` or another unexpected scheme",
    hooks: Hooks { call: Some((OPENERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let Some(url) = site.argument(0, "url") else {
        if callee.ends_with("URLopener") {
            checker.report(
                site.call.func.range(),
                format!("`{callee}` opens any URL scheme including `file:`; use `urlopen` with a checked http(s) URL"),
            );
        }
        return;
    };
    if let Some(literal) = string_literal(url) {
        let lower = literal.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return;
        }
    }
    // `urlopen(Request(url))`: the `Request` call is checked on its own.
    if let Expr::Call(inner) = url
        && checker
            .qualified_name(&inner.func)
            .is_some_and(|name| REQUEST_CLASSES.contains(&name.as_str()))
    {
        return;
    }
    checker.report(
        site.call.func.range(),
        format!("`{callee}` with a URL whose scheme is not checked can read `file:` URLs; allow only http(s)"),
    );
}
