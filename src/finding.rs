//! Findings: what the analysis reports, independent of how it is printed.
//!
//! A [`Finding`] is data, never an error. It carries everything every front door needs:
//! location (1-based line and character column), rule metadata, message, the enclosing scope
//! and normalized snippet it was fingerprinted from, and for taint findings the flow from
//! source to sink. Fingerprints never include line numbers so they survive unrelated edits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::Rule;

/// How bad a finding is if it is real.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The SARIF `security-severity` score GitHub maps back onto this level
    /// (>= 9 critical, >= 7 high, >= 4 medium, else low).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

/// How sure the rule is that the finding is real.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Error for parsing a severity or confidence level from user text.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} `{value}` (expected one of: {expected})")]
pub struct LevelParseError {
    what: &'static str,
    value: String,
    expected: &'static str,
}

impl FromStr for Severity {
    type Err = LevelParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| LevelParseError {
                what: "severity",
                value: s.to_string(),
                expected: "low, medium, high, critical",
            })
    }
}

impl FromStr for Confidence {
    type Err = LevelParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Confidence::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| LevelParseError {
                what: "confidence",
                value: s.to_string(),
                expected: "low, medium, high",
            })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and 1-based column counted in Unicode scalar values.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// The flagged region of a file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// A stable identity for a finding, independent of its line number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(pub String);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Fingerprint {
    /// Hash of the identity parts. `occurrence` separates identical findings in one scope.
    pub fn compute(
        rule_code: &str,
        path: &str,
        scope: &str,
        snippet: &str,
        occurrence: u32,
    ) -> Self {
        let mut hasher = Sha256::new();
        for part in [rule_code, path, scope, snippet] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
        hasher.update(occurrence.to_le_bytes());
        let digest = hasher.finalize();
        Fingerprint(hex::encode(&digest[..16]))
    }
}

/// One step of a taint flow (source, intermediate steps, sink).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowStep {
    pub span: Span,
    /// What happens at this step, e.g. "source: request.args" or "assigned to `query`".
    pub note: String,
    /// The file of this step when it is not the finding's file (a step inside a function of
    /// another module the flow passes through).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// For a step inside another module's function: that function's first and last line, so a
    /// review can attach the finding to the change inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_lines: Option<(u32, u32)>,
}

impl FlowStep {
    /// A step in the finding's own file.
    pub fn local(span: Span, note: impl Into<String>) -> FlowStep {
        FlowStep {
            span,
            note: note.into(),
            path: None,
            function_lines: None,
        }
    }

    /// The file this step is in, given the finding's own file.
    pub fn path_or<'a>(&'a self, finding_path: &'a str) -> &'a str {
        self.path.as_deref().unwrap_or(finding_path)
    }
}

/// A mechanical rewrite of the flagged line(s), offered as a suggestion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub description: String,
    /// First and last 1-based line replaced.
    pub start_line: u32,
    pub end_line: u32,
    /// The replacement text for those whole lines (without trailing newline).
    pub replacement: String,
}

/// A security finding in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    /// Repository- or scan-root-relative path with forward slashes.
    pub path: String,
    pub span: Span,
    pub message: String,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Dotted name of the enclosing function/class, or `<module>`.
    pub scope: String,
    /// Whitespace-normalized source of the flagged code (part of the fingerprint).
    pub snippet: String,
    pub fingerprint: Fingerprint,
    /// The line-free identity the fingerprint was computed from (snippet, plus the taint
    /// source for flows), without the occurrence index: findings with equal rule, scope and
    /// identity are interchangeable when comparing two versions of a file.
    #[serde(skip)]
    pub identity: String,
    /// Taint path from source to sink; empty for pattern findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<FlowStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Finding {
    /// The deterministic output order: path, line, column, rule code.
    pub fn sort_key(&self) -> (&str, Position, &'static str) {
        (&self.path, self.span.start, self.rule.code())
    }
}

/// Something about a file that is not a finding: syntax errors, skipped files, unused
/// suppressions. Shown to the user, never fingerprinted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    pub kind: DiagnosticKind,
    pub message: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticKind {
    /// The file has syntax errors; it was analysed from the error-recovering AST.
    SyntaxError,
    /// The file was not analysed at all (too large, too deep, unreadable).
    Skipped,
    /// A suppression comment that suppressed nothing.
    UnusedSuppression,
}

impl DiagnosticKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::SyntaxError => "syntax-error",
            DiagnosticKind::Skipped => "skipped",
            DiagnosticKind::UnusedSuppression => "unused-suppression",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_depends_on_every_part() {
        let base = Fingerprint::compute("SG602", "a.py", "f", "x()", 0);
        assert_ne!(base, Fingerprint::compute("SG603", "a.py", "f", "x()", 0));
        assert_ne!(base, Fingerprint::compute("SG602", "b.py", "f", "x()", 0));
        assert_ne!(base, Fingerprint::compute("SG602", "a.py", "g", "x()", 0));
        assert_ne!(base, Fingerprint::compute("SG602", "a.py", "f", "y()", 0));
        assert_ne!(base, Fingerprint::compute("SG602", "a.py", "f", "x()", 1));
        // Part boundaries matter: "ab"+"c" differs from "a"+"bc".
        assert_ne!(
            Fingerprint::compute("SG602", "ab", "c", "", 0),
            Fingerprint::compute("SG602", "a", "bc", "", 0)
        );
        assert_eq!(base.0.len(), 32);
    }

    #[test]
    fn levels_parse_case_insensitively_and_order() {
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        assert_eq!("medium".parse::<Confidence>().unwrap(), Confidence::Medium);
        assert!("severe".parse::<Severity>().is_err());
        assert!(Severity::Critical > Severity::High && Severity::Medium > Severity::Low);
    }
}
