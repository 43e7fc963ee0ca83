//! Registry-wide tests: every rule is documented, has a CWE and a fixture, and its fixture's
//! `# expect: CODE` annotations are exactly the findings (rule, line) — not a count.
//!
//! Fixture conventions (`tests/fixtures/rules/<CODE>.py`):
//! - `# expect: SG602` (or `# expect: SG602, SG605`) on the line a finding must start on;
//! - `# safe` on look-alike lines that must not be flagged (at least one per fixture);
//! - optional first line `# fixture-path: app/settings.py` to analyse under another path.
//!
//! Findings of the fixture's own rule and of every rule named in an annotation are compared.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::Rule;
use crate::analysis::analyse_text;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// (code, line) pairs annotated in a fixture, and whether it has a `# safe` case.
fn annotations(source: &str) -> (BTreeSet<(String, u32)>, bool) {
    let mut expected = BTreeSet::new();
    let mut has_safe = false;
    for (index, line) in source.lines().enumerate() {
        let number = u32::try_from(index + 1).expect("fixture is small");
        if let Some(at) = line.find("# expect:") {
            let list = &line[at + "# expect:".len()..];
            for code in list
                .split(',')
                .map(str::trim)
                .take_while(|code| code.starts_with("SG"))
            {
                let code: String = code
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                expected.insert((code, number));
            }
        }
        if line.contains("# safe") {
            has_safe = true;
        }
    }
    (expected, has_safe)
}

fn fixture_path(code: &str, source: &str) -> String {
    source
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# fixture-path:"))
        .map_or_else(
            || format!("app/{code}_example.py"),
            |path| path.trim().to_string(),
        )
}

#[test]
fn every_rule_fixture_matches_exactly() {
    let mut failures = Vec::new();
    for &rule in Rule::ALL {
        let code = rule.code();
        let path = fixture_dir().join(format!("{code}.py"));
        let Ok(source) = std::fs::read_to_string(&path) else {
            failures.push(format!("{code}: missing fixture {}", path.display()));
            continue;
        };
        let (expected, has_safe) = annotations(&source);
        if !expected.iter().any(|(c, _)| c == code) {
            failures.push(format!(
                "{code}: fixture has no `# expect: {code}` positive case"
            ));
        }
        if !has_safe {
            failures.push(format!("{code}: fixture has no `# safe` negative case"));
        }
        let compared: BTreeSet<&str> = expected
            .iter()
            .map(|(c, _)| c.as_str())
            .chain([code])
            .collect();
        let analysis = analyse_text(&fixture_path(code, &source), &source, Rule::ALL);
        let actual: BTreeSet<(String, u32)> = analysis
            .findings
            .iter()
            .filter(|finding| compared.contains(finding.rule.code()))
            .map(|finding| (finding.rule.code().to_string(), finding.span.start.line))
            .collect();
        let missing: Vec<_> = expected.difference(&actual).collect();
        let unexpected: Vec<_> = actual.difference(&expected).collect();
        if !missing.is_empty() || !unexpected.is_empty() {
            failures.push(format!(
                "{code}: missing {missing:?}, unexpected {unexpected:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_rule_is_documented() {
    let mut failures = Vec::new();
    for &rule in Rule::ALL {
        let meta = rule.meta();
        let docs = meta.docs_markdown();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## References",
        ] {
            if !docs.contains(heading) {
                failures.push(format!("{}: docs lack `{heading}`", meta.code));
            }
        }
        if meta.cwe == 0 || !docs.contains(&format!("CWE-{}", meta.cwe)) {
            failures.push(format!(
                "{}: CWE-{} missing or not cited in References",
                meta.code, meta.cwe
            ));
        }
        if meta.summary.is_empty() || meta.summary.len() > 120 {
            failures.push(format!("{}: summary must be one short line", meta.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for &rule in Rule::ALL {
        let meta = rule.meta();
        assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
        assert!(names.insert(meta.name), "duplicate name {}", meta.name);
        assert!(
            meta.code.len() == 5
                && meta.code.starts_with("SG")
                && meta.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "bad code {}",
            meta.code
        );
        assert!(
            meta.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "name not kebab-case: {}",
            meta.name
        );
        assert_eq!(Rule::from_code(meta.code), Some(rule));
        assert_eq!(Rule::from_code(meta.name), Some(rule));
    }
}

#[test]
fn fixture_files_all_belong_to_rules() {
    for entry in std::fs::read_dir(fixture_dir()).expect("fixture dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(code) = name.strip_suffix(".py") else {
            continue;
        };
        assert!(
            Rule::from_code(code).is_some(),
            "fixture {name} has no rule"
        );
    }
}
