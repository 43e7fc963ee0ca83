//! The SQLite backend: one writer thread owning the connection, group commit.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use rusqlite::{Connection, OptionalExtension, Row, params};
use tokio::sync::{mpsc, oneshot};

use super::{
    Delivery, EnqueueOutcome, EnqueuePolicy, Forge, Job, JobId, JobState, NewJob, StoreError,
    StoreOptions, from_millis, to_millis,
};

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

pub(super) enum Command {
    Enqueue {
        delivery: Delivery,
        jobs: Vec<NewJob>,
        reply: Reply<EnqueueOutcome>,
    },
    Claim {
        worker: String,
        lease: Duration,
        reply: Reply<Option<Job>>,
    },
    Renew {
        job: JobId,
        worker: String,
        lease: Duration,
        reply: Reply<bool>,
    },
    Complete {
        job: JobId,
        worker: String,
        reply: Reply<bool>,
    },
    Fail {
        job: JobId,
        worker: String,
        error: String,
        retry_at: Option<SystemTime>,
        reply: Reply<Option<JobState>>,
    },
    Requeue {
        job: JobId,
        reply: Reply<bool>,
    },
    Prune {
        before: SystemTime,
        reply: Reply<(u64, u64)>,
    },
    Get {
        job: JobId,
        reply: Reply<Option<Job>>,
    },
    Depth {
        reply: Reply<Vec<(JobState, u64)>>,
    },
    Ping {
        reply: Reply<()>,
    },
    Close {
        reply: Reply<()>,
    },
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS deliveries (
    forge        TEXT    NOT NULL CHECK (forge IN ('github', 'gitlab')),
    delivery_id  TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (forge, delivery_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    forge           TEXT    NOT NULL CHECK (forge IN ('github', 'gitlab')),
    repo            TEXT    NOT NULL,
    pr_number       INTEGER,
    head_sha        TEXT    NOT NULL,
    base_sha        TEXT,
    installation_id INTEGER,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL
        CHECK (state IN ('pending', 'running', 'done', 'failed', 'superseded')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     INTEGER,
    run_after       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_error      TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_one_pending_per_head
    ON jobs (forge, repo, ifnull(pr_number, -1), head_sha) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS jobs_by_head ON jobs (forge, repo, pr_number, head_sha);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, id);
PRAGMA user_version = 1;
";

const JOB_COLUMNS: &str = "id, forge, repo, pr_number, head_sha, base_sha, installation_id, \
     payload, state, attempts, lease_owner, lease_until, created_at, updated_at, last_error";

pub(super) struct Writer {
    conn: Connection,
    options: StoreOptions,
}

/// A computed answer waiting for the batch's commit.
type Deferred = Box<dyn FnOnce(Option<&str>) + Send>;

fn defer<T: Send + 'static>(reply: Reply<T>, result: Result<T, StoreError>) -> Deferred {
    Box::new(move |commit_error| {
        let result = match commit_error {
            None => result,
            Some(e) => Err(StoreError::Commit(e.to_owned())),
        };
        // The caller may have gone away (request cancelled); nothing to do then.
        let _ = reply.send(result);
    })
}

impl Writer {
    pub(super) fn open(path: &Path, options: StoreOptions) -> Result<Writer, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // WAL: readers never block the writer; FULL: fsync the WAL on every commit.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "SQLite did not switch to WAL mode");
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Writer { conn, options })
    }

