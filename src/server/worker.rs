//! Workers: claim review jobs from the durable queue and run them against the forge.
//!
//! Each worker claims the oldest runnable job with a lease, renews the lease while the review
//! runs, and completes the job, or fails it with a retry time (bounded by the store's
//! `max_attempts`). A worker that dies mid-job (kill -9) simply stops renewing: its lease
//! expires and another worker runs the job again. Every side effect of a review is idempotent
//! (fingerprint markers, check runs finished on error), so at-least-once is safe.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use crate::forge::github::client::GitHubApp;
use crate::forge::github::review::{ReviewOptions as GitHubReviewOptions, review_pull_request};
use crate::forge::github::types::{CommitSha, PullNumber, RepoName};
use crate::forge::gitlab::{
    GitlabClient, ProjectId, ReviewOptions as GitlabReviewOptions, review_merge_request,
};
use crate::store::{Forge, Job, JobStore};

/// How long a claim lasts before another worker may take the job over.
pub const LEASE: Duration = Duration::from_secs(300);
/// How often an idle worker polls the queue. Jobs enqueued by this process wake a worker at
/// once; polling picks up delayed retries, expired leases and other replicas' jobs.
const IDLE_POLL: Duration = Duration::from_millis(250);

/// The forges this instance can act on.
#[derive(Clone, Default, Debug)]
pub struct Forges {
    pub github: Option<GitHubApp>,
    pub gitlab: Option<GitlabClient>,
}

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("no {0} credentials are configured on this server")]
    NotConfigured(&'static str),
    #[error("job is missing {0}")]
    Incomplete(&'static str),
    #[error("{0}")]
    Review(String),
}

/// Run `count` workers until `shutdown` turns true. Finishes the jobs in progress.
pub async fn run_workers(
    store: JobStore,
    forges: Forges,
    count: usize,
    shutdown: watch::Receiver<bool>,
) {
    if count == 0 {
        return;
    }
    let forges = Arc::new(forges);
    let mut handles = Vec::new();
    for index in 0..count {
        let worker = format!("{}-{index}", hostname_tag());
        handles.push(tokio::spawn(worker_loop(
            store.clone(),
            forges.clone(),
            worker,
            shutdown.clone(),
        )));
    }
    for handle in handles {
        if let Err(error) = handle.await {
            tracing::error!(%error, "worker task ended abnormally");
        }
    }
}

fn hostname_tag() -> String {
    let pid = std::process::id();
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "snakeguard".to_string());
    format!("{host}-{pid}")
}

async fn worker_loop(
    store: JobStore,
    forges: Arc<Forges>,
    worker: String,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        let job = match store.claim(&worker, LEASE).await {
            Ok(Some(job)) => job,
            Ok(None) => {
                tokio::select! {
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                    _ = store.job_queued() => {}
                    _ = shutdown.changed() => {}
                }
                continue;
            }
            Err(error) => {
                tracing::error!(%error, "cannot claim a job");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let span = tracing::info_span!("job", id = job.id.0, forge = job.forge.as_str(), repo = %job.repo, pr = ?job.pr_number, head = %job.head_sha);
        let _guard = span.enter();
        tracing::info!(attempt = job.attempts, "reviewing");
        let renewal = {
            let store = store.clone();
            let worker = worker.clone();
            let id = job.id;
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(LEASE / 3).await;
                    if !matches!(store.renew_lease(id, &worker, LEASE).await, Ok(true)) {
                        return;
                    }
                }
            })
        };
        let result = process(&forges, &job).await;
        renewal.abort();
        match result {
            Ok(summary) => {
                tracing::info!(%summary, "review done");
                if let Err(error) = store.complete(job.id, &worker).await {
                    tracing::error!(%error, "cannot mark the job done");
                }
            }
            Err(error) => {
                let backoff = Duration::from_secs(30u64.saturating_mul(1 << job.attempts.min(6)));
                tracing::warn!(%error, retry_in = ?backoff, "review failed");
                let retry_at = SystemTime::now() + backoff;
                if let Err(store_error) = store
                    .fail(job.id, &worker, &error.to_string(), Some(retry_at))
                    .await
                {
                    tracing::error!(error = %store_error, "cannot record the failure");
                }
            }
        }
    }
}

/// Run one job. Returns a one-line summary.
pub async fn process(forges: &Forges, job: &Job) -> Result<String, JobError> {
    match job.forge {
        Forge::Github => {
            let app = forges
                .github
                .as_ref()
                .ok_or(JobError::NotConfigured("GitHub App"))?;
            let installation = job
                .installation_id
                .ok_or(JobError::Incomplete("an installation id"))?;
            let number = job
                .pr_number
                .ok_or(JobError::Incomplete("a pull request number"))?;
            let repo: RepoName = job
                .repo
                .parse()
                .map_err(|_| JobError::Incomplete("a valid owner/name repository"))?;
            let client = app.installation(installation);
            let outcome = review_pull_request(
                &client,
                &repo,
                PullNumber(number),
                &CommitSha::new(job.head_sha.clone()),
                &GitHubReviewOptions::default(),
            )
            .await
            .map_err(|error| JobError::Review(error.to_string()))?;
            Ok(format!("{} new findings", outcome.new_findings.len()))
        }
        Forge::Gitlab => {
            let client = forges
                .gitlab
                .as_ref()
                .ok_or(JobError::NotConfigured("GitLab"))?;
            let iid = job
                .pr_number
                .ok_or(JobError::Incomplete("a merge request iid"))?;
            let options = GitlabReviewOptions {
                head_sha: Some(job.head_sha.clone()),
                ..GitlabReviewOptions::default()
            };
            let outcome =
                review_merge_request(client, &ProjectId::from(job.repo.as_str()), iid, &options)
                    .await
                    .map_err(|error| JobError::Review(error.to_string()))?;
            Ok(format!("{} new findings", outcome.report.findings.len()))
        }
    }
}
