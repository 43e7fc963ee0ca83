//! GitHub: the client (REST + the one GraphQL mutation we need) and the pull-request review
//! flow shared by the App (`snakeguard serve`) and the Actions step (`snakeguard review`).
//!
//! * [`client`]: [`GitHubClient`] over octocrab with our own authentication (app JWT ->
//!   cached installation tokens, or a plain token), retries and error type. octocrab's retry
//!   layer is compiled out; nothing replays a POST blindly.
//! * [`types`]: the request and response shapes we use, and domain newtypes.
//! * [`review`]: [`review_pull_request`], one pull request end to end: check run, change set,
//!   delta, review comments, resolved threads, annotations, conclusion.
//!
//! Everything pure (planning, rendering, diffing, analysis) lives elsewhere; this module only
//! moves data between GitHub and those functions.

pub mod client;
pub mod review;
pub mod types;

pub use client::{Credentials, GitHubApp, GitHubClient, GitHubError, RetryPolicy, Secret};
pub use review::{RejectedComment, ReviewError, ReviewOptions, ReviewOutcome, review_pull_request};
pub use types::{CheckRunId, CommitSha, Conclusion, PullNumber, RepoName};
