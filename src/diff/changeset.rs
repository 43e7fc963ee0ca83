//! The change set: which files a change touches, their base and head contents, and the
//! lines that changed — the one model every front door (local git, GitHub, GitLab) fills in.
//!
//! Why: the analysis compares findings of the base and head versions of each changed file
//! and places new ones on changed lines. Front doors get that information in different
//! shapes (a `git diff`, GitHub's file listing with optional `patch` text, GitLab's diffs
//! with boolean flags); here it becomes one [`ChangeSet`]. The forge's patch is preferred,
//! because its hunks are exactly where the forge accepts review comments; when it is
//! missing (large files), does not parse, or does not match the fetched texts, the texts
//! are diffed with [`crate::diff::diff_texts`] instead, and [`ChangedFile::lines_source`] says so.
//!
//! Paths stay repository-relative strings with forward slashes, as git and the forges
//! write them; nothing here touches the file system.

use std::time::{Duration, Instant};

use thiserror::Error;

use super::compute::{DEFAULT_CONTEXT, diff_texts_with_deadline, hunks_match_texts};
use super::error::DiffError;
use super::lines::ChangedLines;
use super::patch::{FilePatch, FileStatus, Hunk, parse_git_diff, parse_hunks};

/// Time allowed for diffing one file's texts. Myers' algorithm is quadratic in the worst
/// case, and a pull request author controls both texts; past this limit the diff is still
/// correct but no longer minimal (so more lines may count as changed).
pub const COMPUTE_TIME_LIMIT: Duration = Duration::from_secs(2);

/// A file status string that is not one of GitHub's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown file status {0:?}")]
pub struct UnknownStatus(pub String);

impl FileStatus {
    /// Reads a status as GitHub spells it in a pull request's files: `added`, `removed`,
    /// `modified`, `renamed`, `copied`, `changed` (mode change: [`FileStatus::Modified`])
    /// and `unchanged` ([`FileStatus::Modified`], with no changed lines).
    pub fn from_github(status: &str) -> Result<FileStatus, UnknownStatus> {
        match status {
            "added" => Ok(FileStatus::Added),
            "removed" => Ok(FileStatus::Removed),
            "modified" | "changed" | "unchanged" => Ok(FileStatus::Modified),
            "renamed" => Ok(FileStatus::Renamed),
            "copied" => Ok(FileStatus::Copied),
            other => Err(UnknownStatus(other.to_owned())),
        }
    }

    /// Reads GitLab's `new_file`, `renamed_file` and `deleted_file` flags of a diff.
    pub fn from_gitlab(new_file: bool, renamed_file: bool, deleted_file: bool) -> FileStatus {
        if new_file {
            FileStatus::Added
        } else if deleted_file {
            FileStatus::Removed
        } else if renamed_file {
            FileStatus::Renamed
        } else {
            FileStatus::Modified
        }
    }
}

/// Where a file's [`ChangedLines`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinesSource {
    /// The forge's or git's own patch: positions are exactly those the forge shows.
    Patch,
    /// Computed from base and head texts: a correct diff, but a forge may have placed
    /// ambiguous hunks slightly differently, and may not show a diff for the file at all.
    Computed,
    /// Neither a usable patch nor the texts: no changed lines are known.
    Unavailable,
}

/// All changed files of a change (a pull request, a merge request, a local diff).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// The files, in the order the source listed them.
    pub files: Vec<ChangedFile>,
}

impl ChangeSet {
    /// Builds a change set from `git diff` output. `load(side, path)` returns the file's
    /// text on the base ([`Side::Base`]) or head ([`Side::Head`]) side, or `None` if it is
    /// not wanted (e.g. not a Python file) or unavailable; the I/O stays with the caller.
    pub fn from_git_diff(
        diff: &str,
        mut load: impl FnMut(Side, &str) -> Option<String>,
    ) -> Result<ChangeSet, DiffError> {
        let files = parse_git_diff(diff)?
            .into_iter()
            .map(|patch| {
                let base = patch.old_path.as_deref().and_then(|p| load(Side::Base, p));
                let head = patch.new_path.as_deref().and_then(|p| load(Side::Head, p));
                ChangedFile::from_file_patch(patch, base, head)
            })
            .collect();
        Ok(ChangeSet { files })
    }

    /// The changed Python files (see [`ChangedFile::is_python`]).
    pub fn python_files(&self) -> impl Iterator<Item = &ChangedFile> {
        self.files.iter().filter(|f| f.is_python())
    }
}

/// The base or the head side of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The old version (merge base).
    Base,
    /// The new version.
    Head,
}

