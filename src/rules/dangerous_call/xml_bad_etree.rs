//! SG320: lxml parsing of untrusted XML without `resolve_entities=False`.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Expr;
use crate::declare_rule;
use crate::rules::dangerous_call::xml_parse::{is_hardened_lxml_parser, report_parse};
use crate::rules::meta::{Hooks, RuleMeta};

const PARSERS: &[&str] = &[
    "lxml.etree.parse",
    "lxml.etree.fromstring",
    "lxml.etree.XML",
    "lxml.etree.fromstringlist",
    "lxml.etree.XMLID",
    "lxml.etree.iterparse",
    "lxml.etree.RestrictedElement",
    "lxml.etree.GlobalParserTLS",
    "lxml.etree.getDefaultParser",
    "lxml.etree.check_docinfo",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `lxml.etree.parse`, `fromstring`, `XML`, `XMLID`, `fromstringlist` and `iterparse`
    /// on non-literal input unless they use a parser built with `resolve_entities=False`
    /// (inline or a variable bound once to `etree.XMLParser(resolve_entities=False, ...)`), and
    /// the internals `RestrictedElement`, `GlobalParserTLS`, `getDefaultParser`, `check_docinfo`.
    ///
    /// ## Why is this bad?
    /// lxml's default parser resolves entities: before lxml 5 that includes external ones, so
    /// `<!ENTITY x SYSTEM "file:///etc/passwd">` puts local files (or responses from internal
    /// URLs) into the parsed document — a classic XXE. Nested entities can also exhaust memory.
    ///
    /// ## Example
    /// ```python
    /// tree = etree.fromstring(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// parser = etree.XMLParser(resolve_entities=False, no_network=True)
    /// tree = etree.fromstring(request.data, parser)
    /// ```
    /// or `defusedxml.lxml` / `defusedxml.ElementTree`.
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - lxml FAQ: "How do I use lxml safely as a web-service endpoint?"
    code: "SG320",
    name: "xml-bad-etree",
    family: DangerousCall,
    cwe: 611,
    severity: High,
    confidence: Medium,
    summary: "lxml parsing of untrusted XML without `resolve_entities=False` (XXE)",
    hooks: Hooks { call: Some((PARSERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let function = callee.rsplit('.').next().unwrap_or(callee);
    let has_input = matches!(
        function,
        "parse" | "fromstring" | "XML" | "fromstringlist" | "XMLID" | "iterparse"
    );
    let hardened = if function == "iterparse" {
        site.keyword("resolve_entities")
            .is_some_and(|value| matches!(value, Expr::BooleanLiteral(b) if !b.value))
    } else {
        has_input
            && site
                .argument(1, "parser")
                .is_some_and(|parser| is_hardened_lxml_parser(checker, parser))
    };
    if hardened {
        return;
    }
    report_parse(
        checker,
        site,
        has_input,
        "pass `parser=etree.XMLParser(resolve_entities=False)` or use defusedxml",
    );
}
