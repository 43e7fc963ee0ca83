//! GitLab Code Quality report (`gl-code-quality-report.json`).
//!
//! A JSON array of Code Climate issues, of which GitLab reads `description`, `check_name`,
//! `fingerprint`, `severity` (`info`, `minor`, `major`, `critical`, `blocker`) and
//! `location.path` with `location.lines.begin`. It is shown in the merge-request widget and
//! the diff on every GitLab tier, unlike the SAST report. Fingerprints must be unique per
//! issue: ours are the findings' line-independent fingerprints.

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::report::{ReportOptions, ScanReport};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: &'a str,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// Code Quality severity for ours.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

fn issue(finding: &Finding) -> Issue<'_> {
    let meta = finding.rule.meta();
    Issue {
        description: format!("{} ({}): {}", meta.code, meta.name, finding.message),
        check_name: meta.code,
        fingerprint: &finding.fingerprint.0,
        severity: severity(finding.severity),
        location: Location {
            path: &finding.path,
            lines: Lines {
                begin: finding.span.start.line.max(1),
            },
        },
    }
}

/// Write the Code Quality report.
pub fn write(report: &ScanReport, _options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let issues: Vec<Issue> = report.findings.iter().map(issue).collect();
    super::write_json_pretty(out, &issues)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::report::test_support::{render, report};

    #[test]
    fn exact_structure() {
        let report = report();
        let text = render(write, &report, &ReportOptions::default());
        let issues: Value = serde_json::from_str(&text).unwrap();
        let expected: Vec<Value> = report
            .findings
            .iter()
            .map(|finding| {
                let meta = finding.rule.meta();
                json!({
                    "description": format!("{} ({}): {}", meta.code, meta.name, finding.message),
                    "check_name": meta.code,
                    "fingerprint": finding.fingerprint.0,
                    "severity": severity(finding.severity),
                    "location": {"path": finding.path, "lines": {"begin": finding.span.start.line}}
                })
            })
            .collect();
        assert_eq!(issues, Value::Array(expected));
        let severities: Vec<&str> = issues
            .as_array()
            .unwrap()
            .iter()
            .map(|issue| issue["severity"].as_str().unwrap())
            .collect();
        assert_eq!(severities, ["blocker", "critical", "minor"]);
        assert_eq!(issues[0]["location"]["lines"]["begin"], 8);
        assert_eq!(issues[2]["location"]["path"], "tests/test_auth.py");
        // Fingerprints are unique, as GitLab requires.
        let mut fingerprints: Vec<&str> = issues
            .as_array()
            .unwrap()
            .iter()
            .map(|issue| issue["fingerprint"].as_str().unwrap())
            .collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(fingerprints.len(), 3);
    }

    #[test]
    fn no_findings_is_an_empty_array() {
        let text = render(write, &ScanReport::default(), &ReportOptions::default());
        assert_eq!(text, "[]\n");
    }
}
