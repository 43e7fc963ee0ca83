//! SG319: xml.dom.pulldom parsing of untrusted XML.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::report_parse;
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &["xml.dom.pulldom.parse", "xml.dom.pulldom.parseString"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `xml.dom.pulldom.parse` and `parseString` whose input is not a literal.
    ///
    /// ## Why is this bad?
    /// pulldom is built on the SAX parser and expands entities the same way: a crafted document
    /// can exhaust memory or, with older expat builds, pull in external entities.
    ///
    /// ## Example
    /// ```python
    /// events = pulldom.parseString(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import pulldom
    /// events = pulldom.parseString(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - Python docs: "XML Processing Modules — XML vulnerabilities"
    /// - defusedxml on PyPI
    code: "SG319",
    name: "xml-bad-pulldom",
    family: DangerousCall,
    cwe: 611,
    severity: Medium,
    confidence: Low,
    summary: "`xml.dom.pulldom` parsing of untrusted XML; use defusedxml",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    report_parse(checker, site, true, "use `defusedxml.pulldom`");
}
