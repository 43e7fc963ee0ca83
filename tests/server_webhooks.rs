//! The webhook receiver over real HTTP: the real router on a loopback port, a temporary
//! SQLite database, requests signed the way GitHub signs them, and the stored rows checked
//! directly in the database file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use snakeguard::server::{AppState, DEFAULT_MAX_BODY_BYTES, Secret, router};
use snakeguard::store::{JobState, JobStore, StoreError, StoreOptions};
use tokio::sync::oneshot;

const SECRET: &str = "current-secret";
const OLD_SECRET: &str = "previous-secret";
const GITLAB_TOKEN: &str = "gitlab-token";
const HEAD: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const NEW_HEAD: &str = "0123456789abcdef0123456789abcdef01234567";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/webhooks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Server {
    base: String,
    store: JobStore,
    db: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    client: reqwest::Client,
}

impl Server {
    async fn start(db: &Path) -> Server {
        Self::start_with_limit(db, DEFAULT_MAX_BODY_BYTES).await
    }

    async fn start_with_limit(db: &Path, max_body: usize) -> Server {
        let store = JobStore::open(db, StoreOptions::default()).unwrap();
        let state = AppState::new(
            store.clone(),
            vec![Secret::new(SECRET), Secret::new(OLD_SECRET)],
            vec![Secret::new(GITLAB_TOKEN)],
            max_body,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router(state))
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Server {
            base: format!("http://{addr}"),
            store,
            db: db.to_owned(),
            stop: Some(stop),
            task: Some(task),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
        }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.task.take().unwrap())
            .await
            .expect("server stops")
            .unwrap();
        match self.store.close().await {
            Ok(()) | Err(StoreError::Closed) => {}
            Err(e) => panic!("closing the store: {e}"),
        }
    }

    async fn github(
        &self,
        event: &str,
        delivery: &str,
        body: &[u8],
        secret: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(format!("{}/webhooks/github", self.base))
            .header("content-type", "application/json")
            .header("user-agent", "GitHub-Hookshot/044aadd")
            .header("x-github-event", event)
            .header("x-github-delivery", delivery)
            .body(body.to_vec());
        if let Some(secret) = secret {
            req = req.header(
                "x-hub-signature-256",
                Secret::new(secret).github_signature(body),
            );
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn gitlab(&self, token: &str, uuid: Option<&str>, body: &[u8]) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(format!("{}/webhooks/gitlab", self.base))
            .header("content-type", "application/json")
            .header("x-gitlab-event", "Merge Request Hook")
            .header("x-gitlab-token", token)
            .body(body.to_vec());
        if let Some(uuid) = uuid {
            req = req.header("x-gitlab-event-uuid", uuid);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (resp.status(), resp.text().await.unwrap())
    }

    /// (deliveries, jobs) rows, read from the database file by a separate connection.
    fn rows(&self) -> (i64, i64) {
        rows(&self.db)
    }

    fn jobs(&self) -> Vec<(String, String, i64, String, String)> {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt = c
            .prepare("SELECT forge, repo, pr_number, head_sha, state FROM jobs ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }
}

fn rows(db: &Path) -> (i64, i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    let count = |t: &str| -> i64 {
        c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (count("deliveries"), count("jobs"))
}

fn pr_body(action: &str, head: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&fixture("pull_request_opened.json")).unwrap();
    v["action"] = action.into();
    v["pull_request"]["head"]["sha"] = head.into();
    serde_json::to_vec(&v).unwrap()
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("snakeguard.db");
    (dir, db)
}

#[tokio::test]
async fn signed_pull_request_is_queued_once() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    let body = fixture("pull_request_opened.json");
    let (status, json) = s
        .github("pull_request", "guid-1", &body, Some(SECRET))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{json}");
    assert_eq!(json["status"], "queued");
    assert_eq!(
        s.jobs(),
        vec![(
            "github".into(),
            "Codertocat/Hello-World".into(),
            2,
            HEAD.into(),
            "pending".into()
        )]
    );
    // A redelivery reuses the GUID: acknowledged, nothing new.
    let (status, json) = s
        .github("pull_request", "guid-1", &body, Some(SECRET))
        .await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    assert_eq!(s.rows(), (1, 1));
    // A different delivery for the same head keeps the one pending job.
    let (status, _) = s
        .github("pull_request", "guid-2", &body, Some(SECRET))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(s.rows(), (2, 1));

    let job = s
        .store
        .claim("test", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.installation_id, Some(2311213));
    assert_eq!(job.payload["base"]["ref"], "master");
    assert_eq!(job.payload["delivery"], "guid-1");
    s.stop().await;
}

#[tokio::test]
async fn bad_or_missing_signature_is_401_and_stores_nothing() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    let body = fixture("pull_request_opened.json");
    for secret in [Some("wrong-secret"), None] {
        let (status, _) = s.github("pull_request", "guid-x", &body, secret).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Signature of another body.
    let resp = s
        .client
        .post(format!("{}/webhooks/github", s.base))
        .header("x-github-event", "pull_request")
        .header("x-github-delivery", "guid-y")
        .header(
            "x-hub-signature-256",
            Secret::new(SECRET).github_signature(b"{}"),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Garbage that is not even JSON, unsigned: still 401, not 400 (never parsed).
    let (status, _) = s.github("pull_request", "guid-z", b"{{{", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.rows(), (0, 0));
    // The rejected delivery id was not consumed: the genuine delivery still goes through.
    let (status, _) = s
        .github("pull_request", "guid-x", &body, Some(SECRET))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    s.stop().await;
}

#[tokio::test]
async fn malformed_signed_payloads_are_400_and_store_nothing() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    let mut missing_head: Value =
        serde_json::from_slice(&fixture("pull_request_opened.json")).unwrap();
    missing_head["pull_request"]["head"]
        .as_object_mut()
        .unwrap()
        .remove("sha");
    let missing_head = serde_json::to_vec(&missing_head).unwrap();
    for (i, body) in [
        b"{\"action\": \"opened\", ".to_vec(),
        b"[]".to_vec(),
        br#"{"action":"opened"}"#.to_vec(),
        missing_head,
        pr_body("opened", "not-a-sha"),
    ]
    .iter()
    .enumerate()
    {
        let (status, json) = s
            .github("pull_request", &format!("bad-{i}"), body, Some(SECRET))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "case {i}: {json}");
    }
    // Missing delivery header.
    let body = fixture("pull_request_opened.json");
    let resp = s
        .client
        .post(format!("{}/webhooks/github", s.base))
        .header("x-github-event", "pull_request")
        .header(
            "x-hub-signature-256",
            Secret::new(SECRET).github_signature(&body),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(s.rows(), (0, 0));
    s.stop().await;
}

#[tokio::test]
async fn ignored_events_are_2xx_and_store_nothing() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    let (status, json) = s
        .github("ping", "p-1", &fixture("ping.json"), Some(SECRET))
        .await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("ignored"))
    );
    let (status, _) = s
        .github("star", "p-2", br#"{"action":"created"}"#, Some(SECRET))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .github(
            "pull_request",
            "p-3",
            &pr_body("closed", HEAD),
            Some(SECRET),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.rows(), (0, 0));
    s.stop().await;
}

