//! The GitHub shapes snakeguard reads and writes (only the fields it uses; serde ignores the
//! rest), and newtypes for the ids that are easy to mix up.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// `owner/name` of a repository; `Display` and `FromStr` round-trip.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

impl RepoName {
    pub fn new(owner: impl Into<String>, name: impl Into<String>) -> Self {
        RepoName {
            owner: owner.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Not of the form `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a repository name of the form owner/name")]
pub struct InvalidRepoName(pub String);

impl FromStr for RepoName {
    type Err = InvalidRepoName;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        };
        match text.split_once('/') {
            Some((owner, name)) if valid(owner) && valid(name) => Ok(RepoName::new(owner, name)),
            _ => Err(InvalidRepoName(text.to_string())),
        }
    }
}

/// A commit id (40 hex digits on GitHub.com; not checked, GitHub is the authority).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommitSha(pub String);

impl CommitSha {
    pub fn new(sha: impl Into<String>) -> Self {
        CommitSha(sha.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 7 characters, for humans.
    pub fn short(&self) -> &str {
        self.0.get(..7).unwrap_or(&self.0)
    }
}

impl fmt::Display for CommitSha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A pull request's number in its repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PullNumber(pub u64);

impl fmt::Display for PullNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A check run's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CheckRunId(pub u64);

impl fmt::Display for CheckRunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// `base` or `head` of a pull request.
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestRef {
    #[serde(rename = "ref")]
    pub ref_name: String,
    pub sha: CommitSha,
}

/// `GET /repos/{o}/{r}/pulls/{n}` (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    pub state: String,
    #[serde(default)]
    pub draft: Option<bool>,
    pub head: PullRequestRef,
    pub base: PullRequestRef,
    #[serde(default)]
    pub changed_files: Option<u64>,
}

/// One entry of `GET /repos/{o}/{r}/pulls/{n}/files`.
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequestFile {
    pub sha: Option<String>,
    pub filename: String,
    pub status: String,
    #[serde(default)]
    pub previous_filename: Option<String>,
    /// Missing for binary and very large diffs.
    #[serde(default)]
    pub patch: Option<String>,
    #[serde(default)]
    pub changes: u64,
}

/// A pull-request review comment as listed by GitHub.
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewComment {
    pub id: u64,
    #[serde(default)]
    pub node_id: Option<String>,
    pub body: String,
    pub path: String,
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub commit_id: Option<String>,
}

/// One line comment of a review we create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftComment {
    pub path: String,
    pub line: u32,
    /// Always `RIGHT`: snakeguard comments on the new code.
    pub side: &'static str,
    pub body: String,
}

/// `POST /repos/{o}/{r}/pulls/{n}/reviews`.
#[derive(Debug, Clone, Serialize)]
pub struct NewReview<'a> {
    pub commit_id: &'a str,
    pub body: &'a str,
    /// Always `COMMENT`: snakeguard never approves or blocks through reviews (the check run does).
    pub event: &'static str,
    pub comments: &'a [DraftComment],
}

/// `POST /repos/{o}/{r}/pulls/{n}/comments`.
#[derive(Debug, Clone, Serialize)]
pub struct NewReviewComment<'a> {
    pub commit_id: &'a str,
    pub path: &'a str,
    pub line: u32,
    pub side: &'static str,
    pub body: &'a str,
}

/// A created review.
#[derive(Debug, Clone, Deserialize)]
pub struct Review {
    pub id: u64,
}

/// A review thread (GraphQL) with the REST ids of its comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewThread {
    /// GraphQL node id, what `resolveReviewThread` takes.
    pub id: String,
    pub is_resolved: bool,
    pub comment_ids: Vec<u64>,
}

/// Status of a check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Queued,
    InProgress,
    Completed,
}

/// Conclusion of a completed check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Success,
    Neutral,
    Failure,
    ActionRequired,
    Cancelled,
}

impl Conclusion {
    /// The commit-status state that means the same.
    pub fn status_state(self) -> &'static str {
        match self {
            Conclusion::Success | Conclusion::Neutral => "success",
            Conclusion::Failure | Conclusion::ActionRequired | Conclusion::Cancelled => "failure",
        }
    }
}

/// `annotation_level` of a check-run annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationLevel {
    Notice,
    Warning,
    Failure,
}

/// One check-run annotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Annotation {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    pub annotation_level: AnnotationLevel,
    pub message: String,
    /// At most 255 characters.
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_details: Option<String>,
}

/// `output` of a check run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckRunOutput {
    pub title: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// At most 50 per request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// `POST /repos/{o}/{r}/check-runs`.
#[derive(Debug, Clone, Serialize)]
pub struct NewCheckRun<'a> {
    pub name: &'a str,
    pub head_sha: &'a str,
    pub status: CheckStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<CheckRunOutput>,
}

/// `PATCH /repos/{o}/{r}/check-runs/{id}`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckRunUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<CheckStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<Conclusion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<CheckRunOutput>,
}

/// `POST /repos/{o}/{r}/statuses/{sha}`.
#[derive(Debug, Clone, Serialize)]
pub struct NewStatus<'a> {
    /// `error`, `failure`, `pending` or `success`.
    pub state: &'a str,
    pub context: &'a str,
    /// At most 140 characters (GitHub truncates nothing; it rejects).
    pub description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_url: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_names_round_trip_and_reject_garbage() {
        let repo: RepoName = "acme/web-app.py".parse().unwrap();
        assert_eq!(repo, RepoName::new("acme", "web-app.py"));
        assert_eq!(repo.to_string(), "acme/web-app.py");
        for bad in ["acme", "/x", "a/", "a/b/c", "a b/c", "a/../b"] {
            assert!(bad.parse::<RepoName>().is_err(), "{bad}");
        }
    }

    #[test]
    fn payloads_serialize_as_github_expects() {
        let update = CheckRunUpdate {
            status: Some(CheckStatus::Completed),
            conclusion: Some(Conclusion::ActionRequired),
            output: None,
        };
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            serde_json::json!({"status": "completed", "conclusion": "action_required"})
        );
        assert_eq!(CommitSha::new("0123456789").short(), "0123456");
    }
}

/// One entry of a recursive git tree listing.
#[derive(Debug, Clone, Deserialize)]
pub struct TreeEntry {
    pub path: String,
    /// `blob`, `tree` or `commit` (a submodule).
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: String,
    #[serde(default)]
    pub size: Option<u64>,
}
