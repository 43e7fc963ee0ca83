//! `snakeguard debug parse`: parse files without analysing them — the physical floor that
//! benchmarks compare the full analysis against.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use rayon::prelude::*;

use snakeguard::analysis::{decode, syntax};
use snakeguard::config::Config;
use snakeguard::scan::discover;

#[derive(Args)]
pub struct DebugArgs {
    #[command(subcommand)]
    pub command: DebugCommand,
}

#[derive(Subcommand)]
pub enum DebugCommand {
    /// Read, decode and parse every Python file under PATHS; print counts.
    Parse { paths: Vec<PathBuf> },
}

pub fn run(args: DebugArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        DebugCommand::Parse { paths } => {
            let config = Config::default_for(&PathBuf::from("."));
            let files = discover(&paths, &config)?;
            let (errors, bytes) = files
                .par_iter()
                .map(|file| match std::fs::read(file) {
                    Ok(raw) => {
                        let decoded = decode::decode_source(&raw);
                        let parsed = syntax::parse_module(&decoded.text);
                        (usize::from(!parsed.errors.is_empty()), raw.len())
                    }
                    Err(_) => (1, 0),
                })
                .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            println!(
                "parsed {} files ({} bytes), {} with syntax errors or unreadable",
                files.len(),
                bytes,
                errors
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
