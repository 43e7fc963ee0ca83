//! Review planning (pure): which new findings become line comments, which stay in the summary,
//! which earlier bot comments are already there and which should be resolved.
//!
//! Forges only accept a line comment inside the diff; snakeguard comments on an **added** line:
//! the finding's own line, else the first added line of its statement, else the first added
//! line its taint flow passes through (a change elsewhere that made this code vulnerable) — in
//! its own file, or in another changed file whose function the flow goes through (a helper
//! that stopped sanitizing makes an unchanged caller vulnerable: the comment goes on the
//! helper's changed line).
//! Everything else is summary-only (still an annotation and a SARIF result). Each comment
//! carries a hidden marker with the finding's fingerprint, so re-runs post nothing twice and
//! threads of findings that disappeared can be resolved. Tested without any HTTP.

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::{ChangeSet, ChangedLines};
use crate::finding::{Finding, Fingerprint};

/// The hidden marker in every snakeguard comment.
pub fn marker(fingerprint: &Fingerprint) -> String {
    format!("<!-- snakeguard:fp={fingerprint} -->")
}

/// The fingerprint in a comment body written by snakeguard, if any.
pub fn parse_marker(body: &str) -> Option<Fingerprint> {
    let start = body.find("<!-- snakeguard:fp=")? + "<!-- snakeguard:fp=".len();
    let rest = &body[start..];
    let end = rest.find(" -->")?;
    let value = &rest[..end];
    (!value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| Fingerprint(value.to_string()))
}

/// Where a finding goes in a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A comment on this (added) line of the finding's own file.
    Line(u32),
    /// A comment on this (added) line of another changed file the finding's flow passes
    /// through.
    Elsewhere(String, u32),
    /// Not placeable on the diff: listed in the summary only.
    Summary,
}

/// A comment snakeguard posted earlier (read back from the forge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingComment {
    /// The forge's id of the comment (or discussion).
    pub id: String,
    /// The forge's id of the thread to resolve, when it differs from `id`.
    pub thread_id: Option<String>,
    pub fingerprint: Fingerprint,
    pub resolved: bool,
}

/// A comment to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedComment {
    /// Index into the `new` findings given to [`plan_review`].
    pub finding: usize,
    pub path: String,
    pub line: u32,
}

/// What to do on the forge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewPlan {
    pub create: Vec<PlannedComment>,
    /// Indexes of new findings whose comment already exists.
    pub already_posted: Vec<usize>,
    /// Indexes of new findings that cannot be placed on the diff.
    pub summary_only: Vec<usize>,
    /// Earlier comments whose finding is gone (and that are not resolved yet).
    pub resolve: Vec<ExistingComment>,
}

/// The changed lines of every file of a change that still exists, by (new) path.
pub type ChangedByPath<'a> = BTreeMap<&'a str, &'a ChangedLines>;

/// The changed lines of every file of `changes` that still exists.
pub fn changed_by_path(changes: &ChangeSet) -> ChangedByPath<'_> {
    changes
        .files
        .iter()
        .filter(|file| file.new_path.is_some())
        .map(|file| (file.path(), &file.changed))
        .collect()
}

/// Decide where a finding goes, given the changed lines of every changed file.
pub fn placement(finding: &Finding, changed: &ChangedByPath) -> Placement {
    if let Some(own) = changed.get(finding.path.as_str()) {
        let start = finding.span.start.line;
        if own.is_added(start) {
            return Placement::Line(start);
        }
        if let Some(line) = (start..=finding.span.end.line).find(|&line| own.is_added(line)) {
            return Placement::Line(line);
        }
        // Flow steps in the same file that sit on added lines (closest to the sink first).
        let flow_line = finding
            .flow
            .iter()
            .rev()
            .filter(|step| step.path.is_none())
            .map(|step| step.span.start.line)
            .find(|&line| own.is_added(line));
        if let Some(line) = flow_line {
            return Placement::Line(line);
        }
    }
    // Steps inside functions of other changed files: the step's own line when it was added,
    // else the first added line of that function (closest to the sink first).
    for step in finding.flow.iter().rev() {
        let Some(path) = step.path.as_deref() else {
            continue;
        };
        let Some(lines) = changed.get(path) else {
            continue;
        };
        let line = step.span.start.line;
        if lines.is_added(line) {
            return Placement::Elsewhere(path.to_string(), line);
        }
        if let Some((first, last)) = step.function_lines
            && let Some(added) = (first..=last).find(|&line| lines.is_added(line))
        {
            return Placement::Elsewhere(path.to_string(), added);
        }
    }
    Placement::Summary
}

