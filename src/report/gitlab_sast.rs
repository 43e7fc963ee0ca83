//! GitLab SAST report (`gl-sast-report.json`), security report schema 15.x.
//!
//! GitLab shows these findings in the merge-request security widget and the vulnerability
//! report, even when the pipeline has no token to comment with. The shape follows GitLab's
//! `sast-report-format.json` 15.0.x: `version`, `scan` (analyzer and scanner with `id`, `name`,
//! `version`, `vendor.name`; `type: "sast"`; `start_time`/`end_time` as
//! `YYYY-MM-DDTHH:MM:SS`; `status`) and `vulnerabilities[]` with an `id`, `name`,
//! `description`, a capitalized `severity`, a `location` (`file`, `start_line`, `end_line`)
//! and at least one identifier (our rule code first — GitLab uses the first identifier as the
//! primary one — then the CWE). Diagnostics become `scan.messages`.
//!
//! The vulnerability `id` is UUID-shaped and derived from the finding's fingerprint, so the
//! same finding keeps its id across pipelines. `tests/gitlab_sast_schema.rs` checks every
//! report against the schema's required fields and patterns.

use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::finding::{Diagnostic, DiagnosticKind, Finding, Fingerprint, Severity};
use crate::report::{INFORMATION_URI, ReportOptions, ScanReport, VERSION};

/// The schema version written in `version`: 15.0.6 is the newest 15.0.x that GitLab 16.x
/// instances listed as supported; newer GitLab accepts it too.
pub const SCHEMA_VERSION: &str = "15.0.6";
/// The schema this report follows (informative; GitLab validates by `version`).
pub const SCHEMA_URL: &str = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.6/dist/sast-report-format.json";
/// Where a rule is documented (anchors are lower-case codes), as in SARIF help URIs.
fn docs_url(code: &str) -> String {
    format!(
        "{INFORMATION_URI}/blob/main/docs/rules.md#{}",
        code.to_ascii_lowercase()
    )
}

/// Identifier type of our rule codes.
pub const RULE_ID_TYPE: &str = "snakeguard_rule_id";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    version: &'static str,
    scan: Scan,
    vulnerabilities: Vec<Vulnerability<'a>>,
}

#[derive(Serialize)]
struct Scan {
    analyzer: Component,
    scanner: Component,
    #[serde(rename = "type")]
    kind: &'static str,
    start_time: String,
    end_time: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    messages: Vec<Message>,
}

#[derive(Serialize)]
struct Component {
    id: &'static str,
    name: &'static str,
    version: &'static str,
    url: &'static str,
    vendor: Vendor,
}

#[derive(Serialize)]
struct Vendor {
    name: &'static str,
}

#[derive(Serialize)]
struct Message {
    level: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Vulnerability<'a> {
    id: String,
    name: String,
    description: String,
    severity: &'static str,
    location: Location<'a>,
    identifiers: Vec<Identifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    solution: Option<String>,
}

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    start_line: u32,
    end_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'a str>,
}

#[derive(Serialize)]
struct Identifier {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    value: String,
    url: String,
}

fn component() -> Component {
    Component {
        id: "snakeguard",
        name: "snakeguard",
        version: VERSION,
        url: INFORMATION_URI,
        vendor: Vendor { name: "snakeguard" },
    }
}

/// GitLab's capitalized severity for ours.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// A stable UUID-shaped id for a fingerprint (the version nibble says 8, "custom").
pub fn vulnerability_id(fingerprint: &Fingerprint) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"snakeguard-gitlab-sast\0");
    hasher.update(fingerprint.0.as_bytes());
    let mut bytes: [u8; 16] = hasher.finalize()[..16]
        .try_into()
        .expect("a SHA-256 digest has 32 bytes");
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, the only time format the schema accepts.
pub fn format_time(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn vulnerability(finding: &Finding) -> Vulnerability<'_> {
    let meta = finding.rule.meta();
    let mut identifiers = vec![Identifier {
        kind: RULE_ID_TYPE,
        name: format!("snakeguard {} {}", meta.code, meta.name),
        value: meta.code.to_string(),
        url: docs_url(meta.code),
    }];
    if meta.cwe != 0 {
        identifiers.push(Identifier {
            kind: "cwe",
            name: format!("CWE-{}", meta.cwe),
            value: meta.cwe.to_string(),
            url: format!("https://cwe.mitre.org/data/definitions/{}.html", meta.cwe),
        });
    }
    let mut description = finding.message.clone();
    if !meta.summary.is_empty() && meta.summary != finding.message {
        description.push_str("\n\n");
        description.push_str(meta.summary);
    }
    if !finding.flow.is_empty() {
        description.push_str("\n\nData flow:");
        for step in &finding.flow {
            description.push_str(&format!("\n- line {}: {}", step.span.start.line, step.note));
        }
    }
    let name = format!("{}: {}", meta.code, meta.name);
    Vulnerability {
        id: vulnerability_id(&finding.fingerprint),
        name: truncate(&name, 255),
        description: truncate(&description, 1_048_576),
        severity: severity(finding.severity),
        location: Location {
            file: &finding.path,
            start_line: finding.span.start.line.max(1),
            end_line: finding.span.end.line.max(finding.span.start.line).max(1),
            method: (finding.scope != "<module>" && !finding.scope.is_empty())
                .then_some(finding.scope.as_str()),
        },
        identifiers,
        solution: finding
            .fix
            .as_ref()
            .map(|fix| truncate(&fix.description, 7_000)),
    }
}

