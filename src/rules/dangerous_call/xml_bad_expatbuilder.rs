//! SG316: xml.dom.expatbuilder parsing of untrusted XML.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::report_parse;
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &[
    "xml.dom.expatbuilder.parse",
    "xml.dom.expatbuilder.parseString",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `xml.dom.expatbuilder.parse` and `parseString` whose input is not a literal.
    ///
    /// ## Why is this bad?
    /// `expatbuilder` builds a DOM with entity expansion on: a crafted document can exhaust
    /// memory ("billion laughs") or, with older expat builds, pull in external entities.
    ///
    /// ## Example
    /// ```python
    /// document = expatbuilder.parseString(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import expatbuilder
    /// document = expatbuilder.parseString(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - Python docs: "XML Processing Modules — XML vulnerabilities"
    /// - defusedxml on PyPI
    code: "SG316",
    name: "xml-bad-expatbuilder",
    family: DangerousCall,
    cwe: 611,
    severity: Medium,
    confidence: Low,
    summary: "`xml.dom.expatbuilder` parsing of untrusted XML; use defusedxml",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    report_parse(checker, site, true, "use `defusedxml.expatbuilder`");
}
