//! New findings: what a change introduces, never the backlog.
//!
//! For every changed Python file the base and head versions are analysed — the base *under the
//! head path*, so a rename does not make every finding look new — and findings are matched as
//! multisets of identities (rule, enclosing scope, normalized code, taint source; never the
//! line). If a scope held one `pickle.loads(x)` before and two after, exactly one is new; when
//! there is a choice, the one on an added line is the new one. Findings of removed or fixed code
//! are reported as fixed.
//!
//! Across files: a change can make an *unchanged* file vulnerable — a helper that sanitized its
//! argument no longer does, and a view that calls it now sends request data to a shell. So when
//! the front door supplies the project's unchanged Python files ([`ProjectFile`]), the taint
//! summaries of every module are available on both sides (changed files' base and head texts
//! summarized up front, unchanged files when first needed), changed files are analysed with their side's summaries, and the
//! unchanged files that mention a function whose summary changed are analysed twice — with the
//! base and with the head summaries — and compared the same way. Their new findings carry a
//! flow step inside the changed function, which the review planner places on its changed line.
//! Bounded: at most [`MAX_AFFECTED_FILES`] such files are analysed (a note says when more were
//! left out). Pure: texts in, findings out.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::taint::{ExternalSummaries, ExternalSummary, ModuleSummaries};
use crate::analysis::{ANALYSIS_STACK_BYTES, Analyzer, FileAnalysis, SourceInput, module_name_of};
use crate::diff::{ChangeSet, ChangedFile, FileStatus};
use crate::finding::{Diagnostic, Finding};
use crate::rules::Rule;

/// The outcome of comparing base and head.
#[derive(Debug, Default, Clone)]
pub struct Delta {
    /// Findings the change introduces, sorted by path, line, column, rule.
    pub new: Vec<Finding>,
    /// Findings of the base that the change removes (paths are the head paths where the file
    /// still exists).
    pub fixed: Vec<Finding>,
    /// Head findings that already existed in the base (hidden from the review).
    pub preexisting: usize,
    /// Diagnostics of the head versions (syntax errors, skipped files).
    pub diagnostics: Vec<Diagnostic>,
    /// Changed Python files analysed.
    pub files_analysed: usize,
    /// Unchanged files analysed because they call a function whose behaviour changed.
    pub affected_files_analysed: usize,
    /// Unchanged files with new findings, and their text (for snippets in reports).
    pub affected_sources: Vec<(String, String)>,
    /// Human notes about limits hit (e.g. too many affected files).
    pub notes: Vec<String>,
}

/// An unchanged Python file of the project (the same text on both sides of the change).
#[derive(Debug, Clone)]
pub struct ProjectFile {
    /// Repository-relative path with forward slashes (as in the change set).
    pub path: String,
    pub text: String,
}

/// At most this many unchanged files are re-analysed for cross-file effects of one change.
pub const MAX_AFFECTED_FILES: usize = 500;

/// Compare base and head of every changed Python file (no cross-file effects).
pub fn compute(analyzer: &Analyzer, changes: &ChangeSet) -> Delta {
    compute_in_project(analyzer, changes, &[])
}

/// Compare base and head of every changed Python file, following taint across the project's
/// modules, and report what the change introduces in unchanged `project` files too.
pub fn compute_in_project(
    analyzer: &Analyzer,
    changes: &ChangeSet,
    project: &[ProjectFile],
) -> Delta {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(ANALYSIS_STACK_BYTES)
        .build();
    match pool {
        Ok(pool) => pool.install(|| compute_parallel(analyzer, changes, project)),
        // No threads to be had: the same work on this thread.
        Err(_) => compute_parallel(analyzer, changes, project),
    }
}

