//! Taint flows across the scanned project's modules: a Flask view passes request data to a
//! helper defined in another module, which runs it through a shell. The flow is reported at
//! the call site; the helper's sanitizing twin is not.

use std::path::Path;
use std::process::Command;

const HELPERS: &str = "import os\n\n\ndef run_report(name):\n    os.system(\"report --name \" + name)\n\n\ndef safe_report(name):\n    os.system(\"report --name \" + str(int(name)))\n";
const VIEWS: &str = "from flask import Flask, request\n\nfrom .helpers import run_report, safe_report\n\napp = Flask(__name__)\n\n\n@app.route(\"/report\")\ndef report():\n    run_report(request.args[\"name\"])\n    safe_report(request.args[\"name\"])\n    return \"ok\"\n";

/// `snakeguard scan . --format json --select taint` (plus `extra`) in `root`: the JSON report.
fn scan_taint(root: &Path, extra: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_snakeguard"))
        .current_dir(root)
        .args(["scan", ".", "--format", "json", "--select", "taint"])
        .args(extra)
        .output()
        .expect("snakeguard runs");
    assert_ne!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// (code, path, line) of every finding of a JSON report, in report order.
fn locations(report: &serde_json::Value) -> Vec<(String, String, u64)> {
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

/// The package `app` (a directory) with an empty `__init__.py`, the helpers as
/// `helpers_file` and the views.
fn write_package(app: &Path, helpers_file: &str, views: &str) {
    std::fs::create_dir_all(app).unwrap();
    std::fs::write(app.join("__init__.py"), "").unwrap();
    std::fs::write(app.join(helpers_file), HELPERS).unwrap();
    std::fs::write(app.join("views.py"), views).unwrap();
}

#[test]
fn a_flow_through_a_helper_in_another_module_is_reported_at_the_call_site() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_package(&dir.path().join("app"), "helpers.py", VIEWS);
    let report = scan_taint(dir.path(), &[]);
    assert_eq!(
        locations(&report),
        vec![("SG002".to_string(), "app/views.py".to_string(), 10)]
    );
    let message = report["findings"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("app.helpers.run_report"), "{message}");
}

/// A team's own wrapper (`infra.shell.run_remote`) becomes a command-injection sink through
/// `[[taint.sink]]` in `.snakeguard.toml`, without Rust.
#[test]
fn user_models_from_the_config_file_extend_the_builtin_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join(".snakeguard.toml"),
        "[[taint.sink]]\nrule = \"SG002\"\ncwe = 78\nwhat = \"remote shell command\"\ncallees = [\"infra.shell.run_remote\"]\nargs = [0]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("views.py"),
        "from flask import Flask, request\nfrom infra.shell import run_remote\n\napp = Flask(__name__)\n\n\n@app.route(\"/x\")\ndef x():\n    run_remote(request.args[\"cmd\"])\n    run_remote(\"uptime\")\n    return \"ok\"\n",
    )
    .unwrap();
    let scan = |extra: &[&str]| -> Vec<u64> {
        locations(&scan_taint(root, extra))
            .into_iter()
            .filter(|(code, _, _)| code == "SG002")
            .map(|(_, _, line)| line)
            .collect()
    };
    assert_eq!(
        scan(&[]),
        vec![9],
        "the tainted call only, not the constant one"
    );

    // A malformed model is a configuration error naming the file and line.
    std::fs::write(
        root.join(".snakeguard.toml"),
        "fail-on = \"high\"\n\n[[taint.sink]]\nrule = 7\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_snakeguard"))
        .current_dir(root)
        .args(["scan", "."])
        .output()
        .expect("snakeguard runs");
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains(".snakeguard.toml:3:") && message.contains("invalid taint models"),
        "{message}"
    );
}

/// In a `src/` layout code imports `app.helpers`, while the path says `src/app/helpers.py`.
#[test]
fn a_src_layout_is_followed_under_the_import_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let views = VIEWS.replace("from .helpers import", "from app.helpers import");
    write_package(&dir.path().join("src/app"), "helpers.py", &views);
    let report = scan_taint(dir.path(), &[]);
    let found: Vec<(String, u64)> = locations(&report)
        .into_iter()
        .map(|(_, path, line)| (path, line))
        .collect();
    assert_eq!(found, vec![("src/app/views.py".to_string(), 10)]);
}

/// A helper module scanned after its caller is parsed once: summarizing it for the caller
/// keeps the parse, and its own analysis starts from it and finds what a fresh parse finds
/// (its own pattern findings, at their lines).
#[test]
fn a_module_summarized_before_its_turn_is_analysed_from_the_kept_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let views = VIEWS.replace("from .helpers", "from .zz_helpers");
    write_package(&dir.path().join("app"), "zz_helpers.py", &views);
    // One thread: `views.py` (and its summary of `zz_helpers`) comes first.
    let output = Command::new(env!("CARGO_BIN_EXE_snakeguard"))
        .current_dir(dir.path())
        .env("RAYON_NUM_THREADS", "1")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .args(["-vv", "scan", ".", "--format", "json"])
        .output()
        .expect("snakeguard runs");
    let log = String::from_utf8_lossy(&output.stderr);
    let kept: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("analysing from the parse kept from its summaries"))
        .collect();
    assert_eq!(kept.len(), 1, "{log}");
    assert!(kept[0].contains("app/zz_helpers.py"), "{log}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let mut findings = locations(&report);
    findings.sort();
    let expected = [
        ("SG002", "app/views.py", 10),
        ("SG605", "app/zz_helpers.py", 5),
        ("SG605", "app/zz_helpers.py", 9),
    ]
    .map(|(code, path, line)| (code.to_string(), path.to_string(), line));
    assert_eq!(findings, expected);
}
