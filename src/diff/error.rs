//! Errors of the diff parser.
//!
//! Diff text reaches us from `git`, GitHub and GitLab, and from whoever wrote the pull request
//! (a patch can be crafted). Every rejection therefore says *where* (a 1-based line number in
//! the parsed text) and *what* (a [`DiffErrorKind`] a caller can match on), so that a front
//! door can log a useful message and fall back to diffing the file contents itself.
//! Echoed input is shortened, so a hostile megabyte-long line cannot flood the logs.

use thiserror::Error;

/// A diff could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("diff line {line}: {kind}")]
pub struct DiffError {
    /// 1-based line number in the text that was parsed (0 when the text is empty).
    pub line: usize,
    /// What went wrong.
    pub kind: DiffErrorKind,
}

/// The reasons a diff is rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiffErrorKind {
    /// A line starting with `@@` is not a valid `@@ -a,b +c,d @@` header.
    #[error("malformed hunk header {0:?}: {1}")]
    BadHunkHeader(String, &'static str),
    /// The text ended, or a new hunk or file began, before the hunk had as many lines as its
    /// header declares.
    #[error(
        "hunk ends early: its header (line {header_line}) declares {missing_old} more old and \
         {missing_new} more new line(s)"
    )]
    HunkTooShort {
        /// Line of the hunk's `@@` header.
        header_line: usize,
        /// Old-side lines still expected.
        missing_old: u32,
        /// New-side lines still expected.
        missing_new: u32,
    },
    /// A line inside a hunk would exceed the count its header declares for that side.
    #[error(
        "{what} line does not fit the hunk: its header (line {header_line}) declares \
         {old_len} old and {new_len} new line(s)"
    )]
    HunkCountMismatch {
        /// Line of the hunk's `@@` header.
        header_line: usize,
        /// `"context"`, `"added"` or `"removed"`.
        what: &'static str,
        /// Declared old-side length.
        old_len: u32,
        /// Declared new-side length.
        new_len: u32,
    },
    /// A `+`, `-` or ` ` line follows a hunk that already has all its declared lines.
    #[error("diff line after a complete hunk: the hunk header's line counts are too small")]
    TrailingHunkLine,
    /// Inside a hunk, a line that starts with none of ` `, `+`, `-`, `\`.
    #[error("unexpected line inside a hunk: {0:?}")]
    BadHunkLine(String),
    /// `\ No newline at end of file` with no diff line before it.
    #[error("'\\ No newline at end of file' marker without a preceding line")]
    StrayNoNewlineMarker,
    /// A hunk starts before the end of the previous one.
    #[error("hunks overlap or are out of order")]
    HunkOrder,
    /// Where a file's diff should start, something else was found.
    #[error("expected a file header ('diff --git ...' or '--- ...' + '+++ ...'), found {0:?}")]
    ExpectedFileHeader(String),
    /// Where a hunk should start (a forge's per-file patch), something else was found.
    #[error("expected a hunk header ('@@ -a,b +c,d @@'), found {0:?}")]
    ExpectedHunkHeader(String),
    /// A line between `diff --git` and the hunks that git does not write.
    #[error("unrecognised line in a file's diff header: {0:?}")]
    BadExtendedHeader(String),
    /// `--- old` without the `+++ new` line that must follow it.
    #[error("'---' line not followed by a '+++' line")]
    MissingNewFileLine,
    /// A C-quoted path (`"a/sp\303\251cial.py"`) is malformed.
    #[error("malformed quoted path: {0}")]
    BadQuotedPath(&'static str),
    /// Neither the headers nor the `---`/`+++` lines name the file.
    #[error("cannot determine the file's path from its diff header")]
    MissingPath,
    /// `diff --cc` / `diff --combined` output of merge commits.
    #[error("combined diffs (of merge commits) are not supported")]
    CombinedDiff,
}

/// At most this many characters of an offending input line are echoed in an error.
const SNIPPET_CHARS: usize = 80;

/// Shortens `line` for inclusion in an error message.
pub(crate) fn snippet(line: &str) -> String {
    match line.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}...", line.get(..cut).unwrap_or(line)),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_shortens_long_lines_on_char_boundaries() {
        let long = "é".repeat(200);
        let s = snippet(&long);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 3);
        assert!(s.ends_with("..."));
        assert_eq!(snippet("short"), "short");
    }

    #[test]
    fn display_carries_line_number() {
        let e = DiffError {
            line: 7,
            kind: DiffErrorKind::TrailingHunkLine,
        };
        assert!(e.to_string().starts_with("diff line 7: "));
    }
}
