use std::time::{Duration, SystemTime};

use serde_json::json;

use super::*;

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn open() -> (tempfile::TempDir, JobStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = JobStore::open(&dir.path().join("q.db"), StoreOptions::default()).unwrap();
    (dir, store)
}

fn delivery(id: &str) -> Delivery {
    Delivery {
        forge: Forge::Github,
        id: id.into(),
        event: "pull_request".into(),
    }
}

fn job(pr: Option<u64>, sha: &str, policy: EnqueuePolicy) -> NewJob {
    NewJob {
        forge: Forge::Github,
        repo: "o/r".into(),
        pr_number: pr,
        head_sha: sha.into(),
        base_sha: None,
        installation_id: Some(1),
        payload: json!({"k": "v"}),
        policy,
    }
}

async fn enqueue(store: &JobStore, id: &str, jobs: Vec<NewJob>) -> EnqueueOutcome {
    store.record_and_enqueue(delivery(id), jobs).await.unwrap()
}

fn enqueued(o: EnqueueOutcome) -> (Vec<JobId>, u64, u64) {
    match o {
        EnqueueOutcome::Enqueued {
            jobs,
            superseded,
            created,
        } => (jobs, superseded, created),
        EnqueueOutcome::Duplicate => panic!("duplicate"),
    }
}

async fn depth(store: &JobStore, state: JobState) -> u64 {
    let d = store.queue_depth().await.unwrap();
    d.into_iter().find(|(s, _)| *s == state).unwrap().1
}

#[tokio::test]
async fn duplicate_delivery_changes_nothing() {
    let (_d, s) = open();
    let c = EnqueuePolicy::Coalesce;
    let (ids, _, created) = enqueued(enqueue(&s, "d1", vec![job(Some(1), A, c)]).await);
    assert_eq!(created, 1);
    assert_eq!(
        enqueue(&s, "d1", vec![job(Some(1), B, c)]).await,
        EnqueueOutcome::Duplicate
    );
    assert_eq!(depth(&s, JobState::Pending).await, 1);
    let j = s.job(ids[0]).await.unwrap().unwrap();
    assert_eq!(j.head_sha, A);
    assert_eq!(j.payload, json!({"k": "v"}));
    assert_eq!(j.state, JobState::Pending);
}

#[tokio::test]
async fn same_head_coalesces_new_head_supersedes() {
    let (_d, s) = open();
    let c = EnqueuePolicy::Coalesce;
    let (first, ..) = enqueued(enqueue(&s, "d1", vec![job(Some(1), A, c)]).await);
    let (again, sup, created) = enqueued(enqueue(&s, "d2", vec![job(Some(1), A, c)]).await);
    assert_eq!((again.clone(), sup, created), (first.clone(), 0, 0));
    // Another PR is unaffected; a new head of PR 1 supersedes its pending job.
    enqueue(&s, "d3", vec![job(Some(2), A, c)]).await;
    let (newer, sup, created) = enqueued(enqueue(&s, "d4", vec![job(Some(1), B, c)]).await);
    assert_eq!((sup, created), (1, 1));
    assert_ne!(newer, first);
    let old = s.job(first[0]).await.unwrap().unwrap();
    assert_eq!(old.state, JobState::Superseded);
    assert_eq!(depth(&s, JobState::Pending).await, 2);
}

#[tokio::test]
async fn if_new_skips_heads_that_have_any_job() {
    let (_d, s) = open();
    let (ids, ..) =
        enqueued(enqueue(&s, "d1", vec![job(Some(1), A, EnqueuePolicy::Coalesce)]).await);
    let claimed = s
        .claim("w", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, ids[0]);
    assert!(s.complete(claimed.id, "w").await.unwrap());
    // check_suite requested for the reviewed head: nothing new.
    let (ids2, _, created) =
        enqueued(enqueue(&s, "d2", vec![job(Some(1), A, EnqueuePolicy::IfNew)]).await);
    assert_eq!((ids2, created), (ids.clone(), 0));
    // rerequested: a new run.
    let (ids3, _, created) =
        enqueued(enqueue(&s, "d3", vec![job(Some(1), A, EnqueuePolicy::Coalesce)]).await);
    assert_eq!(created, 1);
    assert_ne!(ids3, ids);
}

#[tokio::test]
async fn sha_only_jobs_dedupe_and_never_supersede() {
    let (_d, s) = open();
    let c = EnqueuePolicy::Coalesce;
    enqueue(&s, "d1", vec![job(Some(1), A, c)]).await;
    let (a, sup, created) = enqueued(enqueue(&s, "d2", vec![job(None, B, c)]).await);
    assert_eq!((sup, created), (0, 1));
    let (b, _, created) = enqueued(enqueue(&s, "d3", vec![job(None, B, c)]).await);
    assert_eq!((b, created), (a, 0));
    assert_eq!(depth(&s, JobState::Pending).await, 2);
}

