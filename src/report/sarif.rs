//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One run: `tool.driver` describes snakeguard and the rules that have results (or every rule
//! with [`ReportOptions::all_rules`]), each with its documentation as help text, CWE tags,
//! `security-severity` and precision. Results carry a `%SRCROOT%`-relative location with the
//! flagged snippet, our own line-independent fingerprint under `snakeguard/v1`, the taint path
//! as a `codeFlow`, and a whole-line `fix` when the rule offers one. Diagnostics become tool
//! execution notifications on the run's single invocation. Columns are Unicode code points
//! (`columnKind`), like [`crate::finding::Position`].
//!
//! Every shape here is checked by `tests/sarif_validate.rs` against `@microsoft/sarif-multitool`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Confidence, Diagnostic, DiagnosticKind, Finding, Severity, Span};
use crate::report::{INFORMATION_URI, Lines, ReportOptions, ScanReport, VERSION};
use crate::rules::{Rule, RuleMeta};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `uriBaseId` every artifact location is relative to.
pub const SRCROOT: &str = "%SRCROOT%";
/// Our key in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "snakeguard/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, RootLocation>>,
    invocations: Vec<Invocation<'a>>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
    properties: RunProperties,
}

#[derive(Serialize)]
struct RootLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    files_scanned: usize,
    suppressed: usize,
    preexisting_hidden: usize,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Self {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: Severity,
    confidence: Confidence,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: Location,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    descriptor: DescriptorReference<'a>,
}

#[derive(Serialize)]
struct DescriptorReference<'a> {
    id: &'a str,
}

/// Write the SARIF log (pretty-printed, trailing newline).
pub fn write(report: &ScanReport, options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    super::write_json_pretty(out, &log(report, options))
}

fn log<'a>(report: &'a ScanReport, options: &ReportOptions) -> Log<'a> {
    let mut rules: Vec<Rule> = if options.all_rules {
        Rule::ALL.to_vec()
    } else {
        report.findings.iter().map(|finding| finding.rule).collect()
    };
    rules.sort_by_key(|rule| rule.code());
    rules.dedup();
    let rule_index: BTreeMap<Rule, usize> = rules
        .iter()
        .enumerate()
        .map(|(index, rule)| (*rule, index))
        .collect();

    let results = report
        .findings
        .iter()
        .map(|finding| {
            result(
                finding,
                rule_index[&finding.rule],
                report.lines_of(&finding.path).as_ref(),
            )
        })
        .collect();

    let original_uri_base_ids = options.root_uri.as_ref().map(|root| {
        let mut uri = root.clone();
        if !uri.ends_with('/') {
            uri.push('/');
        }
        BTreeMap::from([(SRCROOT, RootLocation { uri })])
    });

    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "snakeguard",
                    version: VERSION,
                    semantic_version: VERSION,
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(|rule| descriptor(rule.meta())).collect(),
                },
            },
            original_uri_base_ids,
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: report.diagnostics.iter().map(notification).collect(),
            }],
            results,
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                files_scanned: report.files_scanned,
                suppressed: report.suppressed,
                preexisting_hidden: report.preexisting_hidden,
            },
        }],
    }
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let docs = meta.docs_markdown();
    ReportingDescriptor {
        id: meta.code,
        name: meta.name,
        short_description: Text::new(meta.summary),
        full_description: Text::new(what_it_does(&docs).unwrap_or_else(|| meta.summary.into())),
        help: Help {
            text: docs.clone(),
            markdown: docs,
        },
        help_uri: help_uri(meta),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: vec![
                "security".to_string(),
                meta.family.as_str().to_string(),
                format!("external/cwe/cwe-{}", meta.cwe),
            ],
            security_severity: meta.severity.security_severity(),
            precision: meta.confidence.as_str(),
            problem_severity: match meta.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "recommendation",
            },
        },
    }
}

/// The rule's entry in the generated rule reference.
pub fn help_uri(meta: &RuleMeta) -> String {
    format!(
        "{INFORMATION_URI}/blob/main/docs/rules.md#{}",
        meta.code.to_ascii_lowercase()
    )
}

