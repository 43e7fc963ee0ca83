//! The webhook receiver of `snakeguard serve`.
//!
//! A request is handled in four steps and nothing else: cap the body, authenticate it
//! (GitHub: HMAC-SHA256 of the raw body against each configured secret; GitLab: the secret
//! token), map the event to review jobs ([`github`], [`gitlab`]), and record the delivery with
//! its jobs in the durable [`JobStore`] — answering only after the commit. Review work is done
//! by workers that claim jobs from the store; no webhook request waits for it.
//!
//! | Answer | When |
//! |---|---|
//! | 202 `{"status":"queued","jobs":[..]}` | delivery recorded, jobs enqueued (or already pending) |
//! | 200 `{"status":"duplicate"}` | delivery id seen before; nothing changed |
//! | 200 `{"status":"ignored","reason":..}` | event/action that needs no review; nothing stored |
//! | 400 | signed, but not the JSON the event promises; nothing stored |
//! | 401 | missing or wrong signature/token; body not parsed, nothing stored |
//! | 413 | body above [`ServerConfig::max_body_bytes`] |
//! | 503 | the store failed; nothing was acknowledged, the sender may redeliver |
//!
//! Routes: `POST /webhooks/github`, `POST /webhooks/gitlab`, `GET /healthz` (process up),
//! `GET /readyz` (the database answers), `GET /metrics` (Prometheus text).

pub mod github;
pub mod gitlab;
pub mod metrics;
mod secret;
pub mod worker;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use sha2::{Digest, Sha256};

use self::github::{Intake, PayloadError};
use self::metrics::{Metrics, Outcome};
pub use self::secret::{Secret, verify_github_signature, verify_gitlab_token};
use crate::store::{Delivery, EnqueueOutcome, Forge, JobStore, StoreError, StoreOptions};

/// GitHub caps webhook payloads at 25 MB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// Accepted GitHub webhook secrets; several while one is being rotated.
    pub github_webhook_secrets: Vec<Secret>,
    /// Accepted GitLab secret tokens.
    pub gitlab_webhook_secrets: Vec<Secret>,
    /// The SQLite database file (created if missing).
    pub database_path: PathBuf,
    pub max_body_bytes: usize,
    pub store: StoreOptions,
    /// Review workers to run in this process (0: only receive and queue).
    pub workers: usize,
    /// Credentials the workers use.
    pub forges: worker::Forges,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            github_webhook_secrets: Vec::new(),
            gitlab_webhook_secrets: Vec::new(),
            database_path: PathBuf::from("snakeguard.db"),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            store: StoreOptions::default(),
            workers: 0,
            forges: worker::Forges::default(),
        }
    }
}

/// Maps a `SNAKEGUARD_DATABASE_URL` value to the SQLite file: `sqlite://PATH`, `sqlite:PATH`
/// or a bare path. PostgreSQL URLs are recognised and refused until that backend exists.
pub fn database_path_from_url(url: &str) -> Result<PathBuf, ServerError> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        return Ok(PathBuf::from(path));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(ServerError::UnsupportedDatabase(
            "postgres (not implemented yet; use an SQLite path)",
        ));
    }
    if url.contains("://") {
        return Err(ServerError::UnsupportedDatabase("unknown URL scheme"));
    }
    Ok(PathBuf::from(url))
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("no webhook secret configured (set SNAKEGUARD_GITHUB_WEBHOOK_SECRET)")]
    NoSecrets,
    #[error("unsupported database: {0}")]
    UnsupportedDatabase(&'static str),
    #[error("could not open the job store: {0}")]
    Store(#[from] StoreError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<StateInner>,
}

struct StateInner {
    store: JobStore,
    github_secrets: Vec<Secret>,
    gitlab_secrets: Vec<Secret>,
    max_body_bytes: usize,
    metrics: Metrics,
}

impl AppState {
    /// Empty secrets are dropped (an empty HMAC key would be a signature anyone can make);
    /// with no secret left for a forge, all of its webhooks are refused with 401.
    pub fn new(
        store: JobStore,
        mut github_secrets: Vec<Secret>,
        mut gitlab_secrets: Vec<Secret>,
        max_body_bytes: usize,
    ) -> AppState {
        github_secrets.retain(|s| !s.is_empty());
        gitlab_secrets.retain(|s| !s.is_empty());
        AppState {
            inner: Arc::new(StateInner {
                store,
                github_secrets,
                gitlab_secrets,
                max_body_bytes,
                metrics: Metrics::default(),
            }),
        }
    }

    pub fn store(&self) -> &JobStore {
        &self.inner.store
    }

    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }
}

