//! Checks `gl-sast-report.json` against GitLab's security report schema 15.x.
//!
//! No package on the registries this project uses (crates.io, npm, PyPI) ships GitLab's
//! `sast-report-format.json` (it lives in GitLab's `security-report-schemas` repository and a
//! Ruby gem), so the schema's requirements for the parts we write are encoded here by hand:
//! the required properties, enums, patterns and length limits of `version`, `scan`
//! (analyzer, scanner, times, status, type, messages) and `vulnerabilities[]` (id, name,
//! description, severity, solution, location, identifiers), plus the rule that every key we
//! emit is one the schema defines. Also the Code Quality report's required keys.

use std::collections::BTreeSet;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Map, Value};

use snakeguard::analysis::analyse_text;
use snakeguard::report::{Format, ReportOptions, ScanReport, write_report};
use snakeguard::rules::Rule;

const APP: &str = r#"import pickle
import subprocess
import yaml
from flask import request


def run():
    cmd = request.args.get("cmd")
    subprocess.call(cmd, shell=True)
    return yaml.load(open("config.yml"))


class Loader:
    def load(self, data):
        return pickle.loads(data)

password = "hunter2hunter2"
"#;

const BROKEN: &str = "def broken(:\n    subprocess.call('ls', shell=True)\n";

fn report() -> ScanReport {
    let mut report = ScanReport::default();
    for (path, source) in [("src/app dir/app.py", APP), ("src/broken.py", BROKEN)] {
        let analysis = analyse_text(path, source, Rule::ALL);
        report.findings.extend(analysis.findings);
        report.diagnostics.extend(analysis.diagnostics);
        report.files_scanned += 1;
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
}

fn render(format: Format, report: &ScanReport) -> Value {
    let options = ReportOptions {
        scan_times: Some((
            UNIX_EPOCH + Duration::from_secs(1_750_000_000),
            UNIX_EPOCH + Duration::from_secs(1_750_000_003),
        )),
        ..ReportOptions::default()
    };
    let mut out = Vec::new();
    write_report(format, report, &options, &mut out).unwrap();
    serde_json::from_slice(&out).expect("the report is JSON")
}

/// Schema violations, as `path: problem` lines.
#[derive(Default)]
struct Violations(Vec<String>);

impl Violations {
    fn check(&mut self, ok: bool, path: &str, problem: &str) {
        if !ok {
            self.0.push(format!("{path}: {problem}"));
        }
    }

    fn object<'a>(
        &mut self,
        value: &'a Value,
        path: &str,
        required: &[&str],
        allowed: &[&str],
    ) -> Option<&'a Map<String, Value>> {
        let Some(object) = value.as_object() else {
            self.0.push(format!("{path}: not an object"));
            return None;
        };
        for key in required {
            self.check(
                object.contains_key(*key),
                path,
                &format!("missing required `{key}`"),
            );
        }
        for key in object.keys() {
            self.check(
                allowed.contains(&key.as_str()) || required.contains(&key.as_str()),
                path,
                &format!("`{key}` is not defined by the schema"),
            );
        }
        Some(object)
    }

    fn string(&mut self, value: &Value, path: &str, min: usize, max: usize) -> Option<String> {
        let Some(text) = value.as_str() else {
            self.0.push(format!("{path}: not a string"));
            return None;
        };
        let length = text.chars().count();
        self.check(length >= min, path, &format!("shorter than {min}"));
        self.check(length <= max, path, &format!("longer than {max}"));
        Some(text.to_string())
    }

    fn one_of(&mut self, value: &Value, path: &str, allowed: &[&str]) {
        let ok = value.as_str().is_some_and(|text| allowed.contains(&text));
        self.check(ok, path, &format!("{value} is not one of {allowed:?}"));
    }

    fn uri(&mut self, value: &Value, path: &str) {
        let ok = value
            .as_str()
            .is_some_and(|text| text.starts_with("https://") || text.starts_with("http://"));
        self.check(ok, path, "not an absolute URI");
    }

    fn component(&mut self, value: &Value, path: &str) {
        let Some(component) =
            self.object(value, path, &["id", "name", "version", "vendor"], &["url"])
        else {
            return;
        };
        // id: ^[a-zA-Z0-9_-]+$ ; name, version, vendor.name: minLength 1.
        if let Some(id) = self.string(&component["id"], &format!("{path}.id"), 1, 255) {
            self.check(
                id.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                &format!("{path}.id"),
                "does not match ^[a-zA-Z0-9_-]+$",
            );
        }
        self.string(&component["name"], &format!("{path}.name"), 1, 255);
        self.string(&component["version"], &format!("{path}.version"), 1, 255);
        if let Some(url) = component.get("url") {
            self.uri(url, &format!("{path}.url"));
        }
        if let Some(vendor) = self.object(
            &component["vendor"],
            &format!("{path}.vendor"),
            &["name"],
            &[],
        ) {
            self.string(&vendor["name"], &format!("{path}.vendor.name"), 1, 255);
        }
    }

    fn time(&mut self, value: &Value, path: &str) {
        // ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$
        let ok = value.as_str().is_some_and(|text| {
            let bytes = text.as_bytes();
            bytes.len() == 19
                && bytes.iter().enumerate().all(|(index, byte)| match index {
                    4 | 7 => *byte == b'-',
                    10 => *byte == b'T',
                    13 | 16 => *byte == b':',
                    _ => byte.is_ascii_digit(),
                })
        });
        self.check(ok, path, "does not match YYYY-MM-DDTHH:MM:SS");
    }
}

