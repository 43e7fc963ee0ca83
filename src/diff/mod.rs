//! Diffs: parsing unified diffs, computing them, and asking which lines changed.
//!
//! Why a module of its own: "only newly introduced issues" and "comment only where the
//! forge shows the diff" both hinge on knowing, per file, the hunks of the change. This
//! module is pure: no network, no database, no processes, no async; and it never panics on
//! hostile input (patches come from pull-request authors).
//!
//! * [`patch`]: parser for `git diff` output and hunks-only forge patches.

mod error;
pub mod patch;

pub use error::{DiffError, DiffErrorKind};
pub use patch::{FilePatch, FileStatus, Hunk, HunkLine, LineKind, parse_git_diff, parse_hunks};