#[tokio::test]
async fn claim_lease_expiry_and_fencing() {
    let (_d, s) = open();
    enqueue(&s, "d1", vec![job(Some(1), A, EnqueuePolicy::Coalesce)]).await;
    let lease = Duration::from_millis(150);
    let j = s.claim("w1", lease).await.unwrap().unwrap();
    assert_eq!((j.state, j.attempts), (JobState::Running, 1));
    assert_eq!(j.lease_owner.as_deref(), Some("w1"));
    assert!(s.claim("w2", lease).await.unwrap().is_none());
    assert!(s.renew_lease(j.id, "w1", lease).await.unwrap());
    assert!(!s.renew_lease(j.id, "w2", lease).await.unwrap());
    tokio::time::sleep(Duration::from_millis(250)).await;
    // w1 "died": its lease ran out, w2 takes the job over; w1 can no longer finish it.
    let again = s.claim("w2", lease).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (j.id, 2));
    assert!(!s.complete(j.id, "w1").await.unwrap());
    assert!(s.complete(j.id, "w2").await.unwrap());
    assert_eq!(s.job(j.id).await.unwrap().unwrap().state, JobState::Done);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions {
        max_attempts: 2,
        ..StoreOptions::default()
    };
    let s = JobStore::open(&dir.path().join("q.db"), options).unwrap();
    enqueue(&s, "d1", vec![job(Some(1), A, EnqueuePolicy::Coalesce)]).await;
    let j = s
        .claim("w", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    let soon = SystemTime::now() + Duration::from_millis(100);
    let st = s
        .fail(j.id, "w", "502 from GitHub", Some(soon))
        .await
        .unwrap();
    assert_eq!(st, Some(JobState::Pending));
    assert!(
        s.claim("w", Duration::from_secs(60))
            .await
            .unwrap()
            .is_none(),
        "not due yet"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    let j = s
        .claim("w", Duration::from_millis(50))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(j.attempts, 2);
    assert_eq!(j.last_error.as_deref(), Some("502 from GitHub"));
    // The second attempt's worker dies: after the lease the job is failed, not re-claimed.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        s.claim("w", Duration::from_secs(60))
            .await
            .unwrap()
            .is_none()
    );
    let j = s.job(j.id).await.unwrap().unwrap();
    assert_eq!(j.state, JobState::Failed);
    assert!(j.last_error.unwrap().contains("lease expired"));
    // A manual re-run starts over.
    assert!(s.requeue(j.id).await.unwrap());
    let j = s
        .claim("w", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(j.attempts, 1);
    assert_eq!(
        s.fail(j.id, "w", "bad config", None).await.unwrap(),
        Some(JobState::Failed)
    );
}

#[tokio::test]
async fn concurrent_enqueues_are_all_durable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.db");
    let s = JobStore::open(&path, StoreOptions::default()).unwrap();
    let mut tasks = Vec::new();
    for i in 0..200u64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let j = job(
                Some(i % 50),
                if i < 100 { A } else { B },
                EnqueuePolicy::Coalesce,
            );
            s.record_and_enqueue(delivery(&format!("d{i}")), vec![j])
                .await
        }));
    }
    for t in tasks {
        assert!(matches!(
            t.await.unwrap().unwrap(),
            EnqueueOutcome::Enqueued { .. }
        ));
    }
    s.close().await.unwrap();
    assert!(matches!(s.ping().await, Err(StoreError::Closed)));
    let s = JobStore::open(&path, StoreOptions::default()).unwrap();
    // 50 PRs, each with one pending job for the newest head.
    assert_eq!(depth(&s, JobState::Pending).await, 50);
    let c = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 200);
}

#[tokio::test]
async fn prune_keeps_pending_work() {
    let (_d, s) = open();
    let c = EnqueuePolicy::Coalesce;
    enqueue(&s, "d1", vec![job(Some(1), A, c)]).await;
    enqueue(&s, "d2", vec![job(Some(1), B, c)]).await;
    let later = SystemTime::now() + Duration::from_secs(1);
    assert_eq!(s.prune(later).await.unwrap(), (2, 1));
    assert_eq!(depth(&s, JobState::Pending).await, 1);
    assert_eq!(depth(&s, JobState::Superseded).await, 0);
}

#[tokio::test]
async fn an_enqueue_wakes_an_idle_worker_even_if_it_starts_waiting_later() {
    let (_d, s) = open();
    // Nothing queued: no wake-up.
    let idle = tokio::time::timeout(Duration::from_millis(50), s.job_queued()).await;
    assert!(idle.is_err());
    // Enqueued before the worker waits (between its empty claim and its wait): the permit is
    // kept and the wait ends at once.
    enqueue(&s, "d1", vec![job(Some(1), A, EnqueuePolicy::Coalesce)]).await;
    tokio::time::timeout(Duration::from_secs(5), s.job_queued())
        .await
        .expect("woken");
    // A duplicate delivery creates no job and wakes nobody.
    enqueue(&s, "d1", vec![job(Some(1), A, EnqueuePolicy::Coalesce)]).await;
    let idle = tokio::time::timeout(Duration::from_millis(50), s.job_queued()).await;
    assert!(idle.is_err());
}
