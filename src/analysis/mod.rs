//! The pure analysis core: source bytes in, findings out. No file, network or database I/O.
//!
//! [`Analyzer::analyse`] runs the whole per-file pipeline: decode (PEP 263) -> parse
//! (error-recovering) -> guard against pathological input -> semantic model -> one checker
//! pass with every enabled rule -> suppressions -> positioned, fingerprinted findings.

pub mod checker;
pub mod code_words;
pub mod decode;
pub mod interplay;
pub mod prepared;
pub mod semantic;
pub mod settings;
pub mod suppression;
pub mod syntax;
pub mod taint;

#[cfg(test)]
pub(crate) mod test_files {
    use std::path::PathBuf;

    /// Every `.py` file below `dirs` (for tests that check a property on real code).
    pub(crate) fn python_files_under(dirs: &[PathBuf]) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let mut pending = dirs.to_vec();
        while let Some(dir) = pending.pop() {
            let entries = std::fs::read_dir(&dir)
                .unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|e| e == "py") {
                    files.push(path);
                }
            }
        }
        files
    }
}

use rustc_hash::FxHashMap;

use crate::finding::{Diagnostic, DiagnosticKind, Finding, Fingerprint, FlowStep, Position, Span};
use crate::rules::Rule;
use crate::rules::options::RuleOptions;
use checker::{Checker, Dispatch, RawFinding};
use prepared::{Prepared, PreparedFiles};
use semantic::SemanticModel;
use suppression::Suppressions;
use syntax::{LineMap, TextRange};

/// Stack size of analysis threads; the walkers are depth-bounded (see `syntax::MAX_NESTING`).
pub const ANALYSIS_STACK_BYTES: usize = 64 << 20;

/// Files larger than this are skipped (generated code, vendored bundles).
pub const DEFAULT_MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// One file to analyse.
pub struct SourceInput<'a> {
    /// Scan-root-relative path with forward slashes; also the fingerprint's path part.
    pub path: &'a str,
    pub bytes: &'a [u8],
}

/// What analysing one file produced.
#[derive(Debug, Default, Clone)]
pub struct FileAnalysis {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings hidden by suppression comments.
    pub suppressed: usize,
}

/// Rule selection and options for a scan; shared by every file (and thread).
pub struct Analyzer {
    dispatch: Dispatch,
    options: RuleOptions,
    max_file_bytes: usize,
    report_unused_suppressions: bool,
    /// `None` when no taint rule is enabled.
    taint: Option<taint::TaintConfig>,
}

impl Analyzer {
    pub fn new(enabled: &[Rule], options: RuleOptions) -> Self {
        Analyzer {
            dispatch: Dispatch::new(enabled.iter().copied(), &options),
            options,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            report_unused_suppressions: false,
            taint: taint::TaintConfig::new(enabled, taint::Models::builtin()),
        }
    }

    pub fn with_max_file_bytes(mut self, bytes: usize) -> Self {
        self.max_file_bytes = bytes;
        self
    }

    /// Merge user taint models onto the built-in ones (no effect when taint is off).
    pub fn with_taint_models(mut self, extra: Option<taint::Models>) -> Self {
        if let (Some(config), Some(extra)) = (self.taint.as_mut(), extra) {
            config.models.merge(extra);
        }
        self
    }

    pub fn with_unused_suppressions(mut self, report: bool) -> Self {
        self.report_unused_suppressions = report;
        self
    }

    /// Analyse one file. Never panics on any input bytes.
    pub fn analyse(&self, input: &SourceInput) -> FileAnalysis {
        self.analyse_with(input, None)
    }

    /// Whether the taint pass runs (some taint rule is enabled).
    pub fn runs_taint(&self) -> bool {
        self.taint.is_some()
    }

    /// Taint summaries of the functions a module defines, keyed by qualified name
    /// (`pkg.helpers.run`), for [`Analyzer::analyse_with`] on the modules that call them.
    /// Empty when the taint pass is off or the file cannot be analysed.
    pub fn summarize(&self, input: &SourceInput) -> Vec<(String, taint::ExternalSummary)> {
        self.summarize_keeping(input, |_| {})
    }

