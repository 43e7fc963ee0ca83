//! Markdown that humans read on the forge: one review comment per finding, and the summary used
//! by check runs, merge-request notes and the Actions step summary. Pure functions.

use std::fmt::Write;

use crate::finding::{Finding, Severity};
use crate::forge::plan::marker;

/// Where rule documentation lives (anchors are lower-case codes).
pub const DOCS_URL: &str = "https://github.com/snakeguard/snakeguard/blob/main/docs/rules.md";

/// Escape text for inclusion in Markdown table cells and inline code.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The body of a line comment for `finding` posted on `line` of `path` (the finding's own file,
/// or a changed file its flow passes through).
pub fn comment_body(finding: &Finding, path: &str, line: u32) -> String {
    let meta = finding.rule.meta();
    let mut body = String::new();
    let _ = writeln!(
        body,
        "**{} · {}** — {} severity, {} confidence · CWE-{}\n",
        meta.code, meta.name, finding.severity, finding.confidence, meta.cwe
    );
    let _ = writeln!(body, "{}\n", finding.message);
    let own_file = path == finding.path;
    if !own_file {
        let _ = writeln!(
            body,
            "This change makes the unchanged code at line {} of `{}` vulnerable: its data flow passes through this line.\n",
            finding.span.start.line, finding.path
        );
    } else if line != finding.span.start.line {
        let _ = writeln!(
            body,
            "This change affects the flagged code at line {} of `{}`.\n",
            finding.span.start.line, finding.path
        );
    }
    if !finding.flow.is_empty() {
        let _ = writeln!(
            body,
            "<details><summary>Data flow ({} steps)</summary>\n",
            finding.flow.len()
        );
        for (index, step) in finding.flow.iter().enumerate() {
            let place = match &step.path {
                Some(step_path) => format!("`{step_path}` line {}", step.span.start.line),
                None if !own_file => format!("`{}` line {}", finding.path, step.span.start.line),
                None => format!("line {}", step.span.start.line),
            };
            let _ = writeln!(body, "{}. {place}: {}", index + 1, step.note);
        }
        let _ = writeln!(body, "\n</details>\n");
    }
    if let Some(fix) = &finding.fix
        && own_file
        && fix.start_line == line
        && fix.end_line == line
    {
        let _ = writeln!(body, "Suggested fix ({}):\n", fix.description);
        let _ = writeln!(body, "```suggestion\n{}\n```\n", fix.replacement);
    }
    let _ = writeln!(
        body,
        "[Rule documentation]({DOCS_URL}#{}) · if this is a false positive, add `# snakeguard: ignore[{}]` to the line",
        meta.code.to_ascii_lowercase(),
        meta.code
    );
    body.push_str(&marker(&finding.fingerprint));
    body
}

/// Counts and a table of new findings, for a check run, a merge-request note or a step summary.
pub struct SummaryInput<'a> {
    pub new: &'a [Finding],
    pub fixed: usize,
    pub preexisting: usize,
    /// Human notes about what was skipped and why (syntax errors, large files...).
    pub skipped: &'a [String],
    /// Findings that could not be placed on the diff.
    pub summary_only: usize,
    pub files_analysed: usize,
}

