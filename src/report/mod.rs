//! Output formats for a scan: human text, JSON, SARIF 2.1.0, GitHub workflow commands, and
//! GitLab's SAST and Code Quality CI reports.
//!
//! Writers are pure: they take a [`ScanReport`] and a `&mut dyn Write`, never touch files or
//! the terminal themselves (colour is decided by the caller and passed in). [`write_report`]
//! dispatches on [`Format`]; each format lives in its own module.

pub mod github;
pub mod gitlab_codequality;
pub mod gitlab_sast;
pub mod json;
mod pretty_json;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::SystemTime;

use serde::Serialize;

pub(crate) use pretty_json::write_json_pretty;

use crate::finding::{Diagnostic, Finding, Severity, Span};

/// Everything a scan produced, in deterministic order.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ScanReport {
    /// Findings sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    /// Syntax errors, skipped files, unused suppressions; sorted by path and position.
    pub diagnostics: Vec<Diagnostic>,
    pub files_scanned: usize,
    /// Findings hidden by suppression comments.
    pub suppressed: usize,
    /// Findings hidden because they existed before (diff-aware scans and baselines).
    pub preexisting_hidden: usize,
    /// Source text of each file that has findings (for code frames), keyed by path.
    #[serde(skip)]
    pub sources: BTreeMap<String, SourceText>,
}

impl ScanReport {
    /// Number of findings at each severity.
    pub fn counts_by_severity(&self) -> BTreeMap<Severity, usize> {
        let mut counts = BTreeMap::new();
        for finding in &self.findings {
            *counts.entry(finding.severity).or_insert(0) += 1;
        }
        counts
    }

    /// Whether any finding is at or above `threshold`.
    pub fn has_findings_at_or_above(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|finding| finding.severity >= threshold)
    }
}

/// The output formats `scan` supports.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    /// GitLab security report (`gl-sast-report.json`, schema 15.x).
    GitlabSast,
    /// GitLab Code Quality report (`gl-code-quality-report.json`).
    #[value(name = "gitlab-codequality")]
    GitlabCodeQuality,
}

/// How a report is rendered; the caller decides (TTY-ness, flags, CI environment).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Emit ANSI colour (text format only).
    pub color: bool,
    /// SARIF: describe every rule in `tool.driver.rules`, not only those with results.
    pub all_rules: bool,
    /// SARIF: absolute `file://` URI of the scan root, ending with `/`. Written as
    /// `originalUriBaseIds["%SRCROOT%"]`; omitted when `None`.
    pub root_uri: Option<String>,
    /// GitLab SAST: when the scan started and ended (`scan.start_time`/`end_time`); the
    /// current time when `None`.
    pub scan_times: Option<(SystemTime, SystemTime)>,
}

/// Write `report` in `format` to `out`.
pub fn write_report(
    format: Format,
    report: &ScanReport,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, options, out),
        Format::Json => json::write(report, options, out),
        Format::Sarif => sarif::write(report, options, out),
        Format::Github => github::write(report, options, out),
        Format::GitlabSast => gitlab_sast::write(report, options, out),
        Format::GitlabCodeQuality => gitlab_codequality::write(report, options, out),
    }
}

/// The crate version every format reports.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where users read more about snakeguard.
pub(crate) const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// Byte offset of the 1-based character `column` in `line`, clamped to the line's end.
pub(crate) fn column_offset(line: &str, column: u32) -> usize {
    let skip = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    line.char_indices()
        .nth(skip)
        .map_or(line.len(), |(offset, _)| offset)
}

/// A file's text as reports quote it, with the offsets of its lines.
///
/// A large report quotes hundreds of files many times each (a location, its flow steps, a
/// fix), so their lines are indexed once, when the text is stored: a scan does it on the
/// thread that has just analysed the file, while the text is still in cache. (Indexed at the
/// end of a standard-library scan instead, the 300 cold texts took most of the time spent
/// writing its SARIF log.)
///
/// Reports keep only the lines their findings quote ([`SourceText::quoted_by`], also through
/// [`ScanReport::keep_source`]): the stdlib's 302 quoted files are 13.6 MB of text, fresh
/// memory touched to be read once.
#[derive(Debug, Clone, Default)]
pub struct SourceText {
    /// The text, or the kept lines one after the other (each with its line terminator).
    text: String,
    /// Byte offset in `text` of each line's first byte (as [`str::lines`] counts lines).
    starts: Vec<usize>,
    /// The 1-based numbers of the kept lines, ascending; `None` when every line is kept.
    numbers: Option<Vec<u32>>,
}

impl SourceText {
    pub fn new(text: String) -> SourceText {
        let starts = line_starts(&text).collect();
        SourceText {
            text,
            starts,
            numbers: None,
        }
    }

