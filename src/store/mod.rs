//! Durable storage for webhook deliveries and review jobs.
//!
//! The webhook handler records each accepted delivery and enqueues review jobs through
//! [`JobStore::record_and_enqueue`]; workers take jobs with [`JobStore::claim`] (a lease),
//! keep them with [`JobStore::renew_lease`] and finish them with [`JobStore::complete`] or
//! [`JobStore::fail`]. A worker that dies (kill -9) simply stops renewing: once its lease runs
//! out the job is claimable again, so every accepted job runs at least once and the review
//! side effects (fingerprint markers, one check run name) make re-runs harmless.
//!
//! # Backend and durability
//! The default backend is an embedded SQLite file in WAL mode with `synchronous = FULL`: a
//! commit returns only after its WAL frames are fsynced, so a delivery that was answered 202
//! survives a crash of the process *and* of the machine. `synchronous = NORMAL` would survive
//! process crashes only and is not used. Durability costs one fsync per commit, so the store
//! does **group commit**: one dedicated writer thread owns the connection; callers send it
//! commands over a channel and await a reply; the thread takes everything that is waiting
//! (plus, optionally, what arrives within [`StoreOptions::group_commit_window`]), runs each
//! command in its own `SAVEPOINT` inside one transaction, commits (one fsync) and only then
//! answers every caller. Under load the batch grows by itself while the previous fsync is in
//! flight, which is how thousands of durable deliveries per second fit on one disk. A command
//! that fails rolls back only its own savepoint; a failed commit fails the whole batch and
//! every caller gets the error (nothing was acknowledged that was not stored).
//!
//! # Schema
//! - `deliveries(forge, delivery_id, event, received_at)`, primary key `(forge, delivery_id)`:
//!   one row per webhook delivery that enqueued work; the key deduplicates redeliveries.
//! - `jobs(id, forge, repo, pr_number, head_sha, base_sha, installation_id, payload, state,
//!   attempts, lease_owner, lease_until, run_after, created_at, updated_at, last_error)`;
//!   `state` is one of `pending`, `running`, `done`, `failed`, `superseded`. A unique partial
//!   index over `(forge, repo, ifnull(pr_number, -1), head_sha) WHERE state = 'pending'` makes
//!   "at most one pending job per PR head" a database invariant. Times are Unix milliseconds.
//!
//! # A PostgreSQL backend later
//! The method set is backend-neutral: every operation is one short transaction keyed by ids.
//! A PostgreSQL `JobStore` would keep the same schema and methods; `record_and_enqueue` becomes
//! `INSERT .. ON CONFLICT DO NOTHING` on deliveries plus the same supersede/insert statements,
//! and `claim` selects the oldest claimable row `FOR UPDATE SKIP LOCKED` so several replicas
//! can claim concurrently without blocking each other. Group commit is then unnecessary
//! (PostgreSQL batches WAL flushes across connections itself). `JobStore` is a concrete type;
//! a second backend would turn it into an enum over the two connections, not a mock trait.

mod sqlite;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use self::sqlite::{Command, Writer};

/// Errors from the job store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("invalid stored value in column {column}: {value}")]
    Corrupt { column: &'static str, value: String },
    #[error("payload is not valid JSON: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("commit failed: {0}")]
    Commit(String),
    #[error("the store's writer thread has stopped")]
    Closed,
    #[error("could not start the store's writer thread: {0}")]
    Thread(#[from] std::io::Error),
}

/// Which forge a delivery or job came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Forge {
    Github,
    Gitlab,
}

