//! The GitHub review flow end to end, over real HTTP, against the stateful fake GitHub in
//! `tests/support/fake_github` (which checks every request against GitHub's OpenAPI
//! description). Each test builds a small Flask repository, opens a pull request and runs
//! `review_pull_request` as the App (JWT -> installation token) or with a plain token.

mod support;

use std::time::{Duration, Instant};

use snakeguard::forge::github::types::Conclusion;
use snakeguard::forge::github::{
    CommitSha, Credentials, GitHubClient, PullNumber, RepoName, RetryPolicy, ReviewError,
    ReviewOptions, ReviewOutcome, Secret, review_pull_request,
};
use snakeguard::forge::plan::parse_marker;
use support::fake_github::{APP_ID, FakeGitHub, Fault, INSTALLATION_ID, PLAIN_TOKEN, PRIVATE_KEY};

const REPO: &str = "acme/webapp";
const PR: u64 = 7;
/// Every wait in these tests ends.
const TIMEOUT: Duration = Duration::from_secs(60);

const BASE_APP: &str = r#"from flask import Flask, request
import subprocess
import yaml

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    return subprocess.check_output(["ping", "-c", "1", host])


def legacy_settings(path):
    with open(path) as handle:
        return yaml.load(handle)
"#;

/// The pull request adds a shell command from user input and an unsafe YAML load.
const HEAD_APP: &str = r#"from flask import Flask, request
import subprocess
import yaml

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    return subprocess.check_output(["ping", "-c", "1", host])


@app.route("/run")
def run():
    cmd = request.args.get("cmd")
    return str(subprocess.call(cmd, shell=True))


@app.route("/config", methods=["POST"])
def upload_config():
    return yaml.load(request.data)


def legacy_settings(path):
    with open(path) as handle:
        return yaml.load(handle)
"#;

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_rate_limit_waits: 3,
        min_rate_limit_wait: Duration::from_millis(100),
        max_rate_limit_wait: Duration::from_secs(5),
        timeout: Duration::from_secs(10),
    }
}

fn app_client(fake: &FakeGitHub) -> GitHubClient {
    GitHubClient::new(
        &fake.url,
        Credentials::App {
            app_id: APP_ID,
            private_key: Secret::new(PRIVATE_KEY),
            installation_id: INSTALLATION_ID,
        },
        policy(),
    )
    .unwrap()
}

fn repo() -> RepoName {
    REPO.parse().unwrap()
}

/// A repository with the base app on `main` and pull request #7 adding HEAD_APP.
/// Returns (base sha, head sha).
fn flask_pull_request(fake: &FakeGitHub, extra_base: &[(&str, Option<&str>)]) -> (String, String) {
    let mut files: Vec<(&str, Option<&str>)> = vec![
        ("app.py", Some(BASE_APP)),
        ("README.md", Some("# webapp\n")),
    ];
    files.extend_from_slice(extra_base);
    let base = fake.commit(REPO, None, &files);
    let head = fake.commit(REPO, Some(&base), &[("app.py", Some(HEAD_APP))]);
    fake.open_pull_request(REPO, PR, &base, &head);
    (base, head)
}

async fn review(
    client: &GitHubClient,
    head: &str,
    options: &ReviewOptions,
) -> Result<ReviewOutcome, ReviewError> {
    tokio::time::timeout(
        TIMEOUT,
        review_pull_request(
            client,
            &repo(),
            PullNumber(PR),
            &CommitSha::new(head),
            options,
        ),
    )
    .await
    .expect("the review finishes in time")
}