    /// [`Analyzer::summarize`], handing the file's parse to `keep` afterwards (for the file's
    /// own analysis, see [`prepared`]).
    fn summarize_keeping(
        &self,
        input: &SourceInput,
        keep: impl FnOnce(Prepared),
    ) -> Vec<(String, taint::ExternalSummary)> {
        let Some(config) = &self.taint else {
            return Vec::new();
        };
        if input.bytes.len() > self.max_file_bytes {
            return Vec::new();
        }
        let (Some(module_name), is_package) = module_name_of(input.path) else {
            return Vec::new();
        };
        let text = decode::decode_source(input.bytes).text;
        let parsed = syntax::parse_module(&text);
        if parsed.too_deep() {
            return Vec::new();
        }
        let summaries = {
            let lines = LineMap::new(&text);
            let semantic = SemanticModel::build(&parsed, Some(&module_name), is_package);
            taint::summarize_module(
                parsed.body(),
                &semantic,
                &lines,
                input.path,
                &module_name,
                &config.models,
            )
        };
        keep(Prepared {
            text: text.into_owned(),
            parsed,
        });
        summaries
    }

    /// Whether [`Analyzer::summarize`] could find a function of this file that returns source
    /// data: a cheap textual test, `false` is certain. Such files' summaries matter only to
    /// calls passing tainted data into them, so a scan may compute them on first use (see
    /// [`taint::ExternalSummaries::project`]).
    pub fn may_return_sources(&self, input: &SourceInput) -> bool {
        let Some(config) = &self.taint else {
            return false;
        };
        let decoded = decode::decode_source(input.bytes);
        let (module_name, _) = module_name_of(input.path);
        taint::may_return_sources(&decoded.text, module_name.as_deref(), &config.models)
    }