impl Forge {
    pub fn as_str(self) -> &'static str {
        match self {
            Forge::Github => "github",
            Forge::Gitlab => "gitlab",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "github" => Ok(Forge::Github),
            "gitlab" => Ok(Forge::Gitlab),
            other => Err(StoreError::Corrupt {
                column: "forge",
                value: other.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Forge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lifecycle of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Pending,
    Running,
    Done,
    Failed,
    Superseded,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Pending,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
        JobState::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        JobState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt {
                column: "state",
                value: s.to_owned(),
            })
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Row id of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub i64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A webhook delivery as recorded for deduplication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub forge: Forge,
    /// `X-GitHub-Delivery`, `X-Gitlab-Event-UUID`, or a hash of the body.
    pub id: String,
    /// The event name (`pull_request`, `Merge Request Hook`, ...).
    pub event: String,
}

/// How an enqueue treats jobs that already exist for the same (forge, repo, PR, head sha).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnqueuePolicy {
    /// Keep a pending job for the same head if there is one, otherwise add a new pending job
    /// (even if that head was reviewed before: an explicit re-request or a base change).
    Coalesce,
    /// Add a job only if this head has no job at all except superseded ones. For automatic
    /// events that duplicate others (GitHub's `check_suite requested` accompanies every
    /// `pull_request synchronize`).
    IfNew,
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub forge: Forge,
    /// `owner/name` on GitHub, the numeric project id on GitLab.
    pub repo: String,
    /// PR (merge request iid); `None` when only the head sha is known and the worker has to
    /// find the pull requests for it. Jobs without a PR never supersede others.
    pub pr_number: Option<u64>,
    pub head_sha: String,
    pub base_sha: Option<String>,
    pub installation_id: Option<u64>,
    /// What the worker needs beyond the columns (a trimmed extract of the webhook body).
    pub payload: serde_json::Value,
    pub policy: EnqueuePolicy,
}

/// Result of [`JobStore::record_and_enqueue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnqueueOutcome {
    /// The delivery was new and is recorded. `jobs` has one entry per requested job: the new
    /// job, or the existing one that already covers the request.
    Enqueued {
        jobs: Vec<JobId>,
        /// How many older pending jobs of the same PRs were superseded.
        superseded: u64,
        /// How many of `jobs` are newly inserted rows.
        created: u64,
    },
    /// The delivery id was seen before; nothing changed.
    Duplicate,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub forge: Forge,
    pub repo: String,
    pub pr_number: Option<u64>,
    pub head_sha: String,
    pub base_sha: Option<String>,
    pub installation_id: Option<u64>,
    pub payload: serde_json::Value,
    pub state: JobState,
    /// Claims so far, including the current one.
    pub attempts: u32,
    pub lease_owner: Option<String>,
    pub lease_until: Option<SystemTime>,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub last_error: Option<String>,
}

/// Tuning of a [`JobStore`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// A job is failed for good once it has been claimed this many times (counting claims
    /// whose lease expired because the worker died).
    pub max_attempts: u32,
    /// After taking the first waiting command, keep collecting for at most this long before
    /// committing. Zero means "commit what is already waiting" (batches still form while the
    /// previous commit is in flight).
    pub group_commit_window: Duration,
    /// Upper bound on commands per transaction.
    pub max_batch: usize,
    /// Commands that may wait for the writer before callers are back-pressured.
    pub queue_capacity: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_attempts: 5,
            group_commit_window: Duration::ZERO,
            max_batch: 512,
            queue_capacity: 8192,
        }
    }
}

/// Handle to the job store. Cheap to clone; all clones share one writer thread, which stops
/// once the last clone is dropped (after finishing what was sent to it).
#[derive(Clone)]
pub struct JobStore {
    inner: Arc<Inner>,
}

struct Inner {
    tx: mpsc::Sender<Command>,
    /// Signalled when jobs are enqueued, so idle workers in this process start at once instead
    /// of at their next poll (workers of other replicas still poll).
    queued: tokio::sync::Notify,
}

impl fmt::Debug for JobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobStore").finish_non_exhaustive()
    }
}

