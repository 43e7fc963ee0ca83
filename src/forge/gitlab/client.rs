//! A small GitLab REST v4 client: the calls a merge-request review needs, with
//! authentication, pagination and retries.
//!
//! Retries: reads and idempotent writes (`GET`, `PUT`, commit statuses) are retried on 429,
//! 5xx and transport errors, waiting `retry-after` when GitLab sends it, else an exponential
//! backoff from [`RetryPolicy::min_wait`]. Creating requests (`POST` of discussions and notes)
//! are sent once: a 5xx may come after GitLab stored the note, so the caller re-lists before
//! trying again (see `review`).

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::types::{
    CommitStatus, Discussion, MergeRequest, MergeRequestDiff, Note, TextPosition, TreeItem,
};

pub use crate::forge::secret::Secret;

/// How requests authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// A personal, project or group access token (`PRIVATE-TOKEN` header).
    PrivateToken(Secret),
    /// An OAuth token or a CI job token sent as `Authorization: Bearer`.
    Bearer(Secret),
}

/// When and how long to retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// The first backoff wait (doubled each attempt) and the least wait after a 429/5xx.
    pub min_wait: Duration,
    /// The longest single wait, `retry-after` included.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            min_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempts count from 1).
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .min_wait
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        retry_after
            .unwrap_or(exponential)
            .max(self.min_wait)
            .min(self.max_wait)
    }
}

/// A project, by numeric id or by `group/project` path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProjectId(pub String);

impl ProjectId {
    /// The id as it goes into a URL path (paths are percent-encoded, `/` included).
    pub fn encoded(&self) -> String {
        encode_component(&self.0)
    }
}

impl From<u64> for ProjectId {
    fn from(id: u64) -> Self {
        ProjectId(id.to_string())
    }
}

