//! GitLab merge requests: a REST v4 client ([`client`]), the resources it reads and writes
//! ([`types`]), and the review of one merge request ([`review`]): commit status `pending`,
//! the change set from the MR's diffs (raw files where GitLab left a diff out), new findings
//! against the merge base with the base's configuration, one discussion per new finding on
//! its added line, resolved discussions for findings that are gone, a summary note created
//! once and then edited, and a final `success`/`failed` status.
//!
//! Used by `snakeguard serve` (webhook jobs) and `snakeguard review` in GitLab CI.

pub mod client;
pub mod review;
pub mod types;

pub use client::{Auth, GitlabClient, GitlabError, ProjectId, RetryPolicy, Secret};
pub use review::{ReviewError, ReviewOptions, ReviewOutcome, SUMMARY_MARKER, review_merge_request};
pub use types::{
    CommitState, CommitStatus, DiffRefs, Discussion, MergeRequest, MergeRequestDiff, Note,
    TextPosition,
};