fn compute_parallel(analyzer: &Analyzer, changes: &ChangeSet, project: &[ProjectFile]) -> Delta {
    let changed_paths: FxHashSet<&str> = changes
        .files
        .iter()
        .flat_map(|file| [file.old_path.as_deref(), file.new_path.as_deref()])
        .flatten()
        .collect();
    // Unchanged files only (a front door may hand over the whole tree).
    let project: Vec<&ProjectFile> = project
        .iter()
        .filter(|file| !changed_paths.contains(file.path.as_str()))
        .collect();
    let sides = analyzer
        .runs_taint()
        .then(|| Sides::summarize(analyzer, changes, &project));

    let comparisons: Vec<FileComparison> = changes
        .python_files()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|file| compare_file_with(analyzer, file, sides.as_ref()))
        .collect();
    let mut delta = Delta::default();
    for comparison in comparisons {
        delta.files_analysed += 1;
        delta.preexisting += comparison.preexisting;
        delta.new.extend(comparison.new);
        delta.fixed.extend(comparison.fixed);
        delta.diagnostics.extend(comparison.diagnostics);
    }
    if let Some(sides) = &sides {
        compare_affected(analyzer, sides, &project, &mut delta);
    }
    delta.new.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    delta.fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    delta
}

/// Taint summaries of the project's modules as they are at the base and at the head.
struct Sides<'a> {
    base: ExternalSummaries<'a>,
    head: ExternalSummaries<'a>,
    /// (module, function) last name segments of the functions whose behaviour differs between
    /// the sides: an affected file mentions both (`from .helpers import clean`).
    changed_names: FxHashSet<(String, String)>,
}

impl<'a> Sides<'a> {
    fn summarize(
        analyzer: &'a Analyzer,
        changes: &ChangeSet,
        project: &'a [&'a ProjectFile],
    ) -> Sides<'a> {
        let summarize = |path: &str, text: &str| {
            analyzer.summarize(&SourceInput {
                path,
                bytes: text.as_bytes(),
            })
        };
        let paths: Vec<String> = project.iter().map(|file| file.path.clone()).collect();
        // Each changed file's summaries on both sides; the base under its own (old) path, which
        // is the module its importers name.
        let per_file: Vec<(Vec<_>, Vec<_>)> = changes
            .python_files()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|file| {
                let base = match (file.status, &file.old_path, &file.base_text) {
                    (FileStatus::Added, _, _) => Vec::new(),
                    (_, Some(path), Some(text)) => summarize(path, text),
                    _ => Vec::new(),
                };
                let head = match (file.status, &file.new_path, &file.head_text) {
                    (FileStatus::Removed, _, _) => Vec::new(),
                    (_, Some(path), Some(text)) => summarize(path, text),
                    _ => Vec::new(),
                };
                (base, head)
            })
            .collect();
        // Functions whose behaviour differs, compared by their name inside the file (a renamed
        // module changes every key, not what its functions do).
        let mut changed_names = FxHashSet::default();
        for (base, head) in &per_file {
            // Function name inside the module -> (index, the module's last name segment).
            let inner = |summaries: &[(String, ExternalSummary)]| {
                summaries
                    .iter()
                    .enumerate()
                    .map(|(index, (name, summary))| {
                        let module = module_name_of(&summary.path).0.unwrap_or_default();
                        let inner = name
                            .strip_prefix(&module)
                            .and_then(|rest| rest.strip_prefix('.'))
                            .unwrap_or(name);
                        let module_last = module.rsplit('.').next().unwrap_or_default();
                        (inner.to_string(), (index, module_last.to_string()))
                    })
                    .collect::<FxHashMap<String, (usize, String)>>()
            };
            let (base_names, head_names) = (inner(base), inner(head));
            for name in base_names.keys().chain(head_names.keys()) {
                let (old, new) = (base_names.get(name), head_names.get(name));
                let same = match (old, new) {
                    (Some((a, _)), Some((b, _))) => base[*a].1.same_behaviour(&head[*b].1),
                    _ => false,
                };
                let function = name.rsplit('.').next().unwrap_or(name);
                if !same {
                    for (_, module) in old.into_iter().chain(new) {
                        changed_names.insert((module.clone(), function.to_string()));
                    }
                }
            }
        }
        // Each side's changed modules, under the path the side has them at.
        let module_of = |path: &Option<String>| {
            path.as_deref()
                .and_then(|path| module_name_of(path).0)
                .unwrap_or_default()
        };
        let (base_changed, head_changed): (Vec<_>, Vec<_>) = changes
            .python_files()
            .zip(per_file)
            .map(|(file, (base, head))| {
                (
                    (module_of(&file.old_path), base),
                    (module_of(&file.new_path), head),
                )
            })
            .unzip();
        // Unchanged modules are summarized when first needed (see `ExternalSummaries::project`);
        // the changed ones win a name both define.
        let side = |changed: Vec<(String, ModuleSummaries)>| -> ExternalSummaries<'a> {
            analyzer.project_summaries(
                paths.clone(),
                |index| project.get(index).map(|file| file.text.as_bytes()),
                changed,
                None,
            )
        };
        Sides {
            base: side(base_changed),
            head: side(head_changed),
            changed_names,
        }
    }
}

