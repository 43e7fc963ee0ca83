//! Which lines of a file a change touched, and where unchanged lines moved.
//!
//! Why: placing a finding needs fast answers to a few questions about one file's hunks —
//! may a review comment go on this head line (GitHub rejects the *whole* review with a 422
//! if one comment lies outside the diff), was the line added by the change, and where did
//! a base line end up in the head version. [`ChangedLines`] precomputes sorted interval
//! lists from the hunks once, so every question is a binary search (O(log n)) however large
//! the file, and memory grows with the number of hunks, not with the number of lines.
//!
//! All line numbers are 1-based, like the forges' and git's. The structure is built from
//! hunks as [`crate::diff::patch`] and [`crate::diff::compute`] produce them (ordered,
//! non-overlapping); hand-made inconsistent hunks give meaningless answers, never a panic.

use super::patch::{Hunk, LineKind};

/// An inclusive range of 1-based line numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineRange {
    /// First line of the range.
    pub start: u32,
    /// Last line of the range (inclusive).
    pub end: u32,
}

impl LineRange {
    /// Whether `line` lies in the range.
    pub fn contains(&self, line: u32) -> bool {
        self.start <= line && line <= self.end
    }

    /// Number of lines in the range.
    pub fn len(&self) -> u32 {
        self.end.saturating_sub(self.start).saturating_add(1)
    }

    /// Always `false`: a range holds at least one line.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The changed lines of one file, indexed for O(log n) queries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangedLines {
    /// New-side lines shown by each hunk (hunks without new-side lines are left out).
    hunks: Vec<LineRange>,
    /// Union of `hunks`, merged: what `is_in_hunk` searches.
    visible: Vec<LineRange>,
    /// Added lines, merged into ranges.
    added: Vec<LineRange>,
    /// Old line -> new line.
    old_to_new: SideMap,
    /// New line -> old line.
    new_to_old: SideMap,
}

impl ChangedLines {
    /// Indexes the hunks of one file.
    pub fn from_hunks(hunks: &[Hunk]) -> Self {
        let mut ranges = Vec::new();
        let mut added = Vec::new();
        let mut old_runs = Vec::new();
        let mut new_runs = Vec::new();
        let mut old_spans = Vec::new();
        let mut new_spans = Vec::new();

        for hunk in hunks {
            let mut shown: Option<LineRange> = None;
            for line in &hunk.lines {
                if let Some(n) = line.new_line {
                    shown = Some(match shown {
                        Some(r) => LineRange {
                            start: r.start.min(n),
                            end: r.end.max(n),
                        },
                        None => LineRange { start: n, end: n },
                    });
                }
                match (line.kind, line.old_line, line.new_line) {
                    (LineKind::Added, _, Some(n)) => {
                        push_range(&mut added, n);
                        push_run(&mut new_runs, n, None);
                    }
                    (LineKind::Removed, Some(o), _) => push_run(&mut old_runs, o, None),
                    (LineKind::Context, Some(o), Some(n)) => {
                        push_run(&mut old_runs, o, Some(n));
                        push_run(&mut new_runs, n, Some(o));
                    }
                    _ => {}
                }
            }
            ranges.extend(shown);
            let (old_first, old_end) = hunk.old_span();
            let (new_first, new_end) = hunk.new_span();
            old_spans.push(Span {
                first: old_first,
                end: old_end,
                to_end: new_end,
            });
            new_spans.push(Span {
                first: new_first,
                end: new_end,
                to_end: old_end,
            });
        }

        ranges.sort_unstable();
        let visible = merge(ranges.clone());
        ChangedLines {
            hunks: ranges,
            visible,
            added: merge(added),
            old_to_new: SideMap::new(old_runs, old_spans),
            new_to_old: SideMap::new(new_runs, new_spans),
        }
    }

    /// Whether the new-side `line` is shown in the diff (an added or context line inside a
    /// hunk): exactly the lines a GitHub review comment with `side: RIGHT` may target.
    pub fn is_in_hunk(&self, line: u32) -> bool {
        find_range(&self.visible, line).is_some()
    }

