//! `snakeguard review`: the CI step. Detects GitHub Actions (`GITHUB_ACTIONS=true`) or GitLab
//! CI (`GITLAB_CI=true`) from the environment and reviews the change being built.
//!
//! **GitHub Actions.** On `pull_request`/`pull_request_target` events in `--mode review`, the
//! pull request is reviewed through the API exactly like the App does
//! ([`review_pull_request`]): one review with line comments, a check run named `snakeguard`,
//! no duplicates on re-runs. The base side's file contents are read **from the API**, so no
//! deep checkout (`fetch-depth: 0`) is needed in that mode. When the token may not write (a
//! fork's read-only token: 403), when the API cannot be reached, or in `--mode annotations` /
//! `--mode sarif-only`, the new findings are computed locally with the git diff-aware scan
//! (base: `pull_request.base.sha`, which then must be in the checkout: use
//! `actions/checkout` with `fetch-depth: 0`) and reported as workflow-command annotations (not
//! in `sarif-only`), a markdown summary appended to `GITHUB_STEP_SUMMARY` and the `--sarif`
//! file. Other events (push) diff against `before` (or scan everything with `--all`).
//! `new-findings` and `sarif-file` are appended to `GITHUB_OUTPUT`.
//!
//! **GitLab CI.** With a token (`--token` or `SNAKEGUARD_GITLAB_TOKEN`) in a merge-request
//! pipeline the merge request is reviewed through the API (discussions, commit status);
//! without one, or on 401/403, the change against `CI_MERGE_REQUEST_DIFF_BASE_SHA` is scanned
//! locally. Either way `gl-sast-report.json` and `gl-code-quality-report.json` are written.
//!
//! The exit code follows `--fail-on` (default: the configuration's, `high`) in every mode: 1
//! when a new finding is at or above it, else 0; 2 on errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use super::diff_mode;
use super::scan::{ColorChoice, ScanArgs};
use snakeguard::config::{Config, Overrides, parse_fail_on};
use snakeguard::finding::Severity;
use snakeguard::forge::render::{SummaryInput, summary_markdown};
use snakeguard::report::{Format, ReportOptions, ScanReport, write_report};
use snakeguard::scan::{ScanOptions, discover, find_config, load_config_file, scan_files};

/// GitHub's limit on a step summary is 1 MiB; stay well below.
const MAX_SUMMARY_CHARS: usize = 60_000;

#[derive(Args)]
pub struct ReviewArgs {
    /// Restrict the local scan to these files or directories (default: the workspace).
    pub paths: Vec<PathBuf>,
    /// `review`: post a review through the API (falls back to annotations when the token may
    /// not write); `annotations`: workflow-command annotations and summary only;
    /// `sarif-only`: the SARIF file and summary only.
    #[arg(long, value_enum, default_value = "review")]
    pub mode: Mode,
    /// Write the new findings as SARIF to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Exit with 1 when a new finding is at or above this severity (`never` to always exit 0).
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<String>,
    /// Use this configuration file instead of searching for one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compare with this git revision instead of the one the CI event names.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// API token (default: GITHUB_TOKEN, or SNAKEGUARD_GITLAB_TOKEN in GitLab CI).
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Scan every file, not only what changed (push events, scheduled runs).
    #[arg(long)]
    pub all: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Review,
    Annotations,
    SarifOnly,
}

