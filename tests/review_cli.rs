//! `snakeguard review` driven as a CI runner would: the built binary as a subprocess, a
//! synthesized GitHub Actions (or GitLab CI) environment, an event file built from GitHub's
//! official webhook example, and a temporary git checkout. Also validates `action.yml`
//! against the GitHub Actions metadata schema shipped by `check-jsonschema`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::fake_github::{FakeGitHub, Fault, PLAIN_TOKEN};

const BASE_PY: &str = include_str!("fixtures/actions/app_base.py");
const HEAD_PY: &str = include_str!("fixtures/actions/app_head.py");
const PR_EVENT: &str = include_str!("fixtures/webhooks/pull_request_opened.json");
/// The line `subprocess.call(cmd, shell=True)` the head adds.
const NEW_LINE: u32 = 16;
/// The pre-existing finding's line.
const OLD_LINE: u32 = 10;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A CI workspace: a checkout at the head commit, plus the runner's files.
struct Workspace {
    dir: tempfile::TempDir,
    base: String,
    head: String,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["config", "user.email", "ci@example.com"]);
        git(&repo, &["config", "user.name", "CI"]);
        std::fs::write(repo.join("app.py"), BASE_PY).unwrap();
        git(&repo, &["add", "app.py"]);
        git(&repo, &["commit", "-q", "-m", "base"]);
        let base = git(&repo, &["rev-parse", "HEAD"]);
        std::fs::write(repo.join("app.py"), HEAD_PY).unwrap();
        git(&repo, &["commit", "-q", "-am", "add /run"]);
        let head = git(&repo, &["rev-parse", "HEAD"]);
        Workspace { dir, base, head }
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap_or_default()
    }

    /// GitHub's `pull_request.opened` example with this workspace's shas.
    fn pull_request_event(&self, number: u64, base: &str, head: &str) -> PathBuf {
        let mut event: Value = serde_json::from_str(PR_EVENT).unwrap();
        event["number"] = number.into();
        event["pull_request"]["number"] = number.into();
        event["pull_request"]["base"]["sha"] = base.into();
        event["pull_request"]["head"]["sha"] = head.into();
        event["repository"]["full_name"] = "octo/app".into();
        let path = self.file("event.json");
        std::fs::write(&path, serde_json::to_string_pretty(&event).unwrap()).unwrap();
        path
    }

    /// A `snakeguard review` command with the Actions environment of a pull_request run.
    fn github_command(&self, api_url: &str, token: &str, args: &[&str]) -> Command {
        let event = self.pull_request_event(7, &self.base, &self.head);
        let mut command = Command::new(env!("CARGO_BIN_EXE_snakeguard"));
        command
            .arg("review")
            .args(args)
            .current_dir(self.repo())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", event)
            .env("GITHUB_REPOSITORY", "octo/app")
            .env("GITHUB_API_URL", api_url)
            .env("GITHUB_WORKSPACE", self.repo())
            .env("GITHUB_STEP_SUMMARY", self.file("step_summary.md"))
            .env("GITHUB_OUTPUT", self.file("github_output"))
            .env("GITHUB_TOKEN", token);
        command
    }
}

fn run(mut command: Command) -> Output {
    let output = command.output().unwrap();
    eprintln!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The fallback outputs: one annotation for the new finding only, summary, SARIF, outputs.
fn assert_fallback_outputs(ws: &Workspace, output: &Output) {
    let out = stdout(output);
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(errors.len(), 1, "one annotation expected:\n{out}");
    assert!(
        errors[0].starts_with(&format!("::error file=app.py,line={NEW_LINE},")),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("SG002"), "{}", errors[0]);
    assert!(!out.contains(&format!("line={OLD_LINE},")), "{out}");

    let summary = ws.read("step_summary.md");
    assert!(
        summary.contains("snakeguard: 1 new security issue"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("`app.py:{NEW_LINE}`")),
        "{summary}"
    );

    let sarif: Value = serde_json::from_str(&ws.read("out.sarif")).expect("SARIF written");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        NEW_LINE
    );
    let outputs = ws.read("github_output");
    assert!(outputs.contains("new-findings=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-file="), "{outputs}");
}

#[test]
fn annotations_mode_reports_new_findings_only_and_fails_by_default() {
    let ws = Workspace::new();
    let sarif = ws.file("out.sarif");
    let sarif = sarif.to_str().unwrap();
    let output = run(ws.github_command(
        "http://127.0.0.1:9",
        "t",
        &["--mode", "annotations", "--sarif", sarif],
    ));
    assert_eq!(output.status.code(), Some(1));
    assert_fallback_outputs(&ws, &output);

    let ws = Workspace::new();
    let output = run(ws.github_command(
        "http://127.0.0.1:9",
        "t",
        &[
            "--mode",
            "annotations",
            "--sarif",
            ws.file("out.sarif").to_str().unwrap(),
            "--fail-on",
            "never",
        ],
    ));
    assert_eq!(output.status.code(), Some(0));
    assert_fallback_outputs(&ws, &output);
}

#[test]
fn review_mode_falls_back_when_the_api_is_unreachable() {
    let ws = Workspace::new();
    let output = run(ws.github_command(
        // Nothing listens on the discard port: the connection is refused at once.
        "http://127.0.0.1:9",
        "t",
        &["--sarif", ws.file("out.sarif").to_str().unwrap()],
    ));
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("::warning title=snakeguard::"));
    assert_fallback_outputs(&ws, &output);
}

#[test]
fn missing_base_commit_suggests_fetch_depth() {
    let ws = Workspace::new();
    let mut command = ws.github_command(
        "http://127.0.0.1:9",
        "t",
        &["--mode", "annotations", "--base", &"1".repeat(40)],
    );
    command.current_dir(ws.repo());
    let output = run(command);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("fetch-depth: 0"));
}

