//! SG317: xml.sax parsing of untrusted XML.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::report_parse;
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &["xml.sax.parse", "xml.sax.parseString"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `xml.sax.parse` and `xml.sax.parseString` whose input is not a literal.
    /// (`xml.sax.make_parser()` alone is not reported: it does not read input.)
    ///
    /// ## Why is this bad?
    /// The SAX parser expands entities; depending on the Python and expat versions it may also
    /// fetch external entities and DTDs. Untrusted documents can exhaust memory or make the
    /// process read local files.
    ///
    /// ## Example
    /// ```python
    /// xml.sax.parseString(request.data, handler)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import defusedxml.sax
    /// defusedxml.sax.parseString(request.data, handler)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - Python docs: "XML Processing Modules — XML vulnerabilities"
    /// - defusedxml on PyPI
    code: "SG317",
    name: "xml-bad-sax",
    family: DangerousCall,
    cwe: 611,
    severity: Medium,
    confidence: Low,
    summary: "`xml.sax` parsing of untrusted XML; use defusedxml",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    report_parse(checker, site, true, "use `defusedxml.sax`");
}
