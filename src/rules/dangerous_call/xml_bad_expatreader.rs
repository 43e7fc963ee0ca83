//! SG315: xml.sax.expatreader.create_parser for untrusted XML.

use crate::analysis::checker::{CallSite, Checker};
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::report_parse;
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &["xml.sax.expatreader.create_parser"];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `xml.sax.expatreader.create_parser()`.
    ///
    /// ## Why is this bad?
    /// A SAX parser from `expatreader` expands entities and, unless features are switched off,
    /// may resolve external ones. Whatever document it is later given can exhaust memory or
    /// make the process read local files and URLs.
    ///
    /// ## Example
    /// ```python
    /// parser = expatreader.create_parser()
    /// parser.parse(upload)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from defusedxml import expatreader
    /// parser = expatreader.create_parser()
    /// parser.parse(upload)
    /// ```
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - Python docs: "XML Processing Modules — XML vulnerabilities"
    /// - defusedxml on PyPI
    code: "SG315",
    name: "xml-bad-expatreader",
    family: DangerousCall,
    cwe: 611,
    severity: Medium,
    confidence: Low,
    summary: "`xml.sax.expatreader.create_parser` for untrusted XML; use defusedxml",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    report_parse(
        checker,
        site,
        false,
        "use `defusedxml.expatreader.create_parser`",
    );
}