    /// Taint summaries of a project's files for [`Analyzer::analyse_with`], each computed when
    /// first needed (see [`taint::ExternalSummaries::project`]): `paths` are the files
    /// (scan-root-relative), `read(i)` gives the bytes of `paths[i]` (`None` when unreadable);
    /// `given` are modules summarized already (a change's own files), which win a name both
    /// define. With `prepared`, the parses made for summaries are offered there for the files'
    /// own analysis ([`Analyzer::analyse_prepared`]).
    pub fn project_summaries<'a, B: AsRef<[u8]>>(
        &'a self,
        paths: Vec<String>,
        read: impl Fn(usize) -> Option<B> + Send + Sync + 'a,
        given: Vec<(String, taint::ModuleSummaries)>,
        prepared: Option<&'a PreparedFiles>,
    ) -> taint::ExternalSummaries<'a> {
        // Positions in `paths` of the importable files, in the order given to `project`.
        let importable: Vec<(usize, String)> = paths
            .iter()
            .enumerate()
            .filter_map(|(index, path)| Some((index, module_name_of(path).0?)))
            .collect();
        let files: Vec<usize> = importable.iter().map(|(index, _)| *index).collect();
        let modules = importable
            .into_iter()
            .map(|(_, module)| (module, None))
            .chain(
                given
                    .into_iter()
                    .map(|(module, summaries)| (module, Some(summaries))),
            )
            .collect();
        // Runs `use_input` on the file at a position of `modules`, with its index in `paths`
        // (not when unreadable).
        let with_input = std::sync::Arc::new(
            move |position: usize, use_input: &mut dyn FnMut(usize, &SourceInput)| {
                let Some(&index) = files.get(position) else {
                    return;
                };
                if let Some(bytes) = read(index) {
                    let input = SourceInput {
                        path: &paths[index],
                        bytes: bytes.as_ref(),
                    };
                    use_input(index, &input);
                }
            },
        );
        let for_summaries = with_input.clone();
        let summarize = move |position: usize| {
            let mut summaries = Vec::new();
            for_summaries(position, &mut |index, input| {
                summaries = match prepared {
                    Some(prepared) => {
                        self.summarize_keeping(input, |parse| prepared.offer(index, parse))
                    }
                    None => self.summarize(input),
                }
            });
            summaries
        };
        let may_return_sources = move |position: usize| {
            let mut may = false;
            with_input(position, &mut |_, input| {
                may = self.may_return_sources(input);
            });
            may
        };
        taint::ExternalSummaries::project(
            modules,
            taint::ModuleQueries {
                may_return_sources: Box::new(may_return_sources),
                summarize: Box::new(summarize),
            },
        )
    }

    /// Analyse one file, following calls into other project modules through `external`
    /// summaries (see [`Analyzer::summarize`]).
    pub fn analyse_with(
        &self,
        input: &SourceInput,
        external: Option<&taint::ExternalSummaries>,
    ) -> FileAnalysis {
        self.analyse_prepared(input, None, external)
    }

    /// [`Analyzer::analyse_with`], starting from the file's parse when one was kept (see
    /// [`prepared`]): `prepared` must come from the same bytes as `input`.
    pub fn analyse_prepared(
        &self,
        input: &SourceInput,
        prepared: Option<Prepared>,
        external: Option<&taint::ExternalSummaries>,
    ) -> FileAnalysis {
        let mut result = FileAnalysis::default();
        if input.bytes.len() > self.max_file_bytes {
            result.diagnostics.push(skipped(
                input.path,
                format!(
                    "skipped: file is {} bytes, over the {} byte limit",
                    input.bytes.len(),
                    self.max_file_bytes
                ),
            ));
            return result;
        }
        let (text, parsed) = match prepared {
            Some(Prepared { text, parsed }) => (std::borrow::Cow::Owned(text), parsed),
            None => {
                let text = decode::decode_source(input.bytes).text;
                let parsed = syntax::parse_module(&text);
                (text, parsed)
            }
        };
        let text = &*text;
        let lines = LineMap::new(text);
        for error in &parsed.errors {
            result.diagnostics.push(Diagnostic {
                path: input.path.to_string(),
                position: Some(lines.position(error.range.start())),
                kind: DiagnosticKind::SyntaxError,
                message: format!(
                    "syntax error: {} (analysed the recoverable parts)",
                    error.message
                ),
            });
        }
        if parsed.too_deep() {
            result.diagnostics.push(skipped(
                input.path,
                format!(
                    "skipped: code nests deeper than {} levels",
                    syntax::MAX_NESTING
                ),
            ));
            return result;
        }
        let (module_name, is_package) = module_name_of(input.path);
        let semantic = SemanticModel::build(&parsed, module_name.as_deref(), is_package);
        let checker = Checker::new(&semantic, &lines, input.path, &self.options, &self.dispatch);
        let mut raw = checker.run(parsed.body());
        // Skip the taint pass when it cannot report anything and no pattern finding needs its
        // facts: the reconciliation then sees exactly what the pass would have given.
        let sources = self
            .taint
            .as_ref()
            .map(|config| taint::source_sites(parsed.body(), &semantic, config, external));
        let asks_facts: Vec<TextRange> = raw
            .iter()
            .filter(|finding| interplay::consults_facts(finding.rule))
            .map(|finding| finding.range)
            .collect();
        let taint_needed = sources
            .as_ref()
            .is_some_and(|sources| sources.anywhere() || !asks_facts.is_empty());
        if let (Some(external), Some(module), Some(sources)) =
            (external, module_name.as_deref(), &sources)
            && !sources.anywhere()
        {
            external.learn_no_sources(module);
        }
        if self.taint.is_some() && !taint_needed {
            raw = interplay::reconcile(raw, &mut [], &taint::TaintFacts::default(), parsed.body());
        }
        if let (Some(config), Some(sources)) =
            (self.taint.as_ref(), sources.filter(|_| taint_needed))
        {
            let mut taint = taint::analyse(
                parsed.body(),
                &semantic,
                &lines,
                input.path,
                config,
                external,
                &asks_facts,
                &sources,
            );
            raw = interplay::reconcile(raw, &mut taint.findings, &taint.facts, parsed.body());
            raw.extend(taint.findings);
        }

        let mut suppressions = Suppressions::from_comments(&parsed.comments, &lines);
        let findings = finalize(raw, input.path, &semantic, &lines);
        for finding in findings {
            let (first, last) = finding.1;
            if suppressions.suppresses(finding.0.rule.meta().number(), first, last) {
                result.suppressed += 1;
            } else {
                result.findings.push(finding.0);
            }
        }
        if self.report_unused_suppressions {
            for directive in suppressions.unused() {
                result.diagnostics.push(Diagnostic {
                    path: input.path.to_string(),
                    position: Some(lines.position(directive.range.start())),
                    kind: DiagnosticKind::UnusedSuppression,
                    message: format!("unused suppression `{}`", directive.describe()),
                });
            }
        }
        result
            .findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        result
    }
}

