//! `snakeguard scan --base` on real git repositories: only what the change introduces, the
//! count of hidden pre-existing findings, baselines, and a clear message in shallow clones.

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn snakeguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_snakeguard"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("snakeguard runs")
}

const VIEWS: &str = "import pickle\nimport subprocess\n\n\ndef load(blob):\n    return pickle.loads(blob)\n\n\ndef deploy(branch):\n    subprocess.call('git checkout ' + branch, shell=True)\n";

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(root.join("app/views.py"), VIEWS).unwrap();
    std::fs::write(root.join("app/util.py"), "def helper():\n    return 1\n").unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    dir
}

fn findings(output: &Output) -> Vec<(String, String, u64)> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["span"]["start"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn only_new_findings_survive_moves_renames_and_unrelated_edits() {
    let dir = repository();
    let root = dir.path();
    git(root, &["checkout", "-q", "-b", "feature"]);
    // Move the file, move functions around, re-indent nothing else, add unrelated code, and add
    // one new vulnerable call.
    git(root, &["mv", "app/views.py", "app/handlers.py"]);
    let edited = "import pickle\nimport subprocess\nimport yaml\n\n\ndef deploy(branch):\n    subprocess.call('git checkout ' + branch, shell=True)\n\n\ndef settings(text):\n    return yaml.load(text)\n\n\ndef load(blob):\n    return pickle.loads(blob)\n";
    std::fs::write(root.join("app/handlers.py"), edited).unwrap();
    std::fs::write(
        root.join("app/util.py"),
        "import json\n\n\ndef helper():\n    return json.dumps(1)\n",
    )
    .unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "feature"]);

    let output = snakeguard(root, &["scan", "--base", "main", "--format", "json", "."]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        findings(&output),
        vec![("SG506".to_string(), "app/handlers.py".to_string(), 11)]
    );
    let note = String::from_utf8_lossy(&output.stderr);
    assert!(note.contains("1 new, 2 pre-existing hidden"), "{note}");

    // Uncommitted work counts too (the working tree is the head by default).
    std::fs::write(root.join("app/extra.py"), "import os\nos.system(cmd)\n").unwrap();
    let output = snakeguard(root, &["scan", "--base", "main", "--format", "json"]);
    let found = findings(&output);
    assert!(
        found
            .iter()
            .any(|(code, path, _)| code == "SG605" && path == "app/extra.py"),
        "{found:?}"
    );

    // --head compares two commits and ignores the working tree.
    let output = snakeguard(
        root,
        &[
            "scan", "--base", "main", "--head", "feature", "--format", "json",
        ],
    );
    assert_eq!(findings(&output).len(), 1);
}

