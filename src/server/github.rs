//! GitHub webhook events -> review jobs (pure: bytes in, jobs out).
//!
//! Which deliveries enqueue work:
//! - `pull_request` `opened`, `synchronize`, `reopened`, `ready_for_review`, and `edited` when
//!   `changes.base` is present (the base branch changed, so the set of new findings did).
//!   **Draft pull requests are reviewed too**: early feedback on a security problem is
//!   cheapest, and the fingerprint markers keep the later `ready_for_review` run from
//!   repeating comments. The job payload carries `draft` so a worker or policy can skip them.
//! - `check_suite` `requested` (only when it lists pull requests, and only if that head has no
//!   job yet — GitHub sends it next to `pull_request synchronize` for every push) and
//!   `rerequested` (always a new run).
//! - `check_run` `rerequested` and `requested_action`.
//!
//! A re-request without pull requests (a fork's head, where GitHub leaves `pull_requests`
//! empty) becomes a job with only the head sha; the worker looks the pull requests up.
//! Everything else (`ping`, `installation*`, other actions) is acknowledged and ignored.

use serde::Deserialize;
use serde_json::json;

use crate::store::{EnqueuePolicy, Forge, NewJob};

/// What to do with a verified delivery.
#[derive(Debug, PartialEq)]
pub enum Intake {
    Jobs(Vec<NewJob>),
    /// Acknowledge and do nothing; the reason goes into the response body.
    Ignore(&'static str),
}

/// A body that is not the JSON its event promises.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("malformed JSON payload: {0}")]
    Json(#[from] serde_json::Error),
    #[error("invalid field {field}: {reason}")]
    Field {
        field: &'static str,
        reason: &'static str,
    },
}

#[derive(Deserialize)]
struct Envelope {
    action: Option<String>,
}

#[derive(Deserialize)]
struct Repository {
    id: u64,
    full_name: String,
}

#[derive(Deserialize)]
struct Installation {
    id: u64,
}

#[derive(Deserialize)]
struct HeadRef {
    sha: String,
    #[serde(rename = "ref")]
    name: String,
    repo: Option<HeadRepo>,
}

#[derive(Deserialize)]
struct HeadRepo {
    full_name: Option<String>,
}

#[derive(Deserialize)]
struct PullRequest {
    head: HeadRef,
    base: HeadRef,
    #[serde(default)]
    draft: bool,
}

#[derive(Deserialize)]
struct Changes {
    base: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct PullRequestEvent {
    action: String,
    number: u64,
    pull_request: PullRequest,
    repository: Repository,
    installation: Option<Installation>,
    changes: Option<Changes>,
}

/// An entry of `check_suite.pull_requests` / `check_run.pull_requests`.
#[derive(Deserialize)]
struct PullRequestRef {
    number: u64,
    base: Option<HeadRef>,
}

#[derive(Deserialize)]
struct CheckSuite {
    id: u64,
    head_sha: String,
    head_branch: Option<String>,
    #[serde(default)]
    pull_requests: Vec<PullRequestRef>,
}

#[derive(Deserialize)]
struct CheckSuiteEvent {
    action: String,
    check_suite: CheckSuite,
    repository: Repository,
    installation: Option<Installation>,
}

#[derive(Deserialize)]
struct CheckRunSuite {
    id: u64,
    head_branch: Option<String>,
}

#[derive(Deserialize)]
struct CheckRun {
    id: u64,
    head_sha: String,
    #[serde(default)]
    pull_requests: Vec<PullRequestRef>,
    check_suite: Option<CheckRunSuite>,
}

#[derive(Deserialize)]
struct RequestedAction {
    identifier: String,
}

#[derive(Deserialize)]
struct CheckRunEvent {
    action: String,
    check_run: CheckRun,
    repository: Repository,
    installation: Option<Installation>,
    requested_action: Option<RequestedAction>,
}

/// Maps a verified delivery to jobs. `delivery` only goes into the job payloads (tracing).
pub fn intake(event: &str, delivery: &str, body: &[u8]) -> Result<Intake, PayloadError> {
    match event {
        "pull_request" => pull_request(delivery, body),
        "check_suite" => check_suite(delivery, body),
        "check_run" => check_run(delivery, body),
        "ping" => Ok(Intake::Ignore("ping")),
        _ => Ok(Intake::Ignore("event not handled")),
    }
}

fn action(body: &[u8]) -> Result<Option<String>, PayloadError> {
    Ok(serde_json::from_slice::<Envelope>(body)?.action)
}

fn pull_request(delivery: &str, body: &[u8]) -> Result<Intake, PayloadError> {
    let relevant = match action(body)?.as_deref() {
        Some("opened" | "synchronize" | "reopened" | "ready_for_review" | "edited") => true,
        Some(_) => false,
        None => return Err(missing("action")),
    };
    if !relevant {
        return Ok(Intake::Ignore("action not handled"));
    }
    let ev: PullRequestEvent = serde_json::from_slice(body)?;
    if ev.action == "edited" && ev.changes.as_ref().and_then(|c| c.base.as_ref()).is_none() {
        return Ok(Intake::Ignore("edited without a base change"));
    }
    let repo = check_repo(&ev.repository.full_name)?;
    let head_sha = check_sha("pull_request.head.sha", &ev.pull_request.head.sha)?;
    let base_sha = check_sha("pull_request.base.sha", &ev.pull_request.base.sha)?;
    let installation_id = ev.installation.as_ref().map(|i| i.id);
    let pr = &ev.pull_request;
    let payload = json!({
        "event": "pull_request",
        "action": ev.action,
        "delivery": delivery,
        "repository": { "id": ev.repository.id, "full_name": repo },
        "number": ev.number,
        "head": {
            "sha": head_sha,
            "ref": pr.head.name,
            "repo": pr.head.repo.as_ref().and_then(|r| r.full_name.as_deref()),
        },
        "base": { "sha": base_sha, "ref": pr.base.name },
        "draft": pr.draft,
        "installation_id": installation_id,
    });
    Ok(Intake::Jobs(vec![NewJob {
        forge: Forge::Github,
        repo,
        pr_number: Some(ev.number),
        head_sha,
        base_sha: Some(base_sha),
        installation_id,
        payload,
        policy: EnqueuePolicy::Coalesce,
    }]))
}

fn check_suite(delivery: &str, body: &[u8]) -> Result<Intake, PayloadError> {
    let policy = match action(body)?.as_deref() {
        Some("requested") => EnqueuePolicy::IfNew,
        Some("rerequested") => EnqueuePolicy::Coalesce,
        Some(_) => return Ok(Intake::Ignore("action not handled")),
        None => return Err(missing("action")),
    };
    let ev: CheckSuiteEvent = serde_json::from_slice(body)?;
    if policy == EnqueuePolicy::IfNew && ev.check_suite.pull_requests.is_empty() {
        return Ok(Intake::Ignore("check suite without pull requests"));
    }
    let suite = &ev.check_suite;
    let extra = json!({
        "check_suite_id": suite.id,
        "head_branch": suite.head_branch,
    });
    jobs_for_head(
        "check_suite",
        &ev.action,
        delivery,
        &ev.repository,
        ev.installation.as_ref(),
        "check_suite.head_sha",
        &suite.head_sha,
        &suite.pull_requests,
        extra,
        policy,
    )
}

fn check_run(delivery: &str, body: &[u8]) -> Result<Intake, PayloadError> {
    match action(body)?.as_deref() {
        Some("rerequested" | "requested_action") => {}
        Some(_) => return Ok(Intake::Ignore("action not handled")),
        None => return Err(missing("action")),
    }
    let ev: CheckRunEvent = serde_json::from_slice(body)?;
    let run = &ev.check_run;
    let extra = json!({
        "check_run_id": run.id,
        "check_suite_id": run.check_suite.as_ref().map(|s| s.id),
        "head_branch": run.check_suite.as_ref().and_then(|s| s.head_branch.as_deref()),
        "requested_action": ev.requested_action.as_ref().map(|a| a.identifier.as_str()),
    });
    jobs_for_head(
        "check_run",
        &ev.action,
        delivery,
        &ev.repository,
        ev.installation.as_ref(),
        "check_run.head_sha",
        &run.head_sha,
        &run.pull_requests,
        extra,
        EnqueuePolicy::Coalesce,
    )
}

/// One job per listed pull request, or one sha-only job when none is listed.
#[allow(clippy::too_many_arguments)]
fn jobs_for_head(
    event: &str,
    action: &str,
    delivery: &str,
    repository: &Repository,
    installation: Option<&Installation>,
    sha_field: &'static str,
    head_sha: &str,
    pull_requests: &[PullRequestRef],
    extra: serde_json::Value,
    policy: EnqueuePolicy,
) -> Result<Intake, PayloadError> {
    let repo = check_repo(&repository.full_name)?;
    let head_sha = check_sha(sha_field, head_sha)?;
    let installation_id = installation.map(|i| i.id);
    let targets: Vec<(Option<u64>, Option<String>)> = if pull_requests.is_empty() {
        vec![(None, None)]
    } else {
        pull_requests
            .iter()
            .map(|pr| {
                let base = match &pr.base {
                    Some(b) => Some(check_sha("pull_requests[].base.sha", &b.sha)?),
                    None => None,
                };
                Ok((Some(pr.number), base))
            })
            .collect::<Result<_, PayloadError>>()?
    };
    let jobs = targets
        .into_iter()
        .map(|(number, base_sha)| NewJob {
            forge: Forge::Github,
            repo: repo.clone(),
            pr_number: number,
            head_sha: head_sha.clone(),
            base_sha: base_sha.clone(),
            installation_id,
            payload: json!({
                "event": event,
                "action": action,
                "delivery": delivery,
                "repository": { "id": repository.id, "full_name": repo },
                "number": number,
                "head": { "sha": head_sha },
                "base": { "sha": base_sha },
                "installation_id": installation_id,
                "check": extra,
            }),
            policy,
        })
        .collect();
    Ok(Intake::Jobs(jobs))
}

fn missing(field: &'static str) -> PayloadError {
    PayloadError::Field {
        field,
        reason: "missing",
    }
}

/// A commit id: 40 (SHA-1) or 64 (SHA-256) hex digits, stored lowercase.
pub(crate) fn check_sha(field: &'static str, sha: &str) -> Result<String, PayloadError> {
    let ok = matches!(sha.len(), 40 | 64) && sha.bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(sha.to_ascii_lowercase())
    } else {
        Err(PayloadError::Field {
            field,
            reason: "not a commit sha",
        })
    }
}

fn check_repo(full_name: &str) -> Result<String, PayloadError> {
    let ok = full_name
        .split_once('/')
        .is_some_and(|(o, n)| !o.is_empty() && !n.is_empty() && !n.contains('/'));
    if ok {
        Ok(full_name.to_owned())
    } else {
        Err(PayloadError::Field {
            field: "repository.full_name",
            reason: "not owner/name",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA_A: &str = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    const SHA_B: &str = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";

    fn pr_event(action: &str, extra: serde_json::Value) -> Vec<u8> {
        let mut v = json!({
            "action": action,
            "number": 7,
            "pull_request": {
                "draft": true,
                "head": {"sha": SHA_A, "ref": "feature", "repo": {"full_name": "fork/repo"}},
                "base": {"sha": SHA_B, "ref": "main", "repo": {"full_name": "o/r"}}
            },
            "repository": {"id": 1, "full_name": "o/r"},
            "installation": {"id": 99}
        });
        if let (Some(obj), Some(more)) = (v.as_object_mut(), extra.as_object()) {
            obj.extend(more.clone());
        }
        serde_json::to_vec(&v).unwrap()
    }

    fn jobs(i: Intake) -> Vec<NewJob> {
        match i {
            Intake::Jobs(j) => j,
            Intake::Ignore(r) => panic!("ignored: {r}"),
        }
    }

    #[test]
    fn pull_request_actions() {
        for a in ["opened", "synchronize", "reopened", "ready_for_review"] {
            let j = jobs(intake("pull_request", "d", &pr_event(a, json!({}))).unwrap());
            assert_eq!(j.len(), 1);
            assert_eq!(j[0].repo, "o/r");
            assert_eq!(j[0].pr_number, Some(7));
            assert_eq!(j[0].head_sha, SHA_A);
            assert_eq!(j[0].base_sha.as_deref(), Some(SHA_B));
            assert_eq!(j[0].installation_id, Some(99));
            assert_eq!(j[0].payload["draft"], true);
            assert_eq!(j[0].payload["head"]["repo"], "fork/repo");
        }
        for a in ["closed", "labeled", "edited"] {
            let r = intake("pull_request", "d", &pr_event(a, json!({}))).unwrap();
            assert!(matches!(r, Intake::Ignore(_)), "{a}");
        }
        let base_changed = json!({"changes": {"base": {"ref": {"from": "dev"}}}});
        let j = jobs(intake("pull_request", "d", &pr_event("edited", base_changed)).unwrap());
        assert_eq!(j.len(), 1);
        let title_changed = json!({"changes": {"title": {"from": "x"}}});
        let r = intake("pull_request", "d", &pr_event("edited", title_changed)).unwrap();
        assert!(matches!(r, Intake::Ignore(_)));
    }

    #[test]
    fn bad_payloads_are_errors() {
        assert!(intake("pull_request", "d", b"{not json").is_err());
        assert!(intake("pull_request", "d", b"{}").is_err());
        assert!(intake("pull_request", "d", br#"{"action":"opened"}"#).is_err());
        let bad_sha = pr_event("opened", json!({}));
        let bad_sha = String::from_utf8(bad_sha).unwrap().replace(SHA_A, "nothex");
        assert!(intake("pull_request", "d", bad_sha.as_bytes()).is_err());
        // Unknown events are not even parsed.
        assert!(matches!(
            intake("star", "d", b"garbage").unwrap(),
            Intake::Ignore(_)
        ));
    }

    #[test]
    fn check_suite_requested_needs_pull_requests() {
        let body = |action: &str, prs: serde_json::Value| {
            serde_json::to_vec(&json!({
                "action": action,
                "check_suite": {"id": 5, "head_sha": SHA_A, "head_branch": "f",
                                "pull_requests": prs},
                "repository": {"id": 1, "full_name": "o/r"}
            }))
            .unwrap()
        };
        let r = intake("check_suite", "d", &body("requested", json!([]))).unwrap();
        assert!(matches!(r, Intake::Ignore(_)));
        let prs = json!([{"number": 1, "base": {"sha": SHA_B, "ref": "main"}}, {"number": 2}]);
        let j = jobs(intake("check_suite", "d", &body("requested", prs)).unwrap());
        assert_eq!(j.len(), 2);
        assert_eq!(j[0].policy, EnqueuePolicy::IfNew);
        assert_eq!(j[1].pr_number, Some(2));
        let j = jobs(intake("check_suite", "d", &body("rerequested", json!([]))).unwrap());
        assert_eq!(j.len(), 1);
        assert_eq!(j[0].pr_number, None);
        assert_eq!(j[0].policy, EnqueuePolicy::Coalesce);
        let r = intake("check_suite", "d", &body("completed", json!([]))).unwrap();
        assert!(matches!(r, Intake::Ignore(_)));
    }
}
