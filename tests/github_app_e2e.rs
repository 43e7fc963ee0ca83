//! `snakeguard serve` as a GitHub App, end to end over real HTTP: a signed `pull_request`
//! webhook goes into the real router, is queued in SQLite, claimed by a worker, and the review
//! and check run appear on the fake GitHub (which checks every call against GitHub's OpenAPI
//! description). A redelivery of the same webhook produces no second review.

mod support;

use std::time::{Duration, Instant};

use snakeguard::forge::github::RetryPolicy;
use snakeguard::server::Secret;
use support::app_server::{AppServer, pull_request_webhook};
use support::fake_github::FakeGitHub;

const REPO: &str = "acme/webapp";
const PR: u64 = 7;
const WEBHOOK_SECRET: &str = "webhook-secret";
const TIMEOUT: Duration = Duration::from_secs(60);

const BASE_APP: &str = "from flask import Flask, request\nimport yaml\n\napp = Flask(__name__)\n\n\ndef legacy(path):\n    with open(path) as handle:\n        return yaml.load(handle)\n";
const HEAD_APP: &str = "from flask import Flask, request\nimport subprocess\nimport yaml\n\napp = Flask(__name__)\n\n\n@app.route(\"/run\")\ndef run():\n    cmd = request.args.get(\"cmd\")\n    return str(subprocess.call(cmd, shell=True))\n\n\ndef legacy(path):\n    with open(path) as handle:\n        return yaml.load(handle)\n";

async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &[u8],
    delivery: &str,
) -> reqwest::StatusCode {
    client
        .post(format!("{url}/webhooks/github"))
        .header("X-GitHub-Event", "pull_request")
        .header("X-GitHub-Delivery", delivery)
        .header(
            "X-Hub-Signature-256",
            Secret::new(WEBHOOK_SECRET).github_signature(body),
        )
        .header("Content-Type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .expect("webhook request")
        .status()
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_to_review_and_check_run_once() {
    let fake = FakeGitHub::start().await;
    let base = fake.commit(REPO, None, &[("app.py", Some(BASE_APP))]);
    let head = fake.commit(REPO, Some(&base), &[("app.py", Some(HEAD_APP))]);
    fake.open_pull_request(REPO, PR, &base, &head);

    let retry = RetryPolicy {
        min_rate_limit_wait: Duration::from_millis(100),
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let server = AppServer::start(&fake.url, retry, 1, WEBHOOK_SECRET).await;
    let url = server.url.clone();
    let client = reqwest::Client::new();

    let body = pull_request_webhook(REPO, PR, &base, &head);
    let status = post(&client, &url, &body, "delivery-1").await;
    assert_eq!(status, reqwest::StatusCode::ACCEPTED);
    wait_for("the check run to complete", || {
        fake.check_runs(REPO)
            .iter()
            .any(|run| run.status == "completed")
    })
    .await;

    // Only the new shell injection is commented on; the old yaml.load is pre-existing.
    let comments = fake.comments(REPO);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(comments[0].body.contains("SG002"), "{}", comments[0].body);
    let runs = fake.check_runs(REPO);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].name, "snakeguard");
    assert_eq!(runs[0].conclusion.as_deref(), Some("failure"));

    // A redelivery (same delivery id) is acknowledged and produces nothing new.
    let status = post(&client, &url, &body, "delivery-1").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.count("POST", "/reviews"), 1);
    assert_eq!(fake.comments(REPO).len(), 1);

    server.stop().await;
    fake.assert_clean();
}