    /// Serves commands until every sender is gone or a `Close` arrives.
    pub(super) fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        let mut batch = Vec::with_capacity(self.options.max_batch);
        while let Some(first) = rx.blocking_recv() {
            batch.push(first);
            self.collect(&mut rx, &mut batch);
            let close = self.commit_batch(&mut batch);
            if let Some(reply) = close {
                rx.close();
                let Writer { conn, .. } = self;
                let result = conn.close().map_err(|(_, e)| StoreError::Sqlite(e));
                let _ = reply.send(result);
                return;
            }
        }
    }

    fn collect(&self, rx: &mut mpsc::Receiver<Command>, batch: &mut Vec<Command>) {
        let max = self.options.max_batch.max(1);
        let deadline = Instant::now() + self.options.group_commit_window;
        loop {
            while batch.len() < max {
                match rx.try_recv() {
                    Ok(cmd) => batch.push(cmd),
                    Err(_) => break,
                }
            }
            if batch.len() >= max || Instant::now() >= deadline {
                return;
            }
            std::thread::sleep(Duration::from_micros(50));
        }
    }

    /// Runs `batch` in one transaction and answers every command after the commit. Commands
    /// after a `Close` in the batch are dropped (their callers see `Closed`); the `Close`
    /// reply is returned for the caller to answer once the connection is closed.
    fn commit_batch(&mut self, batch: &mut Vec<Command>) -> Option<Reply<()>> {
        let mut answers: Vec<Deferred> = Vec::with_capacity(batch.len());
        let mut close = None;
        let begin = self.conn.execute_batch("BEGIN IMMEDIATE");
        if let Err(e) = begin {
            let msg = e.to_string();
            for cmd in batch.drain(..) {
                fail_command(cmd, &msg);
            }
            return None;
        }
        for cmd in batch.drain(..) {
            if close.is_some() {
                continue;
            }
            if let Command::Close { reply } = cmd {
                close = Some(reply);
                continue;
            }
            answers.push(self.execute(cmd));
        }
        let commit_error = match self.conn.execute_batch("COMMIT") {
            Ok(()) => None,
            Err(e) => {
                tracing::error!(error = %e, "job store commit failed");
                let _ = self.conn.execute_batch("ROLLBACK");
                Some(e.to_string())
            }
        };
        for answer in answers {
            answer(commit_error.as_deref());
        }
        close
    }

    /// Runs one command inside its own savepoint.
    fn execute(&mut self, cmd: Command) -> Deferred {
        fn guarded<T>(
            conn: &Connection,
            f: impl FnOnce(&Connection) -> Result<T, StoreError>,
        ) -> Result<T, StoreError> {
            conn.execute_batch("SAVEPOINT cmd")?;
            match f(conn) {
                Ok(v) => {
                    conn.execute_batch("RELEASE cmd")?;
                    Ok(v)
                }
                Err(e) => {
                    conn.execute_batch("ROLLBACK TO cmd; RELEASE cmd")?;
                    Err(e)
                }
            }
        }
        let conn = &self.conn;
        let max_attempts = self.options.max_attempts;
        let now = SystemTime::now();
        match cmd {
            Command::Enqueue {
                delivery,
                jobs,
                reply,
            } => defer(reply, guarded(conn, |c| enqueue(c, now, &delivery, &jobs))),
            Command::Claim {
                worker,
                lease,
                reply,
            } => defer(
                reply,
                guarded(conn, |c| claim(c, now, &worker, lease, max_attempts)),
            ),
            Command::Renew {
                job,
                worker,
                lease,
                reply,
            } => defer(
                reply,
                guarded(conn, |c| {
                    let n = c
                        .prepare_cached(
                            "UPDATE jobs SET lease_until = ?1, updated_at = ?2 \
                             WHERE id = ?3 AND state = 'running' AND lease_owner = ?4",
                        )?
                        .execute(params![
                            to_millis(now + lease),
                            to_millis(now),
                            job.0,
                            worker
                        ])?;
                    Ok(n == 1)
                }),
            ),
            Command::Complete { job, worker, reply } => defer(
                reply,
                guarded(conn, |c| {
                    let n = c
                        .prepare_cached(
                            "UPDATE jobs SET state = 'done', lease_owner = NULL, \
                             lease_until = NULL, last_error = NULL, updated_at = ?1 \
                             WHERE id = ?2 AND state = 'running' AND lease_owner = ?3",
                        )?
                        .execute(params![to_millis(now), job.0, worker])?;
                    Ok(n == 1)
                }),
            ),
            Command::Fail {
                job,
                worker,
                error,
                retry_at,
                reply,
            } => defer(
                reply,
                guarded(conn, |c| {
                    fail(c, now, job, &worker, &error, retry_at, max_attempts)
                }),
            ),
            Command::Requeue { job, reply } => {
                defer(reply, guarded(conn, |c| requeue(c, now, job)))
            }
            Command::Prune { before, reply } => defer(
                reply,
                guarded(conn, |c| {
                    let before = to_millis(before);
                    let d = c
                        .prepare_cached("DELETE FROM deliveries WHERE received_at < ?1")?
                        .execute(params![before])?;
                    let j = c
                        .prepare_cached(
                            "DELETE FROM jobs WHERE updated_at < ?1 \
                             AND state IN ('done', 'failed', 'superseded')",
                        )?
                        .execute(params![before])?;
                    Ok((d as u64, j as u64))
                }),
            ),
            Command::Get { job, reply } => defer(reply, get(conn, job)),
            Command::Depth { reply } => defer(reply, depth(conn)),
            Command::Ping { reply } => defer(
                reply,
                conn.query_row("SELECT 1", [], |_| Ok(()))
                    .map_err(StoreError::from),
            ),
            Command::Close { reply } => defer(reply, Ok(())),
        }
    }
}

fn fail_command(cmd: Command, msg: &str) {
    fn send<T>(reply: Reply<T>, msg: &str) {
        let _ = reply.send(Err(StoreError::Commit(msg.to_owned())));
    }
    match cmd {
        Command::Enqueue { reply, .. } => send(reply, msg),
        Command::Claim { reply, .. } | Command::Get { reply, .. } => send(reply, msg),
        Command::Renew { reply, .. }
        | Command::Complete { reply, .. }
        | Command::Requeue { reply, .. } => send(reply, msg),
        Command::Fail { reply, .. } => send(reply, msg),
        Command::Depth { reply } => send(reply, msg),
        Command::Prune { reply, .. } => send(reply, msg),
        Command::Ping { reply } | Command::Close { reply } => send(reply, msg),
    }
}