impl From<&str> for ProjectId {
    fn from(id: &str) -> Self {
        ProjectId(id.to_string())
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Errors talking to GitLab. Messages name the request (never the token).
#[derive(Debug, thiserror::Error)]
pub enum GitlabError {
    #[error(
        "GitLab rejected the token ({status}) for {method} {path}: {message} — check that the token is valid and has the `api` scope"
    )]
    Unauthorized {
        status: u16,
        method: String,
        path: String,
        message: String,
    },
    #[error("GitLab answered {status} for {method} {path}: {message}")]
    Api {
        status: u16,
        method: String,
        path: String,
        message: String,
    },
    #[error("could not reach GitLab for {method} {path}: {source}")]
    Transport {
        method: String,
        path: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("unexpected response from GitLab for {method} {path}: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },
    #[error("invalid GitLab URL `{0}`: {1}")]
    InvalidUrl(String, String),
}

impl GitlabError {
    /// The HTTP status GitLab answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            GitlabError::Unauthorized { status, .. } | GitlabError::Api { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// Whether trying again later may succeed (rate limits, server errors, network).
    pub fn is_transient(&self) -> bool {
        match self {
            GitlabError::Transport { .. } => true,
            GitlabError::Api { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// A GitLab REST v4 client.
#[derive(Clone, Debug)]
pub struct GitlabClient {
    http: reqwest::Client,
    api: String,
    auth: Auth,
    retry: RetryPolicy,
}

/// The most pages read from one listing (100 items each).
const MAX_PAGES: u32 = 200;

impl GitlabClient {
    /// A client for the instance at `url`: either the instance root (`https://gitlab.com`)
    /// or its API root (`https://gitlab.example.com/api/v4`, as in `CI_API_V4_URL`).
    pub fn new(url: &str, auth: Auth) -> Result<Self, GitlabError> {
        let trimmed = url.trim().trim_end_matches('/');
        let parsed = reqwest::Url::parse(trimmed)
            .map_err(|e| GitlabError::InvalidUrl(url.to_string(), e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(GitlabError::InvalidUrl(
                url.to_string(),
                "expected an http(s) URL".into(),
            ));
        }
        let api = if trimmed.ends_with("/api/v4") {
            trimmed.to_string()
        } else {
            format!("{trimmed}/api/v4")
        };
        let http = reqwest::Client::builder()
            .user_agent(concat!("snakeguard/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| GitlabError::InvalidUrl(url.to_string(), e.to_string()))?;
        Ok(GitlabClient {
            http,
            api,
            auth,
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The API root, e.g. `https://gitlab.com/api/v4`.
    pub fn api_url(&self) -> &str {
        &self.api
    }

    fn auth_headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let (name, value) = match &self.auth {
            Auth::PrivateToken(secret) => ("PRIVATE-TOKEN", secret.expose().to_string()),
            Auth::Bearer(secret) => ("authorization", format!("Bearer {}", secret.expose())),
        };
        if let Ok(mut value) = HeaderValue::from_str(&value) {
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        headers
    }

    /// Send one request; with `retry`, retry transient failures. Non-2xx answers are errors.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        retry: bool,
    ) -> Result<Response, GitlabError> {
        let url = format!("{}{}", self.api, path);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .headers(self.auth_headers());
            if !query.is_empty() {
                request = request.query(query);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let may_retry = retry && attempt < self.retry.max_attempts;
            let response = match request.send().await {
                Ok(response) => response,
                Err(source) => {
                    if may_retry {
                        let wait = self.retry.backoff(attempt, None);
                        tracing::warn!(%method, path, attempt, ?wait, error = %source, "GitLab request failed; retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(GitlabError::Transport {
                        method: method.to_string(),
                        path: path.to_string(),
                        source,
                    });
                }
            };
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if may_retry && (status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()) {
                let wait = self.retry.backoff(attempt, retry_after(response.headers()));
                tracing::warn!(%method, path, attempt, status = status.as_u16(), ?wait, "GitLab request failed; retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(error_from(&method, path, response).await);
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        retry: bool,
    ) -> Result<T, GitlabError> {
        let response = self.send(method.clone(), path, query, body, retry).await?;
        decode(&method, path, response).await
    }

    /// Every item of a paginated listing (`page`/`per_page`, following `x-next-page`).
    async fn paginated<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, GitlabError> {
        let mut items = Vec::new();
        let mut page = 1u32;
        loop {
            let mut page_query: Vec<(&str, String)> = query.to_vec();
            page_query.push(("page", page.to_string()));
            page_query.push(("per_page", "100".to_string()));
            let response = self
                .send(Method::GET, path, &page_query, None, true)
                .await?;
            let next = response
                .headers()
                .get("x-next-page")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u32>().ok());
            let batch: Vec<T> = decode(&Method::GET, path, response).await?;
            items.extend(batch);
            match next {
                Some(next) if next > page && next <= MAX_PAGES => page = next,
                _ => return Ok(items),
            }
        }
    }

    fn mr_path(project: &ProjectId, iid: u64) -> String {
        format!("/projects/{}/merge_requests/{iid}", project.encoded())
    }

    /// `GET /projects/:id/merge_requests/:iid`.
    pub async fn merge_request(
        &self,
        project: &ProjectId,
        iid: u64,
    ) -> Result<MergeRequest, GitlabError> {
        self.json(Method::GET, &Self::mr_path(project, iid), &[], None, true)
            .await
    }

    /// `GET /projects/:id/merge_requests/:iid/diffs`, every page.
    pub async fn merge_request_diffs(
        &self,
        project: &ProjectId,
        iid: u64,
    ) -> Result<Vec<MergeRequestDiff>, GitlabError> {
        self.paginated(&format!("{}/diffs", Self::mr_path(project, iid)), &[])
            .await
    }

    /// `GET /projects/:id/repository/files/:path/raw?ref=`; `None` when the file does not
    /// exist at that ref.
    pub async fn raw_file(
        &self,
        project: &ProjectId,
        path: &str,
        git_ref: &str,
    ) -> Result<Option<Vec<u8>>, GitlabError> {
        let route = format!(
            "/projects/{}/repository/files/{}/raw",
            project.encoded(),
            encode_component(path)
        );
        match self
            .send(
                Method::GET,
                &route,
                &[("ref", git_ref.to_string())],
                None,
                true,
            )
            .await
        {
            Ok(response) => {
                let bytes = response
                    .bytes()
                    .await
                    .map_err(|source| GitlabError::Transport {
                        method: "GET".into(),
                        path: route.clone(),
                        source,
                    })?;
                Ok(Some(bytes.to_vec()))
            }
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Every file of the repository at `git_ref`
    /// (`GET /projects/:id/repository/tree?recursive=true`, every page).
    pub async fn repository_files(
        &self,
        project: &ProjectId,
        git_ref: &str,
    ) -> Result<Vec<TreeItem>, GitlabError> {
        let items: Vec<TreeItem> = self
            .paginated(
                &format!("/projects/{}/repository/tree", project.encoded()),
                &[("ref", git_ref.to_string()), ("recursive", "true".into())],
            )
            .await?;
        Ok(items
            .into_iter()
            .filter(|item| item.kind == "blob")
            .collect())
    }

    /// `GET /projects/:id/merge_requests/:iid/discussions`, every page.
    pub async fn discussions(
        &self,
        project: &ProjectId,
        iid: u64,
    ) -> Result<Vec<Discussion>, GitlabError> {
        self.paginated(&format!("{}/discussions", Self::mr_path(project, iid)), &[])
            .await
    }

    /// `POST /projects/:id/merge_requests/:iid/discussions`, on a diff line when `position`
    /// is given. Sent once, never retried (see the module docs).
    pub async fn create_discussion(
        &self,
        project: &ProjectId,
        iid: u64,
        body: &str,
        position: Option<&TextPosition>,
    ) -> Result<Discussion, GitlabError> {
        #[derive(Serialize)]
        struct Request<'a> {
            body: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            position: Option<&'a TextPosition>,
        }
        let request = serde_json::to_value(Request { body, position })
            .expect("a discussion request serializes");
        self.json(
            Method::POST,
            &format!("{}/discussions", Self::mr_path(project, iid)),
            &[],
            Some(&request),
            false,
        )
        .await
    }

    /// `PUT /projects/:id/merge_requests/:iid/discussions/:discussion_id?resolved=true`.
    pub async fn resolve_discussion(
        &self,
        project: &ProjectId,
        iid: u64,
        discussion_id: &str,
    ) -> Result<Discussion, GitlabError> {
        self.json(
            Method::PUT,
            &format!(
                "{}/discussions/{}",
                Self::mr_path(project, iid),
                encode_component(discussion_id)
            ),
            &[("resolved", "true".to_string())],
            None,
            true,
        )
        .await
    }

    /// `POST /projects/:id/merge_requests/:iid/notes`. Sent once, never retried.
    pub async fn create_note(
        &self,
        project: &ProjectId,
        iid: u64,
        body: &str,
    ) -> Result<Note, GitlabError> {
        let request = serde_json::json!({ "body": body });
        self.json(
            Method::POST,
            &format!("{}/notes", Self::mr_path(project, iid)),
            &[],
            Some(&request),
            false,
        )
        .await
    }

    /// `PUT /projects/:id/merge_requests/:iid/notes/:note_id`.
    pub async fn edit_note(
        &self,
        project: &ProjectId,
        iid: u64,
        note_id: u64,
        body: &str,
    ) -> Result<Note, GitlabError> {
        let request = serde_json::json!({ "body": body });
        self.json(
            Method::PUT,
            &format!("{}/notes/{note_id}", Self::mr_path(project, iid)),
            &[],
            Some(&request),
            true,
        )
        .await
    }

    /// `POST /projects/:id/statuses/:sha`. Setting a state the status already has is not
    /// an error (GitLab answers 400 "Cannot transition status" then).
    pub async fn set_commit_status(
        &self,
        project: &ProjectId,
        sha: &str,
        status: &CommitStatus,
    ) -> Result<(), GitlabError> {
        let request = serde_json::to_value(status).expect("a commit status serializes");
        let route = format!(
            "/projects/{}/statuses/{}",
            project.encoded(),
            encode_component(sha)
        );
        match self
            .send(Method::POST, &route, &[], Some(&request), true)
            .await
        {
            Ok(_) => Ok(()),
            Err(GitlabError::Api {
                status: 400,
                message,
                ..
            }) if message.contains("Cannot transition status") => Ok(()),
            Err(error) => Err(error),
        }
    }
}

/// `retry-after` in seconds (HTTP dates are not worth parsing here: backoff applies).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

async fn decode<T: DeserializeOwned>(
    method: &Method,
    path: &str,
    response: Response,
) -> Result<T, GitlabError> {
    let bytes = response
        .bytes()
        .await
        .map_err(|source| GitlabError::Transport {
            method: method.to_string(),
            path: path.to_string(),
            source,
        })?;
    serde_json::from_slice(&bytes).map_err(|e| GitlabError::Decode {
        method: method.to_string(),
        path: path.to_string(),
        message: e.to_string(),
    })
}

/// The error for a non-2xx answer, with GitLab's `message`/`error` text when it has one.
async fn error_from(method: &Method, path: &str, response: Response) -> GitlabError {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|value| {
            let field = value.get("message").or_else(|| value.get("error"))?;
            Some(match field {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
        })
        .unwrap_or_else(|| {
            let mut text: String = text.chars().take(300).collect();
            if text.is_empty() {
                text = status
                    .canonical_reason()
                    .unwrap_or("no message")
                    .to_string();
            }
            text
        });
    let (method, path) = (method.to_string(), path.to_string());
    if status == StatusCode::UNAUTHORIZED {
        GitlabError::Unauthorized {
            status: status.as_u16(),
            method,
            path,
            message,
        }
    } else {
        GitlabError::Api {
            status: status.as_u16(),
            method,
            path,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug() {
        let auth = Auth::PrivateToken(Secret::new("glpat-very-secret"));
        let client = GitlabClient::new("https://gitlab.example.com/", auth).unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
    }

    #[test]
    fn api_root_is_derived_once() {
        let auth = || Auth::Bearer(Secret::new("t"));
        assert_eq!(
            GitlabClient::new("https://gitlab.com", auth())
                .unwrap()
                .api_url(),
            "https://gitlab.com/api/v4"
        );
        assert_eq!(
            GitlabClient::new("https://git.example.com/gl/api/v4/", auth())
                .unwrap()
                .api_url(),
            "https://git.example.com/gl/api/v4"
        );
        assert!(GitlabClient::new("ftp://x", auth()).is_err());
        assert!(GitlabClient::new("not a url", auth()).is_err());
    }

    #[test]
    fn paths_and_project_paths_are_encoded() {
        assert_eq!(
            ProjectId::from("group/sub group/proj").encoded(),
            "group%2Fsub%20group%2Fproj"
        );
        assert_eq!(encode_component("src/app.py"), "src%2Fapp.py");
        assert_eq!(ProjectId::from(42).encoded(), "42");
    }

    #[test]
    fn backoff_grows_honours_retry_after_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 5,
            min_wait: Duration::from_millis(100),
            max_wait: Duration::from_secs(2),
        };
        assert_eq!(policy.backoff(1, None), Duration::from_millis(100));
        assert_eq!(policy.backoff(3, None), Duration::from_millis(400));
        assert_eq!(policy.backoff(10, None), Duration::from_secs(2));
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
        assert_eq!(
            policy.backoff(1, Some(Duration::ZERO)),
            Duration::from_millis(100)
        );
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(2)
        );
    }
}
