//! A hand-built [`ScanReport`] shared by the writers' unit tests: a multi-line taint finding
//! with a flow, a finding with a fix, a finding whose source is missing, and diagnostics with
//! and without a position.

use std::collections::BTreeMap;

use crate::finding::{
    Confidence, Diagnostic, DiagnosticKind, Finding, Fingerprint, Fix, FlowStep, Position,
    Severity, Span,
};
use crate::report::{ScanReport, SourceText};
use crate::rules::Rule;

pub const APP_SOURCE: &str = r#"import subprocess
import yaml
from flask import request


def run():
    cmd = request.args.get("cmd")
    subprocess.call(
        cmd, shell=True
    )
    return yaml.load(open("c.yml"))
"#;

pub fn span(start: (u32, u32), end: (u32, u32)) -> Span {
    Span {
        start: Position {
            line: start.0,
            column: start.1,
        },
        end: Position {
            line: end.0,
            column: end.1,
        },
    }
}

fn finding(rule: Rule, path: &str, span: Span, message: &str, severity: Severity) -> Finding {
    Finding {
        rule,
        path: path.to_string(),
        span,
        message: message.to_string(),
        severity,
        confidence: Confidence::High,
        scope: "run".to_string(),
        snippet: String::new(),
        fingerprint: Fingerprint::compute(rule.code(), path, "run", message, 0),
        identity: message.to_string(),
        flow: Vec::new(),
        fix: None,
    }
}

pub fn report() -> ScanReport {
    let mut shell = finding(
        Rule::SubprocessShellTrue,
        "app.py",
        span((8, 5), (10, 6)),
        "`subprocess.call` with `shell=True` runs `cmd` through the shell",
        Severity::Critical,
    );
    shell.flow = vec![
        FlowStep::local(span((7, 11), (7, 34)), "source: `request.args.get`"),
        FlowStep::local(span((7, 5), (7, 8)), "assigned to `cmd`"),
        FlowStep::local(span((8, 5), (10, 6)), "sink: `subprocess.call`"),
    ];
    let mut yaml = finding(
        Rule::YamlLoad,
        "app.py",
        span((11, 12), (11, 36)),
        "`yaml.load` can construct arbitrary Python objects from untrusted YAML; use `yaml.safe_load`",
        Severity::High,
    );
    yaml.fix = Some(Fix {
        description: "use `yaml.safe_load`".to_string(),
        start_line: 11,
        end_line: 11,
        replacement: r#"    return yaml.safe_load(open("c.yml"))"#.to_string(),
    });
    let mut assert = finding(
        Rule::AssertUsed,
        "tests/test_auth.py",
        span((3, 5), (3, 20)),
        "`assert` is removed under -O: 100%, gone\nsecond line",
        Severity::Low,
    );
    assert.confidence = Confidence::Medium;
    assert.scope = "<module>".to_string();

    ScanReport {
        findings: vec![shell, yaml, assert],
        diagnostics: vec![
            Diagnostic {
                path: "broken.py".to_string(),
                position: Some(Position { line: 3, column: 9 }),
                kind: DiagnosticKind::SyntaxError,
                message: "Expected an expression".to_string(),
            },
            Diagnostic {
                path: "huge.py".to_string(),
                position: None,
                kind: DiagnosticKind::Skipped,
                message: "file is larger than 1 MiB".to_string(),
            },
        ],
        files_scanned: 4,
        suppressed: 2,
        preexisting_hidden: 0,
        sources: BTreeMap::from([(
            "app.py".to_string(),
            SourceText::new(APP_SOURCE.to_string()),
        )]),
    }
}

/// Render with `write` into a string.
pub fn render(
    write: fn(&ScanReport, &super::ReportOptions, &mut dyn std::io::Write) -> std::io::Result<()>,
    report: &ScanReport,
    options: &super::ReportOptions,
) -> String {
    let mut out = Vec::new();
    write(report, options, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("writers emit UTF-8")
}
