//! [`GitHubClient`]: the REST and GraphQL calls snakeguard makes, over octocrab's HTTP stack.
//!
//! octocrab gives us the connection pool, TLS, timeouts and the base-URI handling (GitHub.com,
//! GitHub Enterprise Server at `https://HOST/api/v3`, or a test fake). Authentication, paging,
//! retries and error mapping are ours:
//!
//! * **Auth.** A [`GitHubApp`] signs an RS256 JWT (`iat` = now − 60 s, `exp` = `iat` + 9 min,
//!   `iss` = app id) and exchanges it for installation tokens, cached per installation until
//!   five minutes before `expires_at`. A plain token (the Actions `GITHUB_TOKEN`) works too.
//!   Keys and tokens live in [`Secret`], whose `Debug` prints `***`.
//! * **Paging.** Explicit `page`/`per_page` query parameters on relative routes, never the
//!   `Link` header's absolute URL (octocrab drops the token for hosts other than api.github.com).
//! * **Retries.** octocrab's retry layer is not compiled in. Requests that are safe to replay
//!   (GETs, GraphQL queries, check-run updates) are retried on 5xx and connection errors with
//!   exponential backoff. Creating reviews and comments is never replayed here: the caller
//!   re-lists what exists first. Rate limits (429, or 403 with rate-limit headers) are waited
//!   out for every request, since GitHub did not act on them: `retry-after`, else
//!   `x-ratelimit-reset`, else at least [`RetryPolicy::min_rate_limit_wait`].

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, HeaderMap, USER_AGENT};
use http::{Method, StatusCode};
use http_body_util::BodyExt as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use octocrab::Octocrab;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::types::{
    CheckRunId, CheckRunUpdate, CommitSha, NewCheckRun, NewReview, NewReviewComment, NewStatus,
    PullNumber, PullRequest, PullRequestFile, RepoName, Review, ReviewComment, ReviewThread,
    TreeEntry,
};

/// GitHub's JSON media type.
const JSON: &str = "application/vnd.github+json";
/// File contents as raw bytes (works up to 100 MB; the JSON form stops at 1 MB).
const RAW: &str = "application/vnd.github.raw+json";
/// GitHub never lists more files for a pull request.
pub const MAX_PULL_REQUEST_FILES: usize = 3000;
/// Safety stop for listing review comments (100 per page).
const MAX_COMMENT_PAGES: u32 = 100;

pub use crate::forge::secret::Secret;

/// How a client authenticates.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// A GitHub App acting as one of its installations.
    App {
        app_id: u64,
        /// The app's private key (PEM, PKCS#1 as GitHub issues it, or PKCS#8).
        private_key: Secret,
        installation_id: u64,
    },
    /// A token used as is (`GITHUB_TOKEN` in Actions, a personal access token).
    Token(Secret),
}

/// Retry and rate-limit behaviour.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request for 5xx and connection errors (of replay-safe requests).
    pub max_attempts: u32,
    /// First backoff; doubled per attempt up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Waits for rate limits per request before giving up.
    pub max_rate_limit_waits: u32,
    /// Wait when a rate limit carries neither `retry-after` nor `x-ratelimit-reset`
    /// (GitHub asks for at least a minute; tests make it short).
    pub min_rate_limit_wait: Duration,
    /// Give up rather than wait longer than this for one rate limit.
    pub max_rate_limit_wait: Duration,
    /// Per-request timeouts (connect and read).
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_rate_limit_waits: 3,
            min_rate_limit_wait: Duration::from_secs(60),
            max_rate_limit_wait: Duration::from_secs(15 * 60),
            timeout: Duration::from_secs(60),
        }
    }
}

/// What went wrong talking to GitHub.
#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    /// GitHub answered with an error status.
    #[error("GitHub answered {status} to {method} {route}: {message}")]
    Api {
        method: Method,
        route: String,
        status: StatusCode,
        /// GitHub's `message`, with its `errors` details when present.
        message: String,
    },
    /// Still rate limited after waiting as long as the policy allows.
    #[error("GitHub rate limit on {method} {route}: {message}")]
    RateLimited {
        method: Method,
        route: String,
        message: String,
    },
    /// No answer (connection refused, reset, timeout).
    #[error("could not reach GitHub for {method} {route}: {message}")]
    Transport {
        method: Method,
        route: String,
        message: String,
    },
    /// An answer we could not understand.
    #[error("unexpected answer from GitHub to {method} {route}: {message}")]
    Decode {
        method: Method,
        route: String,
        message: String,
    },
    /// GraphQL answered 200 with `errors`.
    #[error("GitHub GraphQL error: {0}")]
    GraphQl(String),
    /// Bad configuration (key, URL).
    #[error("GitHub client setup: {0}")]
    Setup(String),
}

