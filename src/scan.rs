//! The local scan driver: find Python files, analyse them in parallel, collect a report.
//!
//! This is an edge module: it reads the file system. Discovery honours `.gitignore` (also
//! outside a git checkout), hidden directories are skipped, and config `exclude` globs are
//! matched against paths relative to the config file's directory. Files named explicitly on the
//! command line are always scanned, whatever their extension. Analysis runs on a rayon pool
//! (all cores) whose threads have stacks large enough for the deepest tree the analyser
//! accepts; results are sorted, so output never depends on scheduling.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::prepared::{Prepared, PreparedFiles};
use crate::analysis::taint::ExternalSummaries;
use crate::analysis::{ANALYSIS_STACK_BYTES, Analyzer, FileAnalysis, SourceInput};
use crate::config::{Config, ConfigError, ConfigFile, candidates};
use crate::finding::{Diagnostic, DiagnosticKind};
use crate::report::{ScanReport, SourceText};

/// Text bytes of parses made for on-demand summaries that may wait for their file's own
/// analysis (see `analysis::prepared`); their trees take about ten times as much.
const PREPARED_BUDGET_BYTES: usize = 4 << 20;

/// Directories never worth scanning (virtualenvs, vendored JS).
const ALWAYS_EXCLUDED_DIRS: &[&str] = &["venv", "node_modules", "__pypackages__", "__pycache__"];

/// Whether a relative path lies in a directory that is never scanned (see discovery).
pub fn in_always_excluded_dir(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts.iter().any(|dir| ALWAYS_EXCLUDED_DIRS.contains(dir))
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{0}: no such file or directory")]
    NotFound(PathBuf),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start analysis threads: {0}")]
    ThreadPool(String),
}

/// Options of one scan that are not part of the configuration file.
#[derive(Debug, Default, Clone)]
pub struct ScanOptions {
    pub report_unused_suppressions: bool,
}

/// Find the configuration for a scan by walking up from `start`.
pub fn find_config(start: &Path) -> Result<Config, ScanError> {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    while let Some(current) = dir {
        for candidate in candidates(current) {
            if let Some(config) = load_config_file(&candidate)? {
                return Ok(config);
            }
        }
        dir = current.parent();
    }
    let root = if start.is_dir() {
        start.to_path_buf()
    } else {
        start
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    Ok(Config::default_for(&root))
}

/// Load one candidate file; `Ok(None)` if it does not exist or has no snakeguard section.
pub fn load_config_file(candidate: &ConfigFile) -> Result<Option<Config>, ScanError> {
    let (path, is_pyproject) = match candidate {
        ConfigFile::SnakeguardToml(path) => (path, false),
        ConfigFile::PyProject(path) => (path, true),
    };
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|source| ScanError::Read {
        path: path.clone(),
        source,
    })?;
    let display = display_path(path);
    if is_pyproject {
        Ok(Config::from_pyproject(&text, &display)?)
    } else {
        Ok(Some(Config::from_snakeguard_toml(&text, &display)?))
    }
}

