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

/// The taint pass as the analyzer runs it: the prefilter's sites, then the report.
fn report(
    body: &[Stmt],
    semantic: &SemanticModel,
    lines: &LineMap,
    path: &str,
    config: &TaintConfig,
    external: Option<&ExternalSummaries>,
) -> TaintResult {
    let sources = source_sites(body, semantic, config, external);
    analyse(body, semantic, lines, path, config, external, &[], &sources)
}

#[test]
fn facts_answer_constant_sanitized_and_tainted() {
    let source = "import os\nfrom flask import request\nimport shlex\ndef f():\n    a = request.args['x']\n    os.system(a)\n    os.system(shlex.quote(a))\n    os.system('ls')\n";
    let parsed = parse_module(source);
    let semantic = SemanticModel::build(&parsed, Some("app"), false);
    let lines = LineMap::new(source);
    let config = TaintConfig::new(&taint_rules(), Models::builtin()).unwrap();
    let result = report(parsed.body(), &semantic, &lines, "app.py", &config, None);
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

/// The summaries of one module (`source` at `path`, named `module`), as another module sees
/// them.
fn summaries_of(source: &str, path: &str, module: &str) -> ExternalSummaries<'static> {
    let parsed = parse_module(source);
    let semantic = SemanticModel::build(&parsed, Some(module), false);
    let lines = LineMap::new(source);
    summarize_module(
        parsed.body(),
        &semantic,
        &lines,
        path,
        module,
        &Models::builtin(),
    )
    .into_iter()
    .collect()
}

/// The taint pass over `source` (at `path`, named `module`) with other modules' `summaries`.
fn analyse_using(
    source: &'static str,
    path: &str,
    module: &str,
    summaries: &ExternalSummaries,
) -> (TaintResult, LineMap<'static>) {
    let parsed = parse_module(source);
    let semantic = SemanticModel::build(&parsed, Some(module), false);
    let lines = LineMap::new(source);
    let config = TaintConfig::new(&taint_rules(), Models::builtin()).unwrap();
    let result = report(
        parsed.body(),
        &semantic,
        &lines,
        path,
        &config,
        Some(summaries),
    );
    (result, lines)
}

#[test]
fn cross_module_summaries_apply_at_call_sites() {
    let helper = "import os\ndef run(cmd, flag=False):\n    os.system('x ' + cmd)\ndef clean(s):\n    return int(s)\ndef echo(s):\n    return s.strip()\n";
    let summaries = summaries_of(helper, "pkg/helpers.py", "pkg.helpers");
    assert!(summaries.get("pkg.helpers.run", true).is_some());
    assert!(summaries.get("pkg.helpers.echo", true).is_some());
    assert!(
        summaries
            .get("pkg.helpers.clean", true)
            .expect("summary")
            .param_to_return
            .is_empty()
    );

    let app = "from flask import request\nfrom pkg.helpers import run, echo, clean\ndef v():\n    run(request.args['a'])\n    run(clean(request.args['b']))\n    run(echo(request.args['c']))\n";
    let (result, lines) = analyse_using(app, "pkg/app.py", "pkg.app", &summaries);
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
        let semantic = SemanticModel::build(&parsed, None, false);
        let lines = LineMap::new(&text);
        let start = Instant::now();
        let result = report(parsed.body(), &semantic, &lines, path, &config, None);
        taint_time += start.elapsed();
        taint_findings += result.findings.len();
    }
    println!(
        "parse: {parse_time:.2?}, taint pass: {taint_time:.2?}, {taint_findings} taint findings"
    );
}

/// A summary with only its path.
fn summary_at(path: &str) -> super::ExternalSummary {
    super::ExternalSummary {
        path: path.to_string(),
        ..super::ExternalSummary::default()
    }
}

#[test]
fn summaries_of_a_src_layout_are_also_found_under_their_import_names() {
    let all = super::collect_summaries([
        ("src.pkg.mod.f".to_string(), summary_at("src/pkg/mod.py")),
        ("pkg.other.g".to_string(), summary_at("pkg/other.py")),
        // An existing name is never replaced by an alias.
        ("lib.x.h".to_string(), summary_at("lib/x.py")),
        ("x.h".to_string(), summary_at("x.py")),
    ]);
    assert_eq!(
        all.get("pkg.mod.f", true).expect("summary").path,
        "src/pkg/mod.py"
    );
    assert_eq!(
        all.get("src.pkg.mod.f", true).expect("summary").path,
        "src/pkg/mod.py"
    );
    assert_eq!(all.get("x.h", true).expect("summary").path, "x.py");
    assert!(all.get("other.g", true).is_none());
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
    assert_eq!(
        super::dotted_prefixes("é.b.c").collect::<Vec<_>>(),
        ["é", "é.b", "é.b.c"]
    );
    assert_eq!(super::split_last_dot("a.é.c"), Some(("a.é", "c")));
    assert_eq!(super::split_last_dot("a"), None);
}

