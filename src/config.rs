//! Configuration: `.snakeguard.toml`, or `[tool.snakeguard]` in `pyproject.toml`.
//!
//! The file is found by walking up from the scanned path. It is parsed into an unvalidated
//! [`RawConfig`] (unknown keys are errors), then validated into [`Config`], the type the rest
//! of the code uses. Every error names the file and the line that is wrong. CLI flags are
//! applied on top by the caller ([`Config::apply_overrides`]).
//!
//! Reading the file is the caller's job (this module parses text), so the same code serves a
//! local scan and the review bot, which reads the config from the pull request's *base*.

use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::analysis::Analyzer;
use crate::analysis::taint::Models;
use crate::finding::{Confidence, Finding, Severity};
use crate::rules::options::RuleOptions;
use crate::rules::{Family, Rule};

/// A configuration error, pointing at the file and line.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// The configuration exactly as written, before validation.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// Rules to enable instead of the defaults: codes (`SG602`), names, families or `all`.
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules to enable in addition to the defaults.
    pub extend_select: Vec<Spanned<String>>,
    /// Rules to disable.
    pub ignore: Vec<Spanned<String>>,
    /// Glob patterns (relative to the config file's directory) of files not to scan.
    pub exclude: Vec<Spanned<String>>,
    /// Glob pattern -> rules to ignore in matching files.
    pub per_file_ignores: std::collections::BTreeMap<String, Vec<Spanned<String>>>,
    pub min_severity: Option<Spanned<String>>,
    pub min_confidence: Option<Spanned<String>>,
    pub fail_on: Option<Spanned<String>>,
    /// Files larger than this many bytes are skipped with a diagnostic.
    pub max_file_size: Option<usize>,
    pub options: Option<RuleOptions>,
    /// Extra taint models (`[[taint.source]]`, `[[taint.sink]]`, `[[taint.sanitizer]]`,
    /// `[[taint.propagator]]`, ...), in the shape of the shipped models file, merged on top of it.
    pub taint: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
struct PyProject {
    #[serde(default)]
    tool: Option<PyProjectTool>,
}

#[derive(Debug, Deserialize)]
struct PyProjectTool {
    #[serde(default)]
    snakeguard: Option<RawConfig>,
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the settings came from (`None`: built-in defaults).
    pub file: Option<PathBuf>,
    /// Directory globs are relative to.
    pub root: PathBuf,
    pub enabled: Vec<Rule>,
    pub exclude: GlobSet,
    /// Excludes given on the command line (added to the file's).
    pub extra_exclude: GlobSet,
    pub per_file_ignores: Vec<(GlobSet, Vec<Rule>)>,
    pub min_severity: Severity,
    pub min_confidence: Confidence,
    pub fail_on: Option<Severity>,
    pub max_file_size: usize,
    pub options: RuleOptions,
    /// User taint models merged onto the built-in ones.
    pub taint_models: Option<Models>,
}

/// Command-line settings that override the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub exclude: Vec<String>,
    pub min_severity: Option<Severity>,
    pub min_confidence: Option<Confidence>,
    /// `Some(None)` is `--fail-on never`.
    pub fail_on: Option<Option<Severity>>,
}

impl Config {
    /// Built-in defaults: default-enabled rules, report everything, fail on high.
    pub fn default_for(root: &Path) -> Self {
        Config {
            file: None,
            root: root.to_path_buf(),
            enabled: Rule::ALL
                .iter()
                .copied()
                .filter(|rule| rule.meta().default_enabled)
                .collect(),
            exclude: GlobSet::empty(),
            extra_exclude: GlobSet::empty(),
            per_file_ignores: Vec::new(),
            min_severity: Severity::Low,
            min_confidence: Confidence::Low,
            fail_on: Some(Severity::High),
            max_file_size: crate::analysis::DEFAULT_MAX_FILE_BYTES,
            options: RuleOptions::default(),
            taint_models: None,
        }
    }

    /// The analyzer these settings describe (rules, options, size cap, taint models).
    pub fn analyzer(&self) -> Analyzer {
        Analyzer::new(&self.enabled, self.options.clone())
            .with_max_file_bytes(self.max_file_size)
            .with_taint_models(self.taint_models.clone())
    }