/// One file of a forge's file listing, as the API gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForgeFileEntry<'a> {
    /// Status as GitHub spells it (see [`FileStatus::from_github`]); for GitLab use
    /// [`ChangedFile::from_parts`] with [`FileStatus::from_gitlab`].
    pub status: &'a str,
    /// Path in the head version (GitHub's `filename`; for removed files the removed path).
    pub filename: &'a str,
    /// Path in the base version of renamed and copied files (`previous_filename`).
    pub previous_filename: Option<&'a str>,
    /// The hunks-only patch text, when the forge sent one.
    pub patch: Option<&'a str>,
}

/// One changed file with its contents and changed lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// How the file changed.
    pub status: FileStatus,
    /// Path in the base version; `None` for added files.
    pub old_path: Option<String>,
    /// Path in the head version; `None` for removed files.
    pub new_path: Option<String>,
    /// Content in the base version, if fetched.
    pub base_text: Option<String>,
    /// Content in the head version, if fetched.
    pub head_text: Option<String>,
    /// The changed lines.
    pub changed: ChangedLines,
    /// Where `changed` came from.
    pub lines_source: LinesSource,
}

impl ChangedFile {
    /// Builds a file from a GitHub pull-request file entry. The patch is used when it parses
    /// and agrees with the given texts; otherwise the texts are diffed. Fails only for an
    /// unknown status string.
    pub fn from_forge(
        entry: &ForgeFileEntry<'_>,
        base_text: Option<String>,
        head_text: Option<String>,
    ) -> Result<ChangedFile, UnknownStatus> {
        let status = FileStatus::from_github(entry.status)?;
        let filename = normalize_path(entry.filename);
        let previous = entry.previous_filename.map(normalize_path);
        let (old_path, new_path) = match status {
            FileStatus::Added => (None, Some(filename)),
            FileStatus::Removed => (Some(filename), None),
            FileStatus::Modified => (Some(filename.clone()), Some(filename)),
            FileStatus::Renamed | FileStatus::Copied => (
                Some(previous.unwrap_or_else(|| filename.clone())),
                Some(filename),
            ),
        };
        Ok(ChangedFile::from_parts(
            status,
            old_path,
            new_path,
            entry.patch,
            base_text,
            head_text,
        ))
    }

    /// Builds a file from its parts: `patch` is hunks-only text (GitHub's `patch`, GitLab's
    /// `diff`); `None` or an unusable patch means the texts are diffed.
    pub fn from_parts(
        status: FileStatus,
        old_path: Option<String>,
        new_path: Option<String>,
        patch: Option<&str>,
        base_text: Option<String>,
        head_text: Option<String>,
    ) -> ChangedFile {
        let hunks = patch.and_then(|p| parse_hunks(p).ok());
        ChangedFile::assemble(status, old_path, new_path, hunks, base_text, head_text)
    }

    /// Builds a file from one file of a parsed `git diff`.
    pub fn from_file_patch(
        patch: FilePatch,
        base_text: Option<String>,
        head_text: Option<String>,
    ) -> ChangedFile {
        let hunks = (!patch.is_binary).then_some(patch.hunks);
        ChangedFile::assemble(
            patch.status,
            patch.old_path.map(|p| normalize_path(&p)),
            patch.new_path.map(|p| normalize_path(&p)),
            hunks,
            base_text,
            head_text,
        )
    }

    fn assemble(
        status: FileStatus,
        old_path: Option<String>,
        new_path: Option<String>,
        hunks: Option<Vec<Hunk>>,
        base_text: Option<String>,
        head_text: Option<String>,
    ) -> ChangedFile {
        // An added file has an empty base, a removed one an empty head.
        let base = match status {
            FileStatus::Added => Some(""),
            _ => base_text.as_deref(),
        };
        let head = match status {
            FileStatus::Removed => Some(""),
            _ => head_text.as_deref(),
        };
        let (changed, lines_source) = match hunks {
            Some(h) if hunks_match_texts(&h, base, head) => {
                (ChangedLines::from_hunks(&h), LinesSource::Patch)
            }
            _ => match (base, head) {
                (Some(b), Some(h)) => {
                    let deadline = Instant::now().checked_add(COMPUTE_TIME_LIMIT);
                    let hunks = diff_texts_with_deadline(b, h, DEFAULT_CONTEXT, deadline);
                    (ChangedLines::from_hunks(&hunks), LinesSource::Computed)
                }
                _ => (ChangedLines::default(), LinesSource::Unavailable),
            },
        };
        ChangedFile {
            status,
            old_path,
            new_path,
            base_text,
            head_text,
            changed,
            lines_source,
        }
    }

    /// The path to report: the head path, or the base path of a removed file.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or_default()
    }

    /// Whether the file is Python source, by extension (`.py`, `.pyi`) of [`Self::path`].
    pub fn is_python(&self) -> bool {
        let path = self.path();
        path.ends_with(".py") || path.ends_with(".pyi")
    }
}

