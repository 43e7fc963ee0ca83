//! `review_merge_request` over real HTTP against the fake GitLab of `gitlab_support`:
//! open -> discussions + status; same code again -> nothing new; fix -> resolved; bad token
//! -> a clear 401 error; 5xx/429 -> retried without duplicate discussions; a too-large diff
//! -> hunks computed from the raw files. Every test runs under a timeout.

mod gitlab_support;

use std::future::Future;
use std::time::{Duration, Instant};

use axum::http::Method;

use gitlab_support::{FakeGitlab, PROJECT, TOKEN};
use snakeguard::forge::gitlab::{
    Auth, CommitState, GitlabClient, GitlabError, ProjectId, RetryPolicy, ReviewError,
    ReviewOptions, Secret, review_merge_request,
};

const TEST_TIMEOUT: Duration = Duration::from_secs(60);

async fn within<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(TEST_TIMEOUT, future)
        .await
        .expect("the test timed out")
}

const BASE: &str = r#"import subprocess


def run(cmd):
    return subprocess.run(["ls", cmd])
"#;

const HEAD_VULNERABLE: &str = r#"import pickle
import subprocess


def run(cmd):
    return subprocess.run(["ls", cmd])


def load(data):
    return pickle.loads(data)


def shell(cmd):
    return subprocess.call(cmd, shell=True)
"#;

/// The shell function removed again; pickle stays.
const HEAD_FIXED: &str = r#"import pickle
import subprocess


def run(cmd):
    return subprocess.run(["ls", cmd])


def load(data):
    return pickle.loads(data)
"#;

const HELPER: &str = "def helper():\n    return 1\n";

fn client(url: &str) -> GitlabClient {
    GitlabClient::new(url, Auth::PrivateToken(Secret::new(TOKEN)))
        .unwrap()
        .with_retry(RetryPolicy {
            max_attempts: 4,
            min_wait: Duration::from_millis(10),
            max_wait: Duration::from_secs(5),
        })
}

fn project() -> ProjectId {
    ProjectId::from(PROJECT)
}

/// An MR changing app.py plus a helper and a non-Python file, one item per page.
fn open_mr(fake: &FakeGitlab, head: &str, too_large: &[&str]) {
    fake.state().page_size = 1;
    fake.set_mr(
        7,
        "base0001",
        "head0001",
        &[
            ("README.md", Some("# x\n"), Some("# y\n")),
            ("src/app.py", Some(BASE), Some(head)),
            ("src/helper.py", None, Some(HELPER)),
        ],
        too_large,
    );
}

fn assert_clean(fake: &FakeGitlab) {
    let state = fake.state();
    assert!(
        state.unexpected.is_empty(),
        "unexpected: {:#?}",
        state.unexpected
    );
    assert!(state.rejected.is_empty(), "rejected: {:#?}", state.rejected);
}

#[tokio::test]
async fn open_update_fix() {
    within(async {
        let fake = FakeGitlab::start().await;
        open_mr(&fake, HEAD_VULNERABLE, &[]);
        let client = client(&fake.url);

        // Open: one discussion per new finding on a changed line, failed status (high+).
        let first = review_merge_request(&client, &project(), 7, &ReviewOptions::default())
            .await
            .unwrap();
        assert_clean(&fake);
        let rules: Vec<&str> = first
            .report
            .findings
            .iter()
            .map(|f| f.rule.code())
            .collect();
        assert!(first.report.findings.len() >= 2, "{rules:?}");
        assert_eq!(
            first.created,
            first.report.findings.len() - first.summary_only
        );
        assert!(first.created >= 2);
        assert_eq!(first.state, CommitState::Failed);
        {
            let state = fake.state();
            assert_eq!(state.markers(7).len(), first.created);
            assert_eq!(state.statuses_of("head0001"), ["pending", "failed"]);
            let last = state.statuses.last().unwrap();
            assert_eq!(last.name, "snakeguard");
            assert!(
                last.description.contains("new issue"),
                "{}",
                last.description
            );
            let summaries = state.summary_notes(7);
            assert_eq!(summaries.len(), 1);
            assert!(summaries[0].body.contains("new security issue"));
            // Both discussions sit on added lines of src/app.py (checked by the fake).
            assert!(
                state.mrs[&7]
                    .discussions
                    .iter()
                    .filter(|d| d.position.is_some())
                    .all(|d| d.position.as_ref().unwrap()["new_path"] == "src/app.py")
            );
            // Pagination: the diffs came one per page.
            let diff_pages = state
                .requests
                .iter()
                .filter(|r| r.ends_with("/merge_requests/7/diffs"))
                .count();
            assert_eq!(diff_pages, 3);
        }

        // Same code again: nothing new, the summary note is edited in place.
        let second = review_merge_request(&client, &project(), 7, &ReviewOptions::default())
            .await
            .unwrap();
        assert_clean(&fake);
        assert_eq!(second.created, 0);
        assert_eq!(second.already_posted, first.created);
        assert_eq!(second.summary_note_id, first.summary_note_id);
        {
            let state = fake.state();
            assert_eq!(state.markers(7).len(), first.created);
            assert_eq!(state.summary_notes(7).len(), 1);
        }

        // Fix: the shell=True finding is gone, its discussion is resolved; pickle stays open.
        fake.set_mr(
            7,
            "base0001",
            "head0002",
            &[("src/app.py", Some(BASE), Some(HEAD_FIXED))],
            &[],
        );
        let third = review_merge_request(&client, &project(), 7, &ReviewOptions::default())
            .await
            .unwrap();
        assert_clean(&fake);
        assert_eq!(third.created, 0);
        assert!(third.resolved >= 1);
        let state = fake.state();
        let markers = state.markers(7);
        let resolved = markers.iter().filter(|(_, resolved)| *resolved).count();
        assert_eq!(resolved, third.resolved);
        assert_eq!(markers.len() - resolved, third.report.findings.len());
        assert!(
            third
                .report
                .findings
                .iter()
                .all(|f| !f.message.contains("shell"))
        );
        assert_eq!(state.statuses_of("head0002").first().unwrap(), "pending");
        assert_eq!(state.summary_notes(7).len(), 1);
    })
    .await;
}

