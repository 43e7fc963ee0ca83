//! A stateful in-process fake GitLab (REST v4 subset) on 127.0.0.1:0, for tests over real
//! HTTP. It keeps merge requests with their diffs and diff_refs, files per commit,
//! discussions, notes and commit statuses, and it checks what real GitLab checks: the token
//! header, required parameters (`ref`, `page`/`per_page`), discussion positions (type, the
//! MR's three shas, paths of a changed file, `new_line` on an added line or `old_line` +
//! `new_line` on an unchanged one), status states. Anything else is answered 404 and recorded
//! in `unexpected`; refused positions are recorded in `rejected`. Faults can be injected per
//! route, before or after the request takes effect (a 5xx after GitLab stored a note).

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use snakeguard::diff::{ChangedLines, DEFAULT_CONTEXT, diff_texts, parse_hunks, render_unified};
use snakeguard::forge::plan::parse_marker;

pub const PROJECT: &str = "group/proj";
pub const TOKEN: &str = "glpat-fake-token";

#[derive(Clone, Debug)]
pub struct FakeDiff {
    pub old_path: String,
    pub new_path: String,
    pub new_file: bool,
    pub renamed_file: bool,
    pub deleted_file: bool,
    /// What the API sends (empty when too large).
    pub diff: String,
    /// The real diff, used to check positions.
    pub real_diff: String,
    pub too_large: bool,
}

#[derive(Clone, Debug)]
pub struct FakeNote {
    pub id: u64,
    pub body: String,
    pub resolvable: bool,
    pub resolved: bool,
}

#[derive(Clone, Debug)]
pub struct FakeDiscussion {
    pub id: String,
    pub individual_note: bool,
    pub position: Option<Value>,
    pub notes: Vec<FakeNote>,
}

#[derive(Clone, Debug)]
pub struct FakeMr {
    pub iid: u64,
    pub base_sha: String,
    pub start_sha: String,
    pub head_sha: String,
    pub diffs: Vec<FakeDiff>,
    pub discussions: Vec<FakeDiscussion>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusRecord {
    pub sha: String,
    pub state: String,
    pub name: String,
    pub description: String,
}

/// An injected failure: the next `times` requests matching `method` and whose path ends
/// with `path_suffix` get `status`; with `after_apply` the request takes effect first.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: Method,
    pub path_suffix: String,
    pub status: u16,
    pub times: u32,
    pub after_apply: bool,
    pub retry_after: Option<u64>,
}

#[derive(Debug, Default)]
pub struct FakeState {
    pub mrs: HashMap<u64, FakeMr>,
    /// (sha, path) -> content.
    pub files: HashMap<(String, String), String>,
    pub statuses: Vec<StatusRecord>,
    pub unexpected: Vec<String>,
    pub rejected: Vec<String>,
    pub requests: Vec<String>,
    pub faults: Vec<Fault>,
    pub page_size: usize,
    next_id: u64,
}

impl FakeState {
    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// All snakeguard line-discussion markers of an MR, with their resolved flag.
    pub fn markers(&self, iid: u64) -> Vec<(String, bool)> {
        self.mrs[&iid]
            .discussions
            .iter()
            .filter_map(|d| {
                let note = d.notes.first()?;
                parse_marker(&note.body).map(|fp| (fp.0, note.resolved))
            })
            .collect()
    }

    pub fn summary_notes(&self, iid: u64) -> Vec<FakeNote> {
        self.mrs[&iid]
            .discussions
            .iter()
            .flat_map(|d| d.notes.clone())
            .filter(|n| n.body.contains("<!-- snakeguard:summary -->"))
            .collect()
    }

    pub fn statuses_of(&self, sha: &str) -> Vec<String> {
        self.statuses
            .iter()
            .filter(|s| s.sha == sha)
            .map(|s| s.state.clone())
            .collect()
    }
}

