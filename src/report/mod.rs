//! Output formats for a scan: human text, JSON, SARIF 2.1.0, GitHub workflow commands.
//!
//! Writers are pure: they take a [`ScanReport`] and a `&mut dyn Write`, never touch files or
//! the terminal themselves (colour is decided by the caller and passed in).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Diagnostic, Finding, Severity};

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
    pub sources: BTreeMap<String, String>,
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
}