#[tokio::test]
async fn fail_on_never_and_clean_changes_succeed() {
    within(async {
        let fake = FakeGitlab::start().await;
        open_mr(&fake, HEAD_VULNERABLE, &[]);
        let options = ReviewOptions {
            fail_on: Some(None),
            target_url: Some("https://ci.example/jobs/1".into()),
            ..ReviewOptions::default()
        };
        let outcome = review_merge_request(&client(&fake.url), &project(), 7, &options)
            .await
            .unwrap();
        assert_eq!(outcome.state, CommitState::Success);
        assert_eq!(fake.state().statuses_of("head0001"), ["pending", "success"]);
        assert_clean(&fake);
    })
    .await;
}

#[tokio::test]
async fn bad_token_is_a_clear_error() {
    within(async {
        let fake = FakeGitlab::start().await;
        open_mr(&fake, HEAD_VULNERABLE, &[]);
        let client = GitlabClient::new(&fake.url, Auth::PrivateToken(Secret::new("wrong")))
            .unwrap()
            .with_retry(RetryPolicy {
                min_wait: Duration::from_millis(10),
                ..RetryPolicy::default()
            });
        let error = review_merge_request(&client, &project(), 7, &ReviewOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                ReviewError::Gitlab(GitlabError::Unauthorized { status: 401, .. })
            ),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("401"), "{message}");
        assert!(message.contains("token"), "{message}");
        assert!(!message.contains("wrong"), "the token leaked: {message}");
        assert!(!error.is_transient());
        // Not retried: one request, and nothing was written.
        let state = fake.state();
        assert_eq!(state.requests.len(), 1, "{:?}", state.requests);
        assert!(state.statuses.is_empty());
    })
    .await;
}

#[tokio::test]
async fn server_errors_are_retried_without_duplicates() {
    within(async {
        let fake = FakeGitlab::start().await;
        open_mr(&fake, HEAD_VULNERABLE, &[]);
        fake.fault(Method::GET, "/merge_requests/7/diffs", 502, false);
        fake.fault(Method::POST, "/statuses/head0001", 500, false);
        // The first discussion is stored, then the answer is lost in a 500: re-listing must
        // find it. The second discussion fails before it is stored: it must be sent again.
        fake.fault(Method::POST, "/merge_requests/7/discussions", 500, true);
        fake.fault(Method::POST, "/merge_requests/7/discussions", 503, false);
        fake.fault(Method::POST, "/merge_requests/7/notes", 500, true);
        {
            let mut state = fake.state();
            state.faults.push(gitlab_support::Fault {
                method: Method::GET,
                path_suffix: "/merge_requests/7".into(),
                status: 429,
                times: 1,
                after_apply: false,
                retry_after: Some(1),
            });
        }
        let started = Instant::now();
        let outcome =
            review_merge_request(&client(&fake.url), &project(), 7, &ReviewOptions::default())
                .await
                .unwrap();
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "retry-after was not honoured"
        );
        assert_clean(&fake);
        let state = fake.state();
        assert!(
            state.faults.iter().all(|f| f.times == 0),
            "{:?}",
            state.faults
        );
        let mut markers: Vec<String> = state.markers(7).into_iter().map(|(fp, _)| fp).collect();
        let total = markers.len();
        markers.sort();
        markers.dedup();
        assert_eq!(markers.len(), total, "a discussion was posted twice");
        assert_eq!(total, outcome.report.findings.len() - outcome.summary_only);
        assert_eq!(
            state.summary_notes(7).len(),
            1,
            "the summary was posted twice"
        );
        assert_eq!(state.statuses_of("head0001"), ["pending", "failed"]);
    })
    .await;
}