/// GitLab security report schema 15.0.x, the parts a SAST report uses.
fn sast_violations(report: &Value) -> Vec<String> {
    let mut v = Violations::default();
    let Some(top) = v.object(
        report,
        "$",
        &["version", "vulnerabilities", "scan"],
        &["schema", "remediations"],
    ) else {
        return v.0;
    };
    if let Some(version) = v.string(&top["version"], "$.version", 5, 20) {
        let parts: Vec<&str> = version.split('.').collect();
        v.check(
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
            "$.version",
            "does not match ^[0-9]+\\.[0-9]+\\.[0-9]+$",
        );
        v.check(
            version.starts_with("15.0."),
            "$.version",
            "not a 15.0.x schema version",
        );
    }
    if let Some(schema) = top.get("schema") {
        v.uri(schema, "$.schema");
    }
    if let Some(scan) = v.object(
        &top["scan"],
        "$.scan",
        &[
            "analyzer",
            "scanner",
            "start_time",
            "end_time",
            "status",
            "type",
        ],
        &["messages", "options", "primary_identifiers"],
    ) {
        v.component(&scan["analyzer"], "$.scan.analyzer");
        v.component(&scan["scanner"], "$.scan.scanner");
        v.time(&scan["start_time"], "$.scan.start_time");
        v.time(&scan["end_time"], "$.scan.end_time");
        v.one_of(&scan["status"], "$.scan.status", &["success", "failure"]);
        v.one_of(&scan["type"], "$.scan.type", &["sast"]);
        if let Some(messages) = scan.get("messages") {
            for (index, message) in messages.as_array().into_iter().flatten().enumerate() {
                let path = format!("$.scan.messages[{index}]");
                if let Some(message) = v.object(message, &path, &["level", "value"], &[]) {
                    v.one_of(
                        &message["level"],
                        &format!("{path}.level"),
                        &["info", "warn", "fatal"],
                    );
                    v.string(&message["value"], &format!("{path}.value"), 1, usize::MAX);
                }
            }
        }
    }
    let Some(vulnerabilities) = top["vulnerabilities"].as_array() else {
        v.0.push("$.vulnerabilities: not an array".into());
        return v.0;
    };
    let mut ids = BTreeSet::new();
    for (index, vulnerability) in vulnerabilities.iter().enumerate() {
        let path = format!("$.vulnerabilities[{index}]");
        let Some(vuln) = v.object(
            vulnerability,
            &path,
            &["id", "identifiers", "location"],
            &[
                "name",
                "description",
                "severity",
                "solution",
                "links",
                "details",
                "tracking",
                "flags",
                "raw_source_code_extract",
            ],
        ) else {
            continue;
        };
        if let Some(id) = v.string(&vuln["id"], &format!("{path}.id"), 1, 255) {
            v.check(ids.insert(id), &format!("{path}.id"), "duplicate id");
        }
        if let Some(name) = vuln.get("name") {
            v.string(name, &format!("{path}.name"), 1, 255);
        }
        if let Some(description) = vuln.get("description") {
            v.string(description, &format!("{path}.description"), 1, 1_048_576);
        }
        if let Some(solution) = vuln.get("solution") {
            v.string(solution, &format!("{path}.solution"), 1, 7_000);
        }
        if let Some(severity) = vuln.get("severity") {
            v.one_of(
                severity,
                &format!("{path}.severity"),
                &["Info", "Unknown", "Low", "Medium", "High", "Critical"],
            );
        }
        if let Some(location) = v.object(
            &vuln["location"],
            &format!("{path}.location"),
            &[],
            &["file", "start_line", "end_line", "class", "method"],
        ) {
            v.check(
                location.contains_key("file"),
                &format!("{path}.location"),
                "no file",
            );
            if let Some(file) = location.get("file") {
                v.string(file, &format!("{path}.location.file"), 1, usize::MAX);
            }
            let start = location.get("start_line").and_then(Value::as_u64);
            v.check(
                start.is_some_and(|line| line >= 1),
                &format!("{path}.location.start_line"),
                "not a positive integer",
            );
            if let Some(end) = location.get("end_line") {
                v.check(
                    end.as_u64().is_some_and(|end| Some(end) >= start),
                    &format!("{path}.location.end_line"),
                    "not an integer at or after start_line",
                );
            }
        }
        let identifiers = vuln["identifiers"].as_array();
        v.check(
            identifiers.is_some_and(|list| !list.is_empty()),
            &format!("{path}.identifiers"),
            "not a non-empty array (minItems 1)",
        );
        for (position, identifier) in identifiers.into_iter().flatten().enumerate() {
            let ipath = format!("{path}.identifiers[{position}]");
            if let Some(identifier) =
                v.object(identifier, &ipath, &["type", "name", "value"], &["url"])
            {
                v.string(&identifier["type"], &format!("{ipath}.type"), 1, 100);
                v.string(&identifier["name"], &format!("{ipath}.name"), 1, 255);
                v.string(&identifier["value"], &format!("{ipath}.value"), 1, 255);
                if let Some(url) = identifier.get("url") {
                    v.uri(url, &format!("{ipath}.url"));
                }
            }
        }
    }
    v.0
}