/// Analyse the unchanged files that mention a function whose behaviour changed, with the base
/// and with the head summaries; what only the head side finds is new.
fn compare_affected(
    analyzer: &Analyzer,
    sides: &Sides,
    project: &[&ProjectFile],
    delta: &mut Delta,
) {
    if sides.changed_names.is_empty() {
        return;
    }
    let mut affected: Vec<&ProjectFile> = project
        .par_iter()
        .filter(|file| mentions_any_pair(&file.text, &sides.changed_names))
        .copied()
        .collect();
    affected.sort_by(|a, b| a.path.cmp(&b.path));
    if affected.len() > MAX_AFFECTED_FILES {
        delta.notes.push(format!(
            "{} unchanged files call functions this change modifies; only the first {} were re-analysed for effects of the change.",
            affected.len(),
            MAX_AFFECTED_FILES
        ));
        affected.truncate(MAX_AFFECTED_FILES);
    }
    let results: Vec<(&ProjectFile, Vec<Finding>, Vec<Finding>)> = affected
        .par_iter()
        .map(|file| {
            let input = SourceInput {
                path: &file.path,
                bytes: file.text.as_bytes(),
            };
            let head = analyzer.analyse_with(&input, Some(&sides.head));
            let base = analyzer.analyse_with(&input, Some(&sides.base));
            let (new, fixed, _) = subtract(head.findings, base.findings, |_| false);
            (*file, new, fixed)
        })
        .collect();
    delta.affected_files_analysed = affected.len();
    for (file, new, fixed) in results {
        if !new.is_empty() {
            delta
                .affected_sources
                .push((file.path.clone(), file.text.clone()));
        }
        delta.new.extend(new);
        delta.fixed.extend(fixed);
    }
}