/// Markdown summary, capped below `max_chars` (GitHub's output.summary limit is 65,535).
pub fn summary_markdown(input: &SummaryInput, max_chars: usize) -> String {
    let mut out = String::new();
    let total = input.new.len();
    if total == 0 {
        let _ = writeln!(out, "### snakeguard: no new security issues\n");
    } else {
        let _ = writeln!(
            out,
            "### snakeguard: {total} new security issue{}\n",
            if total == 1 { "" } else { "s" }
        );
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|&severity| {
            (
                severity,
                input.new.iter().filter(|f| f.severity == severity).count(),
            )
        })
        .filter(|(_, count)| *count > 0)
        .map(|(severity, count)| format!("{count} {severity}"))
        .collect();
    if !counts.is_empty() {
        let _ = writeln!(out, "**By severity:** {}\n", counts.join(", "));
    }
    let _ = writeln!(
        out,
        "Analysed {} changed Python file{}; {} pre-existing finding{} hidden; {} fixed by this change.",
        input.files_analysed,
        if input.files_analysed == 1 { "" } else { "s" },
        input.preexisting,
        if input.preexisting == 1 { "" } else { "s" },
        input.fixed
    );
    if input.summary_only > 0 {
        let _ = writeln!(
            out,
            "{} finding{} could not be placed on a changed line and appear{} only here.",
            input.summary_only,
            if input.summary_only == 1 { "" } else { "s" },
            if input.summary_only == 1 { "s" } else { "" }
        );
    }
    if total > 0 {
        let _ = writeln!(
            out,
            "\n| Severity | Rule | Location | Message |\n|---|---|---|---|"
        );
        for (shown, finding) in input.new.iter().enumerate() {
            let row = format!(
                "| {} | [{}]({DOCS_URL}#{}) | `{}:{}` | {} |\n",
                finding.severity,
                finding.rule.code(),
                finding.rule.code().to_ascii_lowercase(),
                cell(&finding.path),
                finding.span.start.line,
                cell(&finding.message)
            );
            if out.len() + row.len() + 200 > max_chars {
                let _ = writeln!(
                    out,
                    "\n… and {} more (see the annotations and SARIF).",
                    total - shown
                );
                break;
            }
            out.push_str(&row);
        }
    }
    if !input.skipped.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>Skipped or partly analysed ({})</summary>\n",
            input.skipped.len()
        );
        for note in input.skipped {
            let line = format!("- {}\n", cell(note));
            if out.len() + line.len() + 40 > max_chars {
                break;
            }
            out.push_str(&line);
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse_text;
    use crate::forge::plan::parse_marker;
    use crate::rules::Rule;

    #[test]
    fn comment_has_marker_docs_link_and_suggestion_on_the_fix_line() {
        let findings = analyse_text(
            "app/x.py",
            "import yaml\nconfig = yaml.load(data)\n",
            Rule::ALL,
        )
        .findings;
        let finding = &findings[0];
        let body = comment_body(finding, &finding.path, 2);
        assert_eq!(parse_marker(&body), Some(finding.fingerprint.clone()));
        assert!(
            body.contains("```suggestion\nconfig = yaml.safe_load(data)\n```"),
            "{body}"
        );
        assert!(body.contains("docs/rules.md#sg506"));
        // Placed on another line: no suggestion (it would replace the wrong line).
        assert!(!comment_body(finding, &finding.path, 1).contains("```suggestion"));
    }

    #[test]
    fn summary_counts_and_caps_its_length() {
        let source = "import pickle\n".to_string() + &"pickle.loads(x)\n".repeat(400);
        let findings =
            analyse_text("app/x.py", &source, &[Rule::PickleLoads, Rule::YamlLoad]).findings;
        let input = SummaryInput {
            new: &findings,
            fixed: 1,
            preexisting: 3,
            skipped: &["app/big.py: skipped: too large".to_string()],
            summary_only: 2,
            files_analysed: 2,
        };
        let summary = summary_markdown(&input, 4_000);
        assert!(summary.starts_with("### snakeguard: 400 new security issues"));
        assert!(summary.contains("400 high"));
        assert!(summary.contains("3 pre-existing findings hidden; 1 fixed"));
        assert!(summary.contains("… and "));
        assert!(summary.len() <= 4_000, "{}", summary.len());
        let empty = SummaryInput {
            new: &[],
            fixed: 0,
            preexisting: 0,
            skipped: &[],
            summary_only: 0,
            files_analysed: 1,
        };
        assert!(
            summary_markdown(&empty, 65_535).starts_with("### snakeguard: no new security issues")
        );
    }
}
