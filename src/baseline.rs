//! Baselines: adopt snakeguard on legacy code by recording today's findings and reporting only
//! new ones from then on.
//!
//! The file is stable, sorted, diff-friendly JSON: one entry per finding with its fingerprint
//! (the identity that matters) and, for humans reviewing the file, rule, path, line and
//! message. Lines are informational only — matching is by fingerprint, so unrelated edits do
//! not resurrect baselined findings.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Fingerprint};

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("not a snakeguard baseline: {0}")]
    Parse(#[from] serde_json::Error),
    #[error(
        "baseline version {found} is not supported (this snakeguard reads version {BASELINE_VERSION})"
    )]
    Version { found: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub path: String,
    pub rule: String,
    pub fingerprint: Fingerprint,
    /// Where it was when recorded (informational).
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    pub findings: Vec<BaselineEntry>,
}

impl Baseline {
    /// Record findings (sorted by path, rule, fingerprint).
    pub fn from_findings(findings: &[Finding]) -> Self {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|finding| BaselineEntry {
                path: finding.path.clone(),
                rule: finding.rule.code().to_string(),
                fingerprint: finding.fingerprint.clone(),
                line: finding.span.start.line,
                message: finding.message.clone(),
            })
            .collect();
        entries.sort();
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: BASELINE_VERSION,
            tool: format!("snakeguard {}", env!("CARGO_PKG_VERSION")),
            findings: entries,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn parse(text: &str) -> Result<Self, BaselineError> {
        let baseline: Baseline = serde_json::from_str(text)?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    /// Remove findings recorded in the baseline; returns how many were hidden.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let known: BTreeSet<&Fingerprint> = self
            .findings
            .iter()
            .map(|entry| &entry.fingerprint)
            .collect();
        let before = findings.len();
        findings.retain(|finding| !known.contains(&finding.fingerprint));
        before - findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse_text;
    use crate::rules::Rule;

    const SOURCE: &str = "import pickle\nimport yaml\n\ndef load(a, b):\n    yaml.load(a)\n    return pickle.loads(b)\n";

    #[test]
    fn round_trip_hides_recorded_findings_even_after_edits() {
        let findings =
            analyse_text("app/x.py", SOURCE, &[Rule::PickleLoads, Rule::YamlLoad]).findings;
        assert_eq!(findings.len(), 2);
        let baseline = Baseline::from_findings(&findings);
        let parsed = Baseline::parse(&baseline.to_json()).unwrap();
        assert_eq!(parsed, baseline);

        let edited = SOURCE.replace("def load", "# a new comment\n\ndef load")
            + "\ndef more(c):\n    return pickle.loads(c)\n";
        let mut later =
            analyse_text("app/x.py", &edited, &[Rule::PickleLoads, Rule::YamlLoad]).findings;
        let hidden = parsed.filter(&mut later);
        assert_eq!(hidden, 2);
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].scope, "more");
    }

    #[test]
    fn output_is_sorted_and_stable() {
        let findings =
            analyse_text("app/x.py", SOURCE, &[Rule::PickleLoads, Rule::YamlLoad]).findings;
        let mut reversed = findings.clone();
        reversed.reverse();
        assert_eq!(
            Baseline::from_findings(&findings).to_json(),
            Baseline::from_findings(&reversed).to_json()
        );
    }

    #[test]
    fn bad_files_are_clear_errors() {
        assert!(matches!(
            Baseline::parse("{}"),
            Err(BaselineError::Parse(_))
        ));
        let future = "{\"version\": 9, \"tool\": \"x\", \"findings\": []}";
        assert!(matches!(
            Baseline::parse(future),
            Err(BaselineError::Version { found: 9 })
        ));
    }
}
