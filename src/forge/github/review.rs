//! One pull request, end to end: [`review_pull_request`].
//!
//! check run `in_progress` -> pull request, merge base, changed files (Python only, within
//! the caps) -> configuration from the **merge base** (a pull request cannot switch off its own
//! review) -> base and head contents -> [`ChangeSet`] -> [`delta::compute`](crate::delta::compute) -> earlier comments
//! read back by their markers -> [`plan_review`] -> every planned line checked against the
//! diff -> one review (on 422, comments one by one; rejected ones are reported) -> threads of
//! findings that are gone resolved -> check run completed with the summary, annotations in
//! batches of 50 and the `fail-on` conclusion.
//!
//! Whatever fails after the check run exists, the check run is completed with an explanation:
//! it is never left `in_progress`. Running twice on the same commit posts nothing new.

use std::collections::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use http::StatusCode;

use super::client::{GitHubClient, GitHubError, MAX_PULL_REQUEST_FILES};
use super::types::{
    Annotation, AnnotationLevel, CheckRunId, CheckRunOutput, CheckRunUpdate, CheckStatus,
    CommitSha, Conclusion, DraftComment, NewCheckRun, NewReview, NewReviewComment, NewStatus,
    PullNumber, PullRequestFile, RepoName,
};
use crate::analysis::decode::into_source_text;
use crate::config::Config;
use crate::delta::ProjectFile;
use crate::diff::{ChangeSet, ChangedFile, ForgeFileEntry};
use crate::finding::{DiagnosticKind, Finding, Fingerprint, Severity};
use crate::forge::plan::parse_marker;
use crate::forge::plan::{ExistingComment, plan_review};
use crate::forge::project;
use crate::forge::render::{SummaryInput, comment_body, summary_markdown};
use crate::report::{ReportOptions, ScanReport, sarif};

/// GitHub's limit for `output.summary` and `output.text` is 65,535 characters.
const OUTPUT_LIMIT: usize = 65_000;
/// Annotations per check-run request.
const ANNOTATIONS_PER_REQUEST: usize = 50;
/// Changed files fetched at the same time (base and head of each together: twice as many
/// requests in flight, far below GitHub's limit of 100 concurrent requests).
const FETCH_CONCURRENCY: usize = 8;

/// How to review.
#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// Name of the check run (and commit-status context).
    pub check_run_name: String,
    /// Create a check run; `false` reports a commit status only (tokens without `checks`).
    pub use_check_run: bool,
    /// Changed files to look at (GitHub lists at most 3000).
    pub max_files: usize,
    /// Files larger than this are skipped (and listed as skipped); the base configuration's
    /// `max-file-size` applies too, whichever is smaller.
    pub max_file_bytes: usize,
    /// Overrides the configuration's `fail-on` (`Some(None)`: never fail).
    pub fail_on: Option<Option<Severity>>,
    /// Conclusion when the review itself fails.
    pub error_conclusion: Conclusion,
    /// Link shown on the check run.
    pub details_url: Option<String>,
    /// Upload the new findings as SARIF to code scanning under this ref (e.g.
    /// `refs/pull/7/head`); `None`: no upload.
    pub sarif_ref: Option<String>,
    /// Pause between single comments when a review was rejected (GitHub's secondary rate
    /// limits ask for about a second between content-creating requests).
    pub single_comment_interval: std::time::Duration,
}

impl Default for ReviewOptions {
    fn default() -> Self {
        ReviewOptions {
            check_run_name: "snakeguard".to_string(),
            use_check_run: true,
            max_files: MAX_PULL_REQUEST_FILES,
            max_file_bytes: 1024 * 1024,
            fail_on: None,
            error_conclusion: Conclusion::Failure,
            details_url: None,
            sarif_ref: None,
            single_comment_interval: std::time::Duration::from_secs(1),
        }
    }
}

/// A line comment GitHub would not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedComment {
    pub path: String,
    pub line: u32,
    pub rule: &'static str,
    /// GitHub's answer.
    pub reason: String,
}

