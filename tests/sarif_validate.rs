//! Validates the SARIF we write with Microsoft's reference validator
//! (`@microsoft/sarif-multitool validate`), installed into `.tools/` by
//! `scripts/setup-test-tools.sh`.
//!
//! The validator exits 0 even when it finds errors, so the test reads its output: any
//! `error SARIFnnnn` line fails, and so does a missing "Analysis completed successfully" line.
//! Without the tool the test fails and says how to install it; set
//! `SNAKEGUARD_SKIP_SARIF_VALIDATOR=1` to skip it (loudly) instead.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use snakeguard::analysis::analyse_text;
use snakeguard::config::Config;
use snakeguard::delta::{ProjectFile, compute_in_project};
use snakeguard::diff::{ChangeSet, ChangedFile, FileStatus};
use snakeguard::report::{Format, ReportOptions, ScanReport, SourceText, write_report};
use snakeguard::rules::Rule;

const VALIDATOR_TIMEOUT: Duration = Duration::from_secs(300);

const APP: &str = r#"import subprocess
import yaml
from flask import request


def run():
    cmd = request.args.get("cmd")
    subprocess.call(cmd, shell=True)
    return yaml.load(open("config.yml"))
"#;

const BROKEN: &str = "def broken(:\n    subprocess.call('ls', shell=True)\n";

/// A report from real analysis: the SG002 taint flow and SG506 (with its fix) on `APP`, and a
/// syntax-error diagnostic from `BROKEN`.
fn report() -> ScanReport {
    let mut report = ScanReport::default();
    for (path, source) in [("src/app dir/app.py", APP), ("src/broken.py", BROKEN)] {
        let analysis = analyse_text(path, source, Rule::ALL);
        report.findings.extend(analysis.findings);
        report.diagnostics.extend(analysis.diagnostics);
        report.suppressed += analysis.suppressed;
        report.files_scanned += 1;
        report
            .sources
            .insert(path.to_string(), SourceText::new(source.to_string()));
    }
    // A flow through a function of another module (a helper that stopped quoting): one of its
    // threadFlowLocations points into the other file.
    let helpers = |body: &str| format!("import shlex\n\n\ndef clean(name):\n    return {body}\n");
    let changes = ChangeSet {
        files: vec![ChangedFile::from_parts(
            FileStatus::Modified,
            Some("src/helpers.py".into()),
            Some("src/helpers.py".into()),
            None,
            Some(helpers("shlex.quote(name)")),
            Some(helpers("name")),
        )],
    };
    let views = "import os\nfrom flask import request\nfrom .helpers import clean\n\n\ndef r():\n    os.system(\"x \" + clean(request.args[\"n\"]))\n";
    let project = [ProjectFile {
        path: "src/views.py".into(),
        text: views.into(),
    }];
    let analyzer = Config::default_for(Path::new(".")).analyzer();
    let delta = compute_in_project(&analyzer, &changes, &project);
    assert!(
        delta
            .new
            .iter()
            .any(|f| f.flow.iter().any(|step| step.path.is_some())),
        "a flow through another module: {:#?}",
        delta.new
    );
    report.findings.extend(delta.new);
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let codes: Vec<&str> = report.findings.iter().map(|f| f.rule.code()).collect();
    // SG002 is the command-injection taint rule: its finding carries a real source-to-sink flow,
    // which becomes a SARIF codeFlow.
    assert!(
        codes.contains(&"SG002") && codes.contains(&"SG506"),
        "{codes:?}"
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule.code() == "SG002" && f.flow.len() >= 2),
        "the taint finding has a flow"
    );
    assert!(
        report.findings.iter().any(|f| f.fix.is_some()),
        "SG506 offers a fix"
    );
    assert!(
        !report.diagnostics.is_empty(),
        "the broken file yields a diagnostic"
    );
    report
}

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools")
}