#[tokio::test]
async fn new_head_supersedes_the_pending_job() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    let (status, _) = s
        .github(
            "pull_request",
            "g-1",
            &pr_body("opened", HEAD),
            Some(SECRET),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _) = s
        .github(
            "pull_request",
            "g-2",
            &pr_body("synchronize", NEW_HEAD),
            Some(SECRET),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let states: Vec<_> = s.jobs().into_iter().map(|j| (j.3, j.4)).collect();
    assert_eq!(
        states,
        vec![
            (HEAD.to_string(), "superseded".to_string()),
            (NEW_HEAD.to_string(), "pending".to_string())
        ]
    );
    // GitHub's check_suite "requested" for the same push adds nothing.
    let suite = serde_json::to_vec(&serde_json::json!({
        "action": "requested",
        "check_suite": {"id": 1, "head_sha": NEW_HEAD, "head_branch": "changes",
                        "pull_requests": [{"number": 2, "head": {"sha": NEW_HEAD, "ref": "changes"},
                                           "base": {"sha": HEAD, "ref": "master"}}]},
        "repository": {"id": 186853002, "full_name": "Codertocat/Hello-World"},
        "installation": {"id": 2311213}
    }))
    .unwrap();
    let (status, _) = s.github("check_suite", "g-3", &suite, Some(SECRET)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(s.rows(), (3, 2));
    s.stop().await;
}

#[tokio::test]
async fn check_run_rerequest_reruns_a_finished_review() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    s.github(
        "pull_request",
        "g-1",
        &pr_body("opened", HEAD),
        Some(SECRET),
    )
    .await;
    let job = s
        .store
        .claim("w", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert!(s.store.complete(job.id, "w").await.unwrap());
    let (status, json) = s
        .github(
            "check_run",
            "g-2",
            &fixture("check_run_rerequested.json"),
            Some(SECRET),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{json}");
    let jobs = s.jobs();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[1].2, 2);
    assert_eq!(jobs[1].3, HEAD);
    assert_eq!(jobs[1].4, "pending");
    s.stop().await;
}

#[tokio::test]
async fn rotated_secret_is_accepted() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    let (status, _) = s
        .github(
            "pull_request",
            "r-1",
            &pr_body("opened", HEAD),
            Some(OLD_SECRET),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(s.rows(), (1, 1));
    s.stop().await;
}

#[tokio::test]
async fn gitlab_token_and_dedupe() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    let body = fixture("gitlab_merge_request_open.json");
    let (status, _) = s.gitlab("wrong", Some("u-1"), &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.rows(), (0, 0));
    let (status, json) = s.gitlab(GITLAB_TOKEN, Some("u-1"), &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{json}");
    let (status, json) = s.gitlab(GITLAB_TOKEN, Some("u-1"), &body).await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    // Without a UUID the body hash identifies the delivery.
    let (status, _) = s.gitlab(GITLAB_TOKEN, None, &body).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _) = s.gitlab(GITLAB_TOKEN, None, &body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.rows(), (2, 1));
    assert_eq!(
        s.jobs()[0],
        (
            "gitlab".into(),
            "1".into(),
            1,
            "da1560886d4f094c3e6c9ef40349f7d38b5d27d7".into(),
            "pending".into()
        )
    );
    // GitHub secrets do not open the GitLab door.
    let (status, _) = s.gitlab(SECRET, Some("u-2"), &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    s.stop().await;
}

#[tokio::test]
async fn body_cap_is_413() {
    let (_dir, db) = temp_db();
    let s = Server::start_with_limit(&db, 1024).await;
    let body = fixture("pull_request_opened.json");
    assert!(body.len() > 1024);
    let (status, _) = s.github("pull_request", "big-1", &body, Some(SECRET)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(s.rows(), (0, 0));
    s.stop().await;
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    assert_eq!(s.get("/healthz").await.0, StatusCode::OK);
    assert_eq!(s.get("/readyz").await.0, StatusCode::OK);
    s.github(
        "pull_request",
        "m-1",
        &pr_body("opened", HEAD),
        Some(SECRET),
    )
    .await;
    s.github(
        "pull_request",
        "m-2",
        &pr_body("opened", HEAD),
        Some("nope"),
    )
    .await;
    let (status, text) = s.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    for line in [
        "snakeguard_webhook_deliveries_total{forge=\"github\",event=\"pull_request\",outcome=\"queued\"} 1",
        "snakeguard_webhook_deliveries_total{forge=\"github\",event=\"unverified\",outcome=\"unauthorized\"} 1",
        "snakeguard_jobs_enqueued_total 1",
        "snakeguard_jobs{state=\"pending\"} 1",
        "snakeguard_http_request_duration_seconds_count{route=\"/webhooks/github\"} 2",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
    // Once the store is gone the service is not ready (but still healthy).
    s.store.close().await.unwrap();
    assert_eq!(s.get("/readyz").await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(s.get("/healthz").await.0, StatusCode::OK);
    let (status, _) = s
        .github(
            "pull_request",
            "m-3",
            &pr_body("opened", NEW_HEAD),
            Some(SECRET),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    s.stop().await;
}

#[tokio::test]
async fn jobs_survive_restart_and_a_dead_workers_lease_expires() {
    let (_dir, db) = temp_db();
    let s = Server::start(&db).await;
    for (i, head) in [HEAD, NEW_HEAD].iter().enumerate() {
        let mut v: Value = serde_json::from_slice(&pr_body("opened", head)).unwrap();
        v["number"] = (10 + i).into();
        let body = serde_json::to_vec(&v).unwrap();
        let (status, _) = s
            .github("pull_request", &format!("k-{i}"), &body, Some(SECRET))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    // A worker claims the first job with a short lease and then "is killed -9": it never
    // completes, renews or fails the job.
    let claimed = s
        .store
        .claim("doomed-worker", Duration::from_millis(300))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.pr_number, Some(10));
    s.stop().await;

    let s = Server::start(&db).await;
    let depth = s.store.queue_depth().await.unwrap();
    assert!(depth.contains(&(JobState::Pending, 1)), "{depth:?}");
    assert!(depth.contains(&(JobState::Running, 1)), "{depth:?}");
    // Before the lease runs out only the other job is claimable.
    let other = s
        .store
        .claim("w2", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.pr_number, Some(11));
    assert!(
        s.store
            .claim("w2", Duration::from_secs(60))
            .await
            .unwrap()
            .is_none()
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let again = s
        .store
        .claim("w2", Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (claimed.id, 2));
    assert!(s.store.complete(again.id, "w2").await.unwrap());
    assert!(s.store.complete(other.id, "w2").await.unwrap());
    s.stop().await;
    assert_eq!(rows(&db), (2, 2));
}
