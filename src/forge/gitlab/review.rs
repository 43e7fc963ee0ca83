//! Review one merge request: read it, find what it introduces, write back, set the status.
//!
//! Every side effect is idempotent, so a job may run again after a crash or a redelivery:
//! discussions carry a fingerprint marker and are listed before posting; the summary note is
//! found by [`SUMMARY_MARKER`] and edited; statuses are simply set again. A discussion `POST`
//! that fails with a 5xx may still have been stored, so before trying again the discussions
//! are listed again and the marker looked for — never a blind replay. Whatever fails, the
//! commit status ends `failed` with the reason, never left `pending`.

use std::path::Path;
use std::time::SystemTime;

use crate::analysis::decode::into_source_text;
use crate::config::{Config, ConfigError};
use crate::delta::ProjectFile;
use crate::diff::{ChangeSet, ChangedFile, FileStatus};
use crate::finding::{Finding, Fingerprint, Severity};
use crate::forge::plan::{ExistingComment, parse_marker, plan_review};
use crate::forge::project;
use crate::forge::render::{SummaryInput, comment_body, summary_markdown};
use crate::report::ScanReport;

use super::client::{GitlabClient, GitlabError, ProjectId};
use super::types::{CommitState, CommitStatus, DiffRefs, Discussion, TextPosition};

/// The hidden marker of snakeguard's summary note.
pub const SUMMARY_MARKER: &str = "<!-- snakeguard:summary -->";

/// GitLab's limit on a note body is 1,000,000 characters; stay well below.
const MAX_NOTE_CHARS: usize = 200_000;
/// GitLab's limit on a commit status description.
const MAX_STATUS_DESCRIPTION: usize = 255;

/// How to review.
#[derive(Clone, Debug)]
pub struct ReviewOptions {
    /// Name of the commit status (`snakeguard`).
    pub status_name: String,
    /// Link from the commit status (a pipeline or job URL).
    pub target_url: Option<String>,
    /// Overrides the configuration's `fail-on` (`Some(None)`: never fail).
    pub fail_on: Option<Option<Severity>>,
    /// The head commit if known before the merge request is read (webhook payload,
    /// `CI_COMMIT_SHA`): it gets the `failed` status if the merge request cannot be read.
    pub head_sha: Option<String>,
    /// At most this many changed Python files are analysed; the rest are listed as skipped.
    pub max_files: usize,
    /// Post line discussions and the summary note (off: status only, e.g. a read-only token).
    pub post_discussions: bool,
    /// Set the commit status.
    pub set_status: bool,
}

impl Default for ReviewOptions {
    fn default() -> Self {
        ReviewOptions {
            status_name: "snakeguard".to_string(),
            target_url: None,
            fail_on: None,
            head_sha: None,
            max_files: 300,
            post_discussions: true,
            set_status: true,
        }
    }
}

/// What a review did.
#[derive(Clone, Debug)]
pub struct ReviewOutcome {
    pub diff_refs: DiffRefs,
    /// New findings (after the configuration's filters), diagnostics and sources: what the CI
    /// reports (`gl-sast-report.json`, Code Quality) are written from.
    pub report: ScanReport,
    /// Final commit status.
    pub state: CommitState,
    /// Discussions created by this run.
    pub created: usize,
    /// New findings whose discussion already existed.
    pub already_posted: usize,
    /// Discussions resolved because their finding is gone.
    pub resolved: usize,
    /// New findings not on a changed line (summary only).
    pub summary_only: usize,
    /// Findings the change removed.
    pub fixed: usize,
    /// The summary note's id.
    pub summary_note_id: Option<u64>,
    /// Problems that did not stop the review (a position GitLab refused, a resolve denied).
    pub warnings: Vec<String>,
}

/// Why a review failed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Gitlab(#[from] GitlabError),
    #[error("invalid configuration at the merge base: {0}")]
    Config(#[from] ConfigError),
    #[error("merge request !{0} has no diff yet (diff_refs is empty); try again later")]
    DiffNotReady(u64),
    #[error("the analysis stopped unexpectedly: {0}")]
    Analysis(String),
}