#[test]
fn baseline_round_trip() {
    let dir = repository();
    let root = dir.path();
    let output = snakeguard(root, &["scan", "--write-baseline", "baseline.json", "."]);
    assert_eq!(output.status.code(), Some(0));
    let output = snakeguard(
        root,
        &[
            "scan",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(findings(&output).is_empty());
    std::fs::write(root.join("app/new.py"), "import yaml\nyaml.load(data)\n").unwrap();
    let output = snakeguard(
        root,
        &[
            "scan",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(
        findings(&output),
        vec![("SG506".to_string(), "app/new.py".to_string(), 2)]
    );
}

#[test]
fn shallow_clone_without_the_merge_base_says_what_is_missing() {
    let dir = repository();
    let root = dir.path();
    git(root, &["checkout", "-q", "-b", "feature"]);
    for index in 0..3 {
        std::fs::write(root.join(format!("app/m{index}.py")), "x = 1\n").unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "more"]);
    }
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", root.display());
    let status = Command::new("git")
        .args([
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "feature",
            "--no-single-branch",
            &url,
        ])
        .arg(clone.path().join("c"))
        .status()
        .expect("git clone");
    assert!(status.success());
    let output = snakeguard(
        &clone.path().join("c"),
        &["scan", "--base", "origin/main", "."],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("shallow clone"), "{message}");
    assert!(
        message.contains("--unshallow") || message.contains("fetch-depth"),
        "{message}"
    );
}

const HELPERS: &str = "import os\nimport shlex\n\n\ndef clean(name):\n    return shlex.quote(name)\n\n\ndef run(name):\n    os.system(\"report \" + shlex.quote(name))\n";
const CALLER: &str = "import os\n\nfrom flask import Flask, request\n\nfrom .helpers import clean, run\n\napp = Flask(__name__)\n\n\n@app.route(\"/report\")\ndef report():\n    os.system(\"report \" + clean(request.args[\"name\"]))\n    run(request.args[\"name\"])\n    return \"ok\"\n";

/// The flow steps (path or the finding's own file, line) of each finding.
fn flows(output: &Output) -> Vec<Vec<(String, u64)>> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            f["flow"]
                .as_array()
                .map(|steps| {
                    steps
                        .iter()
                        .map(|s| {
                            (
                                s["path"].as_str().unwrap_or("(own)").to_string(),
                                s["line"].as_u64().unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// A change to a helper module that makes an *unchanged* caller vulnerable is reported in the
/// caller, with a flow step inside the changed helper; an edit that keeps the helpers'
/// behaviour reports nothing, and restoring the sanitizers reports nothing new.
#[test]
fn a_helper_that_stops_sanitizing_makes_its_unchanged_callers_findings_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(root.join("app/__init__.py"), "").unwrap();
    std::fs::write(root.join("app/helpers.py"), HELPERS).unwrap();
    std::fs::write(root.join("app/views.py"), CALLER).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    let scan = |root: &Path| {
        let output = snakeguard(
            root,
            &[
                "scan", "--base", "main", "--format", "json", "--select", "taint",
            ],
        );
        assert_ne!(
            output.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    };

    // Same behaviour, different text: nothing new, no caller re-analysed.
    git(root, &["checkout", "-q", "-b", "refactor"]);
    std::fs::write(
        root.join("app/helpers.py"),
        HELPERS.replace(
            "def clean(name):\n",
            "def clean(name):\n    \"\"\"Quote for a shell.\"\"\"\n",
        ),
    )
    .unwrap();
    let output = scan(root);
    assert_eq!(findings(&output), vec![]);
    let note = String::from_utf8_lossy(&output.stderr);
    assert!(!note.contains("re-analysed"), "{note}");

    // Both helpers lose their sanitizer; views.py is untouched.
    std::fs::write(
        root.join("app/helpers.py"),
        HELPERS
            .replace("return shlex.quote(name)", "return name")
            .replace("\"report \" + shlex.quote(name)", "\"report \" + name"),
    )
    .unwrap();
    let output = scan(root);
    assert_eq!(
        findings(&output),
        vec![
            ("SG002".to_string(), "app/views.py".to_string(), 12),
            ("SG002".to_string(), "app/views.py".to_string(), 13),
        ]
    );
    // Each flow passes through the changed helper: `clean` (its def) and `run` (its sink).
    let flows = flows(&output);
    assert!(
        flows[0].contains(&("app/helpers.py".to_string(), 5)),
        "{flows:?}"
    );
    assert!(
        flows[1].contains(&("app/helpers.py".to_string(), 10)),
        "{flows:?}"
    );
    let note = String::from_utf8_lossy(&output.stderr);
    assert!(
        note.contains("2 new")
            && note.contains("1 unchanged file calling changed functions re-analysed"),
        "{note}"
    );

    // Committed on a branch and compared commit to commit (files read from git objects).
    git(root, &["commit", "-q", "-am", "drop quoting"]);
    let output = snakeguard(
        root,
        &[
            "scan", "--base", "main", "--head", "refactor", "--format", "json", "--select", "taint",
        ],
    );
    assert_eq!(findings(&output).len(), 2);

    // The other way round: the fix branch reports nothing new.
    git(root, &["checkout", "-q", "-b", "fix"]);
    std::fs::write(root.join("app/helpers.py"), HELPERS).unwrap();
    let output = snakeguard(
        root,
        &[
            "scan", "--base", "refactor", "--format", "json", "--select", "taint",
        ],
    );
    assert_eq!(findings(&output), vec![]);
    let note = String::from_utf8_lossy(&output.stderr);
    assert!(note.contains("2 fixed"), "{note}");
}
