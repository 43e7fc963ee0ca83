//! Untrusted bytes into parse + analyse: never a panic, never a stack overflow.
//!
//! Property tests stand in for a coverage-guided fuzzer (cargo-fuzz needs a nightly toolchain,
//! which this project's machines do not have): arbitrary bytes, Python-shaped token soup, and
//! hand-picked pathological shapes, all analysed with every rule enabled.

use proptest::prelude::*;
use snakeguard::analysis::{Analyzer, SourceInput};
use snakeguard::finding::DiagnosticKind;
use snakeguard::rules::Rule;
use snakeguard::rules::options::RuleOptions;

fn analyse(bytes: &[u8]) -> snakeguard::analysis::FileAnalysis {
    let analyzer = Analyzer::new(Rule::ALL, RuleOptions::default()).with_unused_suppressions(true);
    analyzer.analyse(&SourceInput {
        path: "fuzz/input.py",
        bytes,
    })
}

/// Run on a thread with the stack size scan threads get.
fn on_scan_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("analysis thread panicked")
}

const VOCABULARY: &[&str] = &[
    "import os",
    "import subprocess as sp",
    "from os import system as run",
    "def f(x):",
    "class C:",
    "    ",
    "\n",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "=",
    "+",
    "%",
    "*",
    "**",
    "lambda x:",
    "if",
    "else",
    "for x in",
    "while",
    "try:",
    "except:",
    "pass",
    "return",
    "yield",
    "await",
    "async def g():",
    "with open(p) as f:",
    "sp.call(cmd, shell=True)",
    "eval(",
    "exec(",
    "f\"{x}\"",
    "'s'",
    "b'\\x00'",
    "\"\"\"doc\"\"\"",
    "# nosec",
    "# noqa: S602",
    "# snakeguard: ignore[SG602]",
    "x",
    "y",
    "request.args",
    "pickle.loads(",
    "yaml.load(",
    "match x:",
    "case [a, *b]:",
    "@app.route('/')",
    "global x",
    "nonlocal y",
    "del x",
    ":=",
    "not",
    "-",
    "~",
    "1",
    "0x1F",
    "1e9",
    "None",
    "True",
    "\\",
    "\t",
    "\r\n",
    "é",
    "\u{202e}",
    "type X[T] = list[T]",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = analyse(&bytes);
    }

    #[test]
    fn python_shaped_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(VOCABULARY), 0..200)) {
        let source = tokens.join(" ");
        let result = analyse(source.as_bytes());
        for finding in &result.findings {
            prop_assert!(finding.span.start.line >= 1);
            prop_assert!(finding.span.start <= finding.span.end);
        }
    }
}

#[test]
fn pathological_nesting_is_skipped_with_a_reason() {
    let cases: Vec<String> = vec![
        format!("x = {}1\n", "-".repeat(200_000)),
        format!("x = {}{}\n", "[".repeat(50_000), "]".repeat(50_000)),
        format!("x = {}\n", vec!["a"; 100_000].join(" + ")),
        format!("x = {}1{}\n", "f(".repeat(20_000), ")".repeat(20_000)),
        {
            let mut nested = String::new();
            for depth in 0..3_000 {
                nested.push_str(&" ".repeat(depth));
                nested.push_str("if x:\n");
            }
            nested.push_str(&" ".repeat(3_000));
            nested.push_str("pass\n");
            nested
        },
    ];
    for source in cases {
        let result = on_scan_stack(move || analyse(source.as_bytes()));
        assert!(
            result.diagnostics.iter().any(|d| matches!(
                d.kind,
                DiagnosticKind::Skipped | DiagnosticKind::SyntaxError
            )),
            "expected a skip or syntax diagnostic: {:?}",
            result.diagnostics
        );
    }
}

#[test]
fn long_but_shallow_files_are_analysed() {
    let mut source = String::from("import subprocess\n");
    for index in 0..20_000 {
        source.push_str(&format!("value_{index} = {index} + 1\n"));
    }
    source.push_str("subprocess.call(cmd, shell=True)\n");
    let result = on_scan_stack(move || analyse(source.as_bytes()));
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    let shell: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == Rule::SubprocessShellTrue)
        .collect();
    assert_eq!(shell.len(), 1);
    assert_eq!(shell[0].span.start.line, 20_002);
}

#[test]
fn files_with_syntax_errors_are_still_analysed() {
    let source = "import pickle\ndef broken(:\n    pass\npickle.loads(data)\n";
    let result = analyse(source.as_bytes());
    assert!(
        result
            .diagnostics
            .iter()
            .any(|d| d.kind == DiagnosticKind::SyntaxError
                && d.position.is_some_and(|p| p.line == 2))
    );
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.rule == Rule::PickleLoads && f.span.start.line == 4)
    );
}

#[test]
fn non_utf8_files_are_decoded_and_analysed() {
    let source =
        b"# -*- coding: latin-1 -*-\nimport pickle\nname = '\xe9t\xe9'\npickle.loads(name)\n";
    let result = analyse(source);
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.rule == Rule::PickleLoads && f.span.start.line == 4)
    );
    let lossy = b"import pickle\nname = '\xff\xfe'\npickle.loads(name)\n";
    let result = analyse(lossy);
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.rule == Rule::PickleLoads && f.span.start.line == 3)
    );
}

#[test]
fn oversized_files_are_skipped() {
    let analyzer = Analyzer::new(Rule::ALL, RuleOptions::default()).with_max_file_bytes(100);
    let result = analyzer.analyse(&SourceInput {
        path: "big.py",
        bytes: &[b'x'; 101],
    });
    assert_eq!(result.diagnostics.len(), 1);
    assert!(result.diagnostics[0].message.starts_with("skipped:"));
}
