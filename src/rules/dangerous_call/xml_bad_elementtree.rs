//! SG314: xml.etree.ElementTree parsing of untrusted XML.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::report_parse;
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &[
    "xml.etree.ElementTree.parse",
    "xml.etree.ElementTree.iterparse",
    "xml.etree.ElementTree.fromstring",
    "xml.etree.ElementTree.XML",
    "xml.etree.ElementTree.fromstringlist",
    "xml.etree.ElementTree.XMLID",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `xml.etree.ElementTree.parse`, `iterparse`, `fromstring`, `XML`, `XMLID` and
    /// `fromstringlist` whose input is not a literal.
    ///
    /// ## Why is this bad?
    /// ElementTree expands internal entities, so a small document with nested entity
    /// definitions ("billion laughs", quadratic blowup) can consume gigabytes of memory; how
    /// much protection exists depends on the expat version Python was built with. Request
    /// bodies, uploads and third-party feeds are attacker-controlled input.
    ///
    /// ## Example
    /// ```python
    /// root = ElementTree.fromstring(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import ElementTree
    /// root = ElementTree.fromstring(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - Python docs: "XML Processing Modules — XML vulnerabilities"
    /// - defusedxml on PyPI
    code: "SG314",
    name: "xml-bad-elementtree",
    family: DangerousCall,
    cwe: 611,
    severity: Medium,
    confidence: Low,
    summary: "`xml.etree.ElementTree` parsing of untrusted XML; use defusedxml",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    report_parse(checker, site, true, "use `defusedxml.ElementTree`");
}
