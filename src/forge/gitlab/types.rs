//! The parts of GitLab's REST v4 resources that a review reads and writes. Unknown fields
//! are ignored and missing optional ones default, so API additions do not break us.

use serde::{Deserialize, Serialize};

/// `diff_refs` of a merge request: what a diff position must name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffRefs {
    /// The merge base of source and target.
    pub base_sha: String,
    /// The target branch head the diff was computed against.
    pub start_sha: String,
    /// The source branch head.
    pub head_sha: String,
}

/// A merge request (`GET /projects/:id/merge_requests/:iid`).
#[derive(Clone, Debug, Deserialize)]
pub struct MergeRequest {
    pub iid: u64,
    #[serde(default)]
    pub project_id: Option<u64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub state: String,
    /// Head commit of the source branch.
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub source_branch: Option<String>,
    #[serde(default)]
    pub web_url: Option<String>,
    /// `None` while GitLab is still preparing the merge request's diff.
    #[serde(default)]
    pub diff_refs: Option<DiffRefs>,
}

/// One file of `GET /projects/:id/merge_requests/:iid/diffs`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MergeRequestDiff {
    pub old_path: String,
    pub new_path: String,
    /// Hunks-only unified diff (starts with `@@`); empty when GitLab left it out.
    #[serde(default)]
    pub diff: String,
    #[serde(default)]
    pub new_file: bool,
    #[serde(default)]
    pub renamed_file: bool,
    #[serde(default)]
    pub deleted_file: bool,
    /// The diff exceeded GitLab's limits and was left out.
    #[serde(default)]
    pub too_large: Option<bool>,
    /// The diff was collapsed (left out) by GitLab's soft limits.
    #[serde(default)]
    pub collapsed: Option<bool>,
}

impl MergeRequestDiff {
    /// Whether `diff` cannot be trusted to contain the file's changes.
    pub fn diff_missing(&self) -> bool {
        self.too_large == Some(true) || self.collapsed == Some(true) || self.diff.trim().is_empty()
    }
}

/// A note (comment) of a merge request.
#[derive(Clone, Debug, Deserialize)]
pub struct Note {
    pub id: u64,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub system: bool,
    #[serde(default)]
    pub resolvable: bool,
    #[serde(default)]
    pub resolved: bool,
    #[serde(default)]
    pub position: Option<serde_json::Value>,
}

/// A discussion (thread) of a merge request.
#[derive(Clone, Debug, Deserialize)]
pub struct Discussion {
    pub id: String,
    #[serde(default)]
    pub individual_note: bool,
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// `position` of a line discussion (`position_type: text`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextPosition {
    pub position_type: &'static str,
    pub base_sha: String,
    pub start_sha: String,
    pub head_sha: String,
    pub old_path: String,
    pub new_path: String,
    /// Line in the new file: set for added and unchanged lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_line: Option<u32>,
    /// Line in the old file: set for removed and unchanged lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_line: Option<u32>,
}

/// States of a commit status.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommitState {
    Pending,
    Running,
    Success,
    Failed,
    Canceled,
}

impl CommitState {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitState::Pending => "pending",
            CommitState::Running => "running",
            CommitState::Success => "success",
            CommitState::Failed => "failed",
            CommitState::Canceled => "canceled",
        }
    }
}

/// The body of `POST /projects/:id/statuses/:sha`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitStatus {
    pub state: CommitState,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
}

/// One entry of `GET /projects/:id/repository/tree`.
#[derive(Clone, Debug, Deserialize)]
pub struct TreeItem {
    pub path: String,
    /// `blob` or `tree` (or `commit` for a submodule).
    #[serde(rename = "type")]
    pub kind: String,
}
