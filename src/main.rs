//! The `snakeguard` command line: argument parsing and logging setup; each subcommand lives in
//! its own file under `cmd/`.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// jemalloc: the per-file analysis allocates and frees many small strings, vectors and maps
/// (glibc's allocator spent about a fifth of the scan's CPU time on them). Against mimalloc,
/// which it replaced, it halves the scan's peak memory and its time varies less: mimalloc took
/// fresh transparent huge pages, which this kind of VM zeroes slowly (bench/HISTORY.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (tikv-jemalloc-sys prefixes its symbols with
/// `_rjem_`): larger per-thread caches of small objects, refilled, flushed and trimmed less
/// often (2048 is jemalloc's largest cache per size class). The analysis frees nearly
/// everything it allocates within one file, so the caches absorb it. On the standard library:
/// 1.5% fewer instructions in all, peak memory +4 MiB (bench/HISTORY.md). `_RJEM_MALLOC_CONF`
/// in the environment still overrides these.
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: MallocConf = MallocConf(
    c"lg_tcache_nslots_mul:3,tcache_nslots_small_max:2048,tcache_gc_incr_bytes:1048576,lg_tcache_flush_small_div:3"
        .as_ptr(),
);

/// A C string pointer jemalloc reads as `const char *malloc_conf`.
#[cfg(not(target_env = "msvc"))]
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: it points at a string literal, which is immutable and lives for the whole program.
#[cfg(not(target_env = "msvc"))]
unsafe impl Sync for MallocConf {}

#[derive(Parser)]
#[command(
    name = "snakeguard",
    version,
    about = "Security review for Python code: a fast scanner with taint tracking, for the terminal, CI and pull requests"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log verbosity (also set by RUST_LOG).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Subcommand)]
enum Command {
    /// Scan Python files and directories for security problems.
    Scan(Box<cmd::scan::ScanArgs>),
    /// Run the GitHub App / GitLab bot: receive webhooks and review pull requests.
    Serve(Box<cmd::serve::ServeArgs>),
    /// Review the change a CI job builds (GitHub Actions, GitLab CI) and report on it.
    Review(Box<cmd::review::ReviewArgs>),
    /// List the rules, or show one rule's documentation.
    Rules(cmd::rules::RulesArgs),
    /// Developer tools (parse-only timing for benchmarks).
    #[command(hide = true)]
    Debug(cmd::debug::DebugArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let result = match cli.command {
        Command::Scan(args) => cmd::scan::run(*args),
        Command::Rules(args) => cmd::rules::run(args),
        Command::Serve(args) => cmd::serve::run(*args),
        Command::Review(args) => cmd::review::run(*args),
        Command::Debug(args) => cmd::debug::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