pub fn run(args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let env_true = |name: &str| std::env::var(name).is_ok_and(|value| value == "true");
    if env_true("GITHUB_ACTIONS") {
        github(&args)
    } else if env_true("GITLAB_CI") {
        gitlab(&args)
    } else {
        bail!(
            "snakeguard review runs in CI: neither GITHUB_ACTIONS=true nor GITLAB_CI=true is set \
             (use `snakeguard scan --base REF` locally)"
        )
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn fail_on_override(args: &ReviewArgs) -> anyhow::Result<Option<Option<Severity>>> {
    match &args.fail_on {
        Some(value) => Ok(Some(parse_fail_on(value).map_err(anyhow::Error::msg)?)),
        None => Ok(None),
    }
}

/// The paths to scan locally: `args.paths` relative to the workspace, or the workspace.
fn scan_paths(args: &ReviewArgs, workspace: &Path) -> Vec<PathBuf> {
    if args.paths.is_empty() {
        vec![workspace.to_path_buf()]
    } else {
        args.paths.iter().map(|path| workspace.join(path)).collect()
    }
}

fn load_config(args: &ReviewArgs, start: &Path) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(file) => {
            anyhow::ensure!(
                file.is_file(),
                "{}: no such configuration file",
                file.display()
            );
            let candidate = if file
                .file_name()
                .is_some_and(|name| name == "pyproject.toml")
            {
                snakeguard::config::ConfigFile::PyProject(file.clone())
            } else {
                snakeguard::config::ConfigFile::SnakeguardToml(file.clone())
            };
            load_config_file(&candidate)?
                .with_context(|| format!("{} has no [tool.snakeguard] section", file.display()))?
        }
        None => find_config(start)?,
    };
    config
        .apply_overrides(&Overrides {
            fail_on: fail_on_override(args)?,
            ..Overrides::default()
        })
        .map_err(anyhow::Error::msg)?;
    Ok(config)
}

fn scan_args(args: &ReviewArgs, paths: &[PathBuf]) -> ScanArgs {
    ScanArgs {
        paths: paths.to_vec(),
        format: Format::Text,
        output: None,
        config: args.config.clone(),
        select: None,
        extend_select: Vec::new(),
        ignore: Vec::new(),
        exclude: Vec::new(),
        min_severity: None,
        min_confidence: None,
        fail_on: args.fail_on.clone(),
        report_unused_suppressions: false,
        baseline: None,
        write_baseline: None,
        base: None,
        head: None,
        color: ColorChoice::Never,
    }
}

/// Whether `sha` names a commit present in the repository at `root`.
fn has_commit(root: &Path, sha: &str) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "-e", &format!("{sha}^{{commit}}")])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// A local scan: what changed since `base`, or everything when `base` is `None`.
fn local_scan(
    args: &ReviewArgs,
    paths: &[PathBuf],
    base: Option<&str>,
    config: &mut Config,
) -> anyhow::Result<ScanReport> {
    match base {
        Some(base) => {
            let root = snakeguard::git::repository_root(&paths[0])?;
            if !has_commit(&root, base) {
                bail!(
                    "the base commit {base} is not in the checkout: fetch the history \
                     (actions/checkout with `fetch-depth: 0`, or GIT_DEPTH: 0 in GitLab CI), \
                     or pass --all to scan every file"
                );
            }
            diff_mode::scan_changes(paths, base, None, config, &scan_args(args, paths))
        }
        None => {
            let files = discover(paths, config)?;
            let mut report = scan_files(&files, config, &ScanOptions::default())?;
            // Findings relative to the repository root, as in the diff-aware scan.
            if let Ok(root) = snakeguard::git::repository_root(&paths[0]) {
                for finding in &mut report.findings {
                    let absolute = config.root.join(&finding.path);
                    if let Ok(relative) = absolute.strip_prefix(&root) {
                        finding.path = relative.to_string_lossy().replace('\\', "/");
                    }
                }
            }
            Ok(report)
        }
    }
}

fn write_file(format: Format, report: &ScanReport, root: &Path, file: &Path) -> anyhow::Result<()> {
    let options = ReportOptions {
        root_uri: Some(root_uri(root)),
        ..ReportOptions::default()
    };
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(file).with_context(|| format!("cannot create {}", file.display()))?,
    );
    write_report(format, report, &options, &mut out)?;
    out.flush()?;
    Ok(())
}

fn root_uri(root: &Path) -> String {
    let absolute = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut text = absolute.to_string_lossy().replace('\\', "/");
    if !text.ends_with('/') {
        text.push('/');
    }
    if text.starts_with('/') {
        format!("file://{text}")
    } else {
        format!("file:///{text}")
    }
}

