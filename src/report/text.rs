//! Human-readable output in the style of ruff and rustc.
//!
//! Each finding is a `path:line:col: CODE [severity/confidence] message` header, a code frame
//! from [`ScanReport::sources`] (the first flagged line with a `^` underline; multi-line spans
//! are underlined to the end of their first line), the taint flow for taint findings, the
//! suggested fix, and a pointer to `snakeguard rules CODE`. Diagnostics follow the findings,
//! and a summary line closes the report. ANSI colour only when [`ReportOptions::color`].

use std::io::{self, Write};

use crate::finding::{Diagnostic, Finding, Severity};
use crate::report::{Lines, ReportOptions, ScanReport, summary_line};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const GUTTER: &str = "\x1b[1;34m";
const LABEL: &str = "\x1b[1;36m";
const SUGGESTION: &str = "\x1b[1;32m";

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;35m",
        Severity::High => "\x1b[1;31m",
        Severity::Medium => "\x1b[1;33m",
        Severity::Low => "\x1b[1;34m",
    }
}

/// Wraps text in ANSI styles when colour is on; passes it through otherwise.
struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// Write the human-readable report.
pub fn write(report: &ScanReport, options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let painter = Painter {
        color: options.color,
    };
    for finding in &report.findings {
        write_finding(
            finding,
            report.lines_of(&finding.path).as_ref(),
            &painter,
            out,
        )?;
        writeln!(out)?;
    }
    for diagnostic in &report.diagnostics {
        write_diagnostic(diagnostic, &painter, out)?;
    }
    if !report.diagnostics.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", painter.paint(BOLD, &summary_line(report)))
}

fn write_finding(
    finding: &Finding,
    source: Option<&Lines>,
    painter: &Painter,
    out: &mut dyn Write,
) -> io::Result<()> {
    let meta = finding.rule.meta();
    let style = severity_style(finding.severity);
    let start = finding.span.start;
    writeln!(
        out,
        "{}:{}:{}: {} [{}/{}] {}",
        painter.paint(BOLD, &finding.path),
        start.line,
        start.column,
        painter.paint(style, meta.code),
        painter.paint(style, finding.severity.as_str()),
        finding.confidence,
        finding.message,
    )?;

    let frame_line = source.and_then(|source| source.line(start.line));
    let fix_lines = match (&finding.fix, source) {
        (Some(fix), Some(_)) => {
            let count = fix.replacement.lines().count().max(1) as u32;
            fix.start_line + count - 1
        }
        _ => 0,
    };
    let width = digits(start.line.max(fix_lines));
    let pad = " ".repeat(width);
    let bar = painter.paint(GUTTER, "|");
    let eq = painter.paint(GUTTER, "=");

    if let Some(line) = frame_line {
        let (offset, length) = underline(line, finding);
        writeln!(out, "{pad} {bar}")?;
        writeln!(
            out,
            "{} {bar} {line}",
            painter.paint(GUTTER, &format!("{:>width$}", start.line))
        )?;
        writeln!(
            out,
            "{pad} {bar} {}{}",
            offset,
            painter.paint(style, &"^".repeat(length))
        )?;
    }

    if !finding.flow.is_empty() {
        writeln!(out, "{pad} {eq} {}", painter.paint(LABEL, "flow:"))?;
        let locations: Vec<String> = finding
            .flow
            .iter()
            .map(|step| match &step.path {
                Some(path) => format!("{path}:{}", step.span.start.line),
                None => format!("{}:{}", step.span.start.line, step.span.start.column),
            })
            .collect();
        let location_width = locations
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        for (index, (step, location)) in finding.flow.iter().zip(&locations).enumerate() {
            let arrow = if index == 0 { " " } else { "→" };
            writeln!(
                out,
                "{pad}   {arrow} {location:<location_width$} {}",
                step.note
            )?;
        }
    }

    if let Some(fix) = &finding.fix {
        writeln!(
            out,
            "{pad} {eq} {} {}",
            painter.paint(SUGGESTION, "suggestion:"),
            fix.description
        )?;
        if source.is_some() {
            for (line_number, text) in (fix.start_line..).zip(fix.replacement.lines()) {
                writeln!(
                    out,
                    "{} {bar} {}",
                    painter.paint(GUTTER, &format!("{line_number:>width$}")),
                    painter.paint(SUGGESTION, text)
                )?;
            }
        }
    }

    writeln!(
        out,
        "{pad} {eq} {} run `snakeguard rules {}` for details",
        painter.paint(LABEL, "help:"),
        meta.code
    )
}

