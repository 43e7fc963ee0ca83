//! `snakeguard scan --base REF [--head REF]`: report only what a change introduces, locally.

use std::path::{Path, PathBuf};

use anyhow::Context;

use snakeguard::config::Config;
use snakeguard::delta;
use snakeguard::git::{self, LocalChange};
use snakeguard::report::ScanReport;
use snakeguard::scan::relative_to;

use super::scan::ScanArgs;

/// Compare the merge base of `base` and HEAD (or `head`) with the working tree (or `head`).
pub fn scan_changes(
    paths: &[PathBuf],
    base: &str,
    head: Option<&str>,
    config: &mut Config,
    args: &ScanArgs,
) -> anyhow::Result<ScanReport> {
    let root = git::repository_root(&paths[0])?;
    let change = git::resolve(&root, base, head)?;
    if args.config.is_none()
        && let Some(base_config) = config_at_base(&change, config)?
    {
        tracing::info!("using the configuration from the merge base");
        *config = base_config;
    }
    let mut changes = change.change_set()?;
    // Keep changed files under the requested paths and not excluded.
    let wanted: Vec<String> = paths
        .iter()
        .map(|path| relative_to(path, &root))
        .map(|relative| {
            if relative == "." {
                String::new()
            } else {
                relative
            }
        })
        .collect();
    changes.files.retain(|file| {
        let path = file.path();
        let under = wanted.iter().any(|prefix| {
            prefix.is_empty()
                || path == prefix
                || path.starts_with(&format!("{}/", prefix.trim_end_matches('/')))
        });
        under && !config.is_excluded(&relative_to(&root.join(path), &config.root))
    });

    let analyzer = config
        .analyzer()
        .with_unused_suppressions(args.report_unused_suppressions);
    let result = delta::compute(&analyzer, &changes);

    let mut report = ScanReport {
        files_scanned: result.files_analysed,
        preexisting_hidden: result.preexisting,
        diagnostics: result.diagnostics,
        ..ScanReport::default()
    };
    for finding in result.new {
        let ignored =
            config.ignored_rules_for(&relative_to(&root.join(&finding.path), &config.root));
        if finding.severity < config.min_severity
            || finding.confidence < config.min_confidence
            || ignored.contains(&finding.rule)
        {
            continue;
        }
        report.findings.push(finding);
    }
    for file in &changes.files {
        if let Some(text) = &file.head_text
            && report
                .findings
                .iter()
                .any(|finding| finding.path == file.path())
        {
            report.sources.insert(file.path().to_string(), text.clone());
        }
    }
    let short: String = change.base.chars().take(10).collect();
    eprintln!(
        "snakeguard: compared {} with merge base {short} of {base}: {} new, {} pre-existing hidden, {} fixed",
        head.unwrap_or("the working tree"),
        report.findings.len(),
        report.preexisting_hidden,
        result.fixed.len()
    );
    Ok(report)
}

/// The configuration file as it is at the merge base, so a change cannot switch off its own
/// review. `None` when the base has no configuration (the working tree's is used).
fn config_at_base(change: &LocalChange, current: &Config) -> anyhow::Result<Option<Config>> {
    let Some(file) = &current.file else {
        return Ok(None);
    };
    let relative = relative_to(file, &change.root);
    let Some(text) = change.read_at_base(&relative) else {
        return Ok(None);
    };
    let path = Path::new(&relative);
    let parsed = if path
        .file_name()
        .is_some_and(|name| name == "pyproject.toml")
    {
        Config::from_pyproject(&text, file)
            .with_context(|| format!("{relative} at the merge base"))?
    } else {
        Some(
            Config::from_snakeguard_toml(&text, file)
                .with_context(|| format!("{relative} at the merge base"))?,
        )
    };
    Ok(parsed.map(|mut config| {
        config.root = current.root.clone();
        config
    }))
}