impl GitHubError {
    /// The HTTP status GitHub answered with, if it answered with an error status.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            GitHubError::Api { status, .. } => Some(*status),
            GitHubError::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            _ => None,
        }
    }

    /// Whether the request may or may not have been carried out (a 5xx or lost connection):
    /// before sending it again, look at what exists.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            GitHubError::Api { status, .. } => status.is_server_error(),
            GitHubError::Transport { .. } => true,
            _ => false,
        }
    }
}

/// Whether a request may be sent again after a 5xx or a lost connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    Safe,
    Never,
}

/// One request.
struct Call<'a> {
    method: Method,
    route: String,
    body: Option<Value>,
    accept: &'a str,
    replay: Replay,
}

/// One answer.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// The HTTP stack shared by every client of one GitHub host.
struct Transport {
    octocrab: Octocrab,
    retry: RetryPolicy,
}

impl Transport {
    fn new(api_url: &str, retry: RetryPolicy) -> Result<Arc<Transport>, GitHubError> {
        let base = api_url.trim_end_matches('/');
        let octocrab = Octocrab::builder()
            .base_uri(base)
            .map_err(|e| GitHubError::Setup(format!("invalid GitHub API URL `{base}`: {e}")))?
            .add_header(
                USER_AGENT,
                concat!("snakeguard/", env!("CARGO_PKG_VERSION")).to_string(),
            )
            .set_connect_timeout(Some(retry.timeout))
            .set_read_timeout(Some(retry.timeout))
            .build()
            .map_err(|e| GitHubError::Setup(e.to_string()))?;
        Ok(Arc::new(Transport { octocrab, retry }))
    }

    /// Send once, no retries.
    async fn once(&self, call: &Call<'_>, authorization: &str) -> Result<Reply, String> {
        let mut authorization = http::HeaderValue::from_str(authorization)
            .map_err(|_| "the token is not a valid header value".to_string())?;
        authorization.set_sensitive(true);
        let builder = http::Request::builder()
            .method(call.method.clone())
            .uri(call.route.as_str())
            .header(ACCEPT, call.accept)
            .header(AUTHORIZATION, authorization);
        let request = self
            .octocrab
            .build_request(builder, call.body.as_ref())
            .map_err(|e| e.to_string())?;
        let response = self
            .octocrab
            .execute(request)
            .await
            .map_err(|e| error_chain(&e))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| error_chain(&e))?
            .to_bytes();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// A cached installation token.
struct CachedToken {
    token: Secret,
    /// Refresh from this moment on (5 minutes before GitHub's `expires_at`).
    refresh_at: SystemTime,
}

struct AppInner {
    transport: Arc<Transport>,
    app_id: u64,
    key: EncodingKey,
    tokens: tokio::sync::Mutex<HashMap<u64, CachedToken>>,
}

/// A GitHub App: signs JWTs and hands out clients for its installations, sharing one token
/// cache. Cheap to clone.
#[derive(Clone)]
pub struct GitHubApp {
    inner: Arc<AppInner>,
}

impl fmt::Debug for GitHubApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitHubApp")
            .field("app_id", &self.inner.app_id)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Serialize)]
struct Claims {
    iat: u64,
    exp: u64,
    iss: String,
}

