//! SG313: xml.etree.cElementTree parsing of untrusted XML.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::report_parse;
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &[
    "xml.etree.cElementTree.parse",
    "xml.etree.cElementTree.iterparse",
    "xml.etree.cElementTree.fromstring",
    "xml.etree.cElementTree.XML",
    "xml.etree.cElementTree.fromstringlist",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `xml.etree.cElementTree.parse`, `iterparse`, `fromstring`, `XML` and `fromstringlist`
    /// whose input is not a literal. (`cElementTree` is an alias of `ElementTree`, removed in
    /// Python 3.9.)
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers expand internal entities, so a few hundred bytes of
    /// nested entity definitions ("billion laughs") can exhaust memory and CPU; with older expat
    /// builds they also follow external references. Parsing uploads, request bodies or feeds
    /// with them lets the sender take the service down.
    ///
    /// ## Example
    /// ```python
    /// root = cElementTree.fromstring(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import cElementTree
    /// root = cElementTree.fromstring(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - Python docs: "XML Processing Modules — XML vulnerabilities"
    /// - defusedxml on PyPI
    code: "SG313",
    name: "xml-bad-celementtree",
    family: DangerousCall,
    cwe: 611,
    severity: Medium,
    confidence: Low,
    summary: "`xml.etree.cElementTree` parsing of untrusted XML; use defusedxml",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    report_parse(checker, site, true, "use `defusedxml.cElementTree`");
}
