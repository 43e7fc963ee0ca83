//! `snakeguard serve`: the GitHub App / GitLab bot. Receives webhooks, queues them durably and
//! reviews pull and merge requests with in-process workers.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use snakeguard::forge::{github, gitlab};
use snakeguard::server::worker::Forges;
use snakeguard::server::{self, Secret, ServerConfig, database_path_from_url};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (use 0.0.0.0:3000 in a container).
    #[arg(long, env = "SNAKEGUARD_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// The GitHub App's id.
    #[arg(long, env = "SNAKEGUARD_GITHUB_APP_ID")]
    pub github_app_id: Option<u64>,
    /// The GitHub App's private key (PEM text).
    #[arg(
        long,
        env = "SNAKEGUARD_GITHUB_PRIVATE_KEY",
        hide_env_values = true,
        conflicts_with = "github_private_key_path"
    )]
    pub github_private_key: Option<String>,
    /// A file holding the GitHub App's private key (PEM).
    #[arg(long, env = "SNAKEGUARD_GITHUB_PRIVATE_KEY_PATH")]
    pub github_private_key_path: Option<PathBuf>,
    /// GitHub webhook secret(s), comma-separated to allow rotation.
    #[arg(long, env = "SNAKEGUARD_GITHUB_WEBHOOK_SECRET", hide_env_values = true)]
    pub github_webhook_secret: Option<String>,
    /// GitHub API root (GitHub Enterprise Server: https://HOST/api/v3).
    #[arg(
        long,
        env = "SNAKEGUARD_GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub github_api_url: String,
    /// GitLab instance URL.
    #[arg(
        long,
        env = "SNAKEGUARD_GITLAB_URL",
        default_value = "https://gitlab.com"
    )]
    pub gitlab_url: String,
    /// API token of the GitLab bot user.
    #[arg(long, env = "SNAKEGUARD_GITLAB_TOKEN", hide_env_values = true)]
    pub gitlab_token: Option<String>,
    /// GitLab webhook secret token(s), comma-separated.
    #[arg(long, env = "SNAKEGUARD_GITLAB_WEBHOOK_SECRET", hide_env_values = true)]
    pub gitlab_webhook_secret: Option<String>,
    /// Job store: an SQLite file path or `sqlite://PATH`.
    #[arg(long, env = "SNAKEGUARD_DATABASE_URL", default_value = "snakeguard.db")]
    pub database_url: String,
    /// Review workers in this process (0: only receive and queue).
    #[arg(long, env = "SNAKEGUARD_WORKERS", default_value_t = 2)]
    pub workers: usize,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let github_secrets = args
        .github_webhook_secret
        .as_deref()
        .map(Secret::parse_list)
        .unwrap_or_default();
    let gitlab_secrets = args
        .gitlab_webhook_secret
        .as_deref()
        .map(Secret::parse_list)
        .unwrap_or_default();
    anyhow::ensure!(
        !github_secrets.is_empty() || !gitlab_secrets.is_empty(),
        "no webhook secret configured: set SNAKEGUARD_GITHUB_WEBHOOK_SECRET and/or SNAKEGUARD_GITLAB_WEBHOOK_SECRET"
    );
    let mut forges = Forges::default();
    if let Some(app_id) = args.github_app_id {
        let key = match (&args.github_private_key, &args.github_private_key_path) {
            (Some(key), _) => key.clone(),
            (None, Some(path)) => std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the GitHub App private key {}", path.display())
            })?,
            (None, None) => anyhow::bail!(
                "SNAKEGUARD_GITHUB_APP_ID is set but no private key: set SNAKEGUARD_GITHUB_PRIVATE_KEY or SNAKEGUARD_GITHUB_PRIVATE_KEY_PATH"
            ),
        };
        let app = github::GitHubApp::new(
            &args.github_api_url,
            app_id,
            &github::Secret::new(key),
            github::RetryPolicy::default(),
        )?;
        forges.github = Some(app);
    } else if !github_secrets.is_empty() {
        tracing::warn!(
            "GitHub webhooks are accepted but SNAKEGUARD_GITHUB_APP_ID is not set: GitHub jobs will fail until it is"
        );
    }
    if let Some(token) = &args.gitlab_token {
        let client = gitlab::GitlabClient::new(
            &args.gitlab_url,
            gitlab::Auth::PrivateToken(gitlab::Secret::new(token.clone())),
        )?;
        forges.gitlab = Some(client);
    } else if !gitlab_secrets.is_empty() {
        tracing::warn!(
            "GitLab webhooks are accepted but SNAKEGUARD_GITLAB_TOKEN is not set: GitLab jobs will fail until it is"
        );
    }
    let config = ServerConfig {
        listen: args.listen,
        github_webhook_secrets: github_secrets,
        gitlab_webhook_secrets: gitlab_secrets,
        database_path: database_path_from_url(&args.database_url)?,
        workers: args.workers,
        forges,
        ..ServerConfig::default()
    };
    server::serve(config).await?;
    Ok(())
}
