//! SG318: xml.dom.minidom parsing of untrusted XML.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::report_parse;
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &["xml.dom.minidom.parse", "xml.dom.minidom.parseString"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `xml.dom.minidom.parse` and `parseString` whose input is not a literal.
    ///
    /// ## Why is this bad?
    /// minidom expands entities while building the whole tree in memory, so a small crafted
    /// document can exhaust memory and CPU ("billion laughs", quadratic blowup).
    ///
    /// ## Example
    /// ```python
    /// document = minidom.parseString(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import minidom
    /// document = minidom.parseString(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - Python docs: "XML Processing Modules — XML vulnerabilities"
    /// - defusedxml on PyPI
    code: "SG318",
    name: "xml-bad-minidom",
    family: DangerousCall,
    cwe: 611,
    severity: Medium,
    confidence: Low,
    summary: "`xml.dom.minidom` parsing of untrusted XML; use defusedxml",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    report_parse(checker, site, true, "use `defusedxml.minidom`");
}