impl GitHubApp {
    /// Must be called inside a Tokio runtime (octocrab's HTTP stack spawns on it).
    pub fn new(
        api_url: &str,
        app_id: u64,
        private_key: &Secret,
        retry: RetryPolicy,
    ) -> Result<Self, GitHubError> {
        let key = EncodingKey::from_rsa_pem(private_key.expose().as_bytes()).map_err(|e| {
            GitHubError::Setup(format!(
                "the GitHub App private key is not an RSA PEM key: {e}"
            ))
        })?;
        Ok(GitHubApp {
            inner: Arc::new(AppInner {
                transport: Transport::new(api_url, retry)?,
                app_id,
                key,
                tokens: tokio::sync::Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn app_id(&self) -> u64 {
        self.inner.app_id
    }

    /// A fresh app JWT (RS256; `iat` 60 s in the past for clock skew; valid 10 minutes
    /// counted from `iat`, the most GitHub accepts).
    pub fn jwt(&self) -> Result<Secret, GitHubError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let iat = now.saturating_sub(60);
        let claims = Claims {
            iat,
            exp: iat + 9 * 60,
            iss: self.inner.app_id.to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.inner.key)
            .map(Secret::new)
            .map_err(|e| GitHubError::Setup(format!("signing the app JWT: {e}")))
    }

    /// A client acting as installation `installation_id`.
    pub fn installation(&self, installation_id: u64) -> GitHubClient {
        GitHubClient {
            transport: self.inner.transport.clone(),
            auth: Auth::Installation {
                app: self.clone(),
                installation_id,
            },
        }
    }

    /// The installation token, from the cache while it has more than 5 minutes left.
    async fn installation_token(&self, installation_id: u64) -> Result<Secret, GitHubError> {
        let mut tokens = self.inner.tokens.lock().await;
        if let Some(cached) = tokens.get(&installation_id)
            && SystemTime::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        #[derive(Deserialize)]
        struct AccessToken {
            token: String,
            expires_at: String,
        }
        let jwt = self.jwt()?;
        let call = Call {
            method: Method::POST,
            route: format!("/app/installations/{installation_id}/access_tokens"),
            body: None,
            accept: JSON,
            replay: Replay::Safe,
        };
        let reply = send(&self.inner.transport, &call, &mut || {
            let header = format!("Bearer {}", jwt.expose());
            async move { Ok(header) }
        })
        .await?;
        let token: AccessToken = decode(&call, &reply)?;
        let expires_at = chrono::DateTime::parse_from_rfc3339(&token.expires_at)
            .map(|at| {
                UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).unwrap_or_default())
            })
            .unwrap_or_else(|_| SystemTime::now() + Duration::from_secs(3600));
        let refresh_at = expires_at
            .checked_sub(Duration::from_secs(5 * 60))
            .unwrap_or(UNIX_EPOCH);
        let secret = Secret::new(token.token);
        tokens.insert(
            installation_id,
            CachedToken {
                token: secret.clone(),
                refresh_at,
            },
        );
        tracing::debug!(installation_id, "new installation token");
        Ok(secret)
    }

    async fn forget_token(&self, installation_id: u64) {
        self.inner.tokens.lock().await.remove(&installation_id);
    }
}

#[derive(Clone)]
enum Auth {
    Installation {
        app: GitHubApp,
        installation_id: u64,
    },
    Token(Secret),
}

/// A client for one installation (or one token). Cheap to clone.
#[derive(Clone)]
pub struct GitHubClient {
    transport: Arc<Transport>,
    auth: Auth,
}

impl fmt::Debug for GitHubClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.auth {
            Auth::Installation {
                app,
                installation_id,
            } => f
                .debug_struct("GitHubClient")
                .field("app_id", &app.app_id())
                .field("installation_id", installation_id)
                .finish(),
            Auth::Token(_) => f
                .debug_struct("GitHubClient")
                .field("token", &"***")
                .finish(),
        }
    }
}

/// Sends with retries. `authorization` is asked for a header value before every attempt
/// (installation tokens can be refreshed in between).
async fn send<F, Fut>(
    transport: &Transport,
    call: &Call<'_>,
    authorization: &mut F,
) -> Result<Reply, GitHubError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<String, GitHubError>>,
{
    let policy = &transport.retry;
    let mut attempt = 0u32;
    let mut rate_limit_waits = 0u32;
    loop {
        attempt += 1;
        let header = authorization().await?;
        match transport.once(call, &header).await {
            Err(message) => {
                if call.replay == Replay::Safe && attempt < policy.max_attempts {
                    let wait = backoff(policy, attempt);
                    tracing::warn!(method = %call.method, route = %call.route, %message, ?wait, "GitHub unreachable, retrying");
                    tokio::time::sleep(wait).await;
                    continue;
                }
                return Err(GitHubError::Transport {
                    method: call.method.clone(),
                    route: call.route.clone(),
                    message,
                });
            }
            Ok(reply) if reply.status.is_success() => return Ok(reply),
            Ok(reply) if is_rate_limited(&reply) => {
                let wait = rate_limit_wait(&reply.headers, policy, rate_limit_waits + 1);
                if rate_limit_waits >= policy.max_rate_limit_waits
                    || wait > policy.max_rate_limit_wait
                {
                    return Err(GitHubError::RateLimited {
                        method: call.method.clone(),
                        route: call.route.clone(),
                        message: format!(
                            "{} (would have to wait {} s more)",
                            error_message(&reply.body),
                            wait.as_secs()
                        ),
                    });
                }
                rate_limit_waits += 1;
                attempt -= 1;
                tracing::warn!(method = %call.method, route = %call.route, ?wait, "rate limited by GitHub, waiting");
                tokio::time::sleep(wait).await;
            }
            Ok(reply)
                if reply.status.is_server_error()
                    && call.replay == Replay::Safe
                    && attempt < policy.max_attempts =>
            {
                let wait = backoff(policy, attempt);
                tracing::warn!(method = %call.method, route = %call.route, status = %reply.status, ?wait, "GitHub server error, retrying");
                tokio::time::sleep(wait).await;
            }
            Ok(reply) => return Err(api_error(call, &reply)),
        }
    }
}

fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(16);
    policy
        .initial_backoff
        .saturating_mul(factor)
        .min(policy.max_backoff)
}

/// 429, or a 403 that says it is a rate limit (GitHub uses both for secondary limits).
fn is_rate_limited(reply: &Reply) -> bool {
    match reply.status {
        StatusCode::TOO_MANY_REQUESTS => true,
        StatusCode::FORBIDDEN => {
            reply.headers.contains_key("retry-after")
                || reply
                    .headers
                    .get("x-ratelimit-remaining")
                    .is_some_and(|v| v.as_bytes() == b"0")
                || error_message(&reply.body)
                    .to_ascii_lowercase()
                    .contains("rate limit")
        }
        _ => false,
    }
}

/// `retry-after`, else `x-ratelimit-reset`, else the policy's minimum with backoff.
fn rate_limit_wait(headers: &HeaderMap, policy: &RetryPolicy, wait_number: u32) -> Duration {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if let Some(seconds) = header("retry-after") {
        return Duration::from_secs(seconds);
    }
    if let Some(reset) = header("x-ratelimit-reset") {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        return Duration::from_secs(reset.saturating_sub(now) + 1);
    }
    let factor = 1u32 << wait_number.saturating_sub(1).min(8);
    policy.min_rate_limit_wait.saturating_mul(factor)
}

/// GitHub's `message` plus its `errors` details, or the start of the body.
fn error_message(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            let mut message = value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("(no message)")
                .to_string();
            if let Some(errors) = value.get("errors").filter(|e| !e.is_null()) {
                message.push_str(&format!(" {errors}"));
            }
            message
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            text.chars().take(200).collect()
        }
    }
}

fn api_error(call: &Call<'_>, reply: &Reply) -> GitHubError {
    GitHubError::Api {
        method: call.method.clone(),
        route: call.route.clone(),
        status: reply.status,
        message: error_message(&reply.body),
    }
}

fn decode<T: DeserializeOwned>(call: &Call<'_>, reply: &Reply) -> Result<T, GitHubError> {
    serde_json::from_slice(&reply.body).map_err(|e| GitHubError::Decode {
        method: call.method.clone(),
        route: call.route.clone(),
        message: e.to_string(),
    })
}

/// Percent-encodes a repository path for a URL path (keeping `/`).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Percent-encodes one query value or path segment.
fn encode_component(value: &str) -> String {
    encode_path(value).replace('/', "%2F")
}

impl GitHubClient {
    /// A client for installation `installation_id` of an app, or for a plain token. Must be
    /// called inside a Tokio runtime. `api_url`: `https://api.github.com`, or
    /// `https://HOST/api/v3` for GitHub Enterprise Server.
    pub fn new(
        api_url: &str,
        credentials: Credentials,
        retry: RetryPolicy,
    ) -> Result<Self, GitHubError> {
        match credentials {
            Credentials::App {
                app_id,
                private_key,
                installation_id,
            } => {
                Ok(GitHubApp::new(api_url, app_id, &private_key, retry)?
                    .installation(installation_id))
            }
            Credentials::Token(token) => Ok(GitHubClient {
                transport: Transport::new(api_url, retry)?,
                auth: Auth::Token(token),
            }),
        }
    }