/// Plan the review for the new findings of a change.
pub fn plan_review(
    new: &[Finding],
    changes: &ChangeSet,
    existing: &[ExistingComment],
) -> ReviewPlan {
    let changed = changed_by_path(changes);
    let posted: BTreeSet<&Fingerprint> = existing
        .iter()
        .map(|comment| &comment.fingerprint)
        .collect();
    let current: BTreeSet<&Fingerprint> = new.iter().map(|finding| &finding.fingerprint).collect();
    let mut plan = ReviewPlan::default();
    for (index, finding) in new.iter().enumerate() {
        if posted.contains(&finding.fingerprint) {
            plan.already_posted.push(index);
            continue;
        }
        match placement(finding, &changed) {
            Placement::Line(line) => plan.create.push(PlannedComment {
                finding: index,
                path: finding.path.clone(),
                line,
            }),
            Placement::Elsewhere(path, line) => plan.create.push(PlannedComment {
                finding: index,
                path,
                line,
            }),
            Placement::Summary => plan.summary_only.push(index),
        }
    }
    let mut resolving = BTreeSet::new();
    for comment in existing {
        if !comment.resolved
            && !current.contains(&comment.fingerprint)
            && resolving.insert(comment.id.clone())
        {
            plan.resolve.push(comment.clone());
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse_text;
    use crate::diff::{ChangedFile, FileStatus};
    use crate::finding::{FlowStep, Position, Span};
    use crate::rules::Rule;

    const BASE: &str = "import pickle\n\n\ndef load(a):\n    return a\n";
    const HEAD: &str = "import pickle\n\n\ndef load(a):\n    b = a.strip()\n    return pickle.loads(\n        b\n    )\n";

    fn change() -> ChangeSet {
        ChangeSet {
            files: vec![ChangedFile::from_parts(
                FileStatus::Modified,
                Some("app/x.py".into()),
                Some("app/x.py".into()),
                None,
                Some(BASE.into()),
                Some(HEAD.into()),
            )],
        }
    }

    fn findings() -> Vec<Finding> {
        analyse_text("app/x.py", HEAD, &[Rule::PickleLoads]).findings
    }

    #[test]
    fn markers_round_trip_and_reject_garbage() {
        let fingerprint = Fingerprint("00ff".into());
        assert_eq!(
            parse_marker(&format!("text\n{}", marker(&fingerprint))),
            Some(fingerprint)
        );
        assert_eq!(parse_marker("<!-- snakeguard:fp= -->"), None);
        assert_eq!(parse_marker("<!-- snakeguard:fp=zz -->"), None);
        assert_eq!(parse_marker("no marker"), None);
    }

    #[test]
    fn findings_on_added_lines_become_comments() {
        let new = findings();
        assert_eq!(new.len(), 1);
        let plan = plan_review(&new, &change(), &[]);
        assert_eq!(
            plan.create,
            vec![PlannedComment {
                finding: 0,
                path: "app/x.py".into(),
                line: 6
            }]
        );
        assert!(plan.summary_only.is_empty() && plan.resolve.is_empty());
    }

    #[test]
    fn already_posted_findings_are_not_posted_again_and_gone_ones_resolved() {
        let new = findings();
        let existing = vec![
            ExistingComment {
                id: "1".into(),
                thread_id: None,
                fingerprint: new[0].fingerprint.clone(),
                resolved: false,
            },
            ExistingComment {
                id: "2".into(),
                thread_id: Some("T2".into()),
                fingerprint: Fingerprint("dead".into()),
                resolved: false,
            },
            ExistingComment {
                id: "3".into(),
                thread_id: None,
                fingerprint: Fingerprint("beef".into()),
                resolved: true,
            },
        ];
        let plan = plan_review(&new, &change(), &existing);
        assert!(plan.create.is_empty());
        assert_eq!(plan.already_posted, vec![0]);
        assert_eq!(
            plan.resolve
                .iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>(),
            vec!["2"]
        );
    }

    #[test]
    fn placement_prefers_own_line_then_statement_then_flow_else_summary() {
        let changes = change();
        let changed = changed_by_path(&changes);
        let mut finding = findings().remove(0);
        let at = |line| Span {
            start: Position { line, column: 1 },
            end: Position { line, column: 2 },
        };
        finding.span = at(6);
        assert_eq!(placement(&finding, &changed), Placement::Line(6));
        // A statement starting on an unchanged line but spanning an added one.
        finding.span = Span {
            start: Position { line: 4, column: 1 },
            end: Position { line: 5, column: 3 },
        };
        assert_eq!(placement(&finding, &changed), Placement::Line(5));
        // Unchanged line, flow through an added line.
        finding.span = at(2);
        finding.flow = vec![FlowStep::local(at(5), "step")];
        assert_eq!(placement(&finding, &changed), Placement::Line(5));
        finding.flow.clear();
        assert_eq!(placement(&finding, &changed), Placement::Summary);
        assert_eq!(
            placement(&finding, &ChangedByPath::new()),
            Placement::Summary
        );
    }

    #[test]
    fn findings_in_unchanged_files_go_on_the_changed_line_of_the_function_their_flow_crosses() {
        let changes = change();
        let changed = changed_by_path(&changes);
        let mut finding = findings().remove(0);
        finding.path = "app/views.py".into();
        let at = |line| Span {
            start: Position { line, column: 1 },
            end: Position { line, column: 1 },
        };
        let through = |line, function_lines| FlowStep {
            path: Some("app/x.py".into()),
            function_lines: Some(function_lines),
            ..FlowStep::local(at(line), "through `load()`")
        };
        // The step's own line was added (the sink inside the helper).
        finding.flow = vec![FlowStep::local(at(3), "source"), through(6, (4, 8))];
        assert_eq!(
            placement(&finding, &changed),
            Placement::Elsewhere("app/x.py".into(), 6)
        );
        // The step points at the `def` (unchanged): the first added line of the function.
        finding.flow = vec![through(4, (4, 8))];
        assert_eq!(
            placement(&finding, &changed),
            Placement::Elsewhere("app/x.py".into(), 5)
        );
        // A function without added lines, or a file outside the change: summary only.
        finding.flow = vec![through(1, (1, 2))];
        assert_eq!(placement(&finding, &changed), Placement::Summary);
        finding.flow[0].path = Some("app/other.py".into());
        assert_eq!(placement(&finding, &changed), Placement::Summary);
        let plan = plan_review(&[finding.clone()], &changes, &[]);
        assert_eq!(plan.summary_only, vec![0]);
        finding.flow = vec![through(4, (4, 8))];
        let plan = plan_review(&[finding], &changes, &[]);
        assert_eq!(
            plan.create,
            vec![PlannedComment {
                finding: 0,
                path: "app/x.py".into(),
                line: 5
            }]
        );
    }

    #[test]
    fn findings_in_files_outside_the_change_are_summary_only() {
        let mut new = findings();
        new[0].path = "other.py".into();
        let plan = plan_review(&new, &change(), &[]);
        assert_eq!(plan.summary_only, vec![0]);
    }
}
