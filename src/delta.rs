//! New findings: what a change introduces, never the backlog.
//!
//! For every changed Python file the base and head versions are analysed — the base *under the
//! head path*, so a rename does not make every finding look new — and findings are matched as
//! multisets of identities (rule, enclosing scope, normalized code, taint source; never the
//! line). If a scope held one `pickle.loads(x)` before and two after, exactly one is new; when
//! there is a choice, the one on an added line is the new one. Findings of removed or fixed code
//! are reported as fixed. Pure: texts in, findings out.

use rustc_hash::FxHashMap;

use crate::analysis::{Analyzer, FileAnalysis, SourceInput};
use crate::diff::{ChangeSet, ChangedFile, FileStatus};
use crate::finding::{Diagnostic, Finding};
use crate::rules::Rule;

/// The outcome of comparing base and head.
#[derive(Debug, Default, Clone)]
pub struct Delta {
    /// Findings the change introduces, sorted by path, line, column, rule.
    pub new: Vec<Finding>,
    /// Findings of the base that the change removes (paths are the head paths where the file
    /// still exists).
    pub fixed: Vec<Finding>,
    /// Head findings that already existed in the base (hidden from the review).
    pub preexisting: usize,
    /// Diagnostics of the head versions (syntax errors, skipped files).
    pub diagnostics: Vec<Diagnostic>,
    /// Changed Python files analysed.
    pub files_analysed: usize,
}

/// Compare base and head of every changed Python file.
pub fn compute(analyzer: &Analyzer, changes: &ChangeSet) -> Delta {
    let mut delta = Delta::default();
    for file in changes.python_files() {
        let comparison = compare_file(analyzer, file);
        delta.files_analysed += 1;
        delta.preexisting += comparison.preexisting;
        delta.new.extend(comparison.new);
        delta.fixed.extend(comparison.fixed);
        delta.diagnostics.extend(comparison.diagnostics);
    }
    delta.new.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    delta.fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    delta
}

/// The comparison of one file's two versions.
#[derive(Debug, Default)]
pub struct FileComparison {
    pub new: Vec<Finding>,
    pub fixed: Vec<Finding>,
    pub preexisting: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Compare one changed file.
pub fn compare_file(analyzer: &Analyzer, file: &ChangedFile) -> FileComparison {
    // Fingerprints use the head path on both sides (renames keep identities).
    let path = file.path().to_string();
    let analyse = |text: Option<&String>| -> FileAnalysis {
        match text {
            Some(text) => analyzer.analyse(&SourceInput {
                path: &path,
                bytes: text.as_bytes(),
            }),
            None => FileAnalysis::default(),
        }
    };
    let head = if file.status == FileStatus::Removed {
        FileAnalysis::default()
    } else {
        analyse(file.head_text.as_ref())
    };
    let base = if file.status == FileStatus::Added {
        FileAnalysis::default()
    } else {
        analyse(file.base_text.as_ref())
    };
    let (new, fixed, preexisting) = subtract(head.findings, base.findings, |line| {
        file.changed.is_added(line)
    });
    FileComparison {
        new,
        fixed,
        preexisting,
        diagnostics: head.diagnostics,
    }
}

/// Multiset difference by identity. Returns (new, fixed, matched count).
pub fn subtract(
    head: Vec<Finding>,
    base: Vec<Finding>,
    is_added_line: impl Fn(u32) -> bool,
) -> (Vec<Finding>, Vec<Finding>, usize) {
    type Key = (Rule, String, String);
    let key = |finding: &Finding| -> Key {
        (
            finding.rule,
            finding.scope.clone(),
            finding.identity.clone(),
        )
    };
    let mut base_groups: FxHashMap<Key, Vec<Finding>> = FxHashMap::default();
    for finding in base {
        base_groups.entry(key(&finding)).or_default().push(finding);
    }
    let mut head_groups: FxHashMap<Key, Vec<Finding>> = FxHashMap::default();
    for finding in head {
        head_groups.entry(key(&finding)).or_default().push(finding);
    }
    let mut new = Vec::new();
    let mut matched = 0;
    for (group_key, mut findings) in head_groups {
        let existing = base_groups.remove(&group_key).unwrap_or_default();
        if findings.len() <= existing.len() {
            matched += findings.len();
            // Fewer than before: the surplus base findings were fixed.
            let mut surplus = existing;
            surplus.drain(..findings.len());
            base_groups.insert(group_key, surplus);
            continue;
        }
        // More than before: the new ones are preferably those on added lines, then the last.
        let introduced = findings.len() - existing.len();
        matched += existing.len();
        findings
            .sort_by_key(|finding| (is_added_line(finding.span.start.line), finding.span.start));
        new.extend(findings.drain(findings.len() - introduced..));
    }
    let fixed = base_groups.into_values().flatten().collect();
    (new, fixed, matched)
}