fn codes(fake: &FakeGitHub) -> Vec<String> {
    let mut codes: Vec<String> = fake
        .comments(REPO)
        .iter()
        .map(|c| {
            c.body
                .split(" · ")
                .next()
                .unwrap()
                .trim_start_matches("**")
                .to_string()
        })
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn opened_gets_one_review_with_only_the_new_findings_and_a_completed_check_run() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();

    // Exactly the two new problems; the pre-existing yaml.load in legacy_settings is hidden.
    assert_eq!(outcome.new_findings.len(), 2, "{:#?}", outcome.new_findings);
    assert_eq!(outcome.preexisting, 1);
    assert_eq!(outcome.posted, 2);
    assert_eq!(fake.count("POST", "/pulls/7/reviews"), 1);
    let comments = fake.comments(REPO);
    assert_eq!(comments.len(), 2);
    let mut lines: Vec<u32> = comments.iter().map(|c| c.line).collect();
    lines.sort();
    assert_eq!(lines, vec![17, 22]);
    assert!(
        comments
            .iter()
            .all(|c| c.commit_id == head && parse_marker(&c.body).is_some())
    );
    assert!(
        comments.iter().any(|c| c
            .body
            .contains("```suggestion\n    return yaml.safe_load(request.data)")),
        "the yaml.load comment offers the mechanical fix:\n{:#?}",
        comments
    );

    let runs = fake.check_runs(REPO);
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(
        (run.name.as_str(), run.head_sha.as_str()),
        ("snakeguard", head.as_str())
    );
    assert_eq!(run.status, "completed");
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(outcome.conclusion, Conclusion::Failure);
    assert_eq!(run.annotations.len(), 2);
    let levels: Vec<&str> = run
        .annotations
        .iter()
        .map(|a| a["annotation_level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"failure"), "{levels:?}");
    let summary = run.summary.as_deref().unwrap();
    assert!(
        summary.contains("2 new security issues")
            && summary.contains("1 pre-existing finding hidden"),
        "{summary}"
    );
    assert!(
        run.title
            .as_deref()
            .unwrap()
            .starts_with("2 new security issues")
    );

    // One installation token, reused for every call.
    assert_eq!(fake.tokens_issued(), 1);
    fake.assert_clean();
}

#[tokio::test]
async fn synchronize_with_the_same_findings_posts_nothing_new() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    let client = app_client(&fake);
    review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();

    // A new push that moves the code down but keeps the findings.
    let moved = HEAD_APP.replace(
        "app = Flask(__name__)\n",
        "app = Flask(__name__)\napp.config[\"DEBUG\"] = False\n",
    );
    let head2 = fake.commit(REPO, Some(&head), &[("app.py", Some(&moved))]);
    fake.push(REPO, PR, &head2);
    let outcome = review(&client, &head2, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.new_findings.len(), 2);
    assert_eq!((outcome.posted, outcome.already_posted), (0, 2));
    assert_eq!(
        fake.count("POST", "/pulls/7/reviews"),
        1,
        "no second review"
    );
    assert_eq!(fake.count("POST", "/pulls/7/comments"), 0);
    assert_eq!(fake.comments(REPO).len(), 2);

    // Re-running on the same commit posts nothing either.
    let again = review(&client, &head2, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(again.posted, 0);
    assert_eq!(fake.comments(REPO).len(), 2);
    let runs = fake.check_runs(REPO);
    assert_eq!(runs.len(), 3);
    assert!(
        runs.iter()
            .all(|r| r.status == "completed" && r.conclusion.as_deref() == Some("failure"))
    );
    fake.assert_clean();
}

#[tokio::test]
async fn a_fix_pushed_resolves_the_thread_via_graphql() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    let client = app_client(&fake);
    review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    let shell_comment = fake
        .comments(REPO)
        .into_iter()
        .find(|c| c.body.contains("shell"))
        .expect("a comment on the shell command");

    let fixed = HEAD_APP.replace(
        "return str(subprocess.call(cmd, shell=True))",
        "return str(subprocess.call([\"/usr/bin/tool\", cmd]))",
    );
    let head2 = fake.commit(REPO, Some(&head), &[("app.py", Some(&fixed))]);
    fake.push(REPO, PR, &head2);
    let outcome = review(&client, &head2, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.resolved, 1);
    assert_eq!(outcome.posted, 0);
    let threads = fake.threads(REPO);
    for thread in &threads {
        let expected = thread.comment_ids.contains(&shell_comment.id);
        assert_eq!(thread.resolved, expected, "{thread:?}");
    }
    // The unsafe YAML load of request data is still new (and high): the check still fails,
    // with one annotation. It is the taint rule's finding (SG012), which absorbed SG506's.
    let rules: Vec<&str> = outcome
        .new_findings
        .iter()
        .map(|f| f.rule.meta().code)
        .collect();
    assert_eq!(rules, vec!["SG012"]);
    let run = fake.check_runs(REPO).pop().unwrap();
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(run.annotations.len(), 1);
    assert_eq!(
        fake.count("POST", "/graphql"),
        2,
        "one thread listing, one resolution"
    );
    fake.assert_clean();
}

#[tokio::test]
async fn bad_gateway_then_ok_gives_exactly_one_review() {
    // Before the review was created: the client re-lists, finds nothing, posts once more.
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    fake.inject(Fault::once("POST", "/pulls/7/reviews", 502));
    fake.inject(Fault::once("GET", "/pulls/7/files", 502));
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.posted, 2);
    assert_eq!(fake.repo(REPO, |r| r.reviews.len()), 1);
    assert_eq!(fake.comments(REPO).len(), 2);
    assert_eq!(fake.count("POST", "/pulls/7/reviews"), 2);
    assert_eq!(
        fake.count("GET", "/pulls/7/files"),
        2,
        "the GET was retried"
    );
    fake.assert_clean();

    // After the review was created (a gateway timeout after the fact): nothing is replayed.
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    fake.inject(Fault {
        after_applying: true,
        ..Fault::once("POST", "/pulls/7/reviews", 502)
    });
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.posted, 2);
    assert_eq!(fake.repo(REPO, |r| r.reviews.len()), 1);
    assert_eq!(fake.comments(REPO).len(), 2, "no duplicated comments");
    assert_eq!(fake.count("POST", "/pulls/7/reviews"), 1);
    fake.assert_clean();
}

