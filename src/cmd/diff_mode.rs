//! `snakeguard scan --base REF [--head REF]`: report only what a change introduces, locally.

use std::path::{Path, PathBuf};

use anyhow::Context;

use snakeguard::config::Config;
use std::collections::BTreeSet;

use snakeguard::delta::{self, ProjectFile};
use snakeguard::diff::ChangeSet;
use snakeguard::git::{self, LocalChange};
use snakeguard::report::ScanReport;
use snakeguard::scan;
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
    let project = if analyzer.runs_taint() {
        project_files(&change, &changes, config, &root)?
    } else {
        Vec::new()
    };
    let result = delta::compute_in_project(&analyzer, &changes, &project);
    for note in &result.notes {
        eprintln!("snakeguard: {note}");
    }

    let mut report = ScanReport {
        files_scanned: result.files_analysed,
        preexisting_hidden: result.preexisting,
        diagnostics: result.diagnostics,
        ..ScanReport::default()
    };
    for finding in result.new {
        if config.reports(
            &finding,
            &relative_to(&root.join(&finding.path), &config.root),
        ) {
            report.findings.push(finding);
        }
    }
    for file in &changes.files {
        if let Some(text) = &file.head_text {
            report.keep_source(file.path(), text);
        }
    }
    for (path, text) in &result.affected_sources {
        report.keep_source(path, text);
    }
    let short: String = change.base.chars().take(10).collect();
    let affected = if result.affected_files_analysed > 0 {
        format!(
            " ({} unchanged {} calling changed functions re-analysed)",
            result.affected_files_analysed,
            if result.affected_files_analysed == 1 {
                "file"
            } else {
                "files"
            }
        )
    } else {
        String::new()
    };
    eprintln!(
        "snakeguard: compared {} with merge base {short} of {base}: {} new, {} pre-existing hidden, {} fixed{affected}",
        head.unwrap_or("the working tree"),
        report.findings.len(),
        report.preexisting_hidden,
        result.fixed.len()
    );
    Ok(report)
}

/// The project's other Python files at the head side (not excluded by the configuration), for
/// taint flows across modules and for the unchanged files a change can make vulnerable.
fn project_files(
    change: &LocalChange,
    changes: &ChangeSet,
    config: &Config,
    root: &Path,
) -> anyhow::Result<Vec<ProjectFile>> {
    let changed: BTreeSet<&str> = changes.files.iter().map(|file| file.path()).collect();
    let mut paths: Vec<String> = change
        .python_files_at_head()?
        .into_iter()
        .filter(|path| !changed.contains(path.as_str()))
        .filter(|path| !scan::in_always_excluded_dir(path))
        .filter(|path| !config.is_excluded(&relative_to(&root.join(path), &config.root)))
        .collect();
    if paths.len() > MAX_PROJECT_FILES {
        eprintln!(
            "snakeguard: the repository has {} other Python files; cross-file effects are followed through the first {MAX_PROJECT_FILES} only",
            paths.len()
        );
        paths.truncate(MAX_PROJECT_FILES);
    }
    Ok(change
        .read_many_at_head(&paths)?
        .into_iter()
        .map(|(path, text)| ProjectFile { path, text })
        .collect())
}

/// At most this many unchanged files are read for cross-file effects (a huge monorepo would
/// otherwise cost a full scan per change).
const MAX_PROJECT_FILES: usize = 20_000;

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
