//! `snakeguard serve` as a GitHub App on a free loopback port, talking to a fake GitHub, with a
//! temporary SQLite queue; and the signed `pull_request` webhook body to send it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::Value;
use snakeguard::forge::github::{GitHubApp, RetryPolicy, Secret as AppKey};
use snakeguard::server::worker::Forges;
use snakeguard::server::{Secret, ServerConfig, ServerError, serve_with_shutdown};

use super::fake_github::{APP_ID, INSTALLATION_ID, PRIVATE_KEY};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A running server; [`AppServer::stop`] shuts it down and checks it ended cleanly.
pub struct AppServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<Result<(), ServerError>>,
    _directory: tempfile::TempDir,
}

impl AppServer {
    /// Starts the server (as the App of `fake_github_url`, verifying `webhook_secret`) and
    /// returns once it accepts connections.
    pub async fn start(
        fake_github_url: &str,
        retry: RetryPolicy,
        workers: usize,
        webhook_secret: &str,
    ) -> AppServer {
        let app =
            GitHubApp::new(fake_github_url, APP_ID, &AppKey::new(PRIVATE_KEY), retry).expect("app");
        let directory = tempfile::tempdir().expect("tempdir");
        let listen = free_address();
        let config = ServerConfig {
            listen,
            github_webhook_secrets: vec![Secret::new(webhook_secret)],
            database_path: directory.path().join("snakeguard.db"),
            workers,
            forges: Forges {
                github: Some(app),
                gitlab: None,
            },
            ..ServerConfig::default()
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_with_shutdown(config, async {
            let _ = stopped.await;
        }));
        let start = Instant::now();
        while std::net::TcpStream::connect(listen).is_err() {
            assert!(start.elapsed() < TIMEOUT, "the server does not listen");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        AppServer {
            url: format!("http://{listen}"),
            stop,
            server,
            _directory: directory,
        }
    }

    /// Shuts the server down; panics unless it stops in time and without an error.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(TIMEOUT, self.server)
            .await
            .expect("server stops")
            .expect("join")
            .expect("serve");
    }
}

fn free_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address")
}

/// The `pull_request` `opened` webhook of pull request `number` of `repo` (`owner/name`) from
/// `base` to `head`, for the fake's installation.
pub fn pull_request_webhook(repo: &str, number: u64, base: &str, head: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/webhooks/pull_request_opened.json");
    let mut body: Value =
        serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("json");
    let (owner, name) = repo.split_once('/').expect("owner/name");
    body["action"] = "opened".into();
    body["number"] = number.into();
    body["pull_request"]["number"] = number.into();
    body["pull_request"]["head"]["sha"] = head.into();
    body["pull_request"]["base"]["sha"] = base.into();
    body["repository"]["full_name"] = repo.into();
    body["repository"]["name"] = name.into();
    body["repository"]["owner"]["login"] = owner.into();
    body["installation"] = serde_json::json!({ "id": INSTALLATION_ID });
    serde_json::to_vec(&body).expect("serialize")
}
