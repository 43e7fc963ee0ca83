//! Diffs: parsing unified diffs, computing them, and asking which lines changed.
//!
//! Why a module of its own: "only newly introduced issues" and "comment only where the
//! forge shows the diff" both hinge on knowing, per file, the hunks of the change. This
//! module turns whatever the front door has — `git diff` output, a forge's per-file patch,
//! or just the base and head texts — into one model ([`Hunk`], [`ChangedLines`],
//! [`ChangeSet`]). It is pure: no network, no database, no processes, no async; and it
//! never panics on hostile input (patches come from pull-request authors).
//!
//! * [`patch`]: parser for `git diff` output and hunks-only forge patches.
//! * [`lines`]: [`ChangedLines`], O(log n) queries and base-to-head line mapping.
//! * [`compute`]: hunks from two texts (the `similar` crate) when no patch is available.
//! * [`changeset`]: [`ChangeSet`] / [`ChangedFile`], the model every front door fills in.

pub mod changeset;
pub mod compute;
mod error;
pub mod lines;
pub mod patch;

pub use changeset::{
    COMPUTE_TIME_LIMIT, ChangeSet, ChangedFile, ForgeFileEntry, LinesSource, Side, UnknownStatus,
};
pub use compute::{
    DEFAULT_CONTEXT, diff_texts, diff_texts_with_deadline, hunks_match_texts, render_unified,
};
pub use error::{DiffError, DiffErrorKind};
pub use lines::{ChangedLines, LineRange};
pub use patch::{FilePatch, FileStatus, Hunk, HunkLine, LineKind, parse_git_diff, parse_hunks};