impl ReviewError {
    /// Whether running the job again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            ReviewError::Gitlab(error) => error.is_transient(),
            ReviewError::Config(_) => false,
            ReviewError::DiffNotReady(_) => true,
            ReviewError::Analysis(_) => false,
        }
    }
}

/// Review merge request `mr_iid` of `project`. On error the commit status (when the head is
/// known) is set to `failed` with the reason before the error is returned.
pub async fn review_merge_request(
    client: &GitlabClient,
    project: &ProjectId,
    mr_iid: u64,
    options: &ReviewOptions,
) -> Result<ReviewOutcome, ReviewError> {
    let mut head = options.head_sha.clone();
    let result = run(client, project, mr_iid, options, &mut head).await;
    if let Err(error) = &result {
        tracing::warn!(%project, mr_iid, %error, "GitLab review failed");
        if options.set_status
            && let Some(sha) = head
        {
            let status = CommitStatus {
                state: CommitState::Failed,
                name: options.status_name.clone(),
                description: Some(truncate(
                    &format!("snakeguard could not review: {error}"),
                    MAX_STATUS_DESCRIPTION,
                )),
                target_url: options.target_url.clone(),
            };
            if let Err(status_error) = client.set_commit_status(project, &sha, &status).await {
                tracing::warn!(%status_error, "could not set the failed status either");
            }
        }
    }
    result
}