/// The "What it does" paragraph of a rule's docs, unwrapped onto one line.
fn what_it_does(docs: &str) -> Option<String> {
    let mut lines = docs
        .lines()
        .skip_while(|line| line.trim() != "## What it does");
    lines.next()?;
    let text = lines
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

/// SARIF `level` for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn result<'a>(finding: &'a Finding, rule_index: usize, source: Option<&Lines>) -> SarifResult<'a> {
    let code_flows = if finding.flow.is_empty() {
        Vec::new()
    } else {
        vec![CodeFlow {
            thread_flows: vec![ThreadFlow {
                locations: finding
                    .flow
                    .iter()
                    .map(|step| ThreadFlowLocation {
                        location: Location {
                            physical_location: match &step.path {
                                // A step in another module: no source text of that file here.
                                Some(path) => physical_location(path, &step.span, None),
                                None => physical_location(&finding.path, &step.span, source),
                            },
                            message: Some(Text::new(step.note.clone())),
                        },
                    })
                    .collect(),
            }],
        }]
    };
    SarifResult {
        rule_id: finding.rule.code(),
        rule_index,
        level: level(finding.severity),
        message: Text::new(finding.message.clone()),
        locations: vec![Location {
            physical_location: physical_location(&finding.path, &finding.span, source),
            message: None,
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, finding.fingerprint.0.as_str())]),
        code_flows,
        fixes: fix(finding, source).into_iter().collect(),
        properties: ResultProperties {
            severity: finding.severity,
            confidence: finding.confidence,
        },
    }
}

fn physical_location(path: &str, span: &Span, source: Option<&Lines>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact_location(path),
        region: Some(Region {
            start_line: span.start.line,
            start_column: span.start.column,
            end_line: Some(span.end.line),
            end_column: Some(span.end.column),
            snippet: source
                .and_then(|source| source.span_text(span))
                .filter(|text| !text.is_empty())
                .map(Text::new),
        }),
    }
}

/// The fix as a replacement of whole lines (newlines excluded, as in [`crate::finding::Fix`]).
/// Only offered when the source is at hand to give the exact end column.
fn fix(finding: &Finding, source: Option<&Lines>) -> Option<SarifFix> {
    let fix = finding.fix.as_ref()?;
    let last_line = source?.line(fix.end_line)?;
    if fix.start_line == 0 || fix.end_line < fix.start_line {
        return None;
    }
    Some(SarifFix {
        description: Text::new(fix.description.clone()),
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact_location(&finding.path),
            replacements: vec![Replacement {
                deleted_region: Region {
                    start_line: fix.start_line,
                    start_column: 1,
                    end_line: Some(fix.end_line),
                    end_column: Some(last_line.chars().count() as u32 + 1),
                    snippet: None,
                },
                inserted_content: Text::new(fix.replacement.clone()),
            }],
        }],
    })
}

fn notification(diagnostic: &Diagnostic) -> Notification<'_> {
    Notification {
        level: match diagnostic.kind {
            DiagnosticKind::SyntaxError | DiagnosticKind::Skipped => "warning",
            DiagnosticKind::UnusedSuppression => "note",
        },
        message: Text::new(diagnostic.message.clone()),
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: artifact_location(&diagnostic.path),
                region: diagnostic.position.map(|position| Region {
                    start_line: position.line,
                    start_column: position.column,
                    end_line: None,
                    end_column: None,
                    snippet: None,
                }),
            },
            message: None,
        }],
        descriptor: DescriptorReference {
            id: diagnostic.kind.as_str(),
        },
    }
}