#[tokio::test]
async fn rate_limited_with_retry_after_waits_and_succeeds() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    fake.inject(Fault {
        retry_after: Some(1),
        ..Fault::once("POST", "/pulls/7/reviews", 429)
    });
    // A secondary limit without headers: wait the configured minimum.
    fake.inject(Fault::once("GET", "/pulls/7/comments", 403));
    let client = GitHubClient::new(
        &fake.url,
        Credentials::Token(Secret::new(PLAIN_TOKEN)),
        policy(),
    )
    .unwrap();
    let started = Instant::now();
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.posted, 2);
    assert_eq!(fake.repo(REPO, |r| r.reviews.len()), 1);
    let reviews: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/pulls/7/reviews"))
        .collect();
    assert_eq!(
        reviews.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![429, 200]
    );
    let waited = reviews[1].at - reviews[0].at;
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(
        fake.tokens_issued(),
        0,
        "plain token mode never asks for installation tokens"
    );
    fake.assert_clean();
}

#[tokio::test]
async fn a_rejected_review_falls_back_to_single_comments_and_reports_the_rejected_ones() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    // GitHub disagrees about line 22 (the yaml.load in upload_config).
    fake.reject_comment_line(REPO, "app.py", 22);
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.posted, 1);
    assert_eq!(outcome.rejected.len(), 1);
    assert_eq!(
        (outcome.rejected[0].path.as_str(), outcome.rejected[0].line),
        ("app.py", 22)
    );
    assert_eq!(fake.repo(REPO, |r| r.reviews.len()), 0);
    assert_eq!(fake.count("POST", "/pulls/7/comments"), 2);
    assert_eq!(fake.comments(REPO).len(), 1);
    let run = fake.check_runs(REPO).pop().unwrap();
    let text = run.text.unwrap();
    assert!(
        text.contains("Comments GitHub rejected (1)") && text.contains("`app.py` line 22"),
        "{text}"
    );
    // Both findings are still annotations.
    assert_eq!(run.annotations.len(), 2);
    fake.assert_clean();
}

#[tokio::test]
async fn many_files_are_paged_and_annotations_sent_in_batches_of_fifty() {
    let fake = FakeGitHub::start().await;
    let base = fake.commit(REPO, None, &[("app.py", Some(BASE_APP))]);
    let sources: Vec<(String, String)> = (0..120)
        .map(|i| {
            (
                format!("jobs/job_{i:03}.py"),
                format!("import subprocess\n\n\ndef job_{i}(cmd):\n    return subprocess.call(cmd, shell=True)\n"),
            )
        })
        .collect();
    let changes: Vec<(&str, Option<&str>)> = sources
        .iter()
        .map(|(path, text)| (path.as_str(), Some(text.as_str())))
        .collect();
    let head = fake.commit(REPO, Some(&base), &changes);
    fake.open_pull_request(REPO, PR, &base, &head);
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.files_analysed, 120);
    assert_eq!(outcome.new_findings.len(), 120);
    let pages: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/pulls/7/files"))
        .map(|r| r.query)
        .collect();
    assert_eq!(pages, vec!["per_page=100&page=1", "per_page=100&page=2"]);
    let patches: Vec<usize> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| {
            r.body.unwrap()["output"]["annotations"]
                .as_array()
                .map_or(0, Vec::len)
        })
        .collect();
    assert_eq!(patches, vec![50, 50, 20]);
    let run = fake.check_runs(REPO).pop().unwrap();
    assert_eq!(run.annotations.len(), 120);
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(fake.comments(REPO).len(), 120);
    assert_eq!(fake.count("POST", "/pulls/7/reviews"), 1);
    fake.assert_clean();
}