async fn run(
    client: &GitlabClient,
    project: &ProjectId,
    iid: u64,
    options: &ReviewOptions,
    head: &mut Option<String>,
) -> Result<ReviewOutcome, ReviewError> {
    let started = SystemTime::now();
    let refs = diff_refs(client, project, iid).await?;
    *head = Some(refs.head_sha.clone());
    if options.set_status {
        set_status(
            client,
            project,
            &refs.head_sha,
            options,
            CommitState::Pending,
            "snakeguard is reviewing this merge request",
        )
        .await?;
    }

    let mut config = base_config(client, project, &refs.base_sha).await?;
    if let Some(fail_on) = options.fail_on {
        config.fail_on = fail_on;
    }
    let (changes, mut skipped) = change_set(client, project, iid, &refs, &config, options).await?;
    // The project's other Python files, for taint flows across modules and for the unchanged
    // files the change can make vulnerable.
    let analyzer = config.analyzer();
    let project_files = if analyzer.runs_taint() {
        project_files(
            client,
            project,
            &refs.head_sha,
            &changes,
            &config,
            &mut skipped,
        )
        .await
    } else {
        Vec::new()
    };
    let (delta, changes) = project::analyse_change(analyzer, changes, project_files)
        .await
        .map_err(|error| ReviewError::Analysis(error.to_string()))?;
    skipped.extend(delta.notes.iter().cloned());
    let new: Vec<Finding> = delta
        .new
        .into_iter()
        .filter(|finding| config.reports(finding, &finding.path))
        .collect();

    let mut outcome = ReviewOutcome {
        diff_refs: refs.clone(),
        report: ScanReport::default(),
        state: CommitState::Success,
        created: 0,
        already_posted: 0,
        resolved: 0,
        summary_only: 0,
        fixed: delta.fixed.len(),
        summary_note_id: None,
        warnings: Vec::new(),
    };

    let mut skipped_notes = skipped;
    skipped_notes.extend(
        delta
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.path, d.message)),
    );
    if options.post_discussions {
        let discussions = client.discussions(project, iid).await?;
        let existing = existing_comments(&discussions);
        let plan = plan_review(&new, &changes, &existing);
        outcome.already_posted = plan.already_posted.len();
        outcome.summary_only = plan.summary_only.len();
        for planned in &plan.create {
            let finding = &new[planned.finding];
            let Some(file) = changes
                .files
                .iter()
                .find(|file| file.new_path.as_deref() == Some(planned.path.as_str()))
            else {
                continue;
            };
            let body = comment_body(finding, &planned.path, planned.line);
            let position = text_position(&refs, file, planned.line);
            post_discussion(
                client,
                project,
                iid,
                &finding.fingerprint,
                &body,
                &position,
                &mut outcome.warnings,
            )
            .await?;
            outcome.created += 1;
        }
        for comment in &plan.resolve {
            let thread = comment.thread_id.as_deref().unwrap_or(&comment.id);
            match client.resolve_discussion(project, iid, thread).await {
                Ok(_) => outcome.resolved += 1,
                Err(error) if !error.is_transient() => outcome
                    .warnings
                    .push(format!("could not resolve discussion {thread}: {error}")),
                Err(error) => return Err(error.into()),
            }
        }
        let summary = summary_markdown(
            &SummaryInput {
                new: &new,
                fixed: delta.fixed.len(),
                preexisting: delta.preexisting,
                skipped: &skipped_notes,
                summary_only: plan.summary_only.len(),
                files_analysed: delta.files_analysed,
            },
            MAX_NOTE_CHARS,
        );
        let body = format!("{summary}\n{SUMMARY_MARKER}\n");
        outcome.summary_note_id =
            Some(upsert_summary(client, project, iid, &discussions, &body).await?);
    }

    let failing = config
        .fail_on
        .is_some_and(|threshold| new.iter().any(|finding| finding.severity >= threshold));
    outcome.state = if failing {
        CommitState::Failed
    } else {
        CommitState::Success
    };
    if options.set_status {
        set_status(
            client,
            project,
            &refs.head_sha,
            options,
            outcome.state,
            &status_description(&new, config.fail_on),
        )
        .await?;
    }

    let mut report = ScanReport {
        files_scanned: delta.files_analysed,
        preexisting_hidden: delta.preexisting,
        diagnostics: delta.diagnostics,
        ..ScanReport::default()
    };
    report.findings = new;
    for file in &changes.files {
        if let Some(text) = &file.head_text {
            report.keep_source(file.path(), text);
        }
    }
    outcome.report = report;
    tracing::info!(
        %project, iid, created = outcome.created, resolved = outcome.resolved,
        new = outcome.report.findings.len(), elapsed = ?started.elapsed().unwrap_or_default(),
        "GitLab review done"
    );
    Ok(outcome)
}

/// The merge request's `diff_refs`, waiting a little while GitLab prepares a new diff.
async fn diff_refs(
    client: &GitlabClient,
    project: &ProjectId,
    iid: u64,
) -> Result<DiffRefs, ReviewError> {
    let policy = client.retry_policy().clone();
    for attempt in 1..=policy.max_attempts {
        let mr = client.merge_request(project, iid).await?;
        if let Some(refs) = mr.diff_refs {
            return Ok(refs);
        }
        if attempt < policy.max_attempts {
            tokio::time::sleep(policy.backoff(attempt, None)).await;
        }
    }
    Err(ReviewError::DiffNotReady(iid))
}

async fn set_status(
    client: &GitlabClient,
    project: &ProjectId,
    sha: &str,
    options: &ReviewOptions,
    state: CommitState,
    description: &str,
) -> Result<(), GitlabError> {
    let status = CommitStatus {
        state,
        name: options.status_name.clone(),
        description: Some(truncate(description, MAX_STATUS_DESCRIPTION)),
        target_url: options.target_url.clone(),
    };
    client.set_commit_status(project, sha, &status).await
}

