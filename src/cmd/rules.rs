//! `snakeguard rules`: the rule catalogue, and one rule's documentation.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use snakeguard::rules::Rule;

#[derive(Args)]
pub struct RulesArgs {
    /// Show the documentation of this rule (code such as SG602, B602, S602, or its name).
    pub code: Option<String>,
    /// Same as giving CODE.
    #[arg(long, value_name = "CODE", conflicts_with = "code")]
    pub explain: Option<String>,
    /// Output format for the list.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Copy, Clone, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Serialize)]
struct RuleEntry {
    code: &'static str,
    name: &'static str,
    family: &'static str,
    cwe: String,
    severity: &'static str,
    confidence: &'static str,
    default_enabled: bool,
    summary: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    docs: Option<String>,
}

fn entry(rule: Rule, with_docs: bool) -> RuleEntry {
    let meta = rule.meta();
    RuleEntry {
        code: meta.code,
        name: meta.name,
        family: meta.family.as_str(),
        cwe: format!("CWE-{}", meta.cwe),
        severity: meta.severity.as_str(),
        confidence: meta.confidence.as_str(),
        default_enabled: meta.default_enabled,
        summary: meta.summary,
        docs: with_docs.then(|| meta.docs_markdown()),
    }
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Some(code) = args.code.or(args.explain) {
        let Some(rule) = snakeguard::config::select_rules(&code)
            .ok()
            .filter(|rules| rules.len() == 1)
            .and_then(|rules| rules.first().copied())
        else {
            anyhow::bail!("unknown rule `{code}` (run `snakeguard rules` for the list)");
        };
        match args.format {
            ListFormat::Json => {
                writeln!(out, "{}", serde_json::to_string_pretty(&entry(rule, true))?)?
            }
            ListFormat::Text => {
                let meta = rule.meta();
                writeln!(out, "{} {} ({})", meta.code, meta.name, meta.summary)?;
                writeln!(
                    out,
                    "family: {} | CWE-{} | severity: {} | confidence: {} | {}\n",
                    meta.family.as_str(),
                    meta.cwe,
                    meta.severity,
                    meta.confidence,
                    if meta.default_enabled {
                        "enabled by default"
                    } else {
                        "off by default (select it to enable)"
                    }
                )?;
                write!(out, "{}", meta.docs_markdown())?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let rules = Rule::sorted();
    match args.format {
        ListFormat::Json => {
            let entries: Vec<RuleEntry> = rules.iter().map(|&rule| entry(rule, false)).collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?;
        }
        ListFormat::Text => {
            for rule in rules {
                let meta = rule.meta();
                writeln!(
                    out,
                    "{}  {:<44} {:<8} {:<7} {:<18} {}{}",
                    meta.code,
                    meta.name,
                    format!("CWE-{}", meta.cwe),
                    meta.severity,
                    meta.family.as_str(),
                    meta.summary,
                    if meta.default_enabled {
                        ""
                    } else {
                        " [off by default]"
                    }
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