#[test]
fn sast_report_satisfies_the_15_x_schema() {
    let report = report();
    assert!(report.findings.len() >= 4, "{:?}", report.findings);
    assert!(!report.diagnostics.is_empty());
    let document = render(Format::GitlabSast, &report);
    let violations = sast_violations(&document);
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    assert_eq!(
        document["vulnerabilities"].as_array().unwrap().len(),
        report.findings.len()
    );
    // The primary identifier is our rule code; a CWE follows.
    let first = &document["vulnerabilities"][0]["identifiers"];
    assert_eq!(first[0]["type"], "snakeguard_rule_id");
    assert_eq!(first[1]["type"], "cwe");
}

#[test]
fn empty_sast_report_satisfies_the_schema() {
    let document = render(Format::GitlabSast, &ScanReport::default());
    let violations = sast_violations(&document);
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_checker_catches_what_gitlab_rejects() {
    // The errors GitLab reports for broken reports must be caught here too.
    let mut document = render(Format::GitlabSast, &report());
    document["version"] = Value::from("2.0");
    document["scan"]["start_time"] = Value::from("2024-01-01T00:00:00Z");
    document["scan"]["analyzer"]["vendor"]["name"] = Value::from("");
    document["vulnerabilities"][0]["severity"] = Value::from("high");
    document["vulnerabilities"][0]["identifiers"] = Value::Array(Vec::new());
    document["vulnerabilities"][1]["category"] = Value::from("sast");
    let violations = sast_violations(&document).join("\n");
    for expected in [
        "$.version: does not match",
        "$.scan.start_time: does not match",
        "$.scan.analyzer.vendor.name: shorter than 1",
        "$.vulnerabilities[0].severity",
        "$.vulnerabilities[0].identifiers: not a non-empty array",
        "$.vulnerabilities[1]: `category` is not defined",
    ] {
        assert!(
            violations.contains(expected),
            "{expected} not in:\n{violations}"
        );
    }
}

#[test]
fn code_quality_report_has_the_keys_gitlab_reads() {
    let report = report();
    let document = render(Format::GitlabCodeQuality, &report);
    let issues = document.as_array().expect("an array of issues");
    assert_eq!(issues.len(), report.findings.len());
    let mut fingerprints = BTreeSet::new();
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[key].as_str().is_some_and(|s| !s.is_empty()),
                "{key} in {issue}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert!(
            issue["location"]["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("src/"))
        );
        assert!(
            issue["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|line| line >= 1)
        );
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
}