#[tokio::test]
async fn the_base_configuration_is_honoured_even_if_the_head_changes_it() {
    let fake = FakeGitHub::start().await;
    let base_config = "ignore = [\"SG002\", \"SG602\"]\n";
    let (_, head) = flask_pull_request(&fake, &[(".snakeguard.toml", Some(base_config))]);
    // The pull request also tries to switch off the YAML rule for its own review.
    let head2 = fake.commit(
        REPO,
        Some(&head),
        &[(
            ".snakeguard.toml",
            Some("ignore = [\"SG002\", \"SG602\", \"SG012\", \"SG506\"]\n"),
        )],
    );
    fake.push(REPO, PR, &head2);
    let client = app_client(&fake);
    let outcome = review(&client, &head2, &ReviewOptions::default())
        .await
        .unwrap();
    let rules: Vec<&str> = outcome
        .new_findings
        .iter()
        .map(|f| f.rule.meta().code)
        .collect();
    assert_eq!(
        rules,
        vec!["SG012"],
        "shell injection ignored by the base config, the yaml.load of request data still reported"
    );
    assert_eq!(codes(&fake), vec!["SG012"]);
    fake.assert_clean();
}

#[tokio::test]
async fn a_failing_review_still_completes_the_check_run_with_an_explanation() {
    // An invalid configuration on the base branch.
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(
        &fake,
        &[(
            ".snakeguard.toml",
            Some("select = [\"SG602\"]\nbogus = 1\n"),
        )],
    );
    let client = app_client(&fake);
    let error = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(error, ReviewError::Config(_)), "{error}");
    let run = fake.check_runs(REPO).pop().unwrap();
    assert_eq!(
        (run.status.as_str(), run.conclusion.as_deref()),
        ("completed", Some("failure"))
    );
    let summary = run.summary.unwrap();
    assert!(
        summary.contains("could not review") && summary.contains("bogus"),
        "{summary}"
    );
    fake.assert_clean();

    // GitHub keeps failing: the check run is completed, not left in progress.
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    fake.inject(Fault {
        times: 10,
        ..Fault::once("GET", "/compare/", 502)
    });
    let client = app_client(&fake);
    let error = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(fake.count("GET", "/compare/"), 4, "max_attempts");
    let run = fake.check_runs(REPO).pop().unwrap();
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert!(run.summary.unwrap().contains("502"));
    fake.assert_clean();
}

#[tokio::test]
async fn without_checks_permission_a_commit_status_is_used() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    let client = app_client(&fake);
    let options = ReviewOptions {
        use_check_run: false,
        ..ReviewOptions::default()
    };
    let outcome = review(&client, &head, &options).await.unwrap();
    assert_eq!(outcome.check_run, None);
    let statuses = fake.repo(REPO, |r| r.statuses.clone());
    let states: Vec<&str> = statuses
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["pending", "failure"]);
    assert_eq!(statuses[1]["context"], "snakeguard");
    assert!(fake.check_runs(REPO).is_empty());
    fake.assert_clean();
}

#[tokio::test]
async fn sarif_is_uploaded_gzipped_when_asked() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    let client = app_client(&fake);
    let options = ReviewOptions {
        sarif_ref: Some(format!("refs/pull/{PR}/head")),
        ..ReviewOptions::default()
    };
    let outcome = review(&client, &head, &options).await.unwrap();
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let sarifs = fake.repo(REPO, |r| r.sarifs.clone());
    assert_eq!(sarifs.len(), 1);
    assert_eq!(sarifs[0]["runs"][0]["results"].as_array().unwrap().len(), 2);
    fake.assert_clean();
}

#[tokio::test]
async fn installation_tokens_are_cached_and_refreshed_before_they_expire() {
    // A token with less than five minutes left is not used: every call gets a fresh one.
    let fake = FakeGitHub::start().await;
    fake.set_token_lifetime(240);
    let (_, head) = flask_pull_request(&fake, &[]);
    let client = app_client(&fake);
    review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    let authenticated = fake
        .requests()
        .iter()
        .filter(|r| !r.path.starts_with("/app/"))
        .count();
    assert_eq!(fake.tokens_issued(), authenticated);
    fake.assert_clean();
}

