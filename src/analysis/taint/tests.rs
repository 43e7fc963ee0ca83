//! Engine-level tests (facts, cross-module summaries) and the stdlib cost benchmark.

use super::*;
use crate::analysis::syntax::{LineMap, parse_module};
use crate::rules::Rule;

fn taint_rules() -> Vec<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|rule| rule.meta().family == Family::Taint)
        .collect()
}

#[test]
fn facts_answer_constant_sanitized_and_tainted() {
    let source = "import os\nfrom flask import request\nimport shlex\ndef f():\n    a = request.args['x']\n    os.system(a)\n    os.system(shlex.quote(a))\n    os.system('ls')\n";
    let parsed = parse_module(source);
    let semantic = SemanticModel::build(parsed.body(), Some("app"), false);
    let lines = LineMap::new(source);
    let config = TaintConfig::new(&taint_rules(), Models::builtin()).unwrap();
    let result = analyse(parsed.body(), &semantic, &lines, "app.py", &config, None);
    let range_of = |needle: &str| {
        let start = source.find(needle).unwrap();
        TextRange::new(
            u32::try_from(start).unwrap().into(),
            u32::try_from(start + needle.len()).unwrap().into(),
        )
    };
    let tainted = range_of("a)\n    os.system(shlex");
    let tainted = TextRange::new(
        tainted.start(),
        tainted.start() + crate::analysis::syntax::TextSize::from(1),
    );
    assert!(result.facts.is_tainted_for(tainted, 78));
    assert!(result.facts.is_safe_for(range_of("shlex.quote(a)"), 78));
    assert!(result.facts.is_constant(range_of("'ls'")));
    assert_eq!(result.findings.len(), 1);
    assert_eq!(result.findings[0].rule, Rule::TaintCommandInjection);
    assert!(result.findings[0].flow.len() >= 2);
    assert!(
        result.findings[0].flow[0]
            .note
            .starts_with("source: flask.request.args")
    );
}

#[test]
fn cross_module_summaries_apply_at_call_sites() {
    let helper = "import os\ndef run(cmd, flag=False):\n    os.system('x ' + cmd)\ndef clean(s):\n    return int(s)\ndef echo(s):\n    return s.strip()\n";
    let parsed = parse_module(helper);
    let semantic = SemanticModel::build(parsed.body(), Some("pkg.helpers"), false);
    let lines = LineMap::new(helper);
    let models = Models::builtin();
    let summaries: ExternalSummaries = summarize_module(
        parsed.body(),
        &semantic,
        &lines,
        "pkg/helpers.py",
        "pkg.helpers",
        &models,
    )
    .into_iter()
    .collect();
    assert!(summaries.get("pkg.helpers.run").is_some());
    assert!(summaries.get("pkg.helpers.echo").is_some());
    assert!(
        summaries
            .get("pkg.helpers.clean")
            .expect("summary")
            .param_to_return
            .is_empty()
    );

    let app = "from flask import request\nfrom pkg.helpers import run, echo, clean\ndef v():\n    run(request.args['a'])\n    run(clean(request.args['b']))\n    run(echo(request.args['c']))\n";
    let parsed = parse_module(app);
    let semantic = SemanticModel::build(parsed.body(), Some("pkg.app"), false);
    let lines = LineMap::new(app);
    let config = TaintConfig::new(&taint_rules(), models).unwrap();
    let result = analyse(
        parsed.body(),
        &semantic,
        &lines,
        "pkg/app.py",
        &config,
        Some(&summaries),
    );
    let mut found: Vec<u32> = result
        .findings
        .iter()
        .map(|finding| lines.line_of(finding.range.start()))
        .collect();
    found.sort();
    assert_eq!(found, vec![4, 6]);
}

/// `cargo test --release --lib taint_cost_on_stdlib -- --ignored --nocapture`
#[test]
#[ignore]
fn taint_cost_on_stdlib() {
    use std::time::Instant;
    let root = std::env::var("SNAKEGUARD_BENCH_DIR").unwrap_or_else(|_| {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sysconfig;print(sysconfig.get_paths()['stdlib'])",
            ])
            .output()
            .expect("python3");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    });
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(&root)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("site-packages") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "py")
                && let Ok(text) = std::fs::read(&path)
            {
                files.push((path.display().to_string(), text));
            }
        }
    }
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let pattern: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| rule.meta().family != Family::Taint)
        .collect();
    let mut timings = Vec::new();
    for (label, rules) in [
        ("without taint", pattern),
        ("with taint", Rule::ALL.to_vec()),
    ] {
        let analyzer = crate::analysis::Analyzer::new(&rules, Default::default());
        let start = Instant::now();
        let mut findings = 0;
        for (path, text) in &files {
            let result = analyzer.analyse(&crate::analysis::SourceInput { path, bytes: text });
            findings += result.findings.len();
        }
        let elapsed = start.elapsed();
        println!(
            "{label}: {} files, {} MB, {:.2?}, {findings} findings",
            files.len(),
            bytes / 1_000_000,
            elapsed
        );
        timings.push(elapsed);
    }
    // Taint pass alone (parse + semantic excluded).
    let config = TaintConfig::new(&taint_rules(), Models::builtin()).unwrap();
    let mut parse_time = std::time::Duration::ZERO;
    let mut taint_time = std::time::Duration::ZERO;
    let mut taint_findings = 0;
    for (path, text) in &files {
        let text = String::from_utf8_lossy(text);
        let start = Instant::now();
        let parsed = parse_module(&text);
        parse_time += start.elapsed();
        if parsed.too_deep() {
            continue;
        }
        let semantic = SemanticModel::build(parsed.body(), None, false);
        let lines = LineMap::new(&text);
        let start = Instant::now();
        let result = analyse(parsed.body(), &semantic, &lines, path, &config, None);
        taint_time += start.elapsed();
        taint_findings += result.findings.len();
    }
    println!(
        "parse: {parse_time:.2?}, taint pass: {taint_time:.2?}, {taint_findings} taint findings"
    );
}

#[test]
fn summaries_of_a_src_layout_are_also_found_under_their_import_names() {
    let summary = |path: &str| super::ExternalSummary {
        path: path.to_string(),
        ..super::ExternalSummary::default()
    };
    let all = super::collect_summaries([
        ("src.pkg.mod.f".to_string(), summary("src/pkg/mod.py")),
        ("pkg.other.g".to_string(), summary("pkg/other.py")),
        // An existing name is never replaced by an alias.
        ("lib.x.h".to_string(), summary("lib/x.py")),
        ("x.h".to_string(), summary("x.py")),
    ]);
    assert_eq!(
        all.get("pkg.mod.f").expect("summary").path,
        "src/pkg/mod.py"
    );
    assert_eq!(
        all.get("src.pkg.mod.f").expect("summary").path,
        "src/pkg/mod.py"
    );
    assert_eq!(all.get("x.h").expect("summary").path, "x.py");
    assert!(all.get("other.g").is_none());
}

#[test]
fn dotted_names_relate_prefixes_both_ways() {
    let mut names = super::DottedNames::default();
    names.insert("flask.request.args");
    names.insert("input");
    assert!(names.related("flask.request.args"));
    assert!(names.related("flask.request")); // a prefix of a member
    assert!(names.related("flask"));
    assert!(names.related("flask.request.args.get")); // has a member as a prefix
    assert!(names.related("input"));
    assert!(!names.related("flask.requests"));
    assert!(!names.related("inputs"));
    assert!(!names.related("os.environ"));
}
