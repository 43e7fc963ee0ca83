//! The local git front door for `scan --base`: builds a [`ChangeSet`] from a repository by
//! running `git` (an edge module: it spawns processes and reads files).
//!
//! The base is the merge base of REF and HEAD (or `--head REF`), exactly what a pull request
//! would compare. The head is the working tree by default, including untracked Python files
//! that are not ignored. In a shallow clone whose history does not reach the merge base this
//! says so and how to fix it, instead of guessing.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::diff::{ChangeSet, ChangedFile, DiffError, FileStatus, Side};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("{path} is not inside a git repository")]
    NotARepository { path: PathBuf },
    #[error("git {args}: {stderr}")]
    Failed { args: String, stderr: String },
    #[error(
        "cannot find the merge base of {base} and {head}: this is a shallow clone and its history does not reach it. \
         Fetch more history (`git fetch --unshallow`, or `git fetch --deepen=100 origin {base}`; in GitHub Actions \
         use `actions/checkout` with `fetch-depth: 0`) and run again"
    )]
    ShallowHistory { base: String, head: String },
    #[error("unknown revision `{0}` (fetch it first, e.g. `git fetch origin {0}`)")]
    UnknownRevision(String),
    #[error("cannot parse git's diff output: {0}")]
    Diff(#[from] DiffError),
}

/// A repository and the two sides to compare.
#[derive(Debug, Clone)]
pub struct LocalChange {
    pub root: PathBuf,
    /// The merge-base commit.
    pub base: String,
    /// The head commit, or `None` for the working tree.
    pub head: Option<String>,
}

fn git(root: &Path, args: &[&str]) -> Result<String, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

fn git_bytes(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    output.status.success().then_some(output.stdout)
}

fn no_pipe(what: &str) -> GitError {
    GitError::Spawn(std::io::Error::other(format!("no {what} pipe to git")))
}

/// The repository containing `path`.
pub fn repository_root(path: &Path) -> Result<PathBuf, GitError> {
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    match git(dir, &["rev-parse", "--show-toplevel"]) {
        Ok(root) => Ok(PathBuf::from(root.trim())),
        Err(_) => Err(GitError::NotARepository {
            path: path.to_path_buf(),
        }),
    }
}

/// Resolve REF and HEAD (or `head`) to their merge base.
pub fn resolve(
    root: &Path,
    base_ref: &str,
    head_ref: Option<&str>,
) -> Result<LocalChange, GitError> {
    let verify = |rev: &str| -> Result<String, GitError> {
        git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map(|sha| sha.trim().to_string())
        .map_err(|_| GitError::UnknownRevision(rev.to_string()))
    };
    let base_sha = verify(base_ref)?;
    let head_sha = match head_ref {
        Some(head) => Some(verify(head)?),
        None => None,
    };
    let head_for_merge = head_sha.clone().unwrap_or_else(|| "HEAD".to_string());
    match git(root, &["merge-base", &base_sha, &head_for_merge]) {
        Ok(merge_base) => Ok(LocalChange {
            root: root.to_path_buf(),
            base: merge_base.trim().to_string(),
            head: head_sha,
        }),
        Err(error) => {
            let shallow = git(root, &["rev-parse", "--is-shallow-repository"])
                .is_ok_and(|out| out.trim() == "true");
            if shallow {
                Err(GitError::ShallowHistory {
                    base: base_ref.to_string(),
                    head: head_ref.unwrap_or("HEAD").to_string(),
                })
            } else {
                Err(error)
            }
        }
    }
}