    /// Whether the new-side `line` was added (or changed) by the diff.
    pub fn is_added(&self, line: u32) -> bool {
        find_range(&self.added, line).is_some()
    }

    /// All added new-side lines, ascending.
    pub fn added_lines(&self) -> impl Iterator<Item = u32> + '_ {
        self.added.iter().flat_map(|r| r.start..=r.end)
    }

    /// Added new-side lines as merged ranges, ascending.
    pub fn added_ranges(&self) -> &[LineRange] {
        &self.added
    }

    /// Number of added lines.
    pub fn added_count(&self) -> u64 {
        self.added.iter().map(|r| u64::from(r.len())).sum()
    }

    /// The new-side lines shown by each hunk, ascending. Hunks that show no new-side line
    /// (pure deletions without context) are left out.
    pub fn hunk_ranges(&self) -> &[LineRange] {
        &self.hunks
    }

    /// The new-side range of the hunk that shows `line`. A multi-line GitHub comment
    /// (`start_line`..`line`) must lie within one hunk: check both ends against this.
    pub fn hunk_range_of(&self, line: u32) -> Option<LineRange> {
        find_range(&self.hunks, line)
    }

    /// Whether there are no hunks at all (an unchanged file, a pure rename, a mode change).
    pub fn is_empty(&self) -> bool {
        self.old_to_new.spans.is_empty()
    }

    /// Where the old (base) `line` is in the new (head) version: `None` if the diff removed
    /// it. Lines outside the hunks shift by the lines added and removed above them. Lines
    /// beyond the end of the old file are shifted the same way (the texts are not known).
    pub fn map_old_to_new(&self, line: u32) -> Option<u32> {
        self.old_to_new.map(line)
    }

    /// Where the new (head) `line` was in the old (base) version: `None` for added lines.
    /// GitLab wants both numbers for a comment on an unchanged line.
    pub fn map_new_to_old(&self, line: u32) -> Option<u32> {
        self.new_to_old.map(line)
    }
}

/// The range of `ranges` (sorted, non-overlapping) that contains `line`.
fn find_range(ranges: &[LineRange], line: u32) -> Option<LineRange> {
    let idx = ranges.partition_point(|r| r.start <= line);
    let candidate = *ranges.get(idx.checked_sub(1)?)?;
    candidate.contains(line).then_some(candidate)
}

/// Appends `line` to the last range if it extends it, else starts a new range.
fn push_range(ranges: &mut Vec<LineRange>, line: u32) {
    if let Some(last) = ranges.last_mut()
        && last.end.checked_add(1) == Some(line)
    {
        last.end = line;
        return;
    }
    ranges.push(LineRange {
        start: line,
        end: line,
    });
}

/// Sorts and merges overlapping or adjacent ranges.
fn merge(mut ranges: Vec<LineRange>) -> Vec<LineRange> {
    ranges.sort_unstable();
    let mut out: Vec<LineRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        if let Some(last) = out.last_mut()
            && r.start <= last.end.saturating_add(1)
        {
            last.end = last.end.max(r.end);
            continue;
        }
        out.push(r);
    }
    out
}

/// Lines `from..from+len` inside a hunk, mapping to `to..to+len` on the other side (or to
/// nothing: removed/added lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    from: u32,
    len: u32,
    to: Option<u32>,
}

fn push_run(runs: &mut Vec<Run>, from: u32, to: Option<u32>) {
    if let Some(last) = runs.last_mut() {
        let next_from = u64::from(last.from) + u64::from(last.len);
        let next_to = last.to.map(|t| u64::from(t) + u64::from(last.len));
        if next_from == u64::from(from) && next_to == to.map(u64::from) {
            last.len = last.len.saturating_add(1);
            return;
        }
    }
    runs.push(Run { from, len: 1, to });
}

/// The lines `[first, end)` a hunk occupies on the "from" side; line `end` (the first after
/// the hunk) corresponds to line `to_end` on the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    first: u64,
    end: u64,
    to_end: u64,
}

/// Line mapping from one side of the diff to the other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SideMap {
    /// Sorted by `from`.
    runs: Vec<Run>,
    /// Sorted by `end`.
    spans: Vec<Span>,
}