/// `parts` joined into one string allocated at its exact length: for the hot joins of names
/// and paths, about a third of what `format!` costs (its formatting machinery dominates).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut joined = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        joined.push_str(part);
    }
    joined
}

fn skipped(path: &str, message: String) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        position: None,
        kind: DiagnosticKind::Skipped,
        message,
    }
}

/// `pkg/sub/mod.py` -> (`pkg.sub.mod`, false); `pkg/__init__.py` -> (`pkg`, true).
pub fn module_name_of(path: &str) -> (Option<String>, bool) {
    let Some(stem) = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".pyi"))
    else {
        return (None, false);
    };
    let mut parts: Vec<&str> = stem
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    let is_package = parts.last() == Some(&"__init__");
    if is_package {
        parts.pop();
    }
    if parts.is_empty() || parts.iter().any(|part| part.contains(['.', '-', ' '])) {
        return (None, is_package);
    }
    (Some(parts.join(".")), is_package)
}

/// Whitespace-free text of the flagged code, capped, for fingerprints.
fn normalize_snippet(text: &str) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if out.len() > 240 {
        let mut cut = 240;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// Position, scope name, snippet and fingerprint for each raw finding; returns each finding
/// with the line span suppressions may sit on.
fn finalize(
    raw: Vec<RawFinding>,
    path: &str,
    semantic: &SemanticModel,
    lines: &LineMap,
) -> Vec<(Finding, (u32, u32))> {
    let mut raw = raw;
    raw.sort_by_key(|finding| (finding.range.start(), finding.rule));
    raw.dedup_by(|a, b| a.rule == b.rule && a.range == b.range);
    let mut occurrences: FxHashMap<(Rule, String, String), u32> = FxHashMap::default();
    let mut out = Vec::with_capacity(raw.len());
    for finding in raw {
        let meta = finding.rule.meta();
        let scope = semantic.qualname(finding.scope);
        let snippet = normalize_snippet(lines.slice(finding.range));
        let identity = match &finding.identity {
            Some(extra) => format!("{snippet}\u{1f}{extra}"),
            None => snippet.clone(),
        };
        let occurrence = occurrences
            .entry((finding.rule, scope.clone(), identity.clone()))
            .or_insert(0);
        let fingerprint = Fingerprint::compute(meta.code, path, &scope, &identity, *occurrence);
        *occurrence += 1;
        let span = span_of(lines, finding.range);
        let statement = finding.statement.cover(finding.range);
        let suppression_lines = (
            lines.line_of(statement.start()),
            lines.line_of(statement.end()),
        );
        out.push((
            Finding {
                rule: finding.rule,
                path: path.to_string(),
                span,
                message: finding.message,
                severity: finding.severity.unwrap_or(meta.severity),
                confidence: finding.confidence.unwrap_or(meta.confidence),
                scope,
                snippet,
                fingerprint,
                identity,
                flow: finding
                    .flow
                    .into_iter()
                    .map(|step| match step.elsewhere {
                        None => FlowStep {
                            span: span_of(lines, step.range),
                            note: step.note,
                            path: None,
                            function_lines: None,
                        },
                        Some(place) => {
                            let at = Position {
                                line: place.line,
                                column: 1,
                            };
                            FlowStep {
                                span: Span { start: at, end: at },
                                note: step.note,
                                path: Some(place.path),
                                function_lines: Some(place.function_lines),
                            }
                        }
                    })
                    .collect(),
                fix: finding.fix,
            },
            suppression_lines,
        ));
    }
    out
}

fn span_of(lines: &LineMap, range: TextRange) -> Span {
    Span {
        start: lines.position(range.start()),
        end: lines.position(range.end()),
    }
}

/// Convenience for tests and tools: analyse `source` with the given rules.
pub fn analyse_text(path: &str, source: &str, rules: &[Rule]) -> FileAnalysis {
    Analyzer::new(rules, RuleOptions::default()).analyse(&SourceInput {
        path,
        bytes: source.as_bytes(),
    })
}