/// The configuration as it is at the merge base: `.snakeguard.toml`, else
/// `[tool.snakeguard]` in `pyproject.toml`, else the defaults. A merge request cannot
/// switch off its own review.
async fn base_config(
    client: &GitlabClient,
    project: &ProjectId,
    base_sha: &str,
) -> Result<Config, ReviewError> {
    if let Some(bytes) = client
        .raw_file(project, ".snakeguard.toml", base_sha)
        .await?
    {
        let text = String::from_utf8_lossy(&bytes);
        return Ok(Config::from_snakeguard_toml(
            &text,
            Path::new(".snakeguard.toml"),
        )?);
    }
    if let Some(bytes) = client.raw_file(project, "pyproject.toml", base_sha).await?
        && let Some(config) = Config::from_pyproject(
            &String::from_utf8_lossy(&bytes),
            Path::new("pyproject.toml"),
        )?
    {
        return Ok(config);
    }
    Ok(Config::default_for(Path::new(".")))
}

/// The change set of the merge request's Python files, with both versions of each. Returns
/// notes about files not analysed.
async fn change_set(
    client: &GitlabClient,
    project: &ProjectId,
    iid: u64,
    refs: &DiffRefs,
    config: &Config,
    options: &ReviewOptions,
) -> Result<(ChangeSet, Vec<String>), GitlabError> {
    let diffs = client.merge_request_diffs(project, iid).await?;
    let mut changes = ChangeSet::default();
    let mut skipped = Vec::new();
    for entry in diffs {
        let status =
            FileStatus::from_gitlab(entry.new_file, entry.renamed_file, entry.deleted_file);
        let old_path = (status != FileStatus::Added).then(|| entry.old_path.clone());
        let new_path = (status != FileStatus::Removed).then(|| entry.new_path.clone());
        let path = new_path
            .as_deref()
            .or(old_path.as_deref())
            .unwrap_or_default();
        if !(path.ends_with(".py") || path.ends_with(".pyi")) || config.is_excluded(path) {
            continue;
        }
        if changes.files.len() >= options.max_files {
            skipped.push(format!(
                "{path}: not analysed (more than {} changed Python files)",
                options.max_files
            ));
            continue;
        }
        let base_text = match &old_path {
            Some(old) => client
                .raw_file(project, old, &refs.base_sha)
                .await?
                .map(into_text),
            None => None,
        };
        let head_text = match &new_path {
            Some(new) => client
                .raw_file(project, new, &refs.head_sha)
                .await?
                .map(into_text),
            None => None,
        };
        // GitLab leaves the diff out of too large or collapsed files: the texts are diffed.
        let patch = (!entry.diff_missing()).then_some(entry.diff.as_str());
        changes.files.push(ChangedFile::from_parts(
            status, old_path, new_path, patch, base_text, head_text,
        ));
    }
    Ok((changes, skipped))
}

/// Files read at the same time.
const FETCH_CONCURRENCY: usize = 8;