impl SideMap {
    fn new(mut runs: Vec<Run>, mut spans: Vec<Span>) -> Self {
        runs.sort_by_key(|r| r.from);
        spans.sort_by_key(|s| s.end);
        SideMap { runs, spans }
    }

    fn map(&self, line: u32) -> Option<u32> {
        if line == 0 {
            return None;
        }
        // Inside a hunk: its own lines say.
        let idx = self.runs.partition_point(|r| r.from <= line);
        if let Some(run) = idx.checked_sub(1).and_then(|i| self.runs.get(i)) {
            let offset = line - run.from;
            if offset < run.len {
                return run.to.and_then(|t| t.checked_add(offset));
            }
        }
        // Between hunks: shift by the offset after the last hunk above the line.
        let idx = self.spans.partition_point(|s| s.end <= u64::from(line));
        if let Some(next) = self.spans.get(idx)
            && next.first <= u64::from(line)
        {
            // Inside a hunk's range but not among its lines: inconsistent hunks.
            return None;
        }
        let Some(prev) = idx.checked_sub(1).and_then(|i| self.spans.get(i)) else {
            return Some(line);
        };
        let mapped = (u64::from(line) + prev.to_end).checked_sub(prev.end)?;
        u32::try_from(mapped).ok().filter(|&m| m > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::patch::{HunkLine, parse_hunks};

    fn changed(patch: &str) -> ChangedLines {
        ChangedLines::from_hunks(&parse_hunks(patch).unwrap())
    }

    /// old: 1..=20; line 3 changed, 4 removed, two lines added after 10, 15 removed.
    const PATCH: &str = "\
@@ -1,7 +1,6 @@
 l1
 l2
-l3
-l4
+L3
 l5
 l6
 l7
@@ -8,11 +7,12 @@
 l8
 l9
 l10
+n1
+n2
 l11
 l12
 l13
 l14
-l15
 l16
 l17
 l18
";

    #[test]
    fn hunk_membership_and_added_lines() {
        let c = changed(PATCH);
        let r = |start, end| LineRange { start, end };
        assert_eq!(c.hunk_ranges(), &[r(1, 6), r(7, 18)]);
        assert!((1..=18).all(|n| c.is_in_hunk(n)));
        assert!(!c.is_in_hunk(0) && !c.is_in_hunk(19) && !c.is_in_hunk(u32::MAX));
        assert_eq!(c.added_lines().collect::<Vec<_>>(), vec![3, 10, 11]);
        assert_eq!(c.added_ranges(), &[r(3, 3), r(10, 11)]);
        assert_eq!(c.added_count(), 3);
        assert!(c.is_added(3) && c.is_added(10) && c.is_added(11));
        assert!(!c.is_added(2) && !c.is_added(4) && !c.is_added(12));
        assert_eq!(c.hunk_range_of(6), Some(r(1, 6)));
        assert_eq!(c.hunk_range_of(7), Some(r(7, 18)));
        assert_eq!(c.hunk_range_of(19), None);
        assert!(!c.is_empty());
    }

    #[test]
    fn old_lines_map_to_new_lines() {
        let c = changed(PATCH);
        let mapped: Vec<_> = (1..=22).map(|n| c.map_old_to_new(n)).collect();
        let expected = [
            Some(1),
            Some(2),
            None, // l3 changed
            None, // l4 removed
            Some(4),
            Some(5),
            Some(6),
            Some(7),
            Some(8),
            Some(9),
            Some(12), // after two added lines
            Some(13),
            Some(14),
            Some(15),
            None, // l15 removed
            Some(16),
            Some(17),
            Some(18),
            Some(19), // below the hunks: -1 (first hunk) +1 (second hunk)
            Some(20),
            Some(21),
            Some(22),
        ];
        assert_eq!(mapped, expected);
        assert_eq!(c.map_old_to_new(0), None);
        // And back.
        for old in 1..=22 {
            if let Some(new) = c.map_old_to_new(old) {
                assert_eq!(c.map_new_to_old(new), Some(old), "old {old}");
            }
        }
        assert_eq!(c.map_new_to_old(3), None);
        assert_eq!(c.map_new_to_old(10), None);
    }

    #[test]
    fn zero_context_insertions_and_deletions_shift_later_lines() {
        // -U0: insert two lines after old 5; delete old 8..=9; replace old 12.
        let c =
            changed("@@ -5,0 +6,2 @@\n+a\n+b\n@@ -8,2 +9,0 @@\n-x\n-y\n@@ -12 +12 @@\n-p\n+q\n");
        let map: Vec<_> = (1..=14).map(|n| c.map_old_to_new(n)).collect();
        assert_eq!(
            map,
            vec![
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(8),
                Some(9),
                None,
                None,
                Some(10),
                Some(11),
                None,
                Some(13),
                Some(14)
            ]
        );
        let r = |start, end| LineRange { start, end };
        // The deletion hunk shows no new-side line.
        assert_eq!(c.hunk_ranges(), &[r(6, 7), r(12, 12)]);
        assert!(!c.is_in_hunk(9) && !c.is_in_hunk(8));
        assert_eq!(c.map_new_to_old(8), Some(6));
        assert_eq!(c.map_new_to_old(10), Some(10));
        assert_eq!(c.map_new_to_old(6), None);
    }

    #[test]
    fn new_and_deleted_files() {
        let added = changed("@@ -0,0 +1,3 @@\n+a\n+b\n+c\n");
        assert_eq!(added.added_lines().collect::<Vec<_>>(), vec![1, 2, 3]);
        assert!(added.is_in_hunk(3) && !added.is_in_hunk(4));
        assert_eq!(added.map_new_to_old(2), None);
        let removed = changed("@@ -1,2 +0,0 @@\n-a\n-b\n");
        assert!(removed.hunk_ranges().is_empty());
        assert!(!removed.is_in_hunk(1));
        assert_eq!(removed.map_old_to_new(1), None);
        assert_eq!(removed.map_old_to_new(2), None);
        assert!(!removed.is_empty());
    }

    #[test]
    fn no_hunks_is_identity() {
        let c = ChangedLines::from_hunks(&[]);
        assert!(c.is_empty());
        assert_eq!(c, ChangedLines::default());
        assert!(!c.is_in_hunk(1) && !c.is_added(1));
        assert_eq!(c.map_old_to_new(7), Some(7));
        assert_eq!(c.map_new_to_old(u32::MAX), Some(u32::MAX));
        assert_eq!(c.added_lines().count(), 0);
    }

    #[test]
    fn inconsistent_hand_made_hunks_do_not_panic() {
        let line = |kind, old_line, new_line| HunkLine {
            kind,
            old_line,
            new_line,
            content: String::new(),
            missing_newline: false,
        };
        let hunks = vec![
            Hunk {
                old_start: u32::MAX,
                old_len: u32::MAX,
                new_start: 0,
                new_len: u32::MAX,
                section: None,
                lines: vec![
                    line(LineKind::Context, Some(u32::MAX), Some(u32::MAX)),
                    line(LineKind::Added, Some(3), None),
                    line(LineKind::Removed, None, Some(1)),
                    line(LineKind::Added, None, Some(u32::MAX)),
                    line(LineKind::Added, None, Some(0)),
                ],
            },
            Hunk {
                old_start: 1,
                old_len: 0,
                new_start: 5,
                new_len: 0,
                section: None,
                lines: vec![line(LineKind::Context, Some(2), Some(1))],
            },
        ];
        let c = ChangedLines::from_hunks(&hunks);
        for n in [0, 1, 2, 3, 5, 1000, u32::MAX - 1, u32::MAX] {
            let _ = (
                c.is_in_hunk(n),
                c.is_added(n),
                c.hunk_range_of(n),
                c.map_old_to_new(n),
                c.map_new_to_old(n),
            );
        }
        assert!(c.added_lines().take(10).count() > 0);
        assert_eq!(
            LineRange {
                start: 0,
                end: u32::MAX
            }
            .len(),
            u32::MAX
        );
    }
}
