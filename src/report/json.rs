//! Machine-readable JSON: `{version, summary, findings, diagnostics}`, pretty-printed.
//!
//! The document is built from the typed structs below, so key order is their field order and
//! stable across releases. Every key is always present (`null` or `[]` when empty) so
//! consumers need no existence checks.

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Confidence, Diagnostic, DiagnosticKind, Finding, Position, Severity, Span};
use crate::report::{ReportOptions, ScanReport, VERSION};

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    findings: usize,
    by_severity: BySeverity,
    suppressed: usize,
    preexisting_hidden: usize,
    diagnostics: usize,
}

/// Always all four levels, highest first.
#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    family: &'static str,
    severity: Severity,
    confidence: Confidence,
    cwe: u16,
    path: &'a str,
    span: Span,
    message: &'a str,
    scope: &'a str,
    fingerprint: &'a str,
    flow: Vec<JsonFlowStep<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFlowStep<'a> {
    /// Set when the step is in another file than the finding (a function of another module).
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    note: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    start_line: u32,
    end_line: u32,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    kind: DiagnosticKind,
    position: Option<Position>,
    message: &'a str,
}

/// Write the JSON report (pretty-printed, trailing newline).
pub fn write(report: &ScanReport, _options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let counts = report.counts_by_severity();
    let count = |severity| counts.get(&severity).copied().unwrap_or(0);
    let document = Document {
        version: VERSION,
        summary: Summary {
            files_scanned: report.files_scanned,
            findings: report.findings.len(),
            by_severity: BySeverity {
                critical: count(Severity::Critical),
                high: count(Severity::High),
                medium: count(Severity::Medium),
                low: count(Severity::Low),
            },
            suppressed: report.suppressed,
            preexisting_hidden: report.preexisting_hidden,
            diagnostics: report.diagnostics.len(),
        },
        findings: report.findings.iter().map(json_finding).collect(),
        diagnostics: report.diagnostics.iter().map(json_diagnostic).collect(),
    };
    super::write_json_pretty(out, &document)
}

fn json_finding(finding: &Finding) -> JsonFinding<'_> {
    let meta = finding.rule.meta();
    JsonFinding {
        code: meta.code,
        name: meta.name,
        family: meta.family.as_str(),
        severity: finding.severity,
        confidence: finding.confidence,
        cwe: meta.cwe,
        path: &finding.path,
        span: finding.span,
        message: &finding.message,
        scope: &finding.scope,
        fingerprint: &finding.fingerprint.0,
        flow: finding
            .flow
            .iter()
            .map(|step| JsonFlowStep {
                path: step.path.as_deref(),
                line: step.span.start.line,
                column: step.span.start.column,
                end_line: step.span.end.line,
                end_column: step.span.end.column,
                note: &step.note,
            })
            .collect(),
        fix: finding.fix.as_ref().map(|fix| JsonFix {
            description: &fix.description,
            start_line: fix.start_line,
            end_line: fix.end_line,
            replacement: &fix.replacement,
        }),
    }
}

fn json_diagnostic(diagnostic: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        path: &diagnostic.path,
        kind: diagnostic.kind,
        position: diagnostic.position,
        message: &diagnostic.message,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::report::test_support::{render, report};

    fn document() -> (String, Value) {
        let text = render(write, &report(), &ReportOptions::default());
        let value = serde_json::from_str(&text).expect("valid JSON");
        (text, value)
    }

    #[test]
    fn summary_and_top_level_keys() {
        let (text, value) = document();
        assert!(text.starts_with("{\n  \"version\": \"") && text.ends_with("}\n"));
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 4);
        // Declared order is kept in the text.
        let positions: Vec<usize> = [
            "\"version\"",
            "\"summary\"",
            "\"findings\"",
            "\"diagnostics\"",
        ]
        .iter()
        .map(|key| text.find(key).unwrap())
        .collect();
        assert!(positions.is_sorted());
        assert_eq!(value["version"], VERSION);
        assert_eq!(
            value["summary"],
            json!({
                "files_scanned": 4,
                "findings": 3,
                "by_severity": {"critical": 1, "high": 1, "medium": 0, "low": 1},
                "suppressed": 2,
                "preexisting_hidden": 0,
                "diagnostics": 2,
            })
        );
    }

    #[test]
    fn findings_carry_rule_location_flow_and_fix() {
        let (_, value) = document();
        let findings = value["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 3);
        let shell = &findings[0];
        assert_eq!(shell["code"], "SG602");
        assert_eq!(shell["name"], "subprocess-popen-with-shell-equals-true");
        assert_eq!(shell["severity"], "critical");
        assert_eq!(shell["confidence"], "high");
        assert_eq!(shell["cwe"], 78);
        assert_eq!(shell["path"], "app.py");
        assert_eq!(
            shell["span"],
            json!({"start": {"line": 8, "column": 5}, "end": {"line": 10, "column": 6}})
        );
        assert_eq!(shell["scope"], "run");
        assert_eq!(shell["fingerprint"].as_str().unwrap().len(), 32);
        assert_eq!(shell["flow"].as_array().unwrap().len(), 3);
        assert_eq!(
            shell["flow"][0],
            json!({"line": 7, "column": 11, "end_line": 7, "end_column": 34,
                   "note": "source: `request.args.get`"})
        );
        assert_eq!(shell["fix"], Value::Null);

        let yaml = &findings[1];
        assert_eq!(yaml["flow"], json!([]));
        assert_eq!(yaml["fix"]["start_line"], 11);
        assert_eq!(
            yaml["fix"]["replacement"],
            r#"    return yaml.safe_load(open("c.yml"))"#
        );
    }

    #[test]
    fn diagnostics_keep_missing_positions_as_null() {
        let (_, value) = document();
        assert_eq!(
            value["diagnostics"],
            json!([
                {"path": "broken.py", "kind": "syntax-error",
                 "position": {"line": 3, "column": 9}, "message": "Expected an expression"},
                {"path": "huge.py", "kind": "skipped", "position": null,
                 "message": "file is larger than 1 MiB"},
            ])
        );
    }
}