#[tokio::test]
async fn too_large_diffs_are_computed_from_the_files() {
    within(async {
        let fake = FakeGitlab::start().await;
        open_mr(&fake, HEAD_VULNERABLE, &["src/app.py"]);
        let outcome =
            review_merge_request(&client(&fake.url), &project(), 7, &ReviewOptions::default())
                .await
                .unwrap();
        // The fake checks every position against the real diff.
        assert_clean(&fake);
        assert!(outcome.created >= 2);
        assert_eq!(outcome.summary_only, 0);
        assert_eq!(fake.state().markers(7).len(), outcome.created);
    })
    .await;
}

#[tokio::test]
async fn errors_after_the_status_is_pending_end_failed() {
    within(async {
        let fake = FakeGitlab::start().await;
        open_mr(&fake, HEAD_VULNERABLE, &[]);
        // A persistent 500 on the diffs: retries run out, the status must not stay pending.
        fake.state().faults.push(gitlab_support::Fault {
            method: Method::GET,
            path_suffix: "/merge_requests/7/diffs".into(),
            status: 500,
            times: 100,
            after_apply: false,
            retry_after: None,
        });
        let error =
            review_merge_request(&client(&fake.url), &project(), 7, &ReviewOptions::default())
                .await
                .unwrap_err();
        assert!(error.is_transient(), "{error}");
        assert!(error.to_string().contains("500"), "{error}");
        let state = fake.state();
        assert_eq!(state.statuses_of("head0001"), ["pending", "failed"]);
        assert!(
            state
                .statuses
                .last()
                .unwrap()
                .description
                .starts_with("snakeguard could not review"),
        );
    })
    .await;
}

#[tokio::test]
async fn the_fake_refuses_positions_gitlab_refuses() {
    within(async {
        let fake = FakeGitlab::start().await;
        open_mr(&fake, HEAD_VULNERABLE, &[]);
        let client = client(&fake.url);
        let position = snakeguard::forge::gitlab::TextPosition {
            position_type: "text",
            base_sha: "base0001".into(),
            start_sha: "base0001".into(),
            head_sha: "head0001".into(),
            old_path: "src/app.py".into(),
            new_path: "src/app.py".into(),
            // Line 5 is unchanged context: `new_line` alone is not a valid position.
            new_line: Some(5),
            old_line: None,
        };
        let error = client
            .create_discussion(&project(), 7, "x", Some(&position))
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(400));
        assert_eq!(fake.state().rejected.len(), 1);
        // With its old line it is valid.
        let position = snakeguard::forge::gitlab::TextPosition {
            old_line: Some(4),
            ..position
        };
        client
            .create_discussion(&project(), 7, "x", Some(&position))
            .await
            .unwrap();
        assert_eq!(fake.state().rejected.len(), 1);
    })
    .await;
}

/// A merge request that only changes a helper: the helper stops quoting, which makes an
/// unchanged view vulnerable. The finding is for the view; the discussion sits on the
/// helper's changed line.
#[tokio::test]
async fn a_helper_change_that_makes_an_unchanged_caller_vulnerable_is_discussed_on_the_helper() {
    within(async {
        const HELPERS: &str = "import shlex\n\n\ndef clean(name):\n    return shlex.quote(name)\n";
        const VIEWS: &str = "import os\n\nfrom flask import Flask, request\n\nfrom .helpers import clean\n\napp = Flask(__name__)\n\n\n@app.route(\"/r\")\ndef r():\n    os.system(\"report \" + clean(request.args[\"name\"]))\n    return \"ok\"\n";
        let fake = FakeGitlab::start().await;
        fake.state().page_size = 1;
        fake.set_mr(
            9,
            "base0009",
            "head0009",
            &[(
                "app/helpers.py",
                Some(HELPERS),
                Some("import shlex\n\n\ndef clean(name):\n    return name\n"),
            )],
            &[],
        );
        for sha in ["base0009", "head0009"] {
            fake.put_file(sha, "app/__init__.py", "");
            fake.put_file(sha, "app/views.py", VIEWS);
        }
        let client = client(&fake.url);
        let outcome = review_merge_request(&client, &project(), 9, &ReviewOptions::default())
            .await
            .unwrap();
        assert_clean(&fake);
        let found: Vec<(&str, &str, u32)> = outcome
            .report
            .findings
            .iter()
            .map(|f| (f.rule.code(), f.path.as_str(), f.span.start.line))
            .collect();
        assert_eq!(found, vec![("SG002", "app/views.py", 12)]);
        assert_eq!(outcome.created, 1);
        let state = fake.state();
        let discussion = state.mrs[&9]
            .discussions
            .iter()
            .find(|d| d.position.is_some())
            .expect("a line discussion");
        let position = discussion.position.as_ref().unwrap();
        assert_eq!(position["new_path"], "app/helpers.py");
        assert_eq!(position["new_line"], 5);
        assert!(
            discussion.notes[0]
                .body
                .contains("unchanged code at line 12 of `app/views.py`"),
            "{}",
            discussion.notes[0].body
        );
        assert_eq!(state.statuses_of("head0009").last().unwrap(), "failed");
    })
    .await;
}