/// What a review did.
#[derive(Debug, Clone)]
pub struct ReviewOutcome {
    pub check_run: Option<CheckRunId>,
    pub conclusion: Conclusion,
    pub head_sha: CommitSha,
    /// `None` when the review stopped early (superseded).
    pub merge_base: Option<CommitSha>,
    /// Set when the pull request's head moved on: nothing was reviewed.
    pub superseded_by: Option<CommitSha>,
    /// New findings (all of them: comments, summary-only, annotations).
    pub new_findings: Vec<Finding>,
    pub fixed: usize,
    pub preexisting: usize,
    pub files_analysed: usize,
    /// Comments created by this run.
    pub posted: usize,
    /// Findings whose comment already existed.
    pub already_posted: usize,
    /// Findings not placeable on the diff (summary and annotations only).
    pub summary_only: usize,
    pub rejected: Vec<RejectedComment>,
    /// Threads resolved because their finding is gone.
    pub resolved: usize,
    /// Files skipped and other notes for the summary.
    pub skipped: Vec<String>,
    /// Problems that did not stop the review (a thread that would not resolve, SARIF upload).
    pub warnings: Vec<String>,
}

impl ReviewOutcome {
    fn new(head_sha: &CommitSha) -> Self {
        ReviewOutcome {
            check_run: None,
            conclusion: Conclusion::Neutral,
            head_sha: head_sha.clone(),
            merge_base: None,
            superseded_by: None,
            new_findings: Vec::new(),
            fixed: 0,
            preexisting: 0,
            files_analysed: 0,
            posted: 0,
            already_posted: 0,
            summary_only: 0,
            rejected: Vec::new(),
            resolved: 0,
            skipped: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// Why a review failed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    /// The repository's configuration at the merge base is invalid.
    #[error("invalid snakeguard configuration on the base branch: {0}")]
    Config(String),
    #[error("the analysis failed: {0}")]
    Analysis(String),
}

impl ReviewError {
    /// The HTTP status, when GitHub refused something.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ReviewError::GitHub(error) => error.status(),
            _ => None,
        }
    }
}

/// Where the result is reported.
#[derive(Debug, Clone, Copy)]
enum Report {
    CheckRun(CheckRunId),
    Status,
}

/// Review pull request `number` at `head_sha` and report on it. See the module docs.
pub async fn review_pull_request(
    client: &GitHubClient,
    repo: &RepoName,
    number: PullNumber,
    head_sha: &CommitSha,
    options: &ReviewOptions,
) -> Result<ReviewOutcome, ReviewError> {
    let report = start_report(client, repo, head_sha, options).await?;
    let result = async {
        let mut outcome = review(client, repo, number, head_sha, options).await?;
        if let Report::CheckRun(id) = report {
            outcome.check_run = Some(id);
        }
        finish_report(client, repo, report, &outcome, options).await?;
        Ok(outcome)
    }
    .await;
    if let Err(error) = &result {
        tracing::error!(%repo, %number, %head_sha, %error, "review failed");
        if let Err(report_error) = fail_report(client, repo, head_sha, report, error, options).await
        {
            tracing::error!(%repo, %number, error = %report_error, "could not report the failure");
        }
    }
    result
}

async fn start_report(
    client: &GitHubClient,
    repo: &RepoName,
    head_sha: &CommitSha,
    options: &ReviewOptions,
) -> Result<Report, ReviewError> {
    if options.use_check_run {
        let created = client
            .create_check_run(
                repo,
                &NewCheckRun {
                    name: &options.check_run_name,
                    head_sha: head_sha.as_str(),
                    status: CheckStatus::InProgress,
                    details_url: options.details_url.as_deref(),
                    external_id: None,
                    output: Some(CheckRunOutput {
                        title: "Reviewing the change".to_string(),
                        summary: "snakeguard is analysing the Python files of this change."
                            .to_string(),
                        ..CheckRunOutput::default()
                    }),
                },
            )
            .await;
        match created {
            Ok(id) => return Ok(Report::CheckRun(id)),
            // Tokens without `checks: write` (a personal token): report a commit status.
            Err(error) if error.status() == Some(StatusCode::FORBIDDEN) => {
                tracing::warn!(%repo, %error, "cannot create check runs; using a commit status");
            }
            Err(error) => return Err(error.into()),
        }
    }
    client
        .create_status(
            repo,
            head_sha,
            &NewStatus {
                state: "pending",
                context: &options.check_run_name,
                description: "Reviewing the change",
                target_url: options.details_url.as_deref(),
            },
        )
        .await?;
    Ok(Report::Status)
}