    async fn request(&self, call: &Call<'_>) -> Result<Reply, GitHubError> {
        let mut unauthorized_retry_done = false;
        loop {
            let result = send(&self.transport, call, &mut || async {
                match &self.auth {
                    Auth::Token(token) => Ok(format!("Bearer {}", token.expose())),
                    Auth::Installation {
                        app,
                        installation_id,
                    } => Ok(format!(
                        "Bearer {}",
                        app.installation_token(*installation_id).await?.expose()
                    )),
                }
            })
            .await;
            // A revoked or expired installation token: fetch a new one once.
            if let (
                Err(GitHubError::Api { status, .. }),
                Auth::Installation {
                    app,
                    installation_id,
                },
            ) = (&result, &self.auth)
                && *status == StatusCode::UNAUTHORIZED
                && !unauthorized_retry_done
            {
                unauthorized_retry_done = true;
                app.forget_token(*installation_id).await;
                continue;
            }
            return result;
        }
    }

    async fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, GitHubError> {
        let reply = self.request(&call).await?;
        decode(&call, &reply)
    }

    fn get(route: String) -> Call<'static> {
        Call {
            method: Method::GET,
            route,
            body: None,
            accept: JSON,
            replay: Replay::Safe,
        }
    }

    fn write(method: Method, route: String, body: Value, replay: Replay) -> Call<'static> {
        Call {
            method,
            route,
            body: Some(body),
            accept: JSON,
            replay,
        }
    }

    /// `GET /repos/{o}/{r}/pulls/{n}`.
    pub async fn pull_request(
        &self,
        repo: &RepoName,
        number: PullNumber,
    ) -> Result<PullRequest, GitHubError> {
        self.json(Self::get(format!("/repos/{repo}/pulls/{number}")))
            .await
    }

    /// `GET /repos/{o}/{r}/pulls/{n}/files`, page by page (100 each), at most `max_files`
    /// (GitHub itself stops at 3000).
    pub async fn pull_request_files(
        &self,
        repo: &RepoName,
        number: PullNumber,
        max_files: usize,
    ) -> Result<Vec<PullRequestFile>, GitHubError> {
        let max_files = max_files.min(MAX_PULL_REQUEST_FILES);
        let mut files = Vec::new();
        for page in 1.. {
            let batch: Vec<PullRequestFile> = self
                .json(Self::get(format!(
                    "/repos/{repo}/pulls/{number}/files?per_page=100&page={page}"
                )))
                .await?;
            let full = batch.len() == 100;
            files.extend(batch);
            if !full || files.len() >= max_files {
                break;
            }
        }
        files.truncate(max_files);
        Ok(files)
    }

    /// The merge base of `base` and `head` (compare API's `merge_base_commit`).
    pub async fn merge_base(
        &self,
        repo: &RepoName,
        base: &str,
        head: &str,
    ) -> Result<CommitSha, GitHubError> {
        #[derive(Deserialize)]
        struct Commit {
            sha: CommitSha,
        }
        #[derive(Deserialize)]
        struct Comparison {
            merge_base_commit: Commit,
        }
        let comparison: Comparison = self
            .json(Self::get(format!(
                "/repos/{repo}/compare/{}...{}?per_page=1&page=1",
                encode_component(base),
                encode_component(head)
            )))
            .await?;
        Ok(comparison.merge_base_commit.sha)
    }

    /// A file's bytes at `git_ref`; `None` when it does not exist there. Uses the contents
    /// API with the raw media type, and the blob API when GitHub refuses (very large files).
    pub async fn file_at(
        &self,
        repo: &RepoName,
        path: &str,
        git_ref: &str,
    ) -> Result<Option<Vec<u8>>, GitHubError> {
        let route = format!(
            "/repos/{repo}/contents/{}?ref={}",
            encode_path(path),
            encode_component(git_ref)
        );
        let call = Call {
            accept: RAW,
            ..Self::get(route.clone())
        };
        match self.request(&call).await {
            Ok(reply) => Ok(Some(reply.body.to_vec())),
            Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => Ok(None),
            Err(error)
                if matches!(
                    error.status(),
                    Some(StatusCode::FORBIDDEN | StatusCode::PAYLOAD_TOO_LARGE)
                ) =>
            {
                // Too large for the contents API: find the blob and read it instead.
                #[derive(Deserialize)]
                struct Entry {
                    sha: String,
                }
                let entry: Entry = self.json(Self::get(route)).await.map_err(|_| error)?;
                self.blob(repo, &entry.sha).await.map(Some)
            }
            Err(error) => Err(error),
        }
    }

    /// Every file of the tree of `commit` (`GET /repos/{o}/{r}/git/trees/{sha}?recursive=1`)
    /// and whether GitHub truncated the listing (it stops at 100,000 entries / 7 MB).
    pub async fn tree(
        &self,
        repo: &RepoName,
        commit: &str,
    ) -> Result<(Vec<TreeEntry>, bool), GitHubError> {
        #[derive(Deserialize)]
        struct Tree {
            tree: Vec<TreeEntry>,
            truncated: bool,
        }
        let tree: Tree = self
            .json(Self::get(format!(
                "/repos/{repo}/git/trees/{}?recursive=1",
                encode_component(commit)
            )))
            .await?;
        let files = tree
            .tree
            .into_iter()
            .filter(|entry| entry.kind == "blob")
            .collect();
        Ok((files, tree.truncated))
    }

    /// `GET /repos/{o}/{r}/git/blobs/{sha}` (any size up to 100 MB), decoded.
    pub async fn blob(&self, repo: &RepoName, sha: &str) -> Result<Vec<u8>, GitHubError> {
        #[derive(Deserialize)]
        struct Blob {
            content: String,
            encoding: String,
        }
        let call = Self::get(format!("/repos/{repo}/git/blobs/{}", encode_component(sha)));
        let blob: Blob = self.json(Self::get(call.route.clone())).await?;
        match blob.encoding.as_str() {
            "base64" => {
                let compact: String = blob.content.split_whitespace().collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|e| GitHubError::Decode {
                        method: Method::GET,
                        route: call.route,
                        message: format!("blob is not valid base64: {e}"),
                    })
            }
            "utf-8" => Ok(blob.content.into_bytes()),
            other => Err(GitHubError::Decode {
                method: Method::GET,
                route: call.route,
                message: format!("unknown blob encoding `{other}`"),
            }),
        }
    }

    /// Every review comment of a pull request (100 per page).
    pub async fn review_comments(
        &self,
        repo: &RepoName,
        number: PullNumber,
    ) -> Result<Vec<ReviewComment>, GitHubError> {
        let mut comments = Vec::new();
        for page in 1..=MAX_COMMENT_PAGES {
            let batch: Vec<ReviewComment> = self
                .json(Self::get(format!(
                    "/repos/{repo}/pulls/{number}/comments?per_page=100&page={page}"
                )))
                .await?;
            let full = batch.len() == 100;
            comments.extend(batch);
            if !full {
                break;
            }
        }
        Ok(comments)
    }

    /// One review with line comments. Never retried on 5xx: the caller must re-list the
    /// comments before trying again (see [`GitHubError::outcome_unknown`]).
    pub async fn create_review(
        &self,
        repo: &RepoName,
        number: PullNumber,
        review: &NewReview<'_>,
    ) -> Result<Review, GitHubError> {
        self.json(Self::write(
            Method::POST,
            format!("/repos/{repo}/pulls/{number}/reviews"),
            serde_json::to_value(review).unwrap_or_default(),
            Replay::Never,
        ))
        .await
    }

    /// One line comment outside a review. Never retried on 5xx.
    pub async fn create_review_comment(
        &self,
        repo: &RepoName,
        number: PullNumber,
        comment: &NewReviewComment<'_>,
    ) -> Result<ReviewComment, GitHubError> {
        self.json(Self::write(
            Method::POST,
            format!("/repos/{repo}/pulls/{number}/comments"),
            serde_json::to_value(comment).unwrap_or_default(),
            Replay::Never,
        ))
        .await
    }

    /// A GraphQL request; `errors` in the answer become [`GitHubError::GraphQl`].
    pub async fn graphql(
        &self,
        query: &str,
        variables: Value,
        replay_safe: bool,
    ) -> Result<Value, GitHubError> {
        let call = Self::write(
            Method::POST,
            "/graphql".to_string(),
            json!({"query": query, "variables": variables}),
            if replay_safe {
                Replay::Safe
            } else {
                Replay::Never
            },
        );
        let answer: Value = self.json(call).await?;
        if let Some(errors) = answer.get("errors").filter(|e| !e.is_null()) {
            return Err(GitHubError::GraphQl(errors.to_string()));
        }
        Ok(answer.get("data").cloned().unwrap_or(Value::Null))
    }

    /// The review threads of a pull request, with the REST ids of their comments.
    pub async fn review_threads(
        &self,
        repo: &RepoName,
        number: PullNumber,
    ) -> Result<Vec<ReviewThread>, GitHubError> {
        const QUERY: &str =
            "query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 100) { nodes { databaseId } } }
      }
    }
  }
}";
        let mut threads = Vec::new();
        let mut after = Value::Null;
        for _ in 0..50 {
            let data = self
                .graphql(
                    QUERY,
                    json!({"owner": repo.owner, "name": repo.name, "number": number.0, "after": after}),
                    true,
                )
                .await?;
            let connection = &data["repository"]["pullRequest"]["reviewThreads"];
            let Some(nodes) = connection["nodes"].as_array() else {
                return Err(GitHubError::GraphQl(format!(
                    "no reviewThreads for {repo}#{number}"
                )));
            };
            for node in nodes {
                threads.push(ReviewThread {
                    id: node["id"].as_str().unwrap_or_default().to_string(),
                    is_resolved: node["isResolved"].as_bool().unwrap_or(false),
                    comment_ids: node["comments"]["nodes"]
                        .as_array()
                        .map(|comments| {
                            comments
                                .iter()
                                .filter_map(|c| c["databaseId"].as_u64())
                                .collect()
                        })
                        .unwrap_or_default(),
                });
            }
            if connection["pageInfo"]["hasNextPage"].as_bool() != Some(true) {
                break;
            }
            after = connection["pageInfo"]["endCursor"].clone();
        }
        Ok(threads)
    }

    /// `resolveReviewThread` (GraphQL only). Resolving twice is harmless, so it is retried.
    pub async fn resolve_review_thread(&self, thread_id: &str) -> Result<(), GitHubError> {
        const MUTATION: &str = "mutation($threadId: ID!) {
  resolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}";
        self.graphql(MUTATION, json!({"threadId": thread_id}), true)
            .await
            .map(drop)
    }

    /// Creates a check run. Not replayed on 5xx (it would make two).
    pub async fn create_check_run(
        &self,
        repo: &RepoName,
        check_run: &NewCheckRun<'_>,
    ) -> Result<CheckRunId, GitHubError> {
        #[derive(Deserialize)]
        struct Created {
            id: CheckRunId,
        }
        let created: Created = self
            .json(Self::write(
                Method::POST,
                format!("/repos/{repo}/check-runs"),
                serde_json::to_value(check_run).unwrap_or_default(),
                Replay::Never,
            ))
            .await?;
        Ok(created.id)
    }

    /// Updates a check run (status, conclusion, output; annotations are appended by GitHub).
    /// Replayed on 5xx: the worst case is a duplicated annotation, better than a check run
    /// left in progress.
    pub async fn update_check_run(
        &self,
        repo: &RepoName,
        id: CheckRunId,
        update: &CheckRunUpdate,
    ) -> Result<(), GitHubError> {
        let call = Self::write(
            Method::PATCH,
            format!("/repos/{repo}/check-runs/{id}"),
            serde_json::to_value(update).unwrap_or_default(),
            Replay::Safe,
        );
        self.request(&call).await.map(drop)
    }

    /// A commit status (for tokens that cannot create check runs). Setting the same status
    /// twice is harmless, so it is replayed.
    pub async fn create_status(
        &self,
        repo: &RepoName,
        sha: &CommitSha,
        status: &NewStatus<'_>,
    ) -> Result<(), GitHubError> {
        let call = Self::write(
            Method::POST,
            format!("/repos/{repo}/statuses/{}", encode_component(sha.as_str())),
            serde_json::to_value(status).unwrap_or_default(),
            Replay::Safe,
        );
        self.request(&call).await.map(drop)
    }

    /// Uploads a SARIF log to code scanning (gzip + base64). Returns the upload id.
    pub async fn upload_sarif(
        &self,
        repo: &RepoName,
        commit: &CommitSha,
        git_ref: &str,
        sarif: &[u8],
    ) -> Result<String, GitHubError> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let compressed = encoder
            .write_all(sarif)
            .and_then(|()| encoder.finish())
            .map_err(|e| GitHubError::Setup(format!("compressing SARIF: {e}")))?;
        #[derive(Deserialize)]
        struct Upload {
            id: Option<String>,
        }
        let upload: Upload = self
            .json(Self::write(
                Method::POST,
                format!("/repos/{repo}/code-scanning/sarifs"),
                json!({
                    "commit_sha": commit.as_str(),
                    "ref": git_ref,
                    "sarif": base64::engine::general_purpose::STANDARD.encode(compressed),
                    "tool_name": "snakeguard",
                }),
                Replay::Safe,
            ))
            .await?;
        Ok(upload.id.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("ghs_very_secret");
        assert_eq!(format!("{secret:?} {secret}"), "*** ***");
        let credentials = Credentials::App {
            app_id: 1,
            private_key: Secret::new("-----BEGIN RSA PRIVATE KEY-----"),
            installation_id: 2,
        };
        assert!(!format!("{credentials:?}").contains("BEGIN"));
    }

    #[tokio::test]
    async fn app_jwts_carry_github_claims() {
        let app = GitHubApp::new(
            "http://127.0.0.1:9",
            4242,
            &Secret::new(include_str!(
                "../../../tests/fixtures/github/test-app-key.pem"
            )),
            RetryPolicy::default(),
        )
        .unwrap();
        let jwt = app.jwt().unwrap();
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(include_bytes!(
            "../../../tests/fixtures/github/test-app-key.pub.pem"
        ))
        .unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.set_issuer(&["4242"]);
        let claims = jsonwebtoken::decode::<Value>(jwt.expose(), &key, &validation)
            .unwrap()
            .claims;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let (iat, exp) = (
            claims["iat"].as_u64().unwrap(),
            claims["exp"].as_u64().unwrap(),
        );
        assert!((now - 61..=now - 59).contains(&iat), "iat {iat}, now {now}");
        assert!(exp > now && exp - iat <= 600, "exp {exp}, iat {iat}");
        assert!(
            GitHubApp::new(
                "http://x",
                1,
                &Secret::new("not a key"),
                RetryPolicy::default()
            )
            .is_err()
        );
    }

    #[test]
    fn rate_limit_waits_prefer_retry_after_then_reset_then_minimum() {
        let policy = RetryPolicy {
            min_rate_limit_wait: Duration::from_secs(60),
            ..RetryPolicy::default()
        };
        let mut headers = HeaderMap::new();
        assert_eq!(
            rate_limit_wait(&headers, &policy, 1),
            Duration::from_secs(60)
        );
        assert_eq!(
            rate_limit_wait(&headers, &policy, 2),
            Duration::from_secs(120)
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        headers.insert("x-ratelimit-reset", (now + 30).to_string().parse().unwrap());
        let wait = rate_limit_wait(&headers, &policy, 1);
        assert!((29..=32).contains(&wait.as_secs()), "{wait:?}");
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(
            rate_limit_wait(&headers, &policy, 1),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn forbidden_is_a_rate_limit_only_when_github_says_so() {
        let reply = |status, headers: &[(&'static str, &'static str)], body: &'static str| {
            let mut map = HeaderMap::new();
            for (name, value) in headers {
                map.insert(*name, value.parse().unwrap());
            }
            Reply {
                status,
                headers: map,
                body: Bytes::from_static(body.as_bytes()),
            }
        };
        assert!(is_rate_limited(&reply(
            StatusCode::TOO_MANY_REQUESTS,
            &[],
            ""
        )));
        assert!(is_rate_limited(&reply(
            StatusCode::FORBIDDEN,
            &[("x-ratelimit-remaining", "0")],
            ""
        )));
        assert!(is_rate_limited(&reply(
            StatusCode::FORBIDDEN,
            &[],
            r#"{"message":"You have exceeded a secondary rate limit."}"#
        )));
        assert!(!is_rate_limited(&reply(
            StatusCode::FORBIDDEN,
            &[("x-ratelimit-remaining", "4999")],
            r#"{"message":"Resource not accessible by integration"}"#
        )));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        let waits: Vec<u128> = (1..=4)
            .map(|attempt| backoff(&policy, attempt).as_millis())
            .collect();
        assert_eq!(waits, vec![100, 200, 350, 350]);
    }

    #[test]
    fn paths_are_percent_encoded_but_keep_slashes() {
        assert_eq!(encode_path("app/my file#1.py"), "app/my%20file%231.py");
        assert_eq!(encode_component("feature/x"), "feature%2Fx");
    }

    #[test]
    fn github_error_messages_carry_details() {
        assert_eq!(
            error_message(
                br#"{"message":"Validation Failed","errors":["line must be part of the diff"]}"#
            ),
            r#"Validation Failed ["line must be part of the diff"]"#
        );
        assert_eq!(error_message(b"<html>bad gateway"), "<html>bad gateway");
    }
}
