//! Fingerprints identify a finding without its line number: unrelated edits keep them, a second
//! identical finding gets its own.

use proptest::prelude::*;
use snakeguard::analysis::analyse_text;
use snakeguard::finding::Fingerprint;
use snakeguard::rules::Rule;

const BASE: &str = "import subprocess\n\n\ndef deploy(branch):\n    subprocess.run('git checkout ' + branch, shell=True)\n    return branch\n";

fn fingerprints(path: &str, source: &str) -> Vec<Fingerprint> {
    let mut prints: Vec<Fingerprint> = analyse_text(path, source, &[Rule::SubprocessShellTrue])
        .findings
        .into_iter()
        .map(|finding| finding.fingerprint)
        .collect();
    prints.sort();
    prints
}

#[test]
fn reindenting_keeps_fingerprints() {
    let reindented = BASE.replace("    ", "        ");
    assert_eq!(
        fingerprints("app/deploy.py", BASE),
        fingerprints("app/deploy.py", &reindented)
    );
    let rewrapped = BASE.replace(
        "'git checkout ' + branch, shell=True",
        "\n        'git checkout ' + branch,\n        shell=True,\n    ",
    );
    assert_eq!(
        fingerprints("app/deploy.py", BASE),
        fingerprints("app/deploy.py", &rewrapped)
    );
}

#[test]
fn a_second_identical_call_gets_its_own_fingerprint() {
    let doubled = BASE.replace(
        "    return branch\n",
        "    subprocess.run('git checkout ' + branch, shell=True)\n    return branch\n",
    );
    let base = fingerprints("app/deploy.py", BASE);
    let twice = fingerprints("app/deploy.py", &doubled);
    assert_eq!(base.len(), 1);
    assert_eq!(twice.len(), 2);
    assert!(
        twice.contains(&base[0]),
        "the first occurrence keeps its fingerprint"
    );
}

#[test]
fn scope_and_path_are_part_of_the_identity() {
    let renamed_function = BASE.replace("def deploy", "def release");
    assert_ne!(
        fingerprints("app/deploy.py", BASE),
        fingerprints("app/deploy.py", &renamed_function)
    );
    assert_ne!(
        fingerprints("app/deploy.py", BASE),
        fingerprints("app/other.py", BASE)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Inserting unrelated statements or blank lines anywhere between top-level statements
    /// never changes fingerprints.
    #[test]
    fn unrelated_insertions_keep_fingerprints(
        blank_lines in 0usize..5,
        filler in proptest::collection::vec(proptest::sample::select(&["x = 1", "import json", "print('hi')", "# comment", "def helper():\n    return 2"][..]), 0..6),
    ) {
        let mut inserted = String::from("import subprocess\n");
        inserted.push_str(&"\n".repeat(blank_lines));
        for statement in &filler {
            inserted.push_str(statement);
            inserted.push('\n');
        }
        inserted.push_str(&BASE["import subprocess\n".len()..]);
        prop_assert_eq!(fingerprints("app/deploy.py", BASE), fingerprints("app/deploy.py", &inserted));
    }
}
