//! `snakeguard scan`: scan files and directories, print a report, exit by `--fail-on`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::diff_mode;
use snakeguard::baseline::Baseline;
use snakeguard::config::{Overrides, parse_fail_on};
use snakeguard::finding::{Confidence, Severity};
use snakeguard::report::{Format, ReportOptions, write_report};
use snakeguard::scan::{ScanOptions, discover, find_config, load_config_file, scan_files};

#[derive(Args)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use this configuration file instead of searching for one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Rules to run instead of the configured ones (codes, names, families, `all`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to the configured ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Rules not to run.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Glob patterns of files to skip (relative to the project root).
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,
    /// Report only findings at or above this severity.
    #[arg(long, value_name = "LEVEL")]
    pub min_severity: Option<Severity>,
    /// Report only findings at or above this confidence.
    #[arg(long, value_name = "LEVEL")]
    pub min_confidence: Option<Confidence>,
    /// Exit with 1 when a finding is at or above this severity (`never` to always exit 0).
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<String>,
    /// Report suppression comments that suppress nothing.
    #[arg(long)]
    pub report_unused_suppressions: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Report only what changed since the merge base of REF and HEAD (a git revision).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Compare with this revision instead of the working tree (needs --base).
    #[arg(long, value_name = "REF", requires = "base")]
    pub head: Option<String>,
    /// When to use colour in text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Copy, Clone, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut config = match &args.config {
        Some(file) => {
            let candidate = if file
                .file_name()
                .is_some_and(|name| name == "pyproject.toml")
            {
                snakeguard::config::ConfigFile::PyProject(file.clone())
            } else {
                snakeguard::config::ConfigFile::SnakeguardToml(file.clone())
            };
            anyhow::ensure!(
                file.is_file(),
                "{}: no such configuration file",
                file.display()
            );
            load_config_file(&candidate)?
                .with_context(|| format!("{} has no [tool.snakeguard] section", file.display()))?
        }
        None => find_config(&paths[0])?,
    };
    let fail_on = match &args.fail_on {
        Some(value) => Some(parse_fail_on(value).map_err(anyhow::Error::msg)?),
        None => None,
    };
    config
        .apply_overrides(&Overrides {
            select: args.select.clone(),
            extend_select: args.extend_select.clone(),
            ignore: args.ignore.clone(),
            exclude: args.exclude.clone(),
            min_severity: args.min_severity,
            min_confidence: args.min_confidence,
            fail_on,
        })
        .map_err(anyhow::Error::msg)?;
    if let Some(file) = &config.file {
        tracing::info!(config = %file.display(), "using configuration");
    }

    let mut report = match &args.base {
        Some(base) => {
            diff_mode::scan_changes(&paths, base, args.head.as_deref(), &mut config, &args)?
        }
        None => {
            let files = discover(&paths, &config)?;
            scan_files(
                &files,
                &config,
                &ScanOptions {
                    report_unused_suppressions: args.report_unused_suppressions,
                },
            )?
        }
    };

    if let Some(file) = &args.write_baseline {
        let baseline = Baseline::from_findings(&report.findings);
        std::fs::write(file, baseline.to_json())
            .with_context(|| format!("cannot write {}", file.display()))?;
        eprintln!(
            "Recorded {} findings in {}",
            baseline.findings.len(),
            file.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(file) = &args.baseline {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read baseline {}", file.display()))?;
        let baseline = Baseline::parse(&text).with_context(|| format!("{}", file.display()))?;
        report.preexisting_hidden += baseline.filter(&mut report.findings);
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let options = ReportOptions {
        color,
        ..ReportOptions::default()
    };
    match &args.output {
        Some(file) => {
            let mut out = std::io::BufWriter::new(
                std::fs::File::create(file)
                    .with_context(|| format!("cannot create {}", file.display()))?,
            );
            write_report(args.format, &report, &options, &mut out)?;
            out.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            write_report(args.format, &report, &options, &mut out)?;
            out.flush()?;
        }
    }
    let failed = config
        .fail_on
        .is_some_and(|threshold| report.has_findings_at_or_above(threshold));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