impl JobStore {
    /// Opens (creating if needed) the SQLite database at `path` and starts its writer thread.
    pub fn open(path: &Path, options: StoreOptions) -> Result<JobStore, StoreError> {
        let (tx, rx) = mpsc::channel(options.queue_capacity.max(1));
        let writer = Writer::open(path, options)?;
        std::thread::Builder::new()
            .name("snakeguard-store".into())
            .spawn(move || writer.run(rx))?;
        Ok(JobStore {
            inner: Arc::new(Inner {
                tx,
                queued: tokio::sync::Notify::new(),
            }),
        })
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Command,
    ) -> Result<T, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .tx
            .send(make(reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Records `delivery` and enqueues `jobs` in one transaction, or does nothing and returns
    /// [`EnqueueOutcome::Duplicate`] when the delivery was recorded before. For each job with a
    /// PR: pending jobs of the same PR at another head sha become `superseded`; a pending job at
    /// the same head is kept instead of adding a second one. Returns after the commit is durable.
    pub async fn record_and_enqueue(
        &self,
        delivery: Delivery,
        jobs: Vec<NewJob>,
    ) -> Result<EnqueueOutcome, StoreError> {
        let outcome = self
            .call(|reply| Command::Enqueue {
                delivery,
                jobs,
                reply,
            })
            .await?;
        if let EnqueueOutcome::Enqueued { created, .. } = &outcome {
            for _ in 0..*created {
                self.inner.queued.notify_one();
            }
        }
        Ok(outcome)
    }

    /// Completes when a job was enqueued through this store since the last wake-up (a permit
    /// is kept when nobody waits, so an enqueue between a worker's empty claim and its wait is
    /// not missed).
    pub async fn job_queued(&self) {
        self.inner.queued.notified().await;
    }

    /// Claims the oldest claimable job — pending and due, or running with an expired lease —
    /// for `worker` for `lease`, incrementing its attempts. Jobs whose lease expired after
    /// `max_attempts` claims are marked failed instead.
    pub async fn claim(&self, worker: &str, lease: Duration) -> Result<Option<Job>, StoreError> {
        let worker = worker.to_owned();
        self.call(|reply| Command::Claim {
            worker,
            lease,
            reply,
        })
        .await
    }

    /// Extends the lease of a job `worker` holds. `false` if it no longer holds it (the lease
    /// expired and another worker claimed the job): the caller should stop working on it.
    pub async fn renew_lease(
        &self,
        job: JobId,
        worker: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let worker = worker.to_owned();
        self.call(|reply| Command::Renew {
            job,
            worker,
            lease,
            reply,
        })
        .await
    }

    /// Marks a job `worker` holds as done. `false` if it no longer holds it.
    pub async fn complete(&self, job: JobId, worker: &str) -> Result<bool, StoreError> {
        let worker = worker.to_owned();
        self.call(|reply| Command::Complete { job, worker, reply })
            .await
    }

    /// Records a failed attempt of a job `worker` holds. With `retry_at` and attempts left the
    /// job goes back to pending, due at `retry_at`; otherwise it is failed for good. Returns the
    /// new state, or `None` if `worker` no longer holds the job.
    pub async fn fail(
        &self,
        job: JobId,
        worker: &str,
        error: &str,
        retry_at: Option<SystemTime>,
    ) -> Result<Option<JobState>, StoreError> {
        let worker = worker.to_owned();
        let error = error.to_owned();
        self.call(|reply| Command::Fail {
            job,
            worker,
            error,
            retry_at,
            reply,
        })
        .await
    }

    /// Puts a job back to pending with fresh attempts (manual re-run, or a worker handing a job
    /// back on shutdown). `false` if the job does not exist or another pending job for the same
    /// head already exists.
    pub async fn requeue(&self, job: JobId) -> Result<bool, StoreError> {
        self.call(|reply| Command::Requeue { job, reply }).await
    }

    /// Deletes delivery records received before `before` (GitHub offers redelivery for a few
    /// days; keep a week or so) and finished jobs (done, failed, superseded) last updated
    /// before it. Returns (deliveries, jobs) deleted.
    pub async fn prune(&self, before: SystemTime) -> Result<(u64, u64), StoreError> {
        self.call(|reply| Command::Prune { before, reply }).await
    }

    /// One job by id.
    pub async fn job(&self, job: JobId) -> Result<Option<Job>, StoreError> {
        self.call(|reply| Command::Get { job, reply }).await
    }

    /// Number of jobs in each state (every state listed, zeros included).
    pub async fn queue_depth(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        self.call(|reply| Command::Depth { reply }).await
    }

    /// Round trip through the writer thread and the database (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.call(|reply| Command::Ping { reply }).await
    }

    /// Waits until everything sent before is committed and the database is closed; later calls
    /// on any clone fail with [`StoreError::Closed`].
    pub async fn close(&self) -> Result<(), StoreError> {
        self.call(|reply| Command::Close { reply }).await
    }
}

pub(crate) fn to_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn from_millis(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

#[cfg(test)]
mod tests;
