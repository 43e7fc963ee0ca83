//! GitHub Actions workflow commands: one annotation per finding and diagnostic.
//!
//! `::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`, with
//! critical/high → `error`, medium → `warning`, low → `notice`. Columns are only given for
//! single-line spans (GitHub ignores them across lines). The message carries the taint flow and
//! the suggested fix on extra lines. Values are escaped exactly like `@actions/core` does. A
//! plain summary line closes the output for the job log. GitHub shows only 10 errors and 10
//! warnings per step; SARIF upload is the complete channel.

use std::io::{self, Write};

use crate::finding::{Diagnostic, DiagnosticKind, Finding, Severity};
use crate::report::{ReportOptions, ScanReport, summary_line};

/// Write one workflow command per finding and diagnostic, then the summary line.
pub fn write(report: &ScanReport, _options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        write_finding(finding, out)?;
    }
    for diagnostic in &report.diagnostics {
        write_diagnostic(diagnostic, out)?;
    }
    writeln!(out, "{}", summary_line(report))
}

/// The workflow command for a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    }
}

fn write_finding(finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let meta = finding.rule.meta();
    let span = finding.span;
    let mut properties = vec![
        ("file", finding.path.clone()),
        ("line", span.start.line.to_string()),
    ];
    if span.start.line == span.end.line {
        properties.push(("col", span.start.column.to_string()));
        properties.push(("endColumn", span.end.column.to_string()));
    } else {
        properties.push(("endLine", span.end.line.to_string()));
    }
    properties.push(("title", format!("{} {}", meta.code, meta.name)));

    let mut message = format!(
        "{} [{}/{}]",
        finding.message, finding.severity, finding.confidence
    );
    if !finding.flow.is_empty() {
        message.push_str("\nFlow:");
        for step in &finding.flow {
            match &step.path {
                Some(path) => message.push_str(&format!(
                    "\n  {path}:{} {}",
                    step.span.start.line, step.note
                )),
                None => message.push_str(&format!(
                    "\n  {}:{} {}",
                    step.span.start.line, step.span.start.column, step.note
                )),
            }
        }
    }
    if let Some(fix) = &finding.fix {
        message.push_str(&format!("\nSuggestion: {}", fix.description));
    }
    message.push_str(&format!("\nDetails: snakeguard rules {}", meta.code));
    write_command(out, command(finding.severity), &properties, &message)
}

fn write_diagnostic(diagnostic: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    let level = match diagnostic.kind {
        DiagnosticKind::SyntaxError | DiagnosticKind::Skipped => "warning",
        DiagnosticKind::UnusedSuppression => "notice",
    };
    let mut properties = vec![("file", diagnostic.path.clone())];
    if let Some(position) = diagnostic.position {
        properties.push(("line", position.line.to_string()));
        properties.push(("col", position.column.to_string()));
    }
    properties.push(("title", format!("snakeguard {}", diagnostic.kind.as_str())));
    write_command(out, level, &properties, &diagnostic.message)
}

fn write_command(
    out: &mut dyn Write,
    command: &str,
    properties: &[(&str, String)],
    message: &str,
) -> io::Result<()> {
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    writeln!(
        out,
        "::{command} {}::{}",
        properties.join(","),
        escape_data(message)
    )
}

/// Escape a command's message like `@actions/core` `escapeData`.
pub fn escape_data(value: &str) -> String {
    value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value like `@actions/core` `escapeProperty`.
pub fn escape_property(value: &str) -> String {
    escape_data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{render, report};

    #[test]
    fn one_command_per_finding_and_diagnostic() {
        let text = render(write, &report(), &ReportOptions::default());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=app.py,line=8,endLine=10,title=SG602 subprocess-popen-with-shell-equals-true::\
                 `subprocess.call` with `shell=True` runs `cmd` through the shell [critical/high]\
                 %0AFlow:%0A  7:11 source: `request.args.get`%0A  7:5 assigned to `cmd`\
                 %0A  8:5 sink: `subprocess.call`%0ADetails: snakeguard rules SG602",
                "::error file=app.py,line=11,col=12,endColumn=36,title=SG506 yaml-load::\
                 `yaml.load` can construct arbitrary Python objects from untrusted YAML; use \
                 `yaml.safe_load` [high/high]%0ASuggestion: use `yaml.safe_load`\
                 %0ADetails: snakeguard rules SG506",
                "::notice file=tests/test_auth.py,line=3,col=5,endColumn=20,title=SG101 \
                 assert-used-for-access-control::`assert` is removed under -O: 100%25, gone%0Asecond line \
                 [low/medium]%0ADetails: snakeguard rules SG101",
                "::warning file=broken.py,line=3,col=9,title=snakeguard syntax-error::\
                 Expected an expression",
                "::warning file=huge.py,title=snakeguard skipped::file is larger than 1 MiB",
                "Found 3 issues (1 critical, 1 high, 1 low) in 4 files; 2 suppressed.",
            ]
        );
    }

    #[test]
    fn escaping_matches_actions_toolkit() {
        assert_eq!(escape_data("100%\r\nx: a, b"), "100%25%0D%0Ax: a, b");
        assert_eq!(
            escape_property("dir:a,b/%c\r\n.py"),
            "dir%3Aa%2Cb/%25c%0D%0A.py"
        );
        // `%` is escaped first, so an existing escape sequence is not double-decoded.
        assert_eq!(escape_data("%0A"), "%250A");

        let mut report = report();
        report.findings.truncate(1);
        report.findings[0].path = "weird,dir/a:b.py".to_string();
        report.diagnostics.clear();
        let text = render(write, &report, &ReportOptions::default());
        assert!(
            text.starts_with("::error file=weird%2Cdir/a%3Ab.py,line=8,"),
            "{text}"
        );
    }

    #[test]
    fn levels() {
        assert_eq!(command(Severity::Critical), "error");
        assert_eq!(command(Severity::High), "error");
        assert_eq!(command(Severity::Medium), "warning");
        assert_eq!(command(Severity::Low), "notice");
    }
}