/// The validator's install directory, or `None` when the test is explicitly skipped.
fn validator() -> Option<PathBuf> {
    let tools = tools_dir();
    let installed = tools
        .join("node_modules/@microsoft/sarif-multitool/package.json")
        .is_file();
    if installed {
        return Some(tools);
    }
    if std::env::var("SNAKEGUARD_SKIP_SARIF_VALIDATOR").as_deref() == Ok("1") {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !! SKIPPED: SARIF validation (SNAKEGUARD_SKIP_SARIF_VALIDATOR=1).\n\
             !! The SARIF output was NOT checked. Run scripts/setup-test-tools.sh.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return None;
    }
    panic!(
        "@microsoft/sarif-multitool is not installed in {}.\n\
         Run `scripts/setup-test-tools.sh` (needs node and npm), or set \
         SNAKEGUARD_SKIP_SARIF_VALIDATOR=1 to skip this test.",
        tools.display()
    );
}

/// Run the validator on `file`; returns its combined stdout and stderr.
fn run_validator(tools: &Path, file: &Path) -> String {
    let mut child = Command::new("npx")
        .args(["--no-install", "@microsoft/sarif-multitool", "validate"])
        .arg(file)
        .current_dir(tools)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("npx runs (is node installed?)");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the validator") {
            break status;
        }
        if started.elapsed() > VALIDATOR_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sarif-multitool did not finish in {VALIDATOR_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = format!(
        "{}{}",
        out_reader.join().unwrap().unwrap(),
        err_reader.join().unwrap().unwrap()
    );
    assert!(
        status.success(),
        "sarif-multitool failed ({status}):\n{output}"
    );
    output
}

/// Validate `bytes` as a SARIF file; returns the validator's `error SARIF` lines and its
/// full output, after checking that it completed.
fn validate_bytes(tools: &Path, bytes: &[u8]) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snakeguard.sarif");
    std::fs::write(&file, bytes).unwrap();
    let output = run_validator(tools, &file);
    assert!(
        output.contains("Analysis completed successfully"),
        "sarif-multitool did not complete:\n{output}"
    );
    let errors = output
        .lines()
        .filter(|line| line.contains("error SARIF"))
        .map(str::to_string)
        .collect();
    (errors, output)
}

/// Write `report` as SARIF, validate it, and fail on any validator error.
fn validate(tools: &Path, report: &ScanReport, options: &ReportOptions) -> serde_json::Value {
    let mut bytes = Vec::new();
    write_report(Format::Sarif, report, options, &mut bytes).unwrap();
    let (errors, output) = validate_bytes(tools, &bytes);
    let warnings = output
        .lines()
        .filter(|line| line.contains("warning SARIF"))
        .count();
    eprintln!(
        "sarif-multitool: {} errors, {warnings} warnings",
        errors.len()
    );
    assert!(
        errors.is_empty(),
        "sarif-multitool reported errors:\n{}\n\nfull output:\n{output}\n\nSARIF:\n{}",
        errors.join("\n"),
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn sarif_passes_the_reference_validator() {
    let Some(tools) = validator() else { return };
    let report = report();

    let log = validate(&tools, &report, &ReportOptions::default());
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r.get("codeFlows").is_some()),
        "a codeFlow was validated"
    );
    assert!(
        results.iter().any(|r| r.get("fixes").is_some()),
        "a fix was validated"
    );
    let steps_elsewhere = results.iter().any(|r| {
        r["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|l| {
                l["location"]["physicalLocation"]["artifactLocation"]["uri"] == "src/helpers.py"
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        == "src/views.py"
            })
    });
    assert!(steps_elsewhere, "a flow step in another file was validated");
    assert!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .contains("%20"),
        "a percent-encoded URI was validated"
    );

    let options = ReportOptions {
        all_rules: true,
        root_uri: Some("file:///home/runner/work/repo/".to_string()),
        ..ReportOptions::default()
    };
    let log = validate(&tools, &report, &options);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), Rule::ALL.len());

    let empty = ScanReport {
        files_scanned: 3,
        sources: BTreeMap::new(),
        ..ScanReport::default()
    };
    validate(&tools, &empty, &ReportOptions::default());

    // Negative control: the validator really checks the file we hand it.
    let mut broken = Vec::new();
    write_report(
        Format::Sarif,
        &report,
        &ReportOptions::default(),
        &mut broken,
    )
    .unwrap();
    let broken =
        String::from_utf8(broken)
            .unwrap()
            .replacen("\"startLine\": 8,", "\"startLine\": 99,", 1);
    let (errors, output) = validate_bytes(&tools, broken.as_bytes());
    assert!(
        errors.iter().any(|line| line.contains("error SARIF1007")),
        "an endLine before startLine must be reported:\n{output}"
    );
}