fn message(diagnostic: &Diagnostic) -> Message {
    let level = match diagnostic.kind {
        DiagnosticKind::UnusedSuppression => "info",
        DiagnosticKind::SyntaxError | DiagnosticKind::Skipped => "warn",
    };
    let place = match diagnostic.position {
        Some(position) => format!("{}:{}:{}", diagnostic.path, position.line, position.column),
        None => diagnostic.path.clone(),
    };
    Message {
        level,
        value: format!(
            "{place}: {}: {}",
            diagnostic.kind.as_str(),
            diagnostic.message
        ),
    }
}

/// At most `max` characters of `text`.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((offset, _)) => text[..offset].to_string(),
        None => text.to_string(),
    }
}

/// Write the SAST report. Start and end times come from [`ReportOptions::scan_times`]; when
/// absent, the current time is used for both.
pub fn write(report: &ScanReport, options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let (start, end) = options.scan_times.unwrap_or_else(|| {
        let now = SystemTime::now();
        (now, now)
    });
    let document = Report {
        schema: SCHEMA_URL,
        version: SCHEMA_VERSION,
        scan: Scan {
            analyzer: component(),
            scanner: component(),
            kind: "sast",
            start_time: format_time(start),
            end_time: format_time(end.max(start)),
            status: "success",
            messages: report.diagnostics.iter().map(message).collect(),
        },
        vulnerabilities: report.findings.iter().map(vulnerability).collect(),
    };
    super::write_json_pretty(out, &document)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};

    use super::*;
    use crate::report::test_support::{render, report};

    fn options() -> ReportOptions {
        ReportOptions {
            scan_times: Some((
                UNIX_EPOCH + Duration::from_secs(1_700_000_000),
                UNIX_EPOCH + Duration::from_secs(1_700_000_042),
            )),
            ..ReportOptions::default()
        }
    }

    #[test]
    fn times_are_utc_without_zone() {
        assert_eq!(format_time(UNIX_EPOCH), "1970-01-01T00:00:00");
        assert_eq!(
            format_time(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            "2023-11-14T22:13:20"
        );
        // 2024-02-29 (leap day) 23:59:59
        assert_eq!(
            format_time(UNIX_EPOCH + Duration::from_secs(1_709_251_199)),
            "2024-02-29T23:59:59"
        );
    }

    #[test]
    fn ids_are_stable_uuids() {
        let id = vulnerability_id(&Fingerprint("00ff".into()));
        assert_eq!(id, vulnerability_id(&Fingerprint("00ff".into())));
        assert_ne!(id, vulnerability_id(&Fingerprint("00fe".into())));
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn exact_structure() {
        let report = report();
        let text = render(write, &report, &options());
        let log: Value = serde_json::from_str(&text).unwrap();
        let scanner = json!({
            "id": "snakeguard",
            "name": "snakeguard",
            "version": VERSION,
            "url": INFORMATION_URI,
            "vendor": {"name": "snakeguard"}
        });
        assert_eq!(log["version"], SCHEMA_VERSION);
        assert_eq!(
            log["scan"],
            json!({
                "analyzer": scanner,
                "scanner": scanner,
                "type": "sast",
                "start_time": "2023-11-14T22:13:20",
                "end_time": "2023-11-14T22:14:02",
                "status": "success",
                "messages": [
                    {"level": "warn", "value": "broken.py:3:9: syntax-error: Expected an expression"},
                    {"level": "warn", "value": "huge.py: skipped: file is larger than 1 MiB"}
                ]
            })
        );
        let vulns = log["vulnerabilities"].as_array().unwrap();
        assert_eq!(vulns.len(), 3);
        let yaml = &report.findings[1];
        let meta = yaml.rule.meta();
        assert_eq!(
            vulns[1],
            json!({
                "id": vulnerability_id(&yaml.fingerprint),
                "name": format!("{}: {}", meta.code, meta.name),
                "description": vulns[1]["description"],
                "severity": "High",
                "location": {"file": "app.py", "start_line": 11, "end_line": 11, "method": "run"},
                "identifiers": [
                    {
                        "type": "snakeguard_rule_id",
                        "name": format!("snakeguard {} {}", meta.code, meta.name),
                        "value": meta.code,
                        "url": docs_url(meta.code)
                    },
                    {
                        "type": "cwe",
                        "name": format!("CWE-{}", meta.cwe),
                        "value": meta.cwe.to_string(),
                        "url": format!("https://cwe.mitre.org/data/definitions/{}.html", meta.cwe)
                    }
                ],
                "solution": "use `yaml.safe_load`"
            })
        );
        assert!(
            vulns[1]["description"]
                .as_str()
                .unwrap()
                .starts_with(&yaml.message)
        );
        // Multi-line span, taint flow in the description, capitalized severity.
        assert_eq!(vulns[0]["severity"], "Critical");
        assert_eq!(vulns[0]["location"]["start_line"], 8);
        assert_eq!(vulns[0]["location"]["end_line"], 10);
        assert!(
            vulns[0]["description"]
                .as_str()
                .unwrap()
                .contains("- line 7: source: `request.args.get`")
        );
        // Module scope: no method.
        assert_eq!(vulns[2]["severity"], "Low");
        assert!(vulns[2]["location"].get("method").is_none());
    }

    #[test]
    fn empty_report_is_still_a_valid_scan() {
        let text = render(write, &ScanReport::default(), &options());
        let log: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(log["vulnerabilities"], json!([]));
        assert!(log["scan"].get("messages").is_none());
        assert_eq!(log["scan"]["status"], "success");
    }
}