fn enqueue(
    c: &Connection,
    now: SystemTime,
    delivery: &Delivery,
    jobs: &[NewJob],
) -> Result<EnqueueOutcome, StoreError> {
    let now = to_millis(now);
    let inserted = c
        .prepare_cached(
            "INSERT INTO deliveries (forge, delivery_id, event, received_at) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            delivery.forge.as_str(),
            delivery.id,
            delivery.event,
            now
        ])?;
    if inserted == 0 {
        return Ok(EnqueueOutcome::Duplicate);
    }
    let mut ids = Vec::with_capacity(jobs.len());
    let mut superseded = 0;
    let mut created = 0;
    for job in jobs {
        let pr = job.pr_number.map(|n| n as i64);
        let existing_sql = match job.policy {
            EnqueuePolicy::Coalesce => {
                "SELECT id FROM jobs WHERE forge = ?1 AND repo = ?2 AND pr_number IS ?3 \
                 AND head_sha = ?4 AND state = 'pending' LIMIT 1"
            }
            EnqueuePolicy::IfNew => {
                "SELECT id FROM jobs WHERE forge = ?1 AND repo = ?2 AND pr_number IS ?3 \
                 AND head_sha = ?4 AND state <> 'superseded' ORDER BY id DESC LIMIT 1"
            }
        };
        let existing: Option<i64> = c
            .prepare_cached(existing_sql)?
            .query_row(
                params![job.forge.as_str(), job.repo, pr, job.head_sha],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            ids.push(JobId(id));
            continue;
        }
        if pr.is_some() {
            superseded += c
                .prepare_cached(
                    "UPDATE jobs SET state = 'superseded', updated_at = ?1 \
                     WHERE forge = ?2 AND repo = ?3 AND pr_number = ?4 \
                     AND state = 'pending' AND head_sha <> ?5",
                )?
                .execute(params![now, job.forge.as_str(), job.repo, pr, job.head_sha])?
                as u64;
        }
        let id: i64 = c
            .prepare_cached(
                "INSERT INTO jobs (forge, repo, pr_number, head_sha, base_sha, installation_id, \
                 payload, state, attempts, run_after, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, ?8, ?8) RETURNING id",
            )?
            .query_row(
                params![
                    job.forge.as_str(),
                    job.repo,
                    pr,
                    job.head_sha,
                    job.base_sha,
                    job.installation_id.map(|n| n as i64),
                    serde_json::to_string(&job.payload)?,
                    now
                ],
                |r| r.get(0),
            )?;
        created += 1;
        ids.push(JobId(id));
    }
    Ok(EnqueueOutcome::Enqueued {
        jobs: ids,
        superseded,
        created,
    })
}

fn claim(
    c: &Connection,
    now: SystemTime,
    worker: &str,
    lease: Duration,
    max_attempts: u32,
) -> Result<Option<Job>, StoreError> {
    let now_ms = to_millis(now);
    c.prepare_cached(
        "UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_until = NULL, \
         updated_at = ?1, last_error = 'lease expired after ' || attempts || ' attempts' \
         WHERE state = 'running' AND lease_until < ?1 AND attempts >= ?2",
    )?
    .execute(params![now_ms, max_attempts])?;
    let expired: Option<i64> = c
        .prepare_cached(
            "SELECT id FROM jobs WHERE state = 'running' AND lease_until < ?1 \
             ORDER BY id LIMIT 1",
        )?
        .query_row(params![now_ms], |r| r.get(0))
        .optional()?;
    let id = match expired {
        Some(id) => Some(id),
        None => c
            .prepare_cached(
                "SELECT id FROM jobs WHERE state = 'pending' AND run_after <= ?1 \
                 ORDER BY id LIMIT 1",
            )?
            .query_row(params![now_ms], |r| r.get(0))
            .optional()?,
    };
    let Some(id) = id else { return Ok(None) };
    let sql = format!(
        "UPDATE jobs SET state = 'running', lease_owner = ?1, lease_until = ?2, \
         attempts = attempts + 1, updated_at = ?3 WHERE id = ?4 RETURNING {JOB_COLUMNS}"
    );
    let job = c
        .prepare_cached(&sql)?
        .query_row(params![worker, to_millis(now + lease), now_ms, id], raw_job)?;
    job.into_job().map(Some)
}