/// Removes a leading `./`, the only variation seen in repository-relative paths.
fn normalize_path(path: &str) -> String {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "import os\n\ndef run(cmd):\n    os.system(cmd)\n";
    const HEAD: &str =
        "import os\nimport subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n";
    const PATCH: &str = "@@ -1,4 +1,5 @@\n import os\n+import subprocess\n \n def run(cmd):\n-    os.system(cmd)\n+    subprocess.run(cmd, shell=True)";

    fn entry<'a>(status: &'a str, patch: Option<&'a str>) -> ForgeFileEntry<'a> {
        ForgeFileEntry {
            status,
            filename: "pkg/app.py",
            previous_filename: None,
            patch,
        }
    }

    fn owned(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn forge_patch_is_used_when_it_matches_the_texts() {
        let f = ChangedFile::from_forge(&entry("modified", Some(PATCH)), owned(BASE), owned(HEAD))
            .unwrap();
        assert_eq!(f.lines_source, LinesSource::Patch);
        assert_eq!(f.status, FileStatus::Modified);
        assert_eq!(f.old_path.as_deref(), Some("pkg/app.py"));
        assert_eq!(f.new_path.as_deref(), Some("pkg/app.py"));
        assert_eq!(f.changed.added_lines().collect::<Vec<_>>(), vec![2, 5]);
        assert_eq!(f.base_text.as_deref(), Some(BASE));
        // Without texts, the patch is trusted as it is.
        let f = ChangedFile::from_forge(&entry("modified", Some(PATCH)), None, None).unwrap();
        assert_eq!(f.lines_source, LinesSource::Patch);
        assert!(f.changed.is_added(5));
    }

    #[test]
    fn missing_broken_or_stale_patches_fall_back_to_the_texts() {
        for patch in [None, Some("@@ garbage"), Some("@@ -1,9 +1,9 @@\n-x\n")] {
            let f = ChangedFile::from_forge(&entry("modified", patch), owned(BASE), owned(HEAD))
                .unwrap();
            assert_eq!(f.lines_source, LinesSource::Computed, "{patch:?}");
            assert_eq!(f.changed.added_lines().collect::<Vec<_>>(), vec![2, 5]);
        }
        // The patch was made against another base (one more line on top).
        let stale_base = format!("# header\n{BASE}");
        let stale_head = format!("# header\n{HEAD}");
        let f = ChangedFile::from_forge(
            &entry("modified", Some(PATCH)),
            Some(stale_base),
            Some(stale_head),
        )
        .unwrap();
        assert_eq!(f.lines_source, LinesSource::Computed);
        assert_eq!(f.changed.added_lines().collect::<Vec<_>>(), vec![3, 6]);
        // Nothing to go on.
        let f =
            ChangedFile::from_forge(&entry("modified", Some("junk")), owned(BASE), None).unwrap();
        assert_eq!(f.lines_source, LinesSource::Unavailable);
        assert!(f.changed.is_empty());
    }

    #[test]
    fn added_and_removed_files_need_one_text() {
        let f = ChangedFile::from_forge(&entry("added", None), None, owned(HEAD)).unwrap();
        assert_eq!(
            (f.old_path.as_deref(), f.new_path.as_deref()),
            (None, Some("pkg/app.py"))
        );
        assert_eq!(f.lines_source, LinesSource::Computed);
        assert_eq!(f.changed.added_count(), 5);
        let added_patch = "@@ -0,0 +1,2 @@\n+a\n+b";
        let f = ChangedFile::from_forge(&entry("added", Some(added_patch)), None, owned("a\nb\n"))
            .unwrap();
        assert_eq!(f.lines_source, LinesSource::Patch);
        let f = ChangedFile::from_forge(&entry("added", None), None, None).unwrap();
        assert_eq!(f.lines_source, LinesSource::Unavailable);

        let f = ChangedFile::from_forge(&entry("removed", None), owned(BASE), None).unwrap();
        assert_eq!(
            (f.old_path.as_deref(), f.new_path.as_deref()),
            (Some("pkg/app.py"), None)
        );
        assert_eq!(f.lines_source, LinesSource::Computed);
        assert_eq!(f.changed.added_count(), 0);
        assert_eq!(f.changed.map_old_to_new(1), None);
        assert_eq!(f.path(), "pkg/app.py");
        assert!(f.is_python());
    }

    #[test]
    fn renames_copies_and_status_spellings() {
        let e = ForgeFileEntry {
            status: "renamed",
            filename: "./new/app.py",
            previous_filename: Some("old/app.py"),
            patch: None,
        };
        let f = ChangedFile::from_forge(&e, owned(BASE), owned(BASE)).unwrap();
        assert_eq!(f.status, FileStatus::Renamed);
        assert_eq!(f.old_path.as_deref(), Some("old/app.py"));
        assert_eq!(f.new_path.as_deref(), Some("new/app.py"));
        assert_eq!(f.lines_source, LinesSource::Computed);
        assert!(f.changed.is_empty());
        let copied = ForgeFileEntry {
            status: "copied",
            ..e
        };
        assert_eq!(
            ChangedFile::from_forge(&copied, None, None).unwrap().status,
            FileStatus::Copied
        );
        for (s, expected) in [
            ("added", FileStatus::Added),
            ("removed", FileStatus::Removed),
            ("modified", FileStatus::Modified),
            ("renamed", FileStatus::Renamed),
            ("copied", FileStatus::Copied),
            ("changed", FileStatus::Modified),
            ("unchanged", FileStatus::Modified),
        ] {
            assert_eq!(FileStatus::from_github(s), Ok(expected));
        }
        assert_eq!(
            ChangedFile::from_forge(&entry("Modified", None), None, None),
            Err(UnknownStatus("Modified".to_owned()))
        );
        assert_eq!(
            FileStatus::from_gitlab(true, false, false),
            FileStatus::Added
        );
        assert_eq!(
            FileStatus::from_gitlab(false, true, false),
            FileStatus::Renamed
        );
        assert_eq!(
            FileStatus::from_gitlab(false, false, true),
            FileStatus::Removed
        );
        assert_eq!(
            FileStatus::from_gitlab(false, false, false),
            FileStatus::Modified
        );
    }

    #[test]
    fn gitlab_style_parts() {
        let f = ChangedFile::from_parts(
            FileStatus::from_gitlab(false, false, false),
            owned("app.py"),
            owned("app.py"),
            Some(&format!("{PATCH}\n")),
            owned(BASE),
            owned(HEAD),
        );
        assert_eq!(f.lines_source, LinesSource::Patch);
        // GitLab needs both numbers on an unchanged line.
        assert_eq!(f.changed.map_new_to_old(4), Some(3));
    }

    #[test]
    fn trimmed_forge_patch_is_checked_against_the_head_text() {
        // The last two context lines are blank and were trimmed off the patch.
        let base = "a\nb\n\n\n";
        let head = "a\nc\n\n\n";
        let patch = "@@ -1,4 +1,4 @@\n a\n-b\n+c";
        let f = ChangedFile::from_forge(&entry("modified", Some(patch)), owned(base), owned(head))
            .unwrap();
        assert_eq!(f.lines_source, LinesSource::Patch);
        assert!(f.changed.is_in_hunk(4) && !f.changed.is_in_hunk(5));
        // Had the missing lines not been blank, the texts would disagree.
        let head = "a\nc\nx\ny\n";
        let base = "a\nb\nx\ny\n";
        let f = ChangedFile::from_forge(&entry("modified", Some(patch)), owned(base), owned(head))
            .unwrap();
        assert_eq!(f.lines_source, LinesSource::Computed);
    }

    #[test]
    fn python_detection_by_extension() {
        let file = |path: &str| {
            ChangedFile::from_parts(FileStatus::Added, None, owned(path), None, None, None)
        };
        assert!(file("a/b.py").is_python());
        assert!(file("stubs/b.pyi").is_python());
        assert!(!file("b.pyc").is_python());
        assert!(!file("b.pyx").is_python());
        assert!(!file("py").is_python());
        assert!(!file("README.md").is_python());
    }

    #[test]
    fn change_set_from_git_diff_loads_texts_through_the_callback() {
        let diff = "\
diff --git a/app.py b/app.py
index 1..2 100644
--- a/app.py
+++ b/app.py
@@ -1,4 +1,5 @@
 import os
+import subprocess
 
 def run(cmd):
-    os.system(cmd)
+    subprocess.run(cmd, shell=True)
diff --git a/notes.txt b/notes.txt
new file mode 100644
--- /dev/null
+++ b/notes.txt
@@ -0,0 +1 @@
+hello
";
        let mut asked = Vec::new();
        let set = ChangeSet::from_git_diff(diff, |side, path| {
            asked.push((side, path.to_owned()));
            match (side, path) {
                (Side::Base, "app.py") => owned(BASE),
                (Side::Head, "app.py") => owned(HEAD),
                _ => None,
            }
        })
        .unwrap();
        assert_eq!(
            asked,
            vec![
                (Side::Base, "app.py".to_owned()),
                (Side::Head, "app.py".to_owned()),
                (Side::Head, "notes.txt".to_owned()),
            ]
        );
        assert_eq!(set.files.len(), 2);
        assert_eq!(set.files[0].lines_source, LinesSource::Patch);
        // Not loaded, so not checked: the patch is used as is.
        assert_eq!(set.files[1].lines_source, LinesSource::Patch);
        let py: Vec<_> = set.python_files().map(ChangedFile::path).collect();
        assert_eq!(py, vec!["app.py"]);
        assert!(ChangeSet::from_git_diff("nonsense", |_, _| None).is_err());
    }
}
