//! GitLab "Merge Request Hook" deliveries -> review jobs (pure).
//!
//! `open` and `reopen` enqueue a review of `last_commit.id`; `update` only when `oldrev` is
//! present (new commits were pushed; other updates are title, label or assignee edits).
//! Draft merge requests are reviewed, as on GitHub. The job's `repo` is the numeric project id
//! (stable across renames), `pr_number` the merge request iid.

use serde::Deserialize;
use serde_json::json;

use super::github::{Intake, PayloadError, check_sha};
use crate::store::{EnqueuePolicy, Forge, NewJob};

#[derive(Deserialize)]
struct Envelope {
    object_attributes: Option<EnvelopeAttributes>,
}

#[derive(Deserialize)]
struct EnvelopeAttributes {
    action: Option<String>,
    oldrev: Option<String>,
}

#[derive(Deserialize)]
struct Project {
    id: u64,
    path_with_namespace: Option<String>,
    web_url: Option<String>,
}

#[derive(Deserialize)]
struct LastCommit {
    id: String,
}

#[derive(Deserialize)]
struct Attributes {
    iid: u64,
    action: String,
    source_branch: Option<String>,
    target_branch: Option<String>,
    source_project_id: Option<u64>,
    target_project_id: Option<u64>,
    last_commit: LastCommit,
    oldrev: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    work_in_progress: bool,
}

#[derive(Deserialize)]
struct MergeRequestHook {
    project: Project,
    object_attributes: Attributes,
}

/// Maps a verified delivery (`X-Gitlab-Event` value `event`) to jobs. `instance` is the
/// `X-Gitlab-Instance` header, kept in the payload so the worker knows which GitLab to call.
pub fn intake(
    event: &str,
    delivery: &str,
    instance: Option<&str>,
    body: &[u8],
) -> Result<Intake, PayloadError> {
    if event != "Merge Request Hook" {
        return Ok(Intake::Ignore("event not handled"));
    }
    let envelope: Envelope = serde_json::from_slice(body)?;
    let attrs = envelope.object_attributes.ok_or(PayloadError::Field {
        field: "object_attributes",
        reason: "missing",
    })?;
    match (attrs.action.as_deref(), &attrs.oldrev) {
        (Some("open" | "reopen"), _) | (Some("update"), Some(_)) => {}
        (Some("update"), None) => return Ok(Intake::Ignore("update without new commits")),
        (Some(_), _) => return Ok(Intake::Ignore("action not handled")),
        (None, _) => {
            return Err(PayloadError::Field {
                field: "object_attributes.action",
                reason: "missing",
            });
        }
    }
    let hook: MergeRequestHook = serde_json::from_slice(body)?;
    let a = &hook.object_attributes;
    let head_sha = check_sha("object_attributes.last_commit.id", &a.last_commit.id)?;
    let payload = json!({
        "event": "merge_request",
        "action": a.action,
        "delivery": delivery,
        "instance": instance,
        "project": {
            "id": hook.project.id,
            "path_with_namespace": hook.project.path_with_namespace,
            "web_url": hook.project.web_url,
        },
        "iid": a.iid,
        "head": { "sha": head_sha, "ref": a.source_branch, "project_id": a.source_project_id },
        "base": { "ref": a.target_branch, "project_id": a.target_project_id },
        "oldrev": a.oldrev,
        "draft": a.draft || a.work_in_progress,
    });
    Ok(Intake::Jobs(vec![NewJob {
        forge: Forge::Gitlab,
        repo: hook.project.id.to_string(),
        pr_number: Some(a.iid),
        head_sha,
        // Merge request hooks carry no base sha; the worker reads `diff_refs` from the API.
        base_sha: None,
        installation_id: None,
        payload,
        policy: EnqueuePolicy::Coalesce,
    }]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(action: &str, oldrev: Option<&str>) -> Vec<u8> {
        let mut attrs = json!({
            "iid": 3, "action": action, "source_branch": "f", "target_branch": "main",
            "last_commit": {"id": "DA1560886D4F094C3E6C9EF40349F7D38B5D27D7"}
        });
        if let Some(o) = oldrev {
            attrs["oldrev"] = json!(o);
        }
        serde_json::to_vec(&json!({
            "object_kind": "merge_request",
            "project": {"id": 14, "path_with_namespace": "g/p"},
            "object_attributes": attrs
        }))
        .unwrap()
    }

    #[test]
    fn actions() {
        for (action, oldrev, queued) in [
            ("open", None, true),
            ("reopen", None, true),
            ("update", Some("0123"), true),
            ("update", None, false),
            ("close", None, false),
            ("merge", None, false),
        ] {
            let r = intake("Merge Request Hook", "d", None, &hook(action, oldrev)).unwrap();
            match r {
                Intake::Jobs(j) => {
                    assert!(queued, "{action}");
                    assert_eq!(j[0].repo, "14");
                    assert_eq!(j[0].pr_number, Some(3));
                    assert_eq!(j[0].head_sha, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
                }
                Intake::Ignore(_) => assert!(!queued, "{action}"),
            }
        }
        assert!(matches!(
            intake("Push Hook", "d", None, b"x").unwrap(),
            Intake::Ignore(_)
        ));
        assert!(intake("Merge Request Hook", "d", None, b"[").is_err());
        assert!(intake("Merge Request Hook", "d", None, b"{}").is_err());
    }
}