/// The whitespace before the underline (tabs kept so it aligns with the line above) and the
/// number of `^`: to the end of the span, or of the line when the span continues below.
fn underline(line: &str, finding: &Finding) -> (String, usize) {
    let span = finding.span;
    let line_chars = line.chars().count();
    let start = (span.start.column.max(1) as usize - 1).min(line_chars);
    let end = if span.end.line == span.start.line {
        (span.end.column.max(1) as usize - 1).min(line_chars)
    } else {
        line_chars
    };
    let offset = line
        .chars()
        .take(start)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    (offset, end.saturating_sub(start).max(1))
}

fn write_diagnostic(
    diagnostic: &Diagnostic,
    painter: &Painter,
    out: &mut dyn Write,
) -> io::Result<()> {
    let path = painter.paint(BOLD, &diagnostic.path);
    let kind = painter.paint(severity_style(Severity::Medium), diagnostic.kind.as_str());
    match diagnostic.position {
        Some(position) => writeln!(
            out,
            "{path}:{}:{}: {kind}: {}",
            position.line, position.column, diagnostic.message
        ),
        None => writeln!(out, "{path}: {kind}: {}", diagnostic.message),
    }
}

fn digits(number: u32) -> usize {
    number.max(1).ilog10() as usize + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{render, report};

    const EXPECTED: &str = r#"app.py:8:5: SG602 [critical/high] `subprocess.call` with `shell=True` runs `cmd` through the shell
  |
8 |     subprocess.call(
  |     ^^^^^^^^^^^^^^^^
  = flow:
      7:11 source: `request.args.get`
    → 7:5  assigned to `cmd`
    → 8:5  sink: `subprocess.call`
  = help: run `snakeguard rules SG602` for details

app.py:11:12: SG506 [high/high] `yaml.load` can construct arbitrary Python objects from untrusted YAML; use `yaml.safe_load`
   |
11 |     return yaml.load(open("c.yml"))
   |            ^^^^^^^^^^^^^^^^^^^^^^^^
   = suggestion: use `yaml.safe_load`
11 |     return yaml.safe_load(open("c.yml"))
   = help: run `snakeguard rules SG506` for details

tests/test_auth.py:3:5: SG101 [low/medium] `assert` is removed under -O: 100%, gone
second line
  = help: run `snakeguard rules SG101` for details

broken.py:3:9: syntax-error: Expected an expression
huge.py: skipped: file is larger than 1 MiB

Found 3 issues (1 critical, 1 high, 1 low) in 4 files; 2 suppressed.
"#;

    #[test]
    fn plain_text_is_exact() {
        let text = render(write, &report(), &ReportOptions::default());
        assert_eq!(text, EXPECTED, "\n{text}");
    }

    #[test]
    fn colour_only_when_asked() {
        let options = ReportOptions {
            color: true,
            ..ReportOptions::default()
        };
        let coloured = render(write, &report(), &options);
        assert!(coloured.contains("\x1b[1;35mSG602\x1b[0m"));
        assert!(coloured.contains("\x1b[1;35m^^^^^^^^^^^^^^^^\x1b[0m"));
        let stripped = regex::Regex::new("\x1b\\[[0-9;]*m")
            .unwrap()
            .replace_all(&coloured, "");
        assert_eq!(stripped, EXPECTED);
    }

    #[test]
    fn empty_report_is_one_line() {
        let report = ScanReport {
            files_scanned: 7,
            ..ScanReport::default()
        };
        let text = render(write, &report, &ReportOptions::default());
        assert_eq!(text, "No issues found in 7 files.\n");
    }

    #[test]
    fn underline_handles_tabs_zero_width_and_stale_spans() {
        let mut finding = report().findings[1].clone();
        finding.span = crate::report::test_support::span((1, 3), (1, 3));
        assert_eq!(underline("\tx = 1", &finding), ("\t ".to_string(), 1));
        finding.span = crate::report::test_support::span((1, 40), (1, 50));
        assert_eq!(underline("short", &finding), ("     ".to_string(), 1));
    }
}