/// How often [`super::ExternalSummaries::project`] asked its queries: (text tests, summaries).
#[derive(Default)]
struct QueryCounts {
    asked: std::sync::atomic::AtomicUsize,
    summarized: std::sync::atomic::AtomicUsize,
}

impl QueryCounts {
    /// `may_return_sources` and `summarize`, each counted.
    fn queries<'a>(
        &'a self,
        may_return_sources: impl Fn(usize) -> bool + Send + Sync + 'a,
        summarize: impl Fn(usize) -> super::ModuleSummaries + Send + Sync + 'a,
    ) -> super::ModuleQueries<'a> {
        use std::sync::atomic::Ordering;
        super::ModuleQueries {
            may_return_sources: Box::new(move |file| {
                self.asked.fetch_add(1, Ordering::SeqCst);
                may_return_sources(file)
            }),
            summarize: Box::new(move |file| {
                self.summarized.fetch_add(1, Ordering::SeqCst);
                summarize(file)
            }),
        }
    }

    fn get(&self) -> (usize, usize) {
        use std::sync::atomic::Ordering;
        (
            self.asked.load(Ordering::SeqCst),
            self.summarized.load(Ordering::SeqCst),
        )
    }
}

#[test]
fn project_summaries_are_computed_only_when_needed() {
    let returning = |path: &str| super::ExternalSummary {
        returns_source: Some(("os.environ".to_string(), Confidence::Medium)),
        ..summary_at(path)
    };
    let counted = QueryCounts::default();
    let modules = vec![
        ("pkg.helpers".to_string(), None),
        (
            "pkg.views".to_string(),
            Some(vec![(
                "pkg.views.current".to_string(),
                summary_at("pkg/views.py"),
            )]),
        ),
        ("src.tools.shell".to_string(), None),
        // A real module named like the `src/` layout's import name keeps the name.
        ("src.pkg.helpers".to_string(), None),
        ("pkg.config".to_string(), None),
    ];
    let all = super::ExternalSummaries::project(
        modules,
        counted.queries(
            |file| file == 4,
            |file| match file {
                0 => vec![("pkg.helpers.run".to_string(), summary_at("pkg/helpers.py"))],
                2 => vec![(
                    "src.tools.shell.sh".to_string(),
                    summary_at("src/tools/shell.py"),
                )],
                3 => vec![(
                    "src.pkg.helpers.run".to_string(),
                    summary_at("src/pkg/helpers.py"),
                )],
                4 => vec![("pkg.config.env".to_string(), returning("pkg/config.py"))],
                _ => Vec::new(),
            },
        ),
    );
    assert!(all.get("pkg.views.current", false).is_some());
    // Without tainted arguments a module that cannot return source data is only asked.
    assert!(all.get("pkg.helpers.run", false).is_none());
    assert!(!all.related_to_returning("pkg.helpers.run"));
    assert_eq!(counted.get(), (1, 0));
    for _ in 0..2 {
        assert_eq!(
            all.get("pkg.helpers.run", true).expect("summary").path,
            "pkg/helpers.py"
        );
    }
    assert!(all.get("pkg.helpers.missing", true).is_none());
    assert_eq!(counted.get(), (1, 1));
    assert_eq!(
        all.get("tools.shell.sh", true).expect("summary").path,
        "src/tools/shell.py"
    );
    assert_eq!(
        all.get("src.pkg.helpers.run", true).expect("summary").path,
        "src/pkg/helpers.py"
    );
    assert_eq!(counted.get(), (1, 3));
    // A module whose text may return source data is summarized for the prefilter, which
    // finds its function by name, below it, or above it (the module, the package).
    assert!(all.related_to_returning("pkg.config.env"));
    assert!(all.related_to_returning("pkg.config.env.get"));
    assert!(all.related_to_returning("pkg.config"));
    assert!(all.related_to_returning("pkg"));
    assert!(!all.related_to_returning("pkg.config.other"));
    assert!(all.get("pkg.config.env", false).is_some());
    assert!(all.get("os.system", true).is_none());
    assert_eq!(counted.get(), (2, 4));
}

#[test]
fn a_package_is_judged_by_its_modules_text_without_their_summaries() {
    let counted = QueryCounts::default();
    let modules = vec![
        ("app.reads".to_string(), None),
        ("lib.plain".to_string(), None),
    ];
    let all = super::ExternalSummaries::project(
        modules,
        counted.queries(|file| file == 0, |_| Vec::new()),
    );
    // `import app` (then `app.reads.env()` through an alias): whether a function below the
    // package returns source data is answered by the text test of the modules below it. A
    // "maybe" only lets the asking module's taint pass run; it summarizes nothing.
    assert!(all.related_to_returning("app"));
    assert!(!all.related_to_returning("lib"));
    assert_eq!(counted.get(), (2, 0));
}