    /// Parse `.snakeguard.toml` text.
    pub fn from_snakeguard_toml(text: &str, file: &Path) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| toml_error(error, text, file))?;
        Self::validate(raw, text, file)
    }

    /// Parse `pyproject.toml` text; `Ok(None)` when it has no `[tool.snakeguard]` table.
    pub fn from_pyproject(text: &str, file: &Path) -> Result<Option<Self>, ConfigError> {
        let pyproject: PyProject =
            toml::from_str(text).map_err(|error| toml_error(error, text, file))?;
        match pyproject.tool.and_then(|tool| tool.snakeguard) {
            Some(raw) => Self::validate(raw, text, file).map(Some),
            None => Ok(None),
        }
    }

    fn validate(raw: RawConfig, text: &str, file: &Path) -> Result<Self, ConfigError> {
        let root = file
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let mut config = Config::default_for(&root);
        config.file = Some(file.to_path_buf());
        let error = |span: std::ops::Range<usize>, message: String| ConfigError {
            file: file.to_path_buf(),
            line: Some(line_of(text, span.start)),
            message,
        };
        let resolve = |items: &[Spanned<String>]| -> Result<Vec<Rule>, ConfigError> {
            let mut rules = Vec::new();
            for item in items {
                rules.extend(
                    select_rules(item.get_ref()).map_err(|message| error(item.span(), message))?,
                );
            }
            Ok(rules)
        };
        if let Some(select) = &raw.select {
            config.enabled = resolve(select)?;
        }
        let extra = resolve(&raw.extend_select)?;
        let ignored = resolve(&raw.ignore)?;
        config.enabled.extend(extra);
        config.enabled.retain(|rule| !ignored.contains(rule));
        config.enabled.sort();
        config.enabled.dedup();

        let mut exclude = GlobSetBuilder::new();
        for pattern in &raw.exclude {
            exclude.add(glob(pattern.get_ref()).map_err(|message| error(pattern.span(), message))?);
        }
        config.exclude = exclude
            .build()
            .map_err(|e| error(0..0, format!("invalid exclude patterns: {e}")))?;
        for (pattern, rules) in &raw.per_file_ignores {
            let globset = GlobSetBuilder::new()
                .add(glob(pattern).map_err(|message| ConfigError {
                    file: file.to_path_buf(),
                    line: find_line(text, pattern),
                    message,
                })?)
                .build()
                .map_err(|e| error(0..0, format!("invalid per-file-ignores pattern: {e}")))?;
            config.per_file_ignores.push((globset, resolve(rules)?));
        }
        if let Some(level) = &raw.min_severity {
            config.min_severity = level
                .get_ref()
                .parse()
                .map_err(|e: crate::finding::LevelParseError| error(level.span(), e.to_string()))?;
        }
        if let Some(level) = &raw.min_confidence {
            config.min_confidence = level
                .get_ref()
                .parse()
                .map_err(|e: crate::finding::LevelParseError| error(level.span(), e.to_string()))?;
        }
        if let Some(level) = &raw.fail_on {
            config.fail_on =
                parse_fail_on(level.get_ref()).map_err(|message| error(level.span(), message))?;
        }
        if let Some(table) = &raw.taint {
            let models = toml::to_string(table)
                .map_err(|e| e.to_string())
                .and_then(|text| Models::from_toml(&text).map_err(|e| e.message().to_string()))
                .map_err(|message| ConfigError {
                    file: file.to_path_buf(),
                    line: find_line(text, "taint"),
                    message: format!("invalid taint models: {message}"),
                })?;
            config.taint_models = Some(models);
        }
        if let Some(size) = raw.max_file_size {
            config.max_file_size = size;
        }
        if let Some(options) = raw.options {
            options.validate().map_err(|message| ConfigError {
                file: file.to_path_buf(),
                line: find_line(text, "password-name-pattern"),
                message,
            })?;
            config.options = options;
        }
        Ok(config)
    }

    /// Apply command-line overrides (which win over the file).
    pub fn apply_overrides(&mut self, overrides: &Overrides) -> Result<(), String> {
        if let Some(select) = &overrides.select {
            let mut rules = Vec::new();
            for selector in select {
                rules.extend(select_rules(selector)?);
            }
            self.enabled = rules;
        }
        for selector in &overrides.extend_select {
            self.enabled.extend(select_rules(selector)?);
        }
        let mut ignored = Vec::new();
        for selector in &overrides.ignore {
            ignored.extend(select_rules(selector)?);
        }
        self.enabled.retain(|rule| !ignored.contains(rule));
        self.enabled.sort();
        self.enabled.dedup();
        if !overrides.exclude.is_empty() {
            let mut builder = GlobSetBuilder::new();
            for pattern in &overrides.exclude {
                builder.add(glob(pattern)?);
            }
            // The file's patterns still apply: a CLI exclude adds to them.
            self.extra_exclude = builder.build().map_err(|e| e.to_string())?;
        }
        if let Some(level) = overrides.min_severity {
            self.min_severity = level;
        }
        if let Some(level) = overrides.min_confidence {
            self.min_confidence = level;
        }
        if let Some(fail_on) = overrides.fail_on {
            self.fail_on = fail_on;
        }
        Ok(())
    }

    /// Rules ignored for a root-relative path by `per-file-ignores` (and CLI excludes).
    pub fn ignored_rules_for(&self, relative: &str) -> Vec<Rule> {
        self.per_file_ignores
            .iter()
            .filter(|(globs, _)| globs.is_match(relative))
            .flat_map(|(_, rules)| rules.iter().copied())
            .collect()
    }

    /// Whether a finding is reported: at or above the severity and confidence thresholds, and
    /// its rule not ignored for `relative` (the finding's file, relative to the config root).
    pub fn reports(&self, finding: &Finding, relative: &str) -> bool {
        finding.severity >= self.min_severity
            && finding.confidence >= self.min_confidence
            && !self.ignored_rules_for(relative).contains(&finding.rule)
    }

    pub fn is_excluded(&self, relative: &str) -> bool {
        self.exclude.is_match(relative) || self.extra_exclude.is_match(relative)
    }

    /// Whether any exclude pattern is set ([`Config::is_excluded`] is `false` for every path
    /// otherwise, so callers may skip computing relative paths).
    pub fn excludes_any(&self) -> bool {
        !self.exclude.is_empty() || !self.extra_exclude.is_empty()
    }
}