/// The HTTP routes, ready to serve.
pub fn router(state: AppState) -> Router {
    let limit = state.inner.max_body_bytes;
    Router::new()
        .route("/webhooks/github", post(github_webhook))
        .route("/webhooks/gitlab", post(gitlab_webhook))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), track_latency))
        .with_state(state)
}

/// Opens the store, listens on `config.listen` and serves until SIGTERM or ctrl-c; in-flight
/// requests are finished and the store is closed (everything acknowledged is committed).
pub async fn serve(config: ServerConfig) -> Result<(), ServerError> {
    serve_with_shutdown(config, shutdown_signal()).await
}

/// [`serve`] with a caller-supplied shutdown trigger.
pub async fn serve_with_shutdown(
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    if config.github_webhook_secrets.is_empty() && config.gitlab_webhook_secrets.is_empty() {
        return Err(ServerError::NoSecrets);
    }
    let store = JobStore::open(&config.database_path, config.store.clone())?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    tracing::info!(
        listen = %listener.local_addr()?,
        database = %config.database_path.display(),
        github_secrets = config.github_webhook_secrets.len(),
        gitlab_secrets = config.gitlab_webhook_secrets.len(),
        "snakeguard serve: listening"
    );
    let state = AppState::new(
        store.clone(),
        config.github_webhook_secrets,
        config.gitlab_webhook_secrets,
        config.max_body_bytes,
    );
    let (stop_workers, stopped) = tokio::sync::watch::channel(false);
    let workers = tokio::spawn(worker::run_workers(
        store.clone(),
        config.forges.clone(),
        config.workers,
        stopped,
    ));
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    // Let workers finish the job in hand; an unfinished one is retried after its lease.
    let _ = stop_workers.send(true);
    if let Err(error) = workers.await {
        tracing::error!(%error, "workers ended abnormally");
    }
    served?;
    store.close().await?;
    tracing::info!("snakeguard serve: stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

async fn track_latency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    state.metrics().request(&path, start.elapsed());
    response
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

fn body_rejection(state: &AppState, forge: &'static str, rejection: BytesRejection) -> Response {
    let status = rejection.status();
    let outcome = if status == StatusCode::PAYLOAD_TOO_LARGE {
        Outcome::TooLarge
    } else {
        Outcome::BadRequest
    };
    state.metrics().delivery(forge, "unverified", outcome);
    tracing::warn!(forge, %status, "webhook body rejected: {}", rejection.body_text());
    reply(status, json!({ "error": rejection.body_text() }))
}

async fn github_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const FORGE: &str = "github";
    let body = match body {
        Ok(b) => b,
        Err(rejection) => return body_rejection(&state, FORGE, rejection),
    };
    let signature = headers.get("x-hub-signature-256").map(|v| v.as_bytes());
    if !verify_github_signature(&state.inner.github_secrets, &body, signature) {
        state
            .metrics()
            .delivery(FORGE, "unverified", Outcome::Unauthorized);
        tracing::warn!(
            delivery = header_str(&headers, "x-github-delivery"),
            signature_present = signature.is_some(),
            "GitHub webhook with a missing or wrong signature"
        );
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "missing or invalid X-Hub-Signature-256" }),
        );
    }
    let event = header_str(&headers, "x-github-event").unwrap_or_default();
    let Some(delivery_id) = header_str(&headers, "x-github-delivery").filter(|d| valid_id(d))
    else {
        state.metrics().delivery(FORGE, event, Outcome::BadRequest);
        return reply(
            StatusCode::BAD_REQUEST,
            json!({ "error": "missing or invalid X-GitHub-Delivery" }),
        );
    };
    if event.is_empty() {
        state.metrics().delivery(FORGE, event, Outcome::BadRequest);
        return reply(
            StatusCode::BAD_REQUEST,
            json!({ "error": "missing X-GitHub-Event" }),
        );
    }
    let intake = github::intake(event, delivery_id, &body);
    let delivery = Delivery {
        forge: Forge::Github,
        id: delivery_id.to_owned(),
        event: event.to_owned(),
    };
    finish(&state, FORGE, delivery, intake).await
}

