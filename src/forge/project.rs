//! Which unchanged files of a repository a forge review reads for cross-file effects (pure).
//!
//! A change can make an unchanged file vulnerable (see [`crate::delta`]); to notice, the review
//! needs the project's other Python files. Forges hand them out one request per file, so the
//! review reads a bounded number of them, nearest to the changed files first (a helper's
//! callers usually live in the same package). [`analyse_change`] then runs the analysis off the
//! async threads.

use crate::analysis::Analyzer;
use crate::config::Config;
use crate::delta::{self, Delta, ProjectFile, nearness};
use crate::diff::ChangeSet;
use crate::scan::in_always_excluded_dir;

/// Unchanged Python files read per review, at most.
pub const MAX_PROJECT_FILES: usize = 300;

/// The paths of `listing` to read: Python files that are not part of the change and not
/// excluded, nearest to the changed files first, at most [`MAX_PROJECT_FILES`]; and a note
/// for the summary when some were left out.
pub fn choose(
    listing: impl IntoIterator<Item = String>,
    changes: &ChangeSet,
    config: &Config,
) -> (Vec<String>, Option<String>) {
    let changed: Vec<&str> = changes.files.iter().map(|file| file.path()).collect();
    let mut paths: Vec<String> = listing
        .into_iter()
        .filter(|path| path.ends_with(".py") || path.ends_with(".pyi"))
        .filter(|path| !changed.contains(&path.as_str()))
        .filter(|path| !in_always_excluded_dir(path) && !config.is_excluded(path))
        .collect();
    paths.sort_by_cached_key(|path| (std::cmp::Reverse(nearness(path, &changed)), path.clone()));
    paths.dedup();
    let note = (paths.len() > MAX_PROJECT_FILES).then(|| {
        format!(
            "Effects on unchanged files were followed through the {MAX_PROJECT_FILES} Python files nearest to the change ({} in the repository).",
            paths.len()
        )
    });
    paths.truncate(MAX_PROJECT_FILES);
    (paths, note)
}

/// What a change introduces, following its effects on the `project` files, computed on a
/// blocking thread (the analysis is CPU-bound); the change set is handed back for planning.
pub async fn analyse_change(
    analyzer: Analyzer,
    changes: ChangeSet,
    project: Vec<ProjectFile>,
) -> Result<(Delta, ChangeSet), tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || {
        let delta = delta::compute_in_project(&analyzer, &changes, &project);
        (delta, changes)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{ChangedFile, FileStatus};

    #[test]
    fn nearest_python_files_first_without_changed_or_excluded_ones() {
        let changes = ChangeSet {
            files: vec![ChangedFile::from_parts(
                FileStatus::Modified,
                Some("app/api/helpers.py".into()),
                Some("app/api/helpers.py".into()),
                None,
                Some(String::new()),
                Some(String::new()),
            )],
        };
        let config = Config::default_for(std::path::Path::new("."));
        let listing = [
            "README.md",
            "setup.py",
            "app/api/helpers.py",
            "app/api/views.py",
            "app/core.py",
            "venv/lib/site.py",
        ]
        .map(String::from);
        let (paths, note) = choose(listing, &changes, &config);
        assert_eq!(paths, vec!["app/api/views.py", "app/core.py", "setup.py"]);
        assert_eq!(note, None);
        let many = (0..MAX_PROJECT_FILES + 5).map(|i| format!("pkg/m{i}.py"));
        let (paths, note) = choose(many, &changes, &config);
        assert_eq!(paths.len(), MAX_PROJECT_FILES);
        assert!(note.is_some_and(|n| n.contains(&format!("({} in", MAX_PROJECT_FILES + 5))));
    }
}