/// `fail-on = "never"` disables failing; otherwise a severity.
pub fn parse_fail_on(value: &str) -> Result<Option<Severity>, String> {
    if value.eq_ignore_ascii_case("never") || value.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    value
        .parse()
        .map(Some)
        .map_err(|e: crate::finding::LevelParseError| format!("{e}, or never"))
}

/// Rules named by a selector: a code, a rule name, a bandit/ruff code, a family, or `all`.
pub fn select_rules(selector: &str) -> Result<Vec<Rule>, String> {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("all") {
        return Ok(Rule::ALL.to_vec());
    }
    if let Some(rule) = Rule::from_code(selector) {
        return Ok(vec![rule]);
    }
    // B602 / S602 spell SG602's number.
    let digits = selector.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = &selector[..selector.len() - digits.len()];
    if matches!(prefix.to_ascii_uppercase().as_str(), "B" | "S")
        && digits.len() == 3
        && let Some(rule) = Rule::from_code(&format!("SG{digits}"))
    {
        return Ok(vec![rule]);
    }
    if let Some(family) = Family::ALL
        .iter()
        .find(|family| family.as_str() == selector)
    {
        return Ok(Rule::ALL
            .iter()
            .copied()
            .filter(|rule| rule.meta().family == *family)
            .collect());
    }
    Err(format!(
        "unknown rule or family `{selector}` (see `snakeguard rules` for the list)"
    ))
}

fn glob(pattern: &str) -> Result<Glob, String> {
    Glob::new(pattern).map_err(|e| format!("invalid glob `{pattern}`: {e}"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|offset| line_of(text, offset))
}

fn toml_error(error: toml::de::Error, text: &str, file: &Path) -> ConfigError {
    ConfigError {
        file: file.to_path_buf(),
        line: error.span().map(|span| line_of(text, span.start)),
        message: error.message().to_string(),
    }
}

/// Where a configuration was found while walking up from a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFile {
    SnakeguardToml(PathBuf),
    PyProject(PathBuf),
}