impl LocalChange {
    /// The change set of Python files between the merge base and the head (or working tree).
    pub fn change_set(&self) -> Result<ChangeSet, GitError> {
        let mut args = vec![
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--find-renames",
            "--unified=3",
            self.base.as_str(),
        ];
        if let Some(head) = &self.head {
            args.push(head.as_str());
        }
        args.extend(["--", "*.py", "*.pyi"]);
        let diff = git(&self.root, &args)?;
        let mut changes = ChangeSet::from_git_diff(&diff, |side, path| self.read(side, path))?;
        if self.head.is_none() {
            // Untracked (and not ignored) Python files are part of the working tree's change.
            let untracked = git(
                &self.root,
                &[
                    "ls-files",
                    "--others",
                    "--exclude-standard",
                    "--",
                    "*.py",
                    "*.pyi",
                ],
            )?;
            for path in untracked.lines().filter(|line| !line.is_empty()) {
                if let Some(text) = self.read(Side::Head, path) {
                    changes.files.push(ChangedFile::from_parts(
                        FileStatus::Added,
                        None,
                        Some(path.to_string()),
                        None,
                        None,
                        Some(text),
                    ));
                }
            }
        }
        Ok(changes)
    }

    /// Every Python file of the head side (the working tree: tracked and untracked-not-ignored
    /// files that exist; or the head commit's tree), repository-relative, sorted.
    pub fn python_files_at_head(&self) -> Result<Vec<String>, GitError> {
        let listing = match &self.head {
            Some(head) => git(&self.root, &["ls-tree", "-r", "--name-only", "-z", head])?,
            None => git(
                &self.root,
                &[
                    "ls-files",
                    "--cached",
                    "--others",
                    "--exclude-standard",
                    "-z",
                ],
            )?,
        };
        let mut files: Vec<String> = listing
            .split('\0')
            .filter(|path| path.ends_with(".py") || path.ends_with(".pyi"))
            .filter(|path| self.head.is_some() || self.root.join(path).is_file())
            .map(str::to_string)
            .collect();
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The head side's text of each of `paths` (working tree or head commit); unreadable files
    /// are left out.
    pub fn read_many_at_head(&self, paths: &[String]) -> Result<Vec<(String, String)>, GitError> {
        let Some(head) = &self.head else {
            return Ok(paths
                .iter()
                .filter_map(|path| Some((path.clone(), self.read(Side::Head, path)?)))
                .collect());
        };
        // One `git cat-file --batch` for all of them rather than a process per file.
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut stdin = child.stdin.take().ok_or_else(|| no_pipe("stdin"))?;
        let requests: String = paths
            .iter()
            .map(|path| format!("{head}:{path}\n"))
            .collect();
        let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
        let stdout = child.stdout.take().ok_or_else(|| no_pipe("stdout"))?;
        let mut reader = BufReader::new(stdout);
        let mut out = Vec::with_capacity(paths.len());
        for path in paths {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 {
                break;
            }
            // `<sha> blob <size>` or `<object> missing`.
            let mut fields = header.split_whitespace();
            let (Some(_), Some(kind), Some(size)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let Ok(size) = size.parse::<usize>() else {
                continue;
            };
            let mut bytes = vec![0; size];
            reader.read_exact(&mut bytes)?;
            let mut newline = [0u8; 1];
            reader.read_exact(&mut newline)?;
            if kind == "blob" {
                out.push((
                    path.clone(),
                    crate::analysis::decode::into_source_text(bytes),
                ));
            }
        }
        writer
            .join()
            .map_err(|_| no_pipe("stdin writer"))?
            .map_err(GitError::Spawn)?;
        child.wait()?;
        Ok(out)
    }

    /// A file's text at the merge base, if it exists there.
    pub fn read_at_base(&self, path: &str) -> Option<String> {
        self.read(Side::Base, path)
    }

    fn read(&self, side: Side, path: &str) -> Option<String> {
        let bytes = match (side, &self.head) {
            (Side::Base, _) => git_bytes(&self.root, &["show", &format!("{}:{path}", self.base)])?,
            (Side::Head, Some(head)) => {
                git_bytes(&self.root, &["show", &format!("{head}:{path}")])?
            }
            (Side::Head, None) => std::fs::read(self.root.join(path)).ok()?,
        };
        Some(crate::analysis::decode::into_source_text(bytes))
    }
}
