//! The rule reference (`docs/rules.md`), generated from the registry so it cannot drift.
//!
//! A test (`tests/docs.rs`) regenerates it and fails when the committed file differs.

use std::fmt::Write;

use super::{Family, Rule};

/// Bandit tests that have no snakeguard rule of the same number, and what covers them.
pub const BANDIT_NOT_PORTED: &[(&str, &str)] = &[
    (
        "B111",
        "execute_with_run_as_root_equals_true: only meaningful for OpenStack's `utils.execute(run_as_root=True)` wrappers; not ported (no security value in other code).",
    ),
    (
        "B309",
        "httpsconnection: removed from bandit (Python 2 only); not applicable.",
    ),
    (
        "B322",
        "input: removed from bandit (Python 2's `input` evaluated its argument); not applicable to Python 3.",
    ),
    (
        "B325",
        "tempnam: removed from bandit (`os.tempnam` does not exist in Python 3); SG306 covers `tempfile.mktemp`.",
    ),
    (
        "B414",
        "import_pycryptodome: removed from bandit (PyCryptodome is maintained); SG413 covers the unmaintained `Crypto` (pycrypto) imports.",
    ),
];

/// Render the whole reference as Markdown.
pub fn render() -> String {
    let mut out = String::new();
    let rules = Rule::sorted();
    let _ = writeln!(out, "# snakeguard rule reference\n");
    let _ = writeln!(
        out,
        "Generated from the rule registry by `cargo test --test docs` (set `SNAKEGUARD_UPDATE_DOCS=1` to rewrite). \
         {} rules; codes that share bandit's number (`SG602` = `B602` = ruff `S602`) behave like bandit's test, and \
         `# nosec B602` / `# noqa: S602` / `# snakeguard: ignore[SG602]` all suppress them.\n",
        rules.len()
    );
    let _ = writeln!(
        out,
        "| Code | Name | Family | CWE | Severity | Confidence | Default |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for &rule in &rules {
        let meta = rule.meta();
        let _ = writeln!(
            out,
            "| [{code}](#{anchor}) | {name} | {family} | CWE-{cwe} | {severity} | {confidence} | {default} |",
            code = meta.code,
            anchor = meta.code.to_ascii_lowercase(),
            name = meta.name,
            family = meta.family.as_str(),
            cwe = meta.cwe,
            severity = meta.severity,
            confidence = meta.confidence,
            default = if meta.default_enabled { "on" } else { "off" },
        );
    }
    if !BANDIT_NOT_PORTED.is_empty() {
        let _ = writeln!(out, "\n## Bandit tests without a rule of the same number\n");
        for (bandit, note) in BANDIT_NOT_PORTED {
            let _ = writeln!(out, "- **{bandit}**: {note}");
        }
    }
    for family in Family::ALL {
        let members: Vec<Rule> = rules
            .iter()
            .copied()
            .filter(|rule| rule.meta().family == family)
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## Family: {}\n", family.as_str());
        for rule in members {
            let meta = rule.meta();
            let _ = writeln!(out, "### {}\n", meta.code);
            let _ = writeln!(
                out,
                "**{}** — {}. CWE-{}, severity {}, confidence {}, {}.\n",
                meta.name,
                meta.summary,
                meta.cwe,
                meta.severity,
                meta.confidence,
                if meta.default_enabled {
                    "enabled by default"
                } else {
                    "off by default"
                }
            );
            // Demote the doc headings one level under the rule heading.
            for line in meta.docs_markdown().lines() {
                if let Some(heading) = line.strip_prefix("## ") {
                    let _ = writeln!(out, "#### {heading}");
                } else {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
    }
    out
}