#[tokio::test]
async fn large_files_come_from_the_blob_api_and_missing_patches_are_computed() {
    let fake = FakeGitHub::start().await;
    assert!(BASE_APP.len() < 500 && HEAD_APP.len() > 500);
    fake.set_contents_limit(500);
    let (_, head) = flask_pull_request(&fake, &[]);
    fake.omit_patch("app.py");
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.new_findings.len(), 2);
    let mut lines: Vec<u32> = fake.comments(REPO).iter().map(|c| c.line).collect();
    lines.sort();
    assert_eq!(lines, vec![17, 22]);
    assert_eq!(fake.count("GET", "/git/blobs/"), 1);
    fake.assert_clean();
}

#[tokio::test]
async fn a_superseded_head_is_not_reviewed() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    let newer = fake.commit(REPO, Some(&head), &[("NOTES.md", Some("later\n"))]);
    fake.push(REPO, PR, &newer);
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.superseded_by, Some(CommitSha::new(newer.as_str())));
    assert_eq!(outcome.conclusion, Conclusion::Neutral);
    assert!(fake.comments(REPO).is_empty());
    let run = fake.check_runs(REPO).pop().unwrap();
    assert_eq!(
        (run.status.as_str(), run.conclusion.as_deref()),
        ("completed", Some("neutral"))
    );
    assert!(run.title.unwrap().starts_with("Superseded by"));
    fake.assert_clean();
}

#[tokio::test]
async fn the_merge_base_is_scanned_when_the_base_branch_moved_on() {
    let fake = FakeGitHub::start().await;
    let (base, head) = flask_pull_request(&fake, &[]);
    // main moves on after the branch was cut, adding a problem of its own.
    let main = fake.commit(
        REPO,
        Some(&base),
        &[(
            "tools.py",
            Some("import os\n\n\ndef clean(path):\n    os.system(\"rm -rf \" + path)\n"),
        )],
    );
    fake.open_pull_request(REPO, PR, &main, &head);
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.merge_base, Some(CommitSha::new(base.as_str())));
    assert_eq!(outcome.new_findings.len(), 2);
    assert!(outcome.new_findings.iter().all(|f| f.path == "app.py"));
    let refs: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/contents/"))
        .map(|r| r.query)
        .collect();
    assert!(
        refs.iter()
            .all(|q| q == &format!("ref={base}") || q == &format!("ref={head}")),
        "{refs:?}"
    );
    fake.assert_clean();
}

#[tokio::test]
async fn forbidden_check_runs_fall_back_to_a_commit_status() {
    let fake = FakeGitHub::start().await;
    let (_, head) = flask_pull_request(&fake, &[]);
    fake.inject(Fault {
        message: Some("Resource not accessible by integration"),
        ..Fault::once("POST", "/check-runs", 403)
    });
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.check_run, None);
    assert_eq!(
        fake.count("POST", "/check-runs"),
        1,
        "a plain 403 is not a rate limit"
    );
    let states: Vec<String> = fake.repo(REPO, |r| {
        r.statuses
            .iter()
            .map(|s| s["state"].as_str().unwrap().to_string())
            .collect()
    });
    assert_eq!(states, vec!["pending", "failure"]);
    assert_eq!(outcome.posted, 2);
    fake.assert_clean();
}