    /// The lines of `text` that reports quote for `findings` (of this file): each finding's
    /// span, the steps of its flow in this file, its fix's last line.
    pub fn quoted_by<'f>(
        text: &str,
        findings: impl IntoIterator<Item = &'f Finding>,
    ) -> SourceText {
        let mut wanted: Vec<(u32, u32)> = Vec::new();
        for finding in findings {
            wanted.push((finding.span.start.line, finding.span.end.line));
            for step in finding.flow.iter().filter(|step| step.path.is_none()) {
                wanted.push((step.span.start.line, step.span.end.line));
            }
            if let Some(fix) = &finding.fix {
                wanted.push((fix.end_line, fix.end_line));
            }
        }
        wanted.sort_unstable();
        let (mut kept, mut kept_starts, mut numbers) = (String::new(), Vec::new(), Vec::new());
        let mut wanted = wanted.into_iter().peekable();
        let mut starts = line_starts(text).peekable();
        let mut number: u32 = 0;
        while let Some(start) = starts.next() {
            number += 1;
            while wanted.next_if(|&(_, last)| last < number).is_some() {}
            let Some(&(first, _)) = wanted.peek() else {
                break;
            };
            if first <= number {
                let end = starts.peek().copied().unwrap_or(text.len());
                kept_starts.push(kept.len());
                kept.push_str(&text[start..end]);
                numbers.push(number);
            }
        }
        SourceText {
            text: kept,
            starts: kept_starts,
            numbers: Some(numbers),
        }
    }

    pub(crate) fn lines(&self) -> Lines<'_> {
        Lines {
            source: &self.text,
            starts: &self.starts,
            numbers: self.numbers.as_deref(),
        }
    }
}

/// Byte offset of each line's first byte in `text` (as [`str::lines`] counts lines).
fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let first = (!text.is_empty()).then_some(0);
    first.into_iter().chain(
        memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|offset| offset + 1)
            .filter(|&start| start < text.len()),
    )
}

/// The lines of a [`SourceText`].
#[derive(Clone, Copy)]
pub(crate) struct Lines<'s> {
    source: &'s str,
    starts: &'s [usize],
    numbers: Option<&'s [u32]>,
}

impl<'s> Lines<'s> {
    /// The 1-based `line` without its line terminator (as [`str::lines`] gives it), if it
    /// exists (and was kept).
    pub(crate) fn line(&self, line: u32) -> Option<&'s str> {
        let index = match self.numbers {
            None => usize::try_from(line).ok()?.checked_sub(1)?,
            Some(numbers) => numbers.binary_search(&line).ok()?,
        };
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.source.len());
        let text = &self.source[start..end];
        Some(match text.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => text,
        })
    }

    /// The source text covered by `span`, lines joined with `\n`; `None` when the span does
    /// not fit the source (stale or missing text).
    pub(crate) fn span_text(&self, span: &Span) -> Option<String> {
        let (start, end) = (span.start, span.end);
        if (end.line, end.column) < (start.line, start.column) {
            return None;
        }
        let mut text = String::new();
        for line_number in start.line..=end.line {
            let line = self.line(line_number)?;
            let from = if line_number == start.line {
                column_offset(line, start.column)
            } else {
                0
            };
            let to = if line_number == end.line {
                column_offset(line, end.column)
            } else {
                line.len()
            };
            text.push_str(&line[from..to.max(from)]);
            if line_number != end.line {
                text.push('\n');
            }
        }
        Some(text)
    }
}

impl ScanReport {
    /// Keeps the lines of `text` the report's findings in `path` quote, if there are any (the
    /// reports quote no other file; call it once the findings are in).
    pub fn keep_source(&mut self, path: &str, text: &str) {
        let mut findings = self
            .findings
            .iter()
            .filter(|finding| finding.path == path)
            .peekable();
        if findings.peek().is_some() {
            let quoted = SourceText::quoted_by(text, findings);
            self.sources.insert(path.to_string(), quoted);
        }
    }

    /// The lines of `path`, when the report holds its text.
    pub(crate) fn lines_of(&self, path: &str) -> Option<Lines<'_>> {
        self.sources.get(path).map(SourceText::lines)
    }
}

/// `1 issue`, `2 issues`.
pub(crate) fn plural(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", if count == 1 { singular } else { plural })
}