pub struct FakeGitlab {
    pub url: String,
    pub state: Arc<Mutex<FakeState>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeGitlab {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// One file of a change: path, base text (None: added), head text (None: removed).
pub type FileChange<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

impl FakeGitlab {
    pub async fn start() -> FakeGitlab {
        let state = Arc::new(Mutex::new(FakeState {
            page_size: 100,
            ..FakeState::default()
        }));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeGitlab {
            url: format!("http://{addr}"),
            state,
            server,
        }
    }

    pub fn state(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap()
    }

    /// Store a file at a commit.
    pub fn put_file(&self, sha: &str, path: &str, text: &str) {
        self.state()
            .files
            .insert((sha.to_string(), path.to_string()), text.to_string());
    }

    /// Create or update merge request `iid` to `head_sha` with `changes` against `base_sha`
    /// (base files are stored at `base_sha`, head files at `head_sha`). Discussions stay.
    pub fn set_mr(
        &self,
        iid: u64,
        base_sha: &str,
        head_sha: &str,
        changes: &[FileChange<'_>],
        too_large: &[&str],
    ) {
        let mut state = self.state();
        let mut diffs = Vec::new();
        for (path, base, head) in changes {
            if let Some(base) = base {
                state
                    .files
                    .insert((base_sha.to_string(), path.to_string()), base.to_string());
            }
            if let Some(head) = head {
                state
                    .files
                    .insert((head_sha.to_string(), path.to_string()), head.to_string());
            }
            let real_diff = render_unified(&diff_texts(
                base.unwrap_or(""),
                head.unwrap_or(""),
                DEFAULT_CONTEXT,
            ));
            let large = too_large.contains(path);
            diffs.push(FakeDiff {
                old_path: path.to_string(),
                new_path: path.to_string(),
                new_file: base.is_none(),
                renamed_file: false,
                deleted_file: head.is_none(),
                diff: if large {
                    String::new()
                } else {
                    real_diff.clone()
                },
                real_diff,
                too_large: large,
            });
        }
        let discussions = state
            .mrs
            .get(&iid)
            .map(|mr| mr.discussions.clone())
            .unwrap_or_default();
        state.mrs.insert(
            iid,
            FakeMr {
                iid,
                base_sha: base_sha.to_string(),
                start_sha: base_sha.to_string(),
                head_sha: head_sha.to_string(),
                diffs,
                discussions,
            },
        );
    }

    pub fn fault(&self, method: Method, path_suffix: &str, status: u16, after_apply: bool) {
        self.state().faults.push(Fault {
            method,
            path_suffix: path_suffix.to_string(),
            status,
            times: 1,
            after_apply,
            retry_after: None,
        });
    }
}

fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = segment.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query(uri: &Uri) -> HashMap<String, String> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

fn note_json(note: &FakeNote) -> Value {
    json!({
        "id": note.id, "body": note.body, "system": false,
        "resolvable": note.resolvable, "resolved": note.resolved,
        "author": {"username": "snakeguard-bot"}
    })
}

fn discussion_json(discussion: &FakeDiscussion) -> Value {
    let notes: Vec<Value> = discussion
        .notes
        .iter()
        .map(|note| {
            let mut value = note_json(note);
            if let Some(position) = &discussion.position {
                value["position"] = position.clone();
            }
            value
        })
        .collect();
    json!({"id": discussion.id, "individual_note": discussion.individual_note, "notes": notes})
}

/// A page of `items` per `page`/`per_page` (both required), with GitLab's headers.
fn paginate(
    state: &mut FakeState,
    what: &str,
    q: &HashMap<String, String>,
    items: Vec<Value>,
) -> Response {
    let (Some(page), Some(per_page)) = (
        q.get("page").and_then(|p| p.parse::<usize>().ok()),
        q.get("per_page").and_then(|p| p.parse::<usize>().ok()),
    ) else {
        state
            .unexpected
            .push(format!("{what}: listing without page/per_page: {q:?}"));
        return error(StatusCode::BAD_REQUEST, "page and per_page expected");
    };
    let size = per_page.min(state.page_size).max(1);
    let start = (page - 1) * size;
    let chunk: Vec<Value> = items.iter().skip(start).take(size).cloned().collect();
    let next = if start + size < items.len() {
        (page + 1).to_string()
    } else {
        String::new()
    };
    let mut response = axum::Json(Value::Array(chunk)).into_response();
    let headers = response.headers_mut();
    headers.insert("x-next-page", HeaderValue::from_str(&next).unwrap());
    headers.insert("x-page", HeaderValue::from_str(&page.to_string()).unwrap());
    headers.insert(
        "x-total",
        HeaderValue::from_str(&items.len().to_string()).unwrap(),
    );
    response
}

async fn handle(
    State(shared): State<Arc<Mutex<FakeState>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = shared.lock().unwrap();
    let path = uri.path().to_string();
    state.requests.push(format!("{method} {path}"));
    let authorized = headers.get("private-token").and_then(|v| v.to_str().ok()) == Some(TOKEN)
        || headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {TOKEN}"));
    if !authorized {
        return error(StatusCode::UNAUTHORIZED, "401 Unauthorized");
    }
    // Injected faults.
    let mut after: Option<(u16, Option<u64>)> = None;
    if let Some(index) = state
        .faults
        .iter()
        .position(|f| f.method == method && path.ends_with(&f.path_suffix) && f.times > 0)
    {
        let fault = &mut state.faults[index];
        fault.times -= 1;
        let (status, retry_after) = (fault.status, fault.retry_after);
        if !fault.after_apply {
            let mut response = error(StatusCode::from_u16(status).unwrap(), "injected failure");
            if let Some(seconds) = retry_after {
                response.headers_mut().insert(
                    "retry-after",
                    HeaderValue::from_str(&seconds.to_string()).unwrap(),
                );
            }
            return response;
        }
        after = Some((status, retry_after));
    }
    let response = route(&mut state, &method, &uri, &body);
    match after {
        Some((status, _)) => error(StatusCode::from_u16(status).unwrap(), "injected failure"),
        None => response,
    }
}

fn route(state: &mut FakeState, method: &Method, uri: &Uri, body: &Bytes) -> Response {
    let raw: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    let segments: Vec<String> = raw.iter().map(|s| decode(s)).collect();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    let q = query(uri);
    let json_body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let described = format!("{method} {}", uri);
    let unexpected = |state: &mut FakeState, why: &str| {
        state.unexpected.push(format!("{described}: {why}"));
        error(StatusCode::NOT_FOUND, "404 Not Found")
    };
    if seg.len() < 4 || seg[0] != "api" || seg[1] != "v4" || seg[2] != "projects" {
        return unexpected(state, "not a project route");
    }
    if seg[3] != PROJECT || raw[3].contains('/') {
        return unexpected(state, "unknown project");
    }
    match (method.as_str(), &seg[4..]) {
        ("GET", ["repository", "files", file, "raw"]) => {
            let Some(git_ref) = q.get("ref") else {
                return unexpected(state, "raw file without ref");
            };
            match state.files.get(&(git_ref.clone(), file.to_string())) {
                Some(text) => text.clone().into_response(),
                None => error(StatusCode::NOT_FOUND, "404 File Not Found"),
            }
        }
        ("GET", ["repository", "tree"]) => {
            let Some(git_ref) = q.get("ref") else {
                return unexpected(state, "tree without ref");
            };
            if q.get("recursive").map(String::as_str) != Some("true") {
                return unexpected(state, "the fake only lists trees recursively");
            }
            let mut paths: Vec<String> = state
                .files
                .keys()
                .filter(|(at, _)| at == git_ref)
                .map(|(_, path)| path.clone())
                .collect();
            paths.sort();
            let items: Vec<Value> = paths
                .iter()
                .map(|path| {
                    json!({"id": "a1e8f8d745cc87e3a9248358d9352bb7f9a0aeba",
                           "name": path.rsplit('/').next(), "type": "blob", "path": path,
                           "mode": "100644"})
                })
                .collect();
            paginate(state, "tree", &q, items)
        }
        ("POST", ["statuses", sha]) => {
            let state_name = json_body["state"].as_str().unwrap_or("").to_string();
            let name = json_body["name"].as_str().unwrap_or("").to_string();
            let known = state.mrs.values().any(|mr| mr.head_sha == *sha);
            if !known {
                return unexpected(state, "status for an unknown commit");
            }
            if !["pending", "running", "success", "failed", "canceled"]
                .contains(&state_name.as_str())
                || name.is_empty()
            {
                state.rejected.push(format!("bad status {json_body}"));
                return error(StatusCode::BAD_REQUEST, "state is missing or invalid");
            }
            let description = json_body["description"].as_str().unwrap_or("").to_string();
            if description.chars().count() > 255 {
                state.rejected.push("status description over 255".into());
            }
            state.statuses.push(StatusRecord {
                sha: sha.to_string(),
                state: state_name.clone(),
                name: name.clone(),
                description,
            });
            let id = state.next_id();
            axum::Json(json!({"id": id, "sha": sha, "status": state_name, "name": name}))
                .into_response()
        }
        (_, ["merge_requests", iid, rest @ ..]) => {
            let Some(iid) = iid
                .parse::<u64>()
                .ok()
                .filter(|iid| state.mrs.contains_key(iid))
            else {
                return unexpected(state, "unknown merge request");
            };
            merge_request_route(state, method, iid, rest, &q, &json_body)
                .unwrap_or_else(|| unexpected(state, "unknown merge request route"))
        }
        _ => unexpected(state, "unknown route"),
    }
}

fn merge_request_route(
    state: &mut FakeState,
    method: &Method,
    iid: u64,
    rest: &[&str],
    q: &HashMap<String, String>,
    body: &Value,
) -> Option<Response> {
    let response = match (method.as_str(), rest) {
        ("GET", []) => {
            let mr = &state.mrs[&iid];
            axum::Json(json!({
                "id": 1000 + iid, "iid": iid, "project_id": 1, "title": "Change", "state": "opened",
                "sha": mr.head_sha, "source_branch": "feature",
                "web_url": format!("https://gitlab.example/{PROJECT}/-/merge_requests/{iid}"),
                "diff_refs": {"base_sha": mr.base_sha, "start_sha": mr.start_sha, "head_sha": mr.head_sha}
            }))
            .into_response()
        }
        ("GET", ["diffs"]) => {
            let items: Vec<Value> = state.mrs[&iid]
                .diffs
                .iter()
                .map(|d| {
                    json!({
                        "old_path": d.old_path, "new_path": d.new_path, "a_mode": "100644",
                        "b_mode": "100644", "diff": d.diff, "new_file": d.new_file,
                        "renamed_file": d.renamed_file, "deleted_file": d.deleted_file,
                        "too_large": d.too_large, "collapsed": false, "generated_file": false
                    })
                })
                .collect();
            paginate(state, "diffs", q, items)
        }
        ("GET", ["discussions"]) => {
            let items = state.mrs[&iid]
                .discussions
                .iter()
                .map(discussion_json)
                .collect();
            paginate(state, "discussions", q, items)
        }
        ("POST", ["discussions"]) => {
            let text = body["body"].as_str().unwrap_or("");
            if text.is_empty() {
                state.rejected.push("discussion without body".into());
                return Some(error(StatusCode::BAD_REQUEST, "body is missing"));
            }
            let position = body.get("position").cloned().filter(|p| !p.is_null());
            if let Some(position) = &position
                && let Err(why) = check_position(&state.mrs[&iid], position)
            {
                state.rejected.push(why);
                return Some(error(
                    StatusCode::BAD_REQUEST,
                    "400 Bad request - Note {:line_code=>[\"can't be blank\", \"must be a valid line code\"]}",
                ));
            }
            let id = state.next_id();
            let discussion = FakeDiscussion {
                id: format!("{id:040x}"),
                individual_note: false,
                notes: vec![FakeNote {
                    id,
                    body: text.to_string(),
                    resolvable: true,
                    resolved: false,
                }],
                position,
            };
            let value = discussion_json(&discussion);
            state
                .mrs
                .get_mut(&iid)
                .unwrap()
                .discussions
                .push(discussion);
            (StatusCode::CREATED, axum::Json(value)).into_response()
        }
        ("PUT", ["discussions", id]) => {
            if q.get("resolved").map(String::as_str) != Some("true") {
                state
                    .rejected
                    .push(format!("resolve without resolved=true: {q:?}"));
                return Some(error(StatusCode::BAD_REQUEST, "resolved is missing"));
            }
            let mr = state.mrs.get_mut(&iid).unwrap();
            let discussion = mr.discussions.iter_mut().find(|d| d.id == *id)?;
            for note in &mut discussion.notes {
                note.resolved = true;
            }
            axum::Json(discussion_json(discussion)).into_response()
        }
        ("POST", ["notes"]) => {
            let text = body["body"].as_str().unwrap_or("").to_string();
            if text.is_empty() {
                state.rejected.push("note without body".into());
                return Some(error(StatusCode::BAD_REQUEST, "body is missing"));
            }
            let id = state.next_id();
            let note = FakeNote {
                id,
                body: text,
                resolvable: false,
                resolved: false,
            };
            let value = note_json(&note);
            state
                .mrs
                .get_mut(&iid)
                .unwrap()
                .discussions
                .push(FakeDiscussion {
                    id: format!("{id:040x}"),
                    individual_note: true,
                    position: None,
                    notes: vec![note],
                });
            (StatusCode::CREATED, axum::Json(value)).into_response()
        }
        ("PUT", ["notes", note_id]) => {
            let note_id: u64 = note_id.parse().ok()?;
            let text = body["body"].as_str().unwrap_or("").to_string();
            let mr = state.mrs.get_mut(&iid).unwrap();
            let note = mr
                .discussions
                .iter_mut()
                .flat_map(|d| d.notes.iter_mut())
                .find(|n| n.id == note_id)?;
            note.body = text;
            axum::Json(note_json(note)).into_response()
        }
        _ => return None,
    };
    Some(response)
}

/// What GitLab requires of a text position.
fn check_position(mr: &FakeMr, position: &Value) -> Result<(), String> {
    let field = |name: &str| position[name].as_str().unwrap_or("").to_string();
    if field("position_type") != "text" {
        return Err(format!("position_type is not text: {position}"));
    }
    for (name, expected) in [
        ("base_sha", &mr.base_sha),
        ("start_sha", &mr.start_sha),
        ("head_sha", &mr.head_sha),
    ] {
        if field(name) != *expected {
            return Err(format!("{name} {} is not the MR's {expected}", field(name)));
        }
    }
    let Some(diff) = mr
        .diffs
        .iter()
        .find(|d| d.new_path == field("new_path") && d.old_path == field("old_path"))
    else {
        return Err(format!("no changed file for paths in {position}"));
    };
    let hunks = parse_hunks(&diff.real_diff).map_err(|e| format!("fake diff: {e}"))?;
    let lines = ChangedLines::from_hunks(&hunks);
    let new_line = position["new_line"].as_u64().map(|l| l as u32);
    let old_line = position["old_line"].as_u64().map(|l| l as u32);
    match (old_line, new_line) {
        (None, Some(new)) if lines.is_added(new) => Ok(()),
        (Some(old), Some(new))
            if !lines.is_added(new) && lines.map_new_to_old(new) == Some(old) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "line {old_line:?}/{new_line:?} is not a valid line of {}",
            diff.new_path
        )),
    }
}