#[tokio::test]
async fn enterprise_base_paths_are_kept_on_every_page() {
    let fake = FakeGitHub::start().await;
    let base = fake.commit(REPO, None, &[("README.md", Some("# webapp\n"))]);
    let docs: Vec<(String, String)> = (0..130)
        .map(|i| (format!("docs/page_{i:03}.md"), format!("page {i}\n")))
        .collect();
    let changes: Vec<(&str, Option<&str>)> = docs
        .iter()
        .map(|(path, text)| (path.as_str(), Some(text.as_str())))
        .collect();
    let head = fake.commit(REPO, Some(&base), &changes);
    fake.open_pull_request(REPO, PR, &base, &head);
    let client = GitHubClient::new(
        &format!("{}/api/v3/", fake.url),
        Credentials::App {
            app_id: APP_ID,
            private_key: Secret::new(PRIVATE_KEY),
            installation_id: INSTALLATION_ID,
        },
        policy(),
    )
    .unwrap();
    let files = tokio::time::timeout(
        TIMEOUT,
        client.pull_request_files(&repo(), PullNumber(PR), 3000),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(files.len(), 130);
    let capped = tokio::time::timeout(
        TIMEOUT,
        client.pull_request_files(&repo(), PullNumber(PR), 100),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(capped.len(), 100);
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        vec![
            "/api/v3/app/installations/77/access_tokens",
            "/api/v3/repos/acme/webapp/pulls/7/files",
            "/api/v3/repos/acme/webapp/pulls/7/files",
            "/api/v3/repos/acme/webapp/pulls/7/files",
        ]
    );
    // Nothing to analyse: the review is neutral and posts nothing.
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert_eq!(outcome.conclusion, Conclusion::Neutral);
    assert_eq!(fake.count("POST", "/reviews"), 0);
    fake.assert_clean();
}

/// A pull request that only changes a helper module: the helper stops quoting its argument,
/// which makes an *unchanged* view vulnerable. The finding is reported for the view and the
/// comment goes on the helper's changed line (the only place GitHub accepts it).
fn helper_pull_request(fake: &FakeGitHub) -> String {
    const HELPERS: &str = "import shlex\n\n\ndef clean(name):\n    return shlex.quote(name)\n";
    const VIEWS: &str = "import os\n\nfrom flask import Flask, request\n\nfrom .helpers import clean\n\napp = Flask(__name__)\n\n\n@app.route(\"/r\")\ndef r():\n    os.system(\"report \" + clean(request.args[\"name\"]))\n    return \"ok\"\n";
    let base = fake.commit(
        REPO,
        None,
        &[
            ("app/__init__.py", Some("")),
            ("app/helpers.py", Some(HELPERS)),
            ("app/views.py", Some(VIEWS)),
            ("README.md", Some("# webapp\n")),
        ],
    );
    let head = fake.commit(
        REPO,
        Some(&base),
        &[(
            "app/helpers.py",
            Some("import shlex\n\n\ndef clean(name):\n    return name\n"),
        )],
    );
    fake.open_pull_request(REPO, PR, &base, &head);
    head
}

#[tokio::test]
async fn a_helper_change_that_makes_an_unchanged_caller_vulnerable_is_commented_on_the_helper() {
    let fake = FakeGitHub::start().await;
    let head = helper_pull_request(&fake);
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();

    let new: Vec<(&str, &str, u32)> = outcome
        .new_findings
        .iter()
        .map(|f| (f.rule.code(), f.path.as_str(), f.span.start.line))
        .collect();
    assert_eq!(new, vec![("SG002", "app/views.py", 12)]);
    let comments = fake.comments(REPO);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert_eq!(
        (comments[0].path.as_str(), comments[0].line),
        ("app/helpers.py", 5)
    );
    assert!(
        comments[0]
            .body
            .contains("unchanged code at line 12 of `app/views.py`"),
        "{}",
        comments[0].body
    );
    // The check run annotates the vulnerable line itself.
    let runs = fake.check_runs(REPO);
    assert_eq!(runs[0].conclusion.as_deref(), Some("failure"));
    let annotated: Vec<(&str, u64)> = runs[0]
        .annotations
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap(),
                a["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(annotated, vec![("app/views.py", 12)]);
    // The unchanged files were listed once and read by blob.
    assert_eq!(fake.count("GET", "/git/trees/"), 1);
    fake.assert_clean();
}

/// When the repository cannot be listed, the review of the changed files still goes through
/// and says that effects on unchanged files were not followed.
#[tokio::test]
async fn a_failed_repository_listing_degrades_to_the_changed_files_with_a_note() {
    let fake = FakeGitHub::start().await;
    let head = helper_pull_request(&fake);
    fake.inject(Fault::once("GET", "/git/trees/", 404));
    let client = app_client(&fake);
    let outcome = review(&client, &head, &ReviewOptions::default())
        .await
        .unwrap();
    assert!(outcome.new_findings.is_empty());
    assert!(
        outcome
            .skipped
            .iter()
            .any(|note| note.contains("Effects on unchanged files were not followed")),
        "{:?}",
        outcome.skipped
    );
    let run = fake.check_runs(REPO).pop().unwrap();
    assert_eq!(run.status, "completed");
    assert!(
        run.summary
            .as_deref()
            .unwrap_or_default()
            .contains("Effects on unchanged files were not followed"),
        "{:?}",
        run.summary
    );
}