fn fail(
    c: &Connection,
    now: SystemTime,
    job: JobId,
    worker: &str,
    error: &str,
    retry_at: Option<SystemTime>,
    max_attempts: u32,
) -> Result<Option<JobState>, StoreError> {
    let held: Option<u32> = c
        .prepare_cached(
            "SELECT attempts FROM jobs WHERE id = ?1 AND state = 'running' AND lease_owner = ?2",
        )?
        .query_row(params![job.0, worker], |r| r.get(0))
        .optional()?;
    let Some(attempts) = held else {
        return Ok(None);
    };
    let state = match retry_at {
        Some(_) if attempts < max_attempts => {
            if pending_twin(c, job)? {
                // A newer request for the same head is already queued; it covers the retry.
                JobState::Superseded
            } else {
                JobState::Pending
            }
        }
        _ => JobState::Failed,
    };
    let run_after = to_millis(retry_at.unwrap_or(now));
    c.prepare_cached(
        "UPDATE jobs SET state = ?1, lease_owner = NULL, lease_until = NULL, last_error = ?2, \
         run_after = ?3, updated_at = ?4 WHERE id = ?5",
    )?
    .execute(params![
        state.as_str(),
        error,
        run_after,
        to_millis(now),
        job.0
    ])?;
    Ok(Some(state))
}

/// Whether another pending job exists for the same head as `job`.
fn pending_twin(c: &Connection, job: JobId) -> Result<bool, StoreError> {
    Ok(c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM jobs j JOIN jobs o ON o.forge = j.forge \
             AND o.repo = j.repo AND o.pr_number IS j.pr_number AND o.head_sha = j.head_sha \
             WHERE j.id = ?1 AND o.id <> j.id AND o.state = 'pending')",
    )?
    .query_row(params![job.0], |r| r.get(0))?)
}

fn requeue(c: &Connection, now: SystemTime, job: JobId) -> Result<bool, StoreError> {
    if pending_twin(c, job)? {
        return Ok(false);
    }
    let now = to_millis(now);
    let n = c
        .prepare_cached(
            "UPDATE jobs SET state = 'pending', attempts = 0, lease_owner = NULL, \
             lease_until = NULL, run_after = ?1, updated_at = ?1 \
             WHERE id = ?2 AND state <> 'pending'",
        )?
        .execute(params![now, job.0])?;
    Ok(n == 1)
}

fn get(c: &Connection, job: JobId) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
    c.prepare_cached(&sql)?
        .query_row(params![job.0], raw_job)
        .optional()?
        .map(RawJob::into_job)
        .transpose()
}

fn depth(c: &Connection) -> Result<Vec<(JobState, u64)>, StoreError> {
    let mut counts: Vec<(JobState, u64)> = JobState::ALL.iter().map(|s| (*s, 0)).collect();
    let mut stmt = c.prepare_cached("SELECT state, count(*) FROM jobs GROUP BY state")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (state, n) = row?;
        let state = JobState::parse(&state)?;
        if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == state) {
            slot.1 = n as u64;
        }
    }
    Ok(counts)
}

/// Columns as read, converted to a [`Job`] outside the row callback so that bad values
/// surface as [`StoreError::Corrupt`].
struct RawJob {
    id: i64,
    forge: String,
    repo: String,
    pr_number: Option<i64>,
    head_sha: String,
    base_sha: Option<String>,
    installation_id: Option<i64>,
    payload: String,
    state: String,
    attempts: i64,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    created_at: i64,
    updated_at: i64,
    last_error: Option<String>,
}

fn raw_job(r: &Row<'_>) -> rusqlite::Result<RawJob> {
    Ok(RawJob {
        id: r.get(0)?,
        forge: r.get(1)?,
        repo: r.get(2)?,
        pr_number: r.get(3)?,
        head_sha: r.get(4)?,
        base_sha: r.get(5)?,
        installation_id: r.get(6)?,
        payload: r.get(7)?,
        state: r.get(8)?,
        attempts: r.get(9)?,
        lease_owner: r.get(10)?,
        lease_until: r.get(11)?,
        created_at: r.get(12)?,
        updated_at: r.get(13)?,
        last_error: r.get(14)?,
    })
}

impl RawJob {
    fn into_job(self) -> Result<Job, StoreError> {
        Ok(Job {
            id: JobId(self.id),
            forge: Forge::parse(&self.forge)?,
            repo: self.repo,
            pr_number: self.pr_number.map(|n| n as u64),
            head_sha: self.head_sha,
            base_sha: self.base_sha,
            installation_id: self.installation_id.map(|n| n as u64),
            payload: serde_json::from_str(&self.payload)?,
            state: JobState::parse(&self.state)?,
            attempts: self.attempts as u32,
            lease_owner: self.lease_owner,
            lease_until: self.lease_until.map(from_millis),
            created_at: from_millis(self.created_at),
            updated_at: from_millis(self.updated_at),
            last_error: self.last_error,
        })
    }
}