/// How near `path` is to the changed files: the most leading directories it shares with one of
/// them (front doors that cannot read the whole project read the nearest files first).
pub fn nearness(path: &str, changed: &[&str]) -> usize {
    let directories = |path: &str| -> Vec<String> {
        let mut parts: Vec<String> = path.split('/').map(str::to_string).collect();
        parts.pop();
        parts
    };
    let own = directories(path);
    changed
        .iter()
        .map(|other| {
            own.iter()
                .zip(directories(other).iter())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Whether `text` mentions, as whole identifiers, both names of any (module, function) pair.
fn mentions_any_pair(text: &str, pairs: &FxHashSet<(String, String)>) -> bool {
    let is_ident = |c: char| c == '_' || c.is_alphanumeric();
    let words: FxHashSet<&str> = text
        .split(|c: char| !is_ident(c))
        .filter(|word| !word.is_empty())
        .collect();
    pairs.iter().any(|(module, function)| {
        words.contains(module.as_str()) && words.contains(function.as_str())
    })
}

/// The comparison of one file's two versions.
#[derive(Debug, Default)]
pub struct FileComparison {
    pub new: Vec<Finding>,
    pub fixed: Vec<Finding>,
    pub preexisting: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Compare one changed file.
pub fn compare_file(analyzer: &Analyzer, file: &ChangedFile) -> FileComparison {
    compare_file_with(analyzer, file, None)
}

fn compare_file_with(
    analyzer: &Analyzer,
    file: &ChangedFile,
    sides: Option<&Sides>,
) -> FileComparison {
    // Fingerprints use the head path on both sides (renames keep identities).
    let path = file.path().to_string();
    let analyse = |text: Option<&String>, summaries: Option<&ExternalSummaries>| match text {
        Some(text) => analyzer.analyse_with(
            &SourceInput {
                path: &path,
                bytes: text.as_bytes(),
            },
            summaries,
        ),
        None => FileAnalysis::default(),
    };
    let head = if file.status == FileStatus::Removed {
        FileAnalysis::default()
    } else {
        analyse(file.head_text.as_ref(), sides.map(|sides| &sides.head))
    };
    let base = if file.status == FileStatus::Added {
        FileAnalysis::default()
    } else {
        analyse(file.base_text.as_ref(), sides.map(|sides| &sides.base))
    };
    let (new, fixed, preexisting) = subtract(head.findings, base.findings, |line| {
        file.changed.is_added(line)
    });
    FileComparison {
        new,
        fixed,
        preexisting,
        diagnostics: head.diagnostics,
    }
}

/// Multiset difference by identity. Returns (new, fixed, matched count).
pub fn subtract(
    head: Vec<Finding>,
    base: Vec<Finding>,
    is_added_line: impl Fn(u32) -> bool,
) -> (Vec<Finding>, Vec<Finding>, usize) {
    type Key = (Rule, String, String);
    let key = |finding: &Finding| -> Key {
        (
            finding.rule,
            finding.scope.clone(),
            finding.identity.clone(),
        )
    };
    let mut base_groups: FxHashMap<Key, Vec<Finding>> = FxHashMap::default();
    for finding in base {
        base_groups.entry(key(&finding)).or_default().push(finding);
    }
    let mut head_groups: FxHashMap<Key, Vec<Finding>> = FxHashMap::default();
    for finding in head {
        head_groups.entry(key(&finding)).or_default().push(finding);
    }
    let mut new = Vec::new();
    let mut matched = 0;
    for (group_key, mut findings) in head_groups {
        let existing = base_groups.remove(&group_key).unwrap_or_default();
        if findings.len() <= existing.len() {
            matched += findings.len();
            // Fewer than before: the surplus base findings were fixed.
            let mut surplus = existing;
            surplus.drain(..findings.len());
            base_groups.insert(group_key, surplus);
            continue;
        }
        // More than before: the new ones are preferably those on added lines, then the last.
        let introduced = findings.len() - existing.len();
        matched += existing.len();
        findings
            .sort_by_key(|finding| (is_added_line(finding.span.start.line), finding.span.start));
        new.extend(findings.drain(findings.len() - introduced..));
    }
    let fixed = base_groups.into_values().flatten().collect();
    (new, fixed, matched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::forge::plan::{PlannedComment, plan_review};

    const HELPERS: &str = "import shlex\n\n\ndef clean(name):\n    return shlex.quote(name)\n";
    const CALLER: &str = "import os\n\nfrom flask import Flask, request\n\nfrom .helpers import clean\n\napp = Flask(__name__)\n\n\n@app.route(\"/r\")\ndef r():\n    os.system(\"report \" + clean(request.args[\"name\"]))\n    return \"ok\"\n";

    fn helper_change(head: &str) -> ChangeSet {
        ChangeSet {
            files: vec![ChangedFile::from_parts(
                FileStatus::Modified,
                Some("app/helpers.py".into()),
                Some("app/helpers.py".into()),
                None,
                Some(HELPERS.into()),
                Some(head.into()),
            )],
        }
    }

    fn project() -> Vec<ProjectFile> {
        vec![
            ProjectFile {
                path: "app/views.py".into(),
                text: CALLER.into(),
            },
            ProjectFile {
                path: "app/__init__.py".into(),
                text: String::new(),
            },
        ]
    }

    #[test]
    fn an_unchanged_caller_of_a_helper_that_stopped_sanitizing_gets_a_new_finding_placed_on_the_helper()
     {
        let analyzer = Config::default_for(std::path::Path::new(".")).analyzer();
        let head = "import shlex\n\n\ndef clean(name):\n    # quoting moved to the callers\n    return name\n";
        let changes = helper_change(head);
        let delta = compute_in_project(&analyzer, &changes, &project());
        let new: Vec<(&str, &str, u32)> = delta
            .new
            .iter()
            .map(|f| (f.rule.code(), f.path.as_str(), f.span.start.line))
            .collect();
        assert_eq!(new, vec![("SG002", "app/views.py", 12)]);
        assert_eq!(delta.affected_files_analysed, 1);
        assert_eq!(delta.affected_sources.len(), 1);
        // The review comment goes on the first added line of `clean`.
        let plan = plan_review(&delta.new, &changes, &[]);
        assert_eq!(
            plan.create,
            vec![PlannedComment {
                finding: 0,
                path: "app/helpers.py".into(),
                line: 5
            }]
        );
        // Without the project's files the change looks harmless.
        assert!(compute(&analyzer, &changes).new.is_empty());
    }

    #[test]
    fn unchanged_behaviour_reanalyses_no_caller_and_a_changed_file_in_the_project_list_is_ignored()
    {
        let analyzer = Config::default_for(std::path::Path::new(".")).analyzer();
        let head = "import shlex\n\n\ndef clean(name):\n    \"\"\"Quote.\"\"\"\n    return shlex.quote(name)\n";
        let mut project = project();
        // A front door may hand over the whole tree, changed files included.
        project.push(ProjectFile {
            path: "app/helpers.py".into(),
            text: head.into(),
        });
        let delta = compute_in_project(&analyzer, &helper_change(head), &project);
        assert!(delta.new.is_empty(), "{:?}", delta.new);
        assert_eq!(delta.affected_files_analysed, 0);
    }

    #[test]
    fn renaming_a_module_changes_no_function_behaviour() {
        let analyzer = Config::default_for(std::path::Path::new(".")).analyzer();
        let changes = ChangeSet {
            files: vec![ChangedFile::from_parts(
                FileStatus::Renamed,
                Some("app/helpers.py".into()),
                Some("app/text_helpers.py".into()),
                None,
                Some(HELPERS.into()),
                Some(HELPERS.into()),
            )],
        };
        let delta = compute_in_project(&analyzer, &changes, &project());
        assert!(delta.new.is_empty(), "{:?}", delta.new);
        assert_eq!(delta.affected_files_analysed, 0);
    }

    #[test]
    fn nearness_counts_shared_leading_directories() {
        let changed = ["app/api/views.py", "lib/x.py"];
        assert_eq!(nearness("app/api/models.py", &changed), 2);
        assert_eq!(nearness("app/core.py", &changed), 1);
        assert_eq!(nearness("setup.py", &changed), 0);
        assert_eq!(nearness("lib/y.py", &changed), 1);
    }

    #[test]
    fn module_and_function_are_matched_as_whole_identifiers() {
        let pairs: FxHashSet<(String, String)> = [("helpers".to_string(), "clean".to_string())]
            .into_iter()
            .collect();
        assert!(mentions_any_pair("from .helpers import clean", &pairs));
        assert!(mentions_any_pair(
            "import app.helpers as h\nh.clean(y)",
            &pairs
        ));
        assert!(!mentions_any_pair("x = h.clean(y)", &pairs));
        assert!(!mentions_any_pair("from helpers_v2 import cleaner", &pairs));
    }
}