/// A `%SRCROOT%`-relative URI reference for a scan path; absolute paths become `file://` URIs.
fn artifact_location(path: &str) -> ArtifactLocation {
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", percent_encode_path(path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode_path(path),
            uri_base_id: Some(SRCROOT),
        }
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters and `/`.
fn percent_encode_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::report::test_support::{render, report};

    fn sarif(options: &ReportOptions) -> Value {
        let text = render(write, &report(), options);
        assert!(text.ends_with("}\n"));
        serde_json::from_str(&text).expect("valid JSON")
    }

    #[test]
    fn log_and_driver() {
        let log = sarif(&ReportOptions::default());
        assert_eq!(log["$schema"], SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"].as_array().unwrap().len(), 1);
        let run = &log["runs"][0];
        assert!(run.get("originalUriBaseIds").is_none());
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "snakeguard");
        assert_eq!(driver["version"], VERSION);
        assert_eq!(driver["semanticVersion"], VERSION);
        assert_eq!(driver["informationUri"], INFORMATION_URI);
        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rule| rule["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["SG101", "SG506", "SG602"]);

        let rule = &driver["rules"][2];
        assert_eq!(rule["name"], "subprocess-popen-with-shell-equals-true");
        assert_eq!(
            rule["shortDescription"]["text"],
            Rule::SubprocessShellTrue.meta().summary
        );
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && !full.contains('\n'), "{full}");
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.starts_with("## What it does\n"), "{markdown}");
        assert_eq!(rule["help"]["text"], rule["help"]["markdown"]);
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with("docs/rules.md#sg602")
        );
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        assert_eq!(
            rule["properties"]["tags"],
            json!(["security", "injection", "external/cwe/cwe-78"])
        );
        assert_eq!(rule["properties"]["security-severity"], "8.0");
        assert_eq!(rule["properties"]["precision"], "high");
        assert_eq!(rule["properties"]["problem.severity"], "error");
    }

    #[test]
    fn all_rules_and_root_uri_options() {
        let log = sarif(&ReportOptions {
            all_rules: true,
            root_uri: Some("file:///home/ci/repo".to_string()),
            ..ReportOptions::default()
        });
        let run = &log["runs"][0];
        assert_eq!(
            run["originalUriBaseIds"],
            json!({"%SRCROOT%": {"uri": "file:///home/ci/repo/"}})
        );
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
    }

    #[test]
    fn results_locations_fingerprints_flows_and_fixes() {
        let log = sarif(&ReportOptions::default());
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["error", "error", "note"]);

        let shell = &results[0];
        assert_eq!(shell["ruleId"], "SG602");
        assert_eq!(shell["ruleIndex"], 2);
        let location = &shell["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"],
            json!({"uri": "app.py", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            location["region"],
            json!({"startLine": 8, "startColumn": 5, "endLine": 10, "endColumn": 6,
                   "snippet": {"text": "subprocess.call(\n        cmd, shell=True\n    )"}})
        );
        let fingerprint = shell["partialFingerprints"]["snakeguard/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 32);
        assert!(
            shell["partialFingerprints"]
                .get("primaryLocationLineHash")
                .is_none()
        );
        let steps = shell["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap();
        assert_eq!(steps.len(), 3);
        assert_eq!(
            steps[0]["location"]["message"]["text"],
            "source: `request.args.get`"
        );
        assert_eq!(
            steps[0]["location"]["physicalLocation"]["region"]["snippet"]["text"],
            r#"request.args.get("cmd")"#
        );
        assert!(shell.get("fixes").is_none());

        let yaml = &results[1];
        assert!(yaml.get("codeFlows").is_none());
        assert_eq!(
            yaml["fixes"],
            json!([{
                "description": {"text": "use `yaml.safe_load`"},
                "artifactChanges": [{
                    "artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [{
                        "deletedRegion": {"startLine": 11, "startColumn": 1,
                                          "endLine": 11, "endColumn": 36},
                        "insertedContent": {"text": "    return yaml.safe_load(open(\"c.yml\"))"},
                    }],
                }],
            }])
        );

        // No source for this file: no snippet, location still complete.
        let assert = &results[2];
        assert!(
            assert["locations"][0]["physicalLocation"]["region"]
                .get("snippet")
                .is_none()
        );
        assert_eq!(
            assert["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "tests/test_auth.py"
        );
    }

    #[test]
    fn diagnostics_become_notifications() {
        let log = sarif(&ReportOptions::default());
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        assert_eq!(
            invocation["toolExecutionNotifications"],
            json!([
                {"level": "warning", "message": {"text": "Expected an expression"},
                 "locations": [{"physicalLocation": {
                     "artifactLocation": {"uri": "broken.py", "uriBaseId": "%SRCROOT%"},
                     "region": {"startLine": 3, "startColumn": 9}}}],
                 "descriptor": {"id": "syntax-error"}},
                {"level": "warning", "message": {"text": "file is larger than 1 MiB"},
                 "locations": [{"physicalLocation": {
                     "artifactLocation": {"uri": "huge.py", "uriBaseId": "%SRCROOT%"}}}],
                 "descriptor": {"id": "skipped"}},
            ])
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            artifact_location("src/my app/ü,x.py").uri,
            "src/my%20app/%C3%BC%2Cx.py"
        );
        let absolute = artifact_location("/tmp/a b.py");
        assert_eq!(absolute.uri, "file:///tmp/a%20b.py");
        assert!(absolute.uri_base_id.is_none());
    }

    #[test]
    fn what_it_does_is_one_paragraph() {
        let docs = "## What it does\nChecks for\n`x`.\n\n## Why is this bad?\nBecause.\n";
        assert_eq!(what_it_does(docs).unwrap(), "Checks for `x`.");
        assert!(what_it_does("no headings").is_none());
    }
}