#[test]
fn a_module_analysed_without_sources_is_not_asked_again() {
    let counted = QueryCounts::default();
    let modules = vec![
        ("pkg.quiet".to_string(), None),
        // Two files with one module name (`pkg/twin.py`, `pkg/twin/__init__.py`).
        ("pkg.twin".to_string(), None),
        ("pkg.twin".to_string(), None),
    ];
    let all = super::ExternalSummaries::project(
        modules,
        counted.queries(
            |_| true,
            |file| match file {
                0 => vec![("pkg.quiet.run".to_string(), summary_at("pkg/quiet.py"))],
                _ => vec![("pkg.twin.f".to_string(), summary_at("pkg/twin.py"))],
            },
        ),
    );
    all.learn_no_sources("pkg.quiet");
    all.learn_no_sources("pkg.twin");
    all.learn_no_sources("pkg.elsewhere");
    assert!(!all.related_to_returning("pkg.quiet.run"));
    assert!(all.get("pkg.quiet.run", false).is_none());
    assert_eq!(counted.get(), (0, 0));
    // A call passing tainted data in still gets the summary.
    assert!(all.get("pkg.quiet.run", true).is_some());
    assert_eq!(counted.get(), (0, 1));
    // What one of two files named alike showed is not said of the name.
    assert!(!all.related_to_returning("pkg.twin.f"));
    assert_eq!(counted.get(), (1, 2));
}

#[test]
fn the_text_test_finds_every_module_that_can_return_source_data() {
    let may = |text: &str, module: &str| may_return_sources(text, Some(module), &Models::builtin());
    assert!(may(
        "import os\ndef f():\n    return os.environ['A']\n",
        "app"
    ));
    assert!(may("from sys import argv as a\n", "app"));
    assert!(may(
        "from flask import request\ndef f():\n    return request.args\n",
        "app"
    ));
    assert!(may("def f(request):\n    return request.GET\n", "app"));
    assert!(may("def f(r: HttpRequest):\n    return r.GET\n", "app"));
    assert!(may("def f():\n    return input()\n", "app"));
    // A relative import takes the first part from the module's own path.
    assert!(may(
        "from .globals import request\ndef f():\n    return request.args\n",
        "flask.app"
    ));
    assert!(!may(
        "import os\ndef f(p):\n    return os.path.join(p, 'x')\n",
        "app"
    ));
    assert!(!may(
        "def f(environ):\n    return environ.get('A')\n",
        "app"
    ));
    assert!(!may("import sys\ndef f():\n    return sys.path\n", "app"));
}

/// Every fixture and example whose text test says "no source" indeed has no function
/// returning source data (the text test must never be wrong in that direction).
#[test]
fn the_text_test_is_never_wrong_on_the_fixtures() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (files, gated, returning) =
        check_text_test(root, &[root.join("tests/fixtures"), root.join("examples")]);
    assert!(
        returning > 0 && gated < files,
        "{returning} {gated} {files}"
    );
}

/// The same on any corpus: `SNAKEGUARD_CORPUS=DIR cargo test --release --lib
/// text_test_on_a_corpus -- --ignored --nocapture` (e.g. the benchmark corpora under
/// bench/.work/corpora).
#[test]
#[ignore = "needs a corpus: SNAKEGUARD_CORPUS=DIR"]
fn the_text_test_is_never_wrong_on_a_corpus() {
    let Ok(corpus) = std::env::var("SNAKEGUARD_CORPUS") else {
        panic!("set SNAKEGUARD_CORPUS to a directory of Python code");
    };
    let root = std::path::PathBuf::from(corpus);
    let (files, gated, returning) = check_text_test(&root, std::slice::from_ref(&root));
    println!("{files} files, {gated} may return source data, {returning} do");
}

/// (files, files the text test lets through, files with a function returning source data);
/// panics on a file whose source the text test missed.
fn check_text_test(root: &std::path::Path, dirs: &[std::path::PathBuf]) -> (usize, usize, usize) {
    let files = crate::analysis::test_files::python_files_under(dirs);
    let analyzer = crate::analysis::Analyzer::new(
        &taint_rules(),
        crate::rules::options::RuleOptions::default(),
    );
    let (mut gated, mut returning) = (0, 0);
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let path = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let input = crate::analysis::SourceInput {
            path: &path,
            bytes: &bytes,
        };
        let returns_source = analyzer
            .summarize(&input)
            .iter()
            .any(|(_, summary)| summary.returns_source.is_some());
        let may = analyzer.may_return_sources(&input);
        assert!(may || !returns_source, "{path}: a source was missed");
        gated += usize::from(may);
        returning += usize::from(returns_source);
    }
    (files.len(), gated, returning)
}

#[test]
fn models_come_before_a_projects_own_definitions() {
    // A project that defines `shlex.quote` itself (the standard library does) is still judged
    // by the model: the call sanitizes.
    let shlex = "def quote(s):\n    return s\n";
    let summaries = summaries_of(shlex, "shlex.py", "shlex");
    assert!(summaries.get("shlex.quote", true).is_some());
    let app = "import os, shlex\nfrom flask import request\ndef v():\n    os.system('ls ' + shlex.quote(request.args['a']))\n";
    let (result, _) = analyse_using(app, "app.py", "app", &summaries);
    assert!(result.findings.is_empty(), "{:?}", result.findings.len());
}