fn append(file: &str, text: &str) -> anyhow::Result<()> {
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("cannot append to {file}"))?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Escape a workflow-command message (`@actions/core` rules).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions

fn github(args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    use snakeguard::forge::github::{
        CommitSha, Conclusion, Credentials, GitHubClient, PullNumber, RepoName, RetryPolicy,
        ReviewError, ReviewOptions, Secret, review_pull_request,
    };

    let workspace = env("GITHUB_WORKSPACE")
        .map(PathBuf::from)
        .unwrap_or(std::env::current_dir()?);
    let event_path = env("GITHUB_EVENT_PATH").context("GITHUB_EVENT_PATH is not set")?;
    let event: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&event_path)
            .with_context(|| format!("cannot read the event file {event_path}"))?,
    )
    .with_context(|| format!("{event_path} is not JSON"))?;
    let event_name = env("GITHUB_EVENT_NAME").unwrap_or_default();
    let pull = event.get("pull_request").filter(|value| value.is_object());
    let is_pull = matches!(
        event_name.as_str(),
        "pull_request" | "pull_request_target" | ""
    ) && pull.is_some();
    let paths = scan_paths(args, &workspace);
    let mut config = load_config(args, &paths[0])?;

    if is_pull
        && args.mode == Mode::Review
        && let Some(pull) = pull
    {
        let token = args.token.clone().or_else(|| env("GITHUB_TOKEN"));
        let repo: Option<RepoName> = env("GITHUB_REPOSITORY")
            .or_else(|| {
                event
                    .pointer("/repository/full_name")
                    .and_then(|v| v.as_str())
                    .map(String::from)
            })
            .and_then(|name| name.parse().ok());
        let number = pull.get("number").and_then(|v| v.as_u64());
        let head = pull.pointer("/head/sha").and_then(|v| v.as_str());
        match (token, repo, number, head) {
            (Some(token), Some(repo), Some(number), Some(head)) => {
                let api_url =
                    env("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".to_string());
                let options = ReviewOptions {
                    fail_on: fail_on_override(args)?,
                    details_url: env("GITHUB_SERVER_URL")
                        .zip(env("GITHUB_RUN_ID"))
                        .map(|(server, run)| format!("{server}/{repo}/actions/runs/{run}")),
                    ..ReviewOptions::default()
                };
                let result = runtime()?.block_on(async {
                    let client = GitHubClient::new(
                        &api_url,
                        Credentials::Token(Secret::new(token)),
                        RetryPolicy::default(),
                    )
                    .map_err(ReviewError::from)?;
                    review_pull_request(
                        &client,
                        &repo,
                        PullNumber(number),
                        &CommitSha::new(head),
                        &options,
                    )
                    .await
                });
                match result {
                    Ok(outcome) => {
                        eprintln!(
                            "snakeguard: reviewed {repo}#{number}: {} new ({} comments posted, {} already posted), {} fixed, {} pre-existing",
                            outcome.new_findings.len(),
                            outcome.posted,
                            outcome.already_posted,
                            outcome.fixed,
                            outcome.preexisting
                        );
                        let report = ScanReport {
                            findings: outcome.new_findings.clone(),
                            files_scanned: outcome.files_analysed,
                            preexisting_hidden: outcome.preexisting,
                            ..ScanReport::default()
                        };
                        let summary = summary_markdown(
                            &SummaryInput {
                                new: &outcome.new_findings,
                                fixed: outcome.fixed,
                                preexisting: outcome.preexisting,
                                skipped: &outcome.skipped,
                                summary_only: outcome.summary_only,
                                files_analysed: outcome.files_analysed,
                            },
                            MAX_SUMMARY_CHARS,
                        );
                        github_outputs(args, &workspace, &report, &summary)?;
                        return Ok(exit_code(outcome.conclusion == Conclusion::Failure));
                    }
                    Err(ReviewError::Config(message)) => {
                        bail!("invalid snakeguard configuration on the base branch: {message}")
                    }
                    Err(error) => {
                        let why = match error.status() {
                            Some(status) if status.as_u16() == 403 => {
                                "the token may not write (a fork's read-only token?)".to_string()
                            }
                            _ => "the review could not be posted".to_string(),
                        };
                        println!(
                            "::warning title=snakeguard::{}",
                            escape_data(&format!(
                                "{why}: {error}; reporting with annotations, the step summary and SARIF instead"
                            ))
                        );
                    }
                }
            }
            (token, repo, number, head) => {
                let mut missing = Vec::new();
                if token.is_none() {
                    missing.push("a token (--token or GITHUB_TOKEN)");
                }
                if repo.is_none() {
                    missing.push("GITHUB_REPOSITORY");
                }
                if number.is_none() {
                    missing.push("pull_request.number");
                }
                if head.is_none() {
                    missing.push("pull_request.head.sha");
                }
                println!(
                    "::warning title=snakeguard::{}",
                    escape_data(&format!(
                        "cannot post a review without {}; reporting with annotations instead",
                        missing.join(", ")
                    ))
                );
            }
        }
    }

    // Local, diff-aware scan.
    let base: Option<String> = if args.all {
        None
    } else if let Some(base) = &args.base {
        Some(base.clone())
    } else if let Some(pull) = pull {
        Some(
            pull.pointer("/base/sha")
                .and_then(|v| v.as_str())
                .context("the event has no pull_request.base.sha; pass --base REF")?
                .to_string(),
        )
    } else {
        match event.get("before").and_then(|v| v.as_str()) {
            Some(before) if !before.chars().all(|c| c == '0') => Some(before.to_string()),
            Some(_) => {
                eprintln!("snakeguard: new branch (no previous commit): scanning every file");
                None
            }
            None => bail!(
                "the {} event names no base commit: pass --base REF, or --all to scan every file",
                if event_name.is_empty() {
                    "CI"
                } else {
                    &event_name
                }
            ),
        }
    };
    let report = local_scan(args, &paths, base.as_deref(), &mut config)?;
    if args.mode != Mode::SarifOnly {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        write_report(Format::Github, &report, &ReportOptions::default(), &mut out)?;
        out.flush()?;
    }
    let summary = summary_markdown(
        &SummaryInput {
            new: &report.findings,
            fixed: 0,
            preexisting: report.preexisting_hidden,
            skipped: &[],
            summary_only: 0,
            files_analysed: report.files_scanned,
        },
        MAX_SUMMARY_CHARS,
    );
    github_outputs(args, &workspace, &report, &summary)?;
    let failed = config
        .fail_on
        .is_some_and(|threshold| report.has_findings_at_or_above(threshold));
    Ok(exit_code(failed))
}