/// The head commit's other Python files (not excluded), nearest to the changed files first
/// (see [`project::choose`]). A GitLab error here does not stop the review: the files read so
/// far are used and a note says what was left out.
async fn project_files(
    client: &GitlabClient,
    project: &ProjectId,
    head_sha: &str,
    changes: &ChangeSet,
    config: &Config,
    notes: &mut Vec<String>,
) -> Vec<ProjectFile> {
    let listing = match client.repository_files(project, head_sha).await {
        Ok(items) => items,
        Err(error) => {
            notes.push(format!(
                "Effects on unchanged files were not followed: listing the repository failed ({error})."
            ));
            return Vec::new();
        }
    };
    let (paths, note) = project::choose(listing.into_iter().map(|item| item.path), changes, config);
    notes.extend(note);
    let mut files = Vec::with_capacity(paths.len());
    for chunk in paths.chunks(FETCH_CONCURRENCY) {
        let mut tasks = tokio::task::JoinSet::new();
        for path in chunk.iter().cloned() {
            let client = client.clone();
            let project = project.clone();
            let head_sha = head_sha.to_string();
            tasks.spawn(async move {
                let bytes = client.raw_file(&project, &path, &head_sha).await;
                (path, bytes)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((path, Ok(Some(bytes)))) => files.push(ProjectFile {
                    path,
                    text: into_source_text(bytes),
                }),
                Ok((_, Ok(None))) => {}
                Ok((path, Err(error))) => notes.push(format!(
                    "Effects on unchanged files were followed without `{path}`: reading it failed ({error})."
                )),
                Err(error) => notes.push(format!("Reading an unchanged file failed: {error}.")),
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn into_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }
}

/// snakeguard's earlier line discussions (first note carries the marker).
fn existing_comments(discussions: &[Discussion]) -> Vec<ExistingComment> {
    discussions
        .iter()
        .filter_map(|discussion| {
            let note = discussion.notes.first()?;
            let fingerprint = parse_marker(&note.body)?;
            Some(ExistingComment {
                id: discussion.id.clone(),
                thread_id: Some(discussion.id.clone()),
                fingerprint,
                resolved: note.resolved,
            })
        })
        .collect()
}

/// The diff position of `line` (a line of the new file): `new_line` alone on an added line,
/// `old_line` and `new_line` on an unchanged one.
pub fn text_position(refs: &DiffRefs, file: &ChangedFile, line: u32) -> TextPosition {
    let new_path = file.new_path.clone().unwrap_or_default();
    let old_path = file.old_path.clone().unwrap_or_else(|| new_path.clone());
    let old_line = if file.changed.is_added(line) {
        None
    } else {
        file.changed.map_new_to_old(line)
    };
    TextPosition {
        position_type: "text",
        base_sha: refs.base_sha.clone(),
        start_sha: refs.start_sha.clone(),
        head_sha: refs.head_sha.clone(),
        old_path,
        new_path,
        new_line: Some(line),
        old_line,
    }
}

/// Create one line discussion, safely: on a transient failure, list the discussions and
/// stop if the marker is there (GitLab stored it before failing), else wait and try again.
/// A position GitLab refuses (400) falls back to a discussion without position.
async fn post_discussion(
    client: &GitlabClient,
    project: &ProjectId,
    iid: u64,
    fingerprint: &Fingerprint,
    body: &str,
    position: &TextPosition,
    warnings: &mut Vec<String>,
) -> Result<(), GitlabError> {
    let policy = client.retry_policy().clone();
    let mut attempt = 0;
    let mut position = Some(position);
    let fallback_body = format!(
        "**`{}` line {}**\n\n{body}",
        position.map_or("", |p| p.new_path.as_str()),
        position.and_then(|p| p.new_line).unwrap_or_default()
    );
    loop {
        attempt += 1;
        let text = if position.is_some() {
            body
        } else {
            fallback_body.as_str()
        };
        match client.create_discussion(project, iid, text, position).await {
            Ok(_) => return Ok(()),
            Err(error) if error.status() == Some(400) && position.is_some() => {
                warnings.push(format!(
                    "GitLab refused the diff position {}:{} ({error}); posted without position",
                    position.map_or("", |p| p.new_path.as_str()),
                    position.and_then(|p| p.new_line).unwrap_or_default()
                ));
                position = None;
            }
            Err(error) if error.is_transient() && attempt < policy.max_attempts => {
                tracing::warn!(%error, attempt, "creating a discussion failed; checking whether it was stored");
                tokio::time::sleep(policy.backoff(attempt, None)).await;
                let discussions = client.discussions(project, iid).await?;
                if existing_comments(&discussions)
                    .iter()
                    .any(|comment| &comment.fingerprint == fingerprint)
                {
                    return Ok(());
                }
            }
            Err(error) => return Err(error),
        }
    }
}

/// Create the summary note, or edit ours if it exists. A failed create is checked the same
/// way as a failed discussion.
async fn upsert_summary(
    client: &GitlabClient,
    project: &ProjectId,
    iid: u64,
    discussions: &[Discussion],
    body: &str,
) -> Result<u64, GitlabError> {
    let find = |discussions: &[Discussion]| {
        discussions
            .iter()
            .flat_map(|discussion| &discussion.notes)
            .find(|note| !note.system && note.body.contains(SUMMARY_MARKER))
            .map(|note| (note.id, note.body.clone()))
    };
    if let Some((id, existing)) = find(discussions) {
        if existing != body {
            client.edit_note(project, iid, id, body).await?;
        }
        return Ok(id);
    }
    let policy = client.retry_policy().clone();
    let mut attempt = 0;
    loop {
        attempt += 1;
        match client.create_note(project, iid, body).await {
            Ok(note) => return Ok(note.id),
            Err(error) if error.is_transient() && attempt < policy.max_attempts => {
                tokio::time::sleep(policy.backoff(attempt, None)).await;
                let discussions = client.discussions(project, iid).await?;
                if let Some((id, existing)) = find(&discussions) {
                    if existing != body {
                        client.edit_note(project, iid, id, body).await?;
                    }
                    return Ok(id);
                }
            }
            Err(error) => return Err(error),
        }
    }
}

/// "2 new issues (1 high, 1 low)" or "no new security issues", with the threshold.
fn status_description(new: &[Finding], fail_on: Option<Severity>) -> String {
    let threshold = match fail_on {
        Some(level) => format!("fails on {level}+"),
        None => "never fails".to_string(),
    };
    if new.is_empty() {
        return format!("snakeguard: no new security issues ({threshold})");
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|&level| (level, new.iter().filter(|f| f.severity == level).count()))
        .filter(|(_, count)| *count > 0)
        .map(|(level, count)| format!("{count} {level}"))
        .collect();
    format!(
        "snakeguard: {} new issue{} ({}; {threshold})",
        new.len(),
        if new.len() == 1 { "" } else { "s" },
        counts.join(", ")
    )
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((offset, _)) => {
            let mut cut: String = text[..offset].chars().collect();
            cut.pop();
            cut.push('…');
            cut
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::FileStatus;

    fn refs() -> DiffRefs {
        DiffRefs {
            base_sha: "b".into(),
            start_sha: "s".into(),
            head_sha: "h".into(),
        }
    }

    #[test]
    fn positions_on_added_and_context_lines() {
        let file = ChangedFile::from_parts(
            FileStatus::Renamed,
            Some("old.py".into()),
            Some("new.py".into()),
            Some("@@ -1,3 +1,4 @@\n a\n+b\n c\n d\n"),
            Some("a\nc\nd\n".into()),
            Some("a\nb\nc\nd\n".into()),
        );
        let added = text_position(&refs(), &file, 2);
        assert_eq!((added.new_line, added.old_line), (Some(2), None));
        assert_eq!(
            (added.old_path.as_str(), added.new_path.as_str()),
            ("old.py", "new.py")
        );
        let context = text_position(&refs(), &file, 3);
        assert_eq!((context.new_line, context.old_line), (Some(3), Some(2)));
        let json = serde_json::to_value(&added).unwrap();
        assert_eq!(json["position_type"], "text");
        assert!(json.get("old_line").is_none());
    }

    #[test]
    fn added_files_name_the_new_path_twice() {
        let file = ChangedFile::from_parts(
            FileStatus::Added,
            None,
            Some("n.py".into()),
            Some("@@ -0,0 +1 @@\n+x\n"),
            None,
            Some("x\n".into()),
        );
        let position = text_position(&refs(), &file, 1);
        assert_eq!(position.old_path, "n.py");
        assert_eq!(position.new_line, Some(1));
    }

    #[test]
    fn descriptions_fit_gitlab() {
        assert_eq!(
            status_description(&[], Some(Severity::High)),
            "snakeguard: no new security issues (fails on high+)"
        );
        let long = "x".repeat(400);
        let cut = truncate(&long, MAX_STATUS_DESCRIPTION);
        assert_eq!(cut.chars().count(), MAX_STATUS_DESCRIPTION);
        assert!(cut.ends_with('…'));
    }
}