/// The closing line every human-facing format ends with.
pub(crate) fn summary_line(report: &ScanReport) -> String {
    let files = plural(report.files_scanned, "file", "files");
    let mut line = if report.findings.is_empty() {
        format!("No issues found in {files}")
    } else {
        let counts = report.counts_by_severity();
        let parts: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .filter_map(|severity| {
                let count = counts.get(severity).copied().unwrap_or(0);
                (count > 0).then(|| format!("{count} {severity}"))
            })
            .collect();
        format!(
            "Found {} ({}) in {files}",
            plural(report.findings.len(), "issue", "issues"),
            parts.join(", ")
        )
    };
    if report.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", report.suppressed));
    }
    if report.preexisting_hidden > 0 {
        line.push_str(&format!(
            "; {} pre-existing hidden",
            report.preexisting_hidden
        ));
    }
    line.push('.');
    line
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Position;

    fn span(start: (u32, u32), end: (u32, u32)) -> Span {
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

    #[test]
    fn span_text_counts_characters_and_joins_lines() {
        let source = SourceText::new("x = 'é'; run(a)\nfoo(\n  b)\r\nlast".to_string());
        let source = source.lines();
        let span_text = |source: &Lines, span: &Span| source.span_text(span);
        assert_eq!(
            span_text(&source, &span((1, 10), (1, 16))).unwrap(),
            "run(a)"
        );
        assert_eq!(
            span_text(&source, &span((2, 1), (3, 5))).unwrap(),
            "foo(\n  b)"
        );
        assert_eq!(span_text(&source, &span((4, 1), (4, 1))).unwrap(), "");
        assert!(span_text(&source, &span((9, 1), (9, 2))).is_none());
        assert!(span_text(&source, &span((2, 3), (1, 1))).is_none());
    }

    #[test]
    fn quoted_lines_are_what_the_writers_quote() {
        // A fix ending below its finding's lines (SARIF quotes the fix's last line).
        let with_far_fix = |mut report: ScanReport| {
            for finding in &mut report.findings {
                if let Some(fix) = &mut finding.fix {
                    finding.span = test_support::span((1, 1), (1, 7));
                    (fix.start_line, fix.end_line) = (10, 11);
                }
            }
            report
        };
        let full = with_far_fix(test_support::report());
        let app: Vec<Finding> = full
            .findings
            .iter()
            .filter(|finding| finding.path == "app.py")
            .cloned()
            .collect();
        assert!(app.iter().any(|finding| !finding.flow.is_empty()));
        assert!(app.iter().any(|finding| finding.fix.is_some()));
        // Kept the way the review paths keep texts (the scan calls `quoted_by` itself).
        let mut quoted = with_far_fix(test_support::report());
        quoted.sources.clear();
        quoted.keep_source("app.py", test_support::APP_SOURCE);
        quoted.keep_source("no_findings.py", "x = 1\n");
        assert_eq!(quoted.sources.len(), 1);
        let options = ReportOptions::default();
        for write in [sarif::write, text::write] {
            assert_eq!(
                test_support::render(write, &quoted, &options),
                test_support::render(write, &full, &options)
            );
        }
        // Only the quoted lines are kept, each as the whole text gives it.
        let (kept, all) = (&quoted.sources["app.py"], &full.sources["app.py"]);
        let quoted_lines: Vec<u32> = (1..=12)
            .filter(|&n| kept.lines().line(n).is_some())
            .collect();
        assert!(
            !quoted_lines.is_empty() && quoted_lines.len() < 11,
            "{quoted_lines:?}"
        );
        for n in quoted_lines {
            assert_eq!(kept.lines().line(n), all.lines().line(n));
        }
        // Lines past the end and in texts without a final newline or with CRLF.
        let finding = |first: u32, last: u32| {
            let mut finding = app[0].clone();
            finding.flow.clear();
            finding.fix = None;
            finding.span = test_support::span((first, 1), (last, 1));
            finding
        };
        for text in ["a\r\nb\r\nc", "a\nb\n", "", "\n\n\nd"] {
            let whole = SourceText::new(text.to_string());
            let some = SourceText::quoted_by(text, &[finding(2, 3), finding(9, 9)]);
            for n in 0..6 {
                let expected = (2..=3)
                    .contains(&n)
                    .then(|| whole.lines().line(n))
                    .flatten();
                assert_eq!(some.lines().line(n), expected, "{text:?} line {n}");
            }
        }
    }

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\n\nb\r\n",
            "\n\n",
            "é\nü\r",
            "x\r\ny",
        ] {
            let source = SourceText::new(text.to_string());
            let lines = source.lines();
            let expected: Vec<&str> = text.lines().collect();
            let got: Vec<&str> = (1..).map_while(|n| lines.line(n)).collect();
            assert_eq!(got, expected, "{text:?}");
            assert_eq!(lines.line(0), None);
        }
    }

    #[test]
    fn summary_omits_zero_parts() {
        let mut report = test_support::report();
        assert_eq!(
            summary_line(&report),
            "Found 3 issues (1 critical, 1 high, 1 low) in 4 files; 2 suppressed."
        );
        report.findings.clear();
        report.suppressed = 0;
        report.preexisting_hidden = 1;
        report.files_scanned = 1;
        assert_eq!(
            summary_line(&report),
            "No issues found in 1 file; 1 pre-existing hidden."
        );
    }
}