/// Everything between "started" and "report the result".
async fn review(
    client: &GitHubClient,
    repo: &RepoName,
    number: PullNumber,
    head_sha: &CommitSha,
    options: &ReviewOptions,
) -> Result<ReviewOutcome, ReviewError> {
    let mut outcome = ReviewOutcome::new(head_sha);
    let pull = client.pull_request(repo, number).await?;
    if pull.head.sha != *head_sha {
        outcome.superseded_by = Some(pull.head.sha);
        return Ok(outcome);
    }
    let merge_base = client
        .merge_base(repo, pull.base.sha.as_str(), head_sha.as_str())
        .await?;
    outcome.merge_base = Some(merge_base.clone());
    let files = client
        .pull_request_files(repo, number, options.max_files)
        .await?;
    if let Some(total) = pull.changed_files
        && total > files.len() as u64
    {
        outcome.skipped.push(format!(
            "Only the first {} of the {total} changed files were reviewed.",
            files.len()
        ));
    }
    let config = base_config(client, repo, &merge_base).await?;
    let max_bytes = options.max_file_bytes.min(config.max_file_size);

    // Fetch base and head of every changed Python file that is not excluded.
    let wanted: Vec<PullRequestFile> = files
        .into_iter()
        .filter(|file| is_python(&file.filename))
        .filter(|file| !config.is_excluded(&file.filename))
        .collect();
    let mut changes = ChangeSet::default();
    {
        // At most FETCH_CONCURRENCY files in flight at any time (no waiting for a whole batch).
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(FETCH_CONCURRENCY));
        let mut tasks = tokio::task::JoinSet::new();
        for (index, file) in wanted.iter().cloned().enumerate() {
            let client = client.clone();
            let repo = repo.clone();
            let base = merge_base.clone();
            let head = head_sha.clone();
            let permits = permits.clone();
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let result = fetch_file(&client, &repo, &file, &base, &head, max_bytes).await;
                (index, file, result)
            });
        }
        let mut fetched = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            fetched.push(joined.map_err(|e| ReviewError::Analysis(e.to_string()))?);
        }
        fetched.sort_by_key(|(index, _, _)| *index);
        for (_, file, result) in fetched {
            match result? {
                Fetched::Texts { base, head } => {
                    let entry = ForgeFileEntry {
                        status: &file.status,
                        filename: &file.filename,
                        previous_filename: file.previous_filename.as_deref(),
                        patch: file.patch.as_deref(),
                    };
                    match ChangedFile::from_forge(&entry, base, head) {
                        Ok(changed) => changes.files.push(changed),
                        Err(unknown) => outcome.skipped.push(format!(
                            "`{}`: unknown change status `{}`.",
                            file.filename, unknown.0
                        )),
                    }
                }
                Fetched::Skipped(note) => outcome.skipped.push(note),
            }
        }
    }

    // The project's other Python files, for taint flows across modules and for the
    // unchanged files the change can make vulnerable.
    let analyzer = config.analyzer();
    let project = if analyzer.runs_taint() {
        project_files(
            client,
            repo,
            head_sha,
            &changes,
            &config,
            max_bytes,
            &mut outcome.skipped,
        )
        .await
    } else {
        Vec::new()
    };

    let (result, changes) = project::analyse_change(analyzer, changes, project)
        .await
        .map_err(|e| ReviewError::Analysis(e.to_string()))?;
    outcome.skipped.extend(result.notes.iter().cloned());
    outcome.fixed = result.fixed.len();
    outcome.preexisting = result.preexisting;
    outcome.files_analysed = result.files_analysed;
    for diagnostic in &result.diagnostics {
        match diagnostic.kind {
            DiagnosticKind::Skipped => outcome
                .skipped
                .push(format!("`{}`: {}", diagnostic.path, diagnostic.message)),
            DiagnosticKind::SyntaxError => outcome.skipped.push(format!(
                "`{}` has syntax errors (analysed as far as it parses): {}",
                diagnostic.path, diagnostic.message
            )),
            DiagnosticKind::UnusedSuppression => {}
        }
    }
    let new: Vec<Finding> = result
        .new
        .into_iter()
        .filter(|finding| config.reports(finding, &finding.path))
        .collect();

    // Earlier snakeguard comments, with their threads.
    let comments = client.review_comments(repo, number).await?;
    let ours: Vec<(u64, Fingerprint)> = comments
        .iter()
        .filter_map(|comment| parse_marker(&comment.body).map(|fp| (comment.id, fp)))
        .collect();
    let mut threads_by_comment = BTreeMap::new();
    if !ours.is_empty() {
        for thread in client.review_threads(repo, number).await? {
            for id in &thread.comment_ids {
                threads_by_comment.insert(*id, (thread.id.clone(), thread.is_resolved));
            }
        }
    }
    let existing: Vec<ExistingComment> = ours
        .iter()
        .map(|(id, fingerprint)| {
            let thread = threads_by_comment.get(id);
            ExistingComment {
                id: id.to_string(),
                thread_id: thread.map(|(thread, _)| thread.clone()),
                fingerprint: fingerprint.clone(),
                resolved: thread.is_some_and(|(_, resolved)| *resolved),
            }
        })
        .collect();

    let plan = plan_review(&new, &changes, &existing);
    outcome.already_posted = plan.already_posted.len();
    outcome.summary_only = plan.summary_only.len();
    // GitHub rejects a whole review for one comment outside the diff: check every line.
    let mut drafts = Vec::new();
    let mut draft_rules = Vec::new();
    for planned in &plan.create {
        let inside = changes
            .files
            .iter()
            .find(|file| file.new_path.as_deref() == Some(planned.path.as_str()))
            .is_some_and(|file| {
                file.changed.is_added(planned.line) || file.changed.is_in_hunk(planned.line)
            });
        let finding = &new[planned.finding];
        if !inside {
            outcome.summary_only += 1;
            continue;
        }
        drafts.push(DraftComment {
            path: planned.path.clone(),
            line: planned.line,
            side: "RIGHT",
            body: comment_body(finding, &planned.path, planned.line),
        });
        draft_rules.push(finding.rule.meta().code);
    }
    if !drafts.is_empty() {
        let (posted, rejected) = post_comments(
            client,
            repo,
            number,
            head_sha,
            &new,
            drafts,
            &draft_rules,
            options.single_comment_interval,
        )
        .await?;
        outcome.posted = posted;
        outcome.rejected = rejected;
    }

    // Resolve the threads of findings that are gone.
    let mut resolved_threads = BTreeSet::new();
    for comment in &plan.resolve {
        let Some(thread) = &comment.thread_id else {
            continue;
        };
        if !resolved_threads.insert(thread.clone()) {
            continue;
        }
        match client.resolve_review_thread(thread).await {
            Ok(()) => outcome.resolved += 1,
            Err(error) => {
                tracing::warn!(%repo, %number, %error, "could not resolve a review thread");
                outcome.warnings.push(format!(
                    "Could not resolve a fixed finding's thread: {error}"
                ));
            }
        }
    }

    outcome.conclusion = conclusion(&new, &outcome, options.fail_on.unwrap_or(config.fail_on));
    outcome.new_findings = new;

    if let Some(git_ref) = &options.sarif_ref {
        upload_sarif(client, repo, head_sha, git_ref, &changes, &mut outcome).await;
    }
    Ok(outcome)
}