/// The Python files to scan under `paths`, sorted and deduplicated.
///
/// Directories are walked on several threads: the walk is serial work before any analysis can
/// start, and most of it is system calls per directory (listing it, and probing for the ignore
/// files it may hold). A project with many directories and few Python files in them (Django's
/// 3,249 directories: translations, templates, static files) spent a fifth of its scan in the
/// one-thread walk this replaced (47 of 250 ms; now 21 ms).
pub fn discover(paths: &[PathBuf], config: &Config) -> Result<Vec<PathBuf>, ScanError> {
    let found = std::sync::Mutex::new(Vec::new());
    for path in paths {
        if !path.exists() {
            return Err(ScanError::NotFound(path.clone()));
        }
        if path.is_file() {
            lock(&found).push(path.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .require_git(false)
            .filter_entry(|entry| {
                let name = entry.file_name().to_string_lossy();
                !(entry.file_type().is_some_and(|t| t.is_dir())
                    && ALWAYS_EXCLUDED_DIRS.contains(&name.as_ref()))
            })
            .build_parallel();
        walker.run(|| {
            let found = &found;
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        // A directory that cannot be listed: its files cannot be scanned.
                        tracing::warn!(%error, "skipped while looking for Python files");
                        return ignore::WalkState::Continue;
                    }
                };
                if is_python_file(&entry)
                    // (The relative path costs two reads of the working directory: not without
                    // patterns.)
                    && !(config.excludes_any()
                        && config.is_excluded(&relative_to(entry.path(), &config.root)))
                {
                    lock(found).push(entry.into_path());
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut files = found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // By the paths' bytes: comparing paths component by component costs ten times as much
    // (any total order does; the report is sorted on its own).
    files.sort_unstable_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    files.dedup();
    Ok(files)
}

fn is_python_file(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_file())
        && entry
            .path()
            .extension()
            .is_some_and(|ext| ext == "py" || ext == "pyi")
}

/// A lock on a list that a push cannot leave half-written: a thread that panicked holding it
/// (poisoning it) leaves a usable list.
fn lock<T>(list: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    list.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Scan files and build the report (findings filtered by the configuration).
pub fn scan_files(
    files: &[PathBuf],
    config: &Config,
    options: &ScanOptions,
) -> Result<ScanReport, ScanError> {
    let analyzer = config
        .analyzer()
        .with_unused_suppressions(options.report_unused_suppressions);
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(ANALYSIS_STACK_BYTES)
        .build()
        .map_err(|e| ScanError::ThreadPool(e.to_string()))?;
    let prepared = PreparedFiles::new(PREPARED_BUDGET_BYTES);
    let results: Vec<(String, Option<SourceText>, FileAnalysis)> = pool.install(|| {
        // Taint summaries of the scanned modules, so a flow through a helper in another project
        // module is followed (`from .helpers import run`); each is computed when first needed.
        let summaries = analyzer.runs_taint().then(|| {
            // A file that cannot be read is reported by its own analysis.
            let paths = files.iter().map(|file| path_key(file)).collect();
            analyzer.project_summaries(
                paths,
                |index| std::fs::read(&files[index]).ok(),
                Vec::new(),
                Some(&prepared),
            )
        });
        files
            .par_iter()
            .enumerate()
            .map(|(index, file)| {
                // The parse kept from the file's summaries, if any.
                let parse = prepared.take(index);
                analyse_one(file, parse, &analyzer, config, summaries.as_ref())
            })
            .collect()
    });

    let mut report = ScanReport {
        files_scanned: files.len(),
        ..ScanReport::default()
    };
    for (path, text, analysis) in results {
        report.suppressed += analysis.suppressed;
        let keep: Vec<_> = analysis
            .findings
            .into_iter()
            .filter(|f| f.severity >= config.min_severity && f.confidence >= config.min_confidence)
            .collect();
        if !keep.is_empty()
            && let Some(text) = text
        {
            report.sources.insert(path, text);
        }
        report.findings.extend(keep);
        report.diagnostics.extend(analysis.diagnostics);
    }
    // Each file's findings come sorted, and the files nearly in path order: a sort (and the
    // scratch space it allocates) is rarely needed.
    if !report
        .findings
        .is_sorted_by(|a, b| a.sort_key() <= b.sort_key())
    {
        report
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    report
        .diagnostics
        .sort_by(|a, b| (&a.path, a.position, a.kind).cmp(&(&b.path, b.position, b.kind)));
    Ok(report)
}

fn analyse_one(
    file: &Path,
    prepared: Option<Prepared>,
    analyzer: &Analyzer,
    config: &Config,
    summaries: Option<&ExternalSummaries<'_>>,
) -> (String, Option<SourceText>, FileAnalysis) {
    let path = path_key(file);
    if prepared.is_some() {
        tracing::debug!(path = %path, "analysing from the parse kept from its summaries");
    }
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            let analysis = FileAnalysis {
                diagnostics: vec![Diagnostic {
                    path: path.clone(),
                    position: None,
                    kind: DiagnosticKind::Skipped,
                    message: format!("skipped: cannot read file: {error}"),
                }],
                ..FileAnalysis::default()
            };
            return (path, None, analysis);
        }
    };
    let mut analysis = analyzer.analyse_prepared(
        &SourceInput {
            path: &path,
            bytes: &bytes,
        },
        prepared,
        summaries,
    );
    let ignored = if config.per_file_ignores.is_empty() {
        Vec::new()
    } else {
        config.ignored_rules_for(&relative_to(file, &config.root))
    };
    if !ignored.is_empty() {
        analysis
            .findings
            .retain(|finding| !ignored.contains(&finding.rule));
    }
    // Only the quoted lines are kept, taken here while the text is in cache (see `SourceText`).
    let text = (!analysis.findings.is_empty()).then(|| {
        let text = crate::analysis::decode::into_source_text(bytes);
        SourceText::quoted_by(&text, &analysis.findings)
    });
    (path, text, analysis)
}

/// The path findings and module names use: [`display_path`] with forward slashes.
fn path_key(file: &Path) -> String {
    display_path(file).to_string_lossy().replace('\\', "/")
}

/// A path for display and fingerprints: relative to the working directory when under it.
pub fn display_path(path: &Path) -> PathBuf {
    let cleaned = clean(path);
    if cleaned.is_absolute()
        && let Ok(cwd) = std::env::current_dir()
        && let Ok(relative) = cleaned.strip_prefix(&cwd)
    {
        return relative.to_path_buf();
    }
    cleaned
}

/// `path` relative to `root` with forward slashes (for glob matching).
pub fn relative_to(path: &Path, root: &Path) -> String {
    let absolute = |p: &Path| clean(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    let (path, root) = (absolute(path), absolute(root));
    path.strip_prefix(&root)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Remove `.` components (`./app/x.py` -> `app/x.py`).
fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three files each unpickling their input (SG301), under `root`.
    fn project() -> tempfile::TempDir {
        let root = tempfile::Builder::new()
            .prefix("scan-config")
            .tempdir()
            .expect("temp dir");
        for file in ["app/views.py", "migrations/m0001.py", "tests/test_views.py"] {
            let path = root.path().join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(
                &path,
                "import pickle\n\ndef load(data):\n    return pickle.loads(data)\n",
            )
            .expect("write");
        }
        root
    }

    /// (relative path, rule) of each SG301 finding of a scan of `root` with `config`.
    fn scan(root: &Path, config: &Config) -> Vec<(String, &'static str)> {
        let files = discover(&[root.to_path_buf()], config).expect("discover");
        let report = scan_files(&files, config, &ScanOptions::default()).expect("scan");
        let mut found: Vec<(String, &'static str)> = report
            .findings
            .iter()
            .filter(|finding| finding.rule.code() == "SG301")
            .map(|finding| {
                let relative = relative_to(Path::new(&finding.path), root);
                (relative, finding.rule.code())
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn discovery_on_several_threads_finds_every_python_file_once_in_byte_order() {
        let root = tempfile::Builder::new()
            .prefix("scan-discover")
            .tempdir()
            .expect("temp dir");
        let write = |relative: &str| {
            let path = root.path().join(relative);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(&path, "x = 1\n").expect("write");
        };
        // Many directories, so the walk's threads share the work; most hold no Python.
        let mut expected = Vec::new();
        for package in 0..12 {
            for module in 0..4 {
                let relative = format!("pkg{package}/sub{module}/mod{module}.py");
                write(&relative);
                expected.push(relative);
                write(&format!("pkg{package}/sub{module}/locale/messages.po"));
            }
        }
        write("stubs/api.pyi");
        expected.push("stubs/api.pyi".to_string());
        // Never scanned: ignored by `.gitignore` (no git repository needed), or in a
        // directory that is always skipped.
        std::fs::write(root.path().join(".gitignore"), "build/\n*_generated.py\n").expect("write");
        for skipped in [
            "build/lib/copy.py",
            "pkg0/schema_generated.py",
            "venv/lib/site.py",
            "web/node_modules/tool.py",
            "pkg1/__pycache__/mod1.py",
        ] {
            write(skipped);
        }
        let found = |paths: &[PathBuf]| -> Vec<String> {
            discover(paths, &Config::default_for(root.path()))
                .expect("discover")
                .iter()
                .map(|file| relative_to(file, root.path()))
                .collect()
        };
        expected.sort();
        assert_eq!(found(&[root.path().to_path_buf()]), expected);
        // A file, and a directory, given as well as the directory holding them: each file is
        // listed once.
        let file = root.path().join("stubs/api.pyi");
        let twice = [
            root.path().to_path_buf(),
            file.clone(),
            root.path().join("pkg3"),
        ];
        assert_eq!(found(&twice), expected);
    }

    #[test]
    fn exclude_patterns_and_per_file_ignores_apply_and_without_them_every_file_reports() {
        let root = project();
        let everything = scan(root.path(), &Config::default_for(root.path()));
        assert_eq!(
            everything,
            [
                ("app/views.py".to_string(), "SG301"),
                ("migrations/m0001.py".to_string(), "SG301"),
                ("tests/test_views.py".to_string(), "SG301"),
            ]
        );
        let file = root.path().join(".snakeguard.toml");
        let config = Config::from_snakeguard_toml(
            "exclude = [\"migrations/**\"]\n[per-file-ignores]\n\"tests/**\" = [\"SG301\"]\n",
            &file,
        )
        .expect("config");
        assert_eq!(
            scan(root.path(), &config),
            [("app/views.py".to_string(), "SG301")]
        );
    }
}
