//! "Only what the change introduces": base-vs-head comparison survives moves, re-indentation,
//! unrelated insertions and deletions and renames; it counts duplicates exactly; it reports fixes.

use proptest::prelude::*;
use snakeguard::analysis::Analyzer;
use snakeguard::delta::{Delta, compute};
use snakeguard::diff::{ChangeSet, ChangedFile, FileStatus};
use snakeguard::rules::Rule;
use snakeguard::rules::options::RuleOptions;

const HELPERS: &str = "def helper():\n    return 1\n";
const VULNERABLE: &str = "def deploy(branch):\n    subprocess.run('git checkout ' + branch, shell=True)\n    return pickle.loads(branch)\n";
const OTHER: &str = "def other(x):\n    return x * 2\n";

fn delta(base: &str, head: &str, old_path: &str, new_path: &str) -> Delta {
    let status = if old_path == new_path {
        FileStatus::Modified
    } else {
        FileStatus::Renamed
    };
    let file = ChangedFile::from_parts(
        status,
        Some(old_path.to_string()),
        Some(new_path.to_string()),
        None,
        Some(base.to_string()),
        Some(head.to_string()),
    );
    let analyzer = Analyzer::new(
        &[Rule::SubprocessShellTrue, Rule::PickleLoads],
        RuleOptions::default(),
    );
    compute(&analyzer, &ChangeSet { files: vec![file] })
}

fn module(parts: &[&str]) -> String {
    let mut text = String::from("import pickle\nimport subprocess\n\n\n");
    text.push_str(&parts.join("\n\n"));
    text
}

#[test]
fn moving_a_function_introduces_nothing() {
    let base = module(&[VULNERABLE, HELPERS, OTHER]);
    let head = module(&[OTHER, HELPERS, VULNERABLE]);
    let result = delta(&base, &head, "app/deploy.py", "app/deploy.py");
    assert!(result.new.is_empty(), "{:?}", result.new);
    assert!(result.fixed.is_empty());
    assert_eq!(result.preexisting, 2);
}

#[test]
fn reindenting_introduces_nothing() {
    let base = module(&[VULNERABLE]);
    let head = base.replace("    ", "  ");
    assert!(delta(&base, &head, "a.py", "a.py").new.is_empty());
}

#[test]
fn renaming_the_file_introduces_nothing() {
    let text = module(&[VULNERABLE]);
    let result = delta(&text, &text, "app/old_name.py", "app/new_name.py");
    assert!(result.new.is_empty());
    assert_eq!(result.preexisting, 2);
}

#[test]
fn a_second_identical_call_is_exactly_one_new_finding_on_the_added_line() {
    let base = module(&[VULNERABLE]);
    let head = base.replace(
        "    return pickle.loads(branch)\n",
        "    subprocess.run('git checkout ' + branch, shell=True)\n    return pickle.loads(branch)\n",
    );
    let result = delta(&base, &head, "a.py", "a.py");
    assert_eq!(result.new.len(), 1, "{:?}", result.new);
    assert_eq!(result.new[0].rule, Rule::SubprocessShellTrue);
    assert_eq!(
        result.new[0].span.start.line, 7,
        "the added copy is the new one"
    );
    assert_eq!(result.preexisting, 2);
}

#[test]
fn deleting_a_vulnerable_call_is_one_fixed_finding() {
    let base = module(&[VULNERABLE]);
    let head = base.replace("    return pickle.loads(branch)\n", "    return branch\n");
    let result = delta(&base, &head, "a.py", "a.py");
    assert!(result.new.is_empty());
    assert_eq!(result.fixed.len(), 1);
    assert_eq!(result.fixed[0].rule, Rule::PickleLoads);
}

#[test]
fn added_and_removed_files() {
    let text = module(&[VULNERABLE]);
    let added = ChangedFile::from_parts(
        FileStatus::Added,
        None,
        Some("new.py".into()),
        None,
        None,
        Some(text.clone()),
    );
    let removed = ChangedFile::from_parts(
        FileStatus::Removed,
        Some("gone.py".into()),
        None,
        None,
        Some(text),
        None,
    );
    let analyzer = Analyzer::new(
        &[Rule::SubprocessShellTrue, Rule::PickleLoads],
        RuleOptions::default(),
    );
    let result = compute(
        &analyzer,
        &ChangeSet {
            files: vec![added, removed],
        },
    );
    assert_eq!(result.new.len(), 2);
    assert!(result.new.iter().all(|f| f.path == "new.py"));
    assert_eq!(result.fixed.len(), 2);
    assert!(result.fixed.iter().all(|f| f.path == "gone.py"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Any mix of unrelated insertions and deletions around the vulnerable code adds nothing.
    #[test]
    fn unrelated_edits_introduce_nothing(
        before in proptest::collection::vec(proptest::sample::select(&["x = 1", "import json", "# note", "", "def f():\n    return 3"][..]), 0..5),
        after in proptest::collection::vec(proptest::sample::select(&["y = 2", "print('done')", "", "class C:\n    pass"][..]), 0..5),
        drop_other in any::<bool>(),
    ) {
        let base = module(&[VULNERABLE, OTHER]);
        let mut parts: Vec<String> = before.iter().map(|s| s.to_string()).collect();
        parts.push(VULNERABLE.to_string());
        if !drop_other {
            parts.push(OTHER.to_string());
        }
        parts.extend(after.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let head = module(&refs);
        let result = delta(&base, &head, "m.py", "m.py");
        prop_assert!(result.new.is_empty(), "{:?}", result.new);
        prop_assert!(result.fixed.is_empty());
    }
}