#[test]
fn push_event_diffs_against_before() {
    let ws = Workspace::new();
    let event = ws.file("push.json");
    std::fs::write(
        &event,
        serde_json::json!({
            "ref": "refs/heads/main",
            "before": ws.base,
            "after": ws.head,
            "repository": {"full_name": "octo/app"}
        })
        .to_string(),
    )
    .unwrap();
    let mut command = ws.github_command("http://127.0.0.1:9", "t", &[]);
    command
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", &event);
    let output = run(command);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert_eq!(out.matches("::error ").count(), 1, "{out}");

    // --all: both findings.
    let mut command = ws.github_command("http://127.0.0.1:9", "t", &["--all"]);
    command
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", &event);
    let output = run(command);
    assert_eq!(stdout(&output).matches("::error ").count(), 2);
}

#[test]
fn outside_ci_is_a_clear_error() {
    let output = run({
        let mut command = Command::new(env!("CARGO_BIN_EXE_snakeguard"));
        command
            .arg("review")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITLAB_CI");
        command
    });
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("GITHUB_ACTIONS=true"));
}

#[test]
fn gitlab_ci_without_token_writes_both_reports() {
    let ws = Workspace::new();
    let mut command = Command::new(env!("CARGO_BIN_EXE_snakeguard"));
    command
        .arg("review")
        .current_dir(ws.repo())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", ws.dir.path())
        .env("GITLAB_CI", "true")
        .env("CI_API_V4_URL", "http://127.0.0.1:9/api/v4")
        .env("CI_PROJECT_ID", "42")
        .env("CI_PROJECT_DIR", ws.repo())
        .env("CI_MERGE_REQUEST_IID", "3")
        .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &ws.base)
        .env("CI_COMMIT_SHA", &ws.head);
    let output = run(command);
    assert_eq!(output.status.code(), Some(1));
    let sast: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.repo().join("gl-sast-report.json")).unwrap(),
    )
    .unwrap();
    let vulnerabilities = sast["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulnerabilities.len(), 1, "{vulnerabilities:?}");
    assert_eq!(vulnerabilities[0]["location"]["start_line"], NEW_LINE);
    let quality: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.repo().join("gl-code-quality-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(quality.as_array().unwrap().len(), 1);
}

/// Review mode against the fake GitHub: a review is posted, a re-run duplicates nothing, and a
/// read-only token (403) falls back to annotations with the same exit code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_mode_posts_a_review_then_falls_back_on_403() {
    let fake = FakeGitHub::start().await;
    let ws = Workspace::new();
    let base = fake.commit("octo/app", None, &[("app.py", Some(BASE_PY))]);
    let head = fake.commit("octo/app", Some(&base), &[("app.py", Some(HEAD_PY))]);
    fake.open_pull_request("octo/app", 7, &base, &head);

    let github_command = |args: &[&str]| {
        let mut command = ws.github_command(&fake.url, PLAIN_TOKEN, args);
        // The fake's shas, not the local checkout's.
        let event = ws.pull_request_event(7, &base, &head);
        command.env("GITHUB_EVENT_PATH", event);
        command
    };

    let first = tokio::task::spawn_blocking({
        let command = github_command(&[]);
        move || run(command)
    })
    .await
    .unwrap();
    assert_eq!(first.status.code(), Some(1));
    assert!(
        !stdout(&first).contains("::warning"),
        "no fallback expected"
    );
    let comments = fake.comments("octo/app");
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert_eq!(fake.check_runs("octo/app").len(), 1);
    assert!(ws.read("step_summary.md").contains("1 new security issue"));

    let again = tokio::task::spawn_blocking({
        let command = github_command(&[]);
        move || run(command)
    })
    .await
    .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(fake.comments("octo/app").len(), 1, "re-run duplicated");
    fake.assert_clean();

    // A fork's read-only token: GitHub answers 403 to every write.
    fake.inject(Fault {
        times: 100,
        message: Some("Resource not accessible by integration"),
        ..Fault::once("POST", "/repos/octo/app", 403)
    });
    // The checkout's history for the local fallback.
    let ws_event = ws.pull_request_event(7, &ws.base, &ws.head);
    let fallback = tokio::task::spawn_blocking({
        let mut command = ws.github_command(
            &fake.url,
            PLAIN_TOKEN,
            &["--sarif", ws.file("out.sarif").to_str().unwrap()],
        );
        command.env("GITHUB_EVENT_PATH", ws_event);
        move || run(command)
    })
    .await
    .unwrap();
    assert_eq!(fallback.status.code(), Some(1));
    assert!(
        stdout(&fallback).contains("the token may not write"),
        "the 403 is named"
    );
    assert_fallback_outputs(&ws, &fallback);
    assert_eq!(fake.comments("octo/app").len(), 1);
}

#[test]
fn action_yml_validates_against_the_github_actions_schema() {
    if std::env::var("SNAKEGUARD_SKIP_ACTION_SCHEMA").is_ok_and(|v| v == "1") {
        eprintln!("skipped: SNAKEGUARD_SKIP_ACTION_SCHEMA=1");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tool = root.join(".tools/venv/bin/check-jsonschema");
    assert!(
        tool.is_file(),
        "{} is missing: run scripts/setup-test-tools.sh (or set SNAKEGUARD_SKIP_ACTION_SCHEMA=1)",
        tool.display()
    );
    let output = Command::new(&tool)
        .args(["--builtin-schema", "vendor.github-actions"])
        .arg(root.join("action.yml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "action.yml does not validate:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
