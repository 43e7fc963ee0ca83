//! Runs the webhook receiver on its own, for `bench/webhook.sh` and manual testing, until the
//! `snakeguard serve` subcommand exists.
//!
//! ```text
//! SNAKEGUARD_GITHUB_WEBHOOK_SECRET=s1,s2 cargo run --release --example webhook_server -- \
//!     [--listen 127.0.0.1:3000] [--database bench.db] [--group-commit-window-us 0]
//! ```
//! Environment: `SNAKEGUARD_GITHUB_WEBHOOK_SECRET`, `SNAKEGUARD_GITLAB_WEBHOOK_SECRET`
//! (comma-separated), `SNAKEGUARD_DATABASE_URL`, `RUST_LOG` (default `warn`).

use std::time::Duration;

use anyhow::{Context, bail};
use snakeguard::server::{self, Secret, ServerConfig};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let mut config = ServerConfig {
        github_webhook_secrets: Secret::parse_list(&env("SNAKEGUARD_GITHUB_WEBHOOK_SECRET")),
        gitlab_webhook_secrets: Secret::parse_list(&env("SNAKEGUARD_GITLAB_WEBHOOK_SECRET")),
        ..ServerConfig::default()
    };
    if let Ok(url) = std::env::var("SNAKEGUARD_DATABASE_URL") {
        config.database_path = server::database_path_from_url(&url)?;
    }
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => config.listen = value.parse().context("--listen")?,
            "--database" => config.database_path = server::database_path_from_url(&value)?,
            "--group-commit-window-us" => {
                config.store.group_commit_window =
                    Duration::from_micros(value.parse().context("--group-commit-window-us")?)
            }
            "--max-batch" => config.store.max_batch = value.parse().context("--max-batch")?,
            other => bail!("unknown argument {other}"),
        }
    }
    server::serve(config).await?;
    Ok(())
}