async fn gitlab_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const FORGE: &str = "gitlab";
    let body = match body {
        Ok(b) => b,
        Err(rejection) => return body_rejection(&state, FORGE, rejection),
    };
    let token = headers.get("x-gitlab-token").map(|v| v.as_bytes());
    if !verify_gitlab_token(&state.inner.gitlab_secrets, token) {
        state
            .metrics()
            .delivery(FORGE, "unverified", Outcome::Unauthorized);
        tracing::warn!(
            token_present = token.is_some(),
            "GitLab webhook with a missing or wrong X-Gitlab-Token"
        );
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "missing or invalid X-Gitlab-Token" }),
        );
    }
    let event = header_str(&headers, "x-gitlab-event").unwrap_or_default();
    let delivery_id = match header_str(&headers, "x-gitlab-event-uuid").filter(|d| valid_id(d)) {
        Some(uuid) => uuid.to_owned(),
        // Older GitLab versions send no UUID: a resend carries the same body, so its hash
        // identifies the delivery.
        None => format!("sha256:{}", hex::encode(Sha256::digest(&body))),
    };
    let instance = header_str(&headers, "x-gitlab-instance");
    let intake = gitlab::intake(event, &delivery_id, instance, &body);
    let delivery = Delivery {
        forge: Forge::Gitlab,
        id: delivery_id,
        event: event.to_owned(),
    };
    finish(&state, FORGE, delivery, intake).await
}

/// Delivery ids are GUIDs; refuse anything long or odd before it reaches the database.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

async fn finish(
    state: &AppState,
    forge: &'static str,
    delivery: Delivery,
    intake: Result<Intake, PayloadError>,
) -> Response {
    let metrics = state.metrics();
    let jobs = match intake {
        Err(e) => {
            metrics.delivery(forge, &delivery.event, Outcome::BadRequest);
            tracing::warn!(forge, delivery = %delivery.id, event = %delivery.event, error = %e,
                "rejected webhook payload");
            return reply(StatusCode::BAD_REQUEST, json!({ "error": e.to_string() }));
        }
        Ok(Intake::Ignore(reason)) => {
            metrics.delivery(forge, &delivery.event, Outcome::Ignored);
            tracing::debug!(forge, delivery = %delivery.id, event = %delivery.event, reason,
                "ignored webhook");
            return reply(
                StatusCode::OK,
                json!({ "status": "ignored", "reason": reason }),
            );
        }
        Ok(Intake::Jobs(jobs)) => jobs,
    };
    let event = delivery.event.clone();
    let id = delivery.id.clone();
    match state.store().record_and_enqueue(delivery, jobs).await {
        Ok(EnqueueOutcome::Enqueued {
            jobs,
            superseded,
            created,
        }) => {
            metrics.delivery(forge, &event, Outcome::Queued);
            metrics.jobs(created, superseded);
            tracing::info!(forge, delivery = %id, %event, ?jobs, created, superseded,
                "webhook queued");
            reply(
                StatusCode::ACCEPTED,
                json!({ "status": "queued", "jobs": jobs }),
            )
        }
        Ok(EnqueueOutcome::Duplicate) => {
            metrics.delivery(forge, &event, Outcome::Duplicate);
            tracing::info!(forge, delivery = %id, %event, "duplicate delivery");
            reply(StatusCode::OK, json!({ "status": "duplicate" }))
        }
        Err(e) => {
            metrics.delivery(forge, &event, Outcome::Error);
            tracing::error!(forge, delivery = %id, %event, error = %e, "could not store delivery");
            reply(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "error": "could not store the delivery; retry later" }),
            )
        }
    }
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

async fn metrics_text(State(state): State<AppState>) -> Response {
    let depth = state.store().queue_depth().await.ok();
    let text = state.metrics().render(depth.as_deref());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(
            database_path_from_url("sqlite:///var/lib/sg.db").unwrap(),
            PathBuf::from("/var/lib/sg.db")
        );
        assert_eq!(
            database_path_from_url("sqlite:sg.db").unwrap(),
            PathBuf::from("sg.db")
        );
        assert_eq!(
            database_path_from_url("snakeguard.db").unwrap(),
            PathBuf::from("snakeguard.db")
        );
        assert!(database_path_from_url("postgres://u@h/db").is_err());
        assert!(database_path_from_url("mysql://h/db").is_err());
    }

    #[test]
    fn config_debug_hides_secrets() {
        let config = ServerConfig {
            github_webhook_secrets: vec![Secret::new("topsecret")],
            ..ServerConfig::default()
        };
        let text = format!("{config:?}");
        assert!(!text.contains("topsecret"));
        assert!(text.contains("***"));
    }

    #[test]
    fn delivery_ids() {
        assert!(valid_id("72d3162e-cc78-11e3-81ab-4c9367dc0958"));
        assert!(valid_id("sha256:abc"));
        assert!(!valid_id(""));
        assert!(!valid_id("a b"));
        assert!(!valid_id(&"a".repeat(129)));
    }
}