/// The head commit's other Python files (not excluded, not too large), nearest to the changed
/// files first (see [`project::choose`]). A GitHub error here does not stop the review: the
/// files read so far are used and a note says what was left out.
async fn project_files(
    client: &GitHubClient,
    repo: &RepoName,
    head_sha: &CommitSha,
    changes: &ChangeSet,
    config: &Config,
    max_bytes: usize,
    notes: &mut Vec<String>,
) -> Vec<ProjectFile> {
    let (entries, truncated) = match client.tree(repo, head_sha.as_str()).await {
        Ok(listing) => listing,
        Err(error) => {
            notes.push(format!(
                "Effects on unchanged files were not followed: listing the repository failed ({error})."
            ));
            return Vec::new();
        }
    };
    if truncated {
        notes.push(
            "GitHub truncated the repository listing: effects on unchanged files were followed in the listed part only."
                .to_string(),
        );
    }
    let mut blobs: HashMap<String, String> = entries
        .into_iter()
        .filter(|entry| entry.size.is_none_or(|size| size <= max_bytes as u64))
        .map(|entry| (entry.path, entry.sha))
        .collect();
    let (paths, note) = project::choose(blobs.keys().cloned().collect::<Vec<_>>(), changes, config);
    notes.extend(note);
    let candidates: Vec<(String, String)> = paths
        .into_iter()
        .filter_map(|path| blobs.remove(&path).map(|sha| (path, sha)))
        .collect();
    let mut files = Vec::with_capacity(candidates.len());
    // As many requests in flight as the changed files' fetch has (two per file there).
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(2 * FETCH_CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for (path, sha) in candidates {
        let client = client.clone();
        let repo = repo.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let bytes = client.blob(&repo, &sha).await;
            (path, bytes)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((path, Ok(bytes))) => files.push(ProjectFile {
                path,
                text: into_source_text(bytes),
            }),
            Ok((path, Err(error))) => notes.push(format!(
                "Effects on unchanged files were followed without `{path}`: reading it failed ({error})."
            )),
            Err(error) => notes.push(format!("Reading an unchanged file failed: {error}.")),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn is_python(path: &str) -> bool {
    path.ends_with(".py") || path.ends_with(".pyi")
}

enum Fetched {
    Texts {
        base: Option<String>,
        head: Option<String>,
    },
    Skipped(String),
}

async fn fetch_file(
    client: &GitHubClient,
    repo: &RepoName,
    file: &PullRequestFile,
    base: &CommitSha,
    head: &CommitSha,
    max_bytes: usize,
) -> Result<Fetched, GitHubError> {
    let base_path = file.previous_filename.as_deref().unwrap_or(&file.filename);
    // Both sides at once: one round trip per file instead of two.
    let base_side = async {
        match file.status.as_str() {
            "added" => Ok(None),
            _ => client.file_at(repo, base_path, base.as_str()).await,
        }
    };
    let head_side = async {
        match file.status.as_str() {
            "removed" => Ok(None),
            _ => match client.file_at(repo, &file.filename, head.as_str()).await? {
                Some(bytes) => Ok(Some(bytes)),
                // Not readable by path (should not happen): the listing names the head blob.
                None => match file.sha.as_deref().filter(|sha| !sha.is_empty()) {
                    Some(sha) => Ok(Some(client.blob(repo, sha).await?)),
                    None => Ok(None),
                },
            },
        }
    };
    let (base_bytes, head_bytes) = tokio::try_join!(base_side, head_side)?;
    for bytes in [&base_bytes, &head_bytes].into_iter().flatten() {
        if bytes.len() > max_bytes {
            return Ok(Fetched::Skipped(format!(
                "`{}`: {} bytes, more than the {max_bytes}-byte limit per file.",
                file.filename,
                bytes.len()
            )));
        }
    }
    let text = |bytes: Option<Vec<u8>>| {
        bytes.map(|bytes| match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        })
    };
    Ok(Fetched::Texts {
        base: text(base_bytes),
        head: text(head_bytes),
    })
}

/// `.snakeguard.toml`, else `[tool.snakeguard]` of `pyproject.toml`, at the merge base; the
/// defaults when neither exists.
async fn base_config(
    client: &GitHubClient,
    repo: &RepoName,
    merge_base: &CommitSha,
) -> Result<Config, ReviewError> {
    let read = |path: &'static str| async move {
        client
            .file_at(repo, path, merge_base.as_str())
            .await
            .map(|bytes| bytes.map(|b| String::from_utf8_lossy(&b).into_owned()))
    };
    if let Some(text) = read(".snakeguard.toml").await? {
        return Config::from_snakeguard_toml(&text, Path::new(".snakeguard.toml"))
            .map(with_repository_root)
            .map_err(|e| ReviewError::Config(e.to_string()));
    }
    if let Some(text) = read("pyproject.toml").await?
        && let Some(config) = Config::from_pyproject(&text, Path::new("pyproject.toml"))
            .map_err(|e| ReviewError::Config(e.to_string()))?
    {
        return Ok(with_repository_root(config));
    }
    Ok(Config::default_for(Path::new("")))
}

fn with_repository_root(mut config: Config) -> Config {
    config.root = Path::new("").to_path_buf();
    config
}

/// Post the comments as one review; on 422 one by one. A review whose outcome is unknown
/// (5xx, lost connection) is not sent again blindly: the comments are re-listed first and only
/// the missing ones are posted.
#[allow(clippy::too_many_arguments)]
async fn post_comments(
    client: &GitHubClient,
    repo: &RepoName,
    number: PullNumber,
    head_sha: &CommitSha,
    new: &[Finding],
    drafts: Vec<DraftComment>,
    rules: &[&'static str],
    interval: std::time::Duration,
) -> Result<(usize, Vec<RejectedComment>), ReviewError> {
    let body = review_body(new, drafts.len());
    let review = |comments: &[DraftComment]| {
        let body = body.clone();
        let comments = comments.to_vec();
        async move {
            client
                .create_review(
                    repo,
                    number,
                    &NewReview {
                        commit_id: head_sha.as_str(),
                        body: &body,
                        event: "COMMENT",
                        comments: &comments,
                    },
                )
                .await
        }
    };
    let mut pending: Vec<(DraftComment, &'static str)> =
        drafts.into_iter().zip(rules.iter().copied()).collect();
    let comments: Vec<DraftComment> = pending.iter().map(|(d, _)| d.clone()).collect();
    match review(&comments).await {
        Ok(_) => return Ok((pending.len(), Vec::new())),
        Err(error) if error.status() == Some(StatusCode::UNPROCESSABLE_ENTITY) => {
            tracing::warn!(%repo, %number, %error, "review rejected; posting comments one by one");
        }
        Err(error) if error.outcome_unknown() => {
            tracing::warn!(%repo, %number, %error, "review outcome unknown; checking what landed");
            let landed: BTreeSet<Fingerprint> = client
                .review_comments(repo, number)
                .await?
                .iter()
                .filter_map(|comment| parse_marker(&comment.body))
                .collect();
            let total = pending.len();
            pending.retain(|(draft, _)| {
                parse_marker(&draft.body).is_none_or(|fp| !landed.contains(&fp))
            });
            if pending.is_empty() {
                return Ok((total, Vec::new()));
            }
            let comments: Vec<DraftComment> = pending.iter().map(|(d, _)| d.clone()).collect();
            match review(&comments).await {
                Ok(_) => return Ok((total, Vec::new())),
                Err(error) if error.status() == Some(StatusCode::UNPROCESSABLE_ENTITY) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Err(error) => return Err(error.into()),
    }
    let mut posted = 0;
    let mut rejected = Vec::new();
    for (index, (draft, rule)) in pending.into_iter().enumerate() {
        if index > 0 {
            tokio::time::sleep(interval).await;
        }
        let result = client
            .create_review_comment(
                repo,
                number,
                &NewReviewComment {
                    commit_id: head_sha.as_str(),
                    path: &draft.path,
                    line: draft.line,
                    side: "RIGHT",
                    body: &draft.body,
                },
            )
            .await;
        match result {
            Ok(_) => posted += 1,
            Err(error) if error.status() == Some(StatusCode::UNPROCESSABLE_ENTITY) => {
                rejected.push(RejectedComment {
                    path: draft.path,
                    line: draft.line,
                    rule,
                    reason: error.to_string(),
                });
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok((posted, rejected))
}

fn review_body(new: &[Finding], comments: usize) -> String {
    format!(
        "**snakeguard** found {} new security issue{} in this change; {} {} on the lines below. \
         The `snakeguard` check run has the full summary.",
        new.len(),
        if new.len() == 1 { "" } else { "s" },
        comments,
        if comments == 1 {
            "is commented"
        } else {
            "are commented"
        }
    )
}

fn conclusion(new: &[Finding], outcome: &ReviewOutcome, fail_on: Option<Severity>) -> Conclusion {
    if fail_on.is_some_and(|threshold| new.iter().any(|f| f.severity >= threshold)) {
        Conclusion::Failure
    } else if outcome.files_analysed == 0 && new.is_empty() {
        Conclusion::Neutral
    } else {
        Conclusion::Success
    }
}

/// Check-run annotation level for a severity.
pub fn annotation_level(severity: Severity) -> AnnotationLevel {
    match severity {
        Severity::Critical | Severity::High => AnnotationLevel::Failure,
        Severity::Medium => AnnotationLevel::Warning,
        Severity::Low => AnnotationLevel::Notice,
    }
}

/// The annotation for a finding.
pub fn annotation(finding: &Finding) -> Annotation {
    let meta = finding.rule.meta();
    let single_line = finding.span.start.line == finding.span.end.line;
    let mut raw_details = String::new();
    for (index, step) in finding.flow.iter().enumerate() {
        let _ = writeln!(
            raw_details,
            "{}. line {}: {}",
            index + 1,
            step.span.start.line,
            step.note
        );
    }
    Annotation {
        path: finding.path.clone(),
        start_line: finding.span.start.line.max(1),
        end_line: finding.span.end.line.max(finding.span.start.line).max(1),
        start_column: single_line.then_some(finding.span.start.column.max(1)),
        end_column: single_line.then_some(
            finding
                .span
                .end
                .column
                .max(finding.span.start.column)
                .max(1),
        ),
        annotation_level: annotation_level(finding.severity),
        message: format!("{} (CWE-{})", finding.message, meta.cwe),
        title: truncate(
            &format!(
                "{} {} ({} severity)",
                meta.code, meta.name, finding.severity
            ),
            255,
        ),
        raw_details: (!raw_details.is_empty()).then(|| truncate(&raw_details, OUTPUT_LIMIT)),
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn title(outcome: &ReviewOutcome) -> String {
    if let Some(newer) = &outcome.superseded_by {
        return format!("Superseded by {}", newer.short());
    }
    let new = &outcome.new_findings;
    if new.is_empty() {
        return if outcome.files_analysed == 0 {
            "No Python files to review".to_string()
        } else {
            "No new security issues".to_string()
        };
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|&severity| {
            let count = new.iter().filter(|f| f.severity == severity).count();
            (count > 0).then(|| format!("{count} {severity}"))
        })
        .collect();
    truncate(
        &format!(
            "{} new security issue{}: {}",
            new.len(),
            if new.len() == 1 { "" } else { "s" },
            counts.join(", ")
        ),
        255,
    )
}

fn details_text(outcome: &ReviewOutcome) -> String {
    let mut text = String::new();
    if let Some(newer) = &outcome.superseded_by {
        let _ = writeln!(
            text,
            "The pull request moved on to {newer} before this review of {} started; that commit gets its own review.",
            outcome.head_sha
        );
        return text;
    }
    let _ = writeln!(
        text,
        "Compared {} with the merge base {}. Line comments: {} posted now, {} already present; {} thread{} of fixed findings resolved.",
        outcome.head_sha.short(),
        outcome.merge_base.as_ref().map_or("?", |sha| sha.short()),
        outcome.posted,
        outcome.already_posted,
        outcome.resolved,
        if outcome.resolved == 1 { "" } else { "s" },
    );
    if !outcome.rejected.is_empty() {
        let _ = writeln!(
            text,
            "\n#### Comments GitHub rejected ({})\nThese findings are in the annotations and the summary only.\n",
            outcome.rejected.len()
        );
        for rejected in &outcome.rejected {
            let _ = writeln!(
                text,
                "- `{}` line {} ({}): {}",
                rejected.path, rejected.line, rejected.rule, rejected.reason
            );
        }
    }
    if !outcome.warnings.is_empty() {
        let _ = writeln!(text, "\n#### Warnings\n");
        for warning in &outcome.warnings {
            let _ = writeln!(text, "- {warning}");
        }
    }
    truncate(&text, OUTPUT_LIMIT)
}

async fn finish_report(
    client: &GitHubClient,
    repo: &RepoName,
    report: Report,
    outcome: &ReviewOutcome,
    options: &ReviewOptions,
) -> Result<(), GitHubError> {
    let title = title(outcome);
    let summary = if outcome.superseded_by.is_some() {
        format!("### snakeguard: {title}\n")
    } else {
        summary_markdown(
            &SummaryInput {
                new: &outcome.new_findings,
                fixed: outcome.fixed,
                preexisting: outcome.preexisting,
                skipped: &outcome.skipped,
                summary_only: outcome.summary_only,
                files_analysed: outcome.files_analysed,
            },
            OUTPUT_LIMIT,
        )
    };
    match report {
        Report::CheckRun(id) => {
            let annotations: Vec<Annotation> =
                outcome.new_findings.iter().map(annotation).collect();
            let mut batches: Vec<Vec<Annotation>> = annotations
                .chunks(ANNOTATIONS_PER_REQUEST)
                .map(<[Annotation]>::to_vec)
                .collect();
            let last = batches.pop().unwrap_or_default();
            for batch in batches {
                client
                    .update_check_run(
                        repo,
                        id,
                        &CheckRunUpdate {
                            status: None,
                            conclusion: None,
                            output: Some(CheckRunOutput {
                                title: title.clone(),
                                summary: summary.clone(),
                                text: None,
                                annotations: batch,
                            }),
                        },
                    )
                    .await?;
            }
            client
                .update_check_run(
                    repo,
                    id,
                    &CheckRunUpdate {
                        status: Some(CheckStatus::Completed),
                        conclusion: Some(outcome.conclusion),
                        output: Some(CheckRunOutput {
                            title,
                            summary,
                            text: Some(details_text(outcome)),
                            annotations: last,
                        }),
                    },
                )
                .await
        }
        Report::Status => {
            let description = truncate(&title, 140);
            client
                .create_status(
                    repo,
                    &outcome.head_sha,
                    &NewStatus {
                        state: outcome.conclusion.status_state(),
                        context: &options.check_run_name,
                        description: &description,
                        target_url: options.details_url.as_deref(),
                    },
                )
                .await
        }
    }
}

async fn fail_report(
    client: &GitHubClient,
    repo: &RepoName,
    head_sha: &CommitSha,
    report: Report,
    error: &ReviewError,
    options: &ReviewOptions,
) -> Result<(), GitHubError> {
    let advice = match error {
        ReviewError::Config(_) => {
            "Fix `.snakeguard.toml` (or `[tool.snakeguard]` in `pyproject.toml`) on the base branch; the configuration is always read from there, so this pull request cannot change it for its own review."
        }
        ReviewError::GitHub(error) if error.status() == Some(StatusCode::FORBIDDEN) => {
            "The app or token lacks a permission it needs (contents: read, pull requests: write, checks: write)."
        }
        ReviewError::GitHub(_) => {
            "GitHub did not answer as expected. Re-run this check to try again."
        }
        ReviewError::Analysis(_) => {
            "This is a bug in snakeguard; please report it with this message."
        }
    };
    let summary = truncate(
        &format!("### snakeguard could not review this change\n\n**Error:** {error}\n\n{advice}\n"),
        OUTPUT_LIMIT,
    );
    match report {
        Report::CheckRun(id) => {
            client
                .update_check_run(
                    repo,
                    id,
                    &CheckRunUpdate {
                        status: Some(CheckStatus::Completed),
                        conclusion: Some(options.error_conclusion),
                        output: Some(CheckRunOutput {
                            title: "snakeguard could not review this change".to_string(),
                            summary,
                            text: None,
                            annotations: Vec::new(),
                        }),
                    },
                )
                .await
        }
        Report::Status => {
            let description = truncate(&format!("Review failed: {error}"), 140);
            client
                .create_status(
                    repo,
                    head_sha,
                    &NewStatus {
                        state: "error",
                        context: &options.check_run_name,
                        description: &description,
                        target_url: options.details_url.as_deref(),
                    },
                )
                .await
        }
    }
}

async fn upload_sarif(
    client: &GitHubClient,
    repo: &RepoName,
    head_sha: &CommitSha,
    git_ref: &str,
    changes: &ChangeSet,
    outcome: &mut ReviewOutcome,
) {
    let mut report = ScanReport {
        findings: outcome.new_findings.clone(),
        files_scanned: outcome.files_analysed,
        preexisting_hidden: outcome.preexisting,
        ..ScanReport::default()
    };
    for file in &changes.files {
        if let Some(text) = &file.head_text {
            report.keep_source(file.path(), text);
        }
    }
    let mut sarif_log = Vec::new();
    let result = match sarif::write(&report, &ReportOptions::default(), &mut sarif_log) {
        Ok(()) => client
            .upload_sarif(repo, head_sha, git_ref, &sarif_log)
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        Err(error) => Err(error.to_string()),
    };
    if let Err(error) = result {
        outcome
            .warnings
            .push(format!("SARIF upload to code scanning failed: {error}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse_text;
    use crate::rules::Rule;

    #[test]
    fn severities_map_to_annotation_levels() {
        assert_eq!(
            annotation_level(Severity::Critical),
            AnnotationLevel::Failure
        );
        assert_eq!(annotation_level(Severity::High), AnnotationLevel::Failure);
        assert_eq!(annotation_level(Severity::Medium), AnnotationLevel::Warning);
        assert_eq!(annotation_level(Severity::Low), AnnotationLevel::Notice);
    }

    #[test]
    fn annotations_keep_columns_only_on_one_line_and_titles_short() {
        let findings = analyse_text(
            "app.py",
            "import subprocess\nsubprocess.call(\n    cmd, shell=True)\nsubprocess.call(cmd, shell=True)\n",
            &[Rule::ALL.iter().copied().find(|r| r.meta().code == "SG602").unwrap()],
        )
        .findings;
        assert_eq!(findings.len(), 2);
        let mut spanning = findings[0].clone();
        spanning.span.end.line = spanning.span.start.line + 1;
        let multi = annotation(&spanning);
        assert_eq!((multi.start_line, multi.end_line), (2, 3));
        assert_eq!((multi.start_column, multi.end_column), (None, None));
        let single = annotation(&findings[1]);
        assert!(single.start_column.is_some() && single.end_column.is_some());
        assert!(single.title.starts_with("SG602 "));
        assert_eq!(truncate(&"x".repeat(300), 255).chars().count(), 255);
    }

    #[test]
    fn conclusions_follow_fail_on() {
        let findings = analyse_text(
            "app.py",
            "import subprocess\nsubprocess.call(cmd, shell=True)\n",
            &[Rule::ALL
                .iter()
                .copied()
                .find(|r| r.meta().code == "SG602")
                .unwrap()],
        )
        .findings;
        let mut outcome = ReviewOutcome::new(&CommitSha::new("abc"));
        outcome.files_analysed = 1;
        let severity = findings[0].severity;
        assert_eq!(
            conclusion(&findings, &outcome, Some(severity)),
            Conclusion::Failure
        );
        assert_eq!(conclusion(&findings, &outcome, None), Conclusion::Success);
        assert_eq!(
            conclusion(&[], &outcome, Some(Severity::Low)),
            Conclusion::Success
        );
        outcome.files_analysed = 0;
        assert_eq!(
            conclusion(&[], &outcome, Some(Severity::Low)),
            Conclusion::Neutral
        );
    }
}