/// The candidate config files in a directory, in priority order.
pub fn candidates(dir: &Path) -> [ConfigFile; 2] {
    [
        ConfigFile::SnakeguardToml(dir.join(".snakeguard.toml")),
        ConfigFile::PyProject(dir.join("pyproject.toml")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_snakeguard_toml(text, Path::new("proj/.snakeguard.toml"))
    }

    #[test]
    fn defaults_enable_default_rules() {
        let config = parse("").unwrap();
        assert!(config.enabled.contains(&Rule::SubprocessShellTrue));
        assert_eq!(config.fail_on, Some(Severity::High));
        assert_eq!(config.root, PathBuf::from("proj"));
    }

    #[test]
    fn select_ignore_and_families() {
        let config = parse("select = [\"injection\", \"B506\"]\nignore = [\"SG602\"]\n").unwrap();
        assert!(config.enabled.contains(&Rule::YamlLoad));
        assert!(!config.enabled.contains(&Rule::SubprocessShellTrue));
        assert!(!config.enabled.contains(&Rule::PickleLoads));
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let error = parse("fail-on = \"high\"\n\nselekt = [\"SG602\"]\n").unwrap_err();
        assert_eq!(error.line, Some(3), "{error}");
        assert!(
            error.to_string().starts_with("proj/.snakeguard.toml:3:"),
            "{error}"
        );
        assert!(error.message.contains("selekt"), "{error}");
    }

    #[test]
    fn bad_values_name_the_line() {
        let error = parse("select = [\n  \"SG602\",\n  \"SG999x\",\n]\n").unwrap_err();
        assert_eq!(error.line, Some(3), "{error}");
        let error = parse("min-severity = \"severe\"\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        let error = parse("exclude = [\"a/[b\"]\n").unwrap_err();
        assert_eq!(error.line, Some(1));
        let error = parse("[options]\npassword-name-pattern = \"(\"\n").unwrap_err();
        assert_eq!(error.line, Some(2), "{error}");
        let error = parse("[options]\nshel = []\n").unwrap_err();
        assert_eq!(error.line, Some(2), "{error}");
    }

    #[test]
    fn pyproject_section_is_optional() {
        let file = Path::new("pyproject.toml");
        assert!(
            Config::from_pyproject(
                "[project]\nname = \"x\"\n[tool.black]\nline-length = 88\n",
                file
            )
            .unwrap()
            .is_none()
        );
        let config = Config::from_pyproject("[tool.snakeguard]\nfail-on = \"never\"\n", file)
            .unwrap()
            .unwrap();
        assert_eq!(config.fail_on, None);
        let error = Config::from_pyproject(
            "[project]\nname = \"x\"\n[tool.snakeguard]\nbogus = 1\n",
            file,
        )
        .unwrap_err();
        assert_eq!(error.line, Some(4));
    }

    #[test]
    fn per_file_ignores_match_relative_paths() {
        let config =
            parse("exclude = [\"vendor/**\"]\n[per-file-ignores]\n\"tests/**\" = [\"SG101\"]\n")
                .unwrap();
        assert!(config.is_excluded("vendor/lib/x.py"));
        assert!(!config.is_excluded("app/x.py"));
        assert_eq!(
            config.ignored_rules_for("tests/test_a.py"),
            vec![Rule::AssertUsed]
        );
        assert!(config.ignored_rules_for("app/a.py").is_empty());
    }

    #[test]
    fn overrides_win() {
        let mut config = parse("fail-on = \"low\"\n").unwrap();
        config
            .apply_overrides(&Overrides {
                fail_on: Some(Some(Severity::Critical)),
                ignore: vec!["S602".into()],
                ..Overrides::default()
            })
            .unwrap();
        assert_eq!(config.fail_on, Some(Severity::Critical));
        assert!(!config.enabled.contains(&Rule::SubprocessShellTrue));
    }
}