/// SARIF file, step summary and step outputs.
fn github_outputs(
    args: &ReviewArgs,
    workspace: &Path,
    report: &ScanReport,
    summary: &str,
) -> anyhow::Result<()> {
    if let Some(file) = &args.sarif {
        let root =
            snakeguard::git::repository_root(workspace).unwrap_or_else(|_| workspace.to_path_buf());
        write_file(Format::Sarif, report, &root, file)?;
        eprintln!("snakeguard: wrote SARIF to {}", file.display());
    }
    if let Some(file) = env("GITHUB_STEP_SUMMARY") {
        append(&file, &format!("{summary}\n"))?;
    }
    if let Some(file) = env("GITHUB_OUTPUT") {
        let mut text = format!("new-findings={}\n", report.findings.len());
        if let Some(sarif) = &args.sarif {
            text.push_str(&format!("sarif-file={}\n", sarif.display()));
        }
        append(&file, &text)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// GitLab CI

const GITLAB_SAST_FILE: &str = "gl-sast-report.json";
const GITLAB_CODE_QUALITY_FILE: &str = "gl-code-quality-report.json";

fn gitlab(args: &ReviewArgs) -> anyhow::Result<ExitCode> {
    use snakeguard::forge::gitlab::{
        Auth, CommitState, GitlabClient, GitlabError, ProjectId, ReviewError, ReviewOptions,
        Secret, review_merge_request,
    };

    let workspace = env("CI_PROJECT_DIR")
        .map(PathBuf::from)
        .unwrap_or(std::env::current_dir()?);
    let paths = scan_paths(args, &workspace);
    let mut config = load_config(args, &paths[0])?;
    let token = args
        .token
        .clone()
        .or_else(|| env("SNAKEGUARD_GITLAB_TOKEN"));
    let iid = env("CI_MERGE_REQUEST_IID").and_then(|iid| iid.parse::<u64>().ok());

    let mut api_result: Option<(ScanReport, bool)> = None;
    if args.mode == Mode::Review
        && let (Some(token), Some(iid)) = (token, iid)
    {
        let api_url = env("CI_API_V4_URL").context("CI_API_V4_URL is not set")?;
        let project = env("CI_PROJECT_ID").context("CI_PROJECT_ID is not set")?;
        let options = ReviewOptions {
            fail_on: fail_on_override(args)?,
            head_sha: env("CI_COMMIT_SHA"),
            target_url: env("CI_JOB_URL"),
            ..ReviewOptions::default()
        };
        let result = runtime()?.block_on(async {
            let client = GitlabClient::new(&api_url, Auth::PrivateToken(Secret::new(token)))
                .map_err(ReviewError::from)?;
            review_merge_request(&client, &ProjectId::from(project.as_str()), iid, &options).await
        });
        match result {
            Ok(outcome) => {
                eprintln!(
                    "snakeguard: reviewed !{iid}: {} new ({} discussions created, {} already posted), {} resolved, {} fixed",
                    outcome.report.findings.len(),
                    outcome.created,
                    outcome.already_posted,
                    outcome.resolved,
                    outcome.fixed
                );
                api_result = Some((outcome.report, outcome.state == CommitState::Failed));
            }
            Err(ReviewError::Config(error)) => {
                bail!("invalid configuration at the merge base: {error}")
            }
            Err(ReviewError::Gitlab(error @ GitlabError::Unauthorized { .. })) => {
                eprintln!(
                    "snakeguard: the token may not use the API ({error}); scanning locally and writing the reports only"
                );
            }
            Err(error) => {
                if matches!(&error, ReviewError::Gitlab(e) if e.status() == Some(403)) {
                    eprintln!(
                        "snakeguard: the token may not write ({error}); scanning locally and writing the reports only"
                    );
                } else {
                    eprintln!(
                        "snakeguard: warning: the merge request review failed ({error}); scanning locally and writing the reports only"
                    );
                }
            }
        }
    }

    let (report, failed) = match api_result {
        Some(result) => result,
        None => {
            let base = if args.all {
                None
            } else if let Some(base) = args
                .base
                .clone()
                .or_else(|| env("CI_MERGE_REQUEST_DIFF_BASE_SHA"))
            {
                Some(base)
            } else {
                match env("CI_COMMIT_BEFORE_SHA") {
                    Some(before) if !before.chars().all(|c| c == '0') => Some(before),
                    _ => bail!(
                        "not a merge-request pipeline and no previous commit: pass --base REF, or --all to scan every file"
                    ),
                }
            };
            let report = local_scan(args, &paths, base.as_deref(), &mut config)?;
            let failed = config
                .fail_on
                .is_some_and(|threshold| report.has_findings_at_or_above(threshold));
            (report, failed)
        }
    };

    let root =
        snakeguard::git::repository_root(&workspace).unwrap_or_else(|_| workspace.to_path_buf());
    write_file(
        Format::GitlabSast,
        &report,
        &root,
        &workspace.join(GITLAB_SAST_FILE),
    )?;
    write_file(
        Format::GitlabCodeQuality,
        &report,
        &root,
        &workspace.join(GITLAB_CODE_QUALITY_FILE),
    )?;
    if let Some(file) = &args.sarif {
        write_file(Format::Sarif, &report, &root, file)?;
    }
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    write_report(Format::Text, &report, &ReportOptions::default(), &mut out)?;
    eprintln!("snakeguard: wrote {GITLAB_SAST_FILE} and {GITLAB_CODE_QUALITY_FILE}");
    Ok(exit_code(failed))
}
