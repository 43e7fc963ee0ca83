//! Taint tracking: untrusted data (sources) reaching dangerous calls (sinks), unless it passed
//! a sanitizer or a guard on every live path.
//!
//! * [`models`] — sources, sinks, sanitizers and propagators as data (`models.toml`, embedded;
//!   [`Models::merge`] appends a user's models).
//! * `value` — the abstract domain: access paths -> {taint labels, sanitized-for CWEs,
//!   constant, kind}.
//! * `engine` — per-function abstract interpretation (structured walk with joins, loop
//!   fixpoints, constant folding, branch pruning, guards) and intra-file summaries computed on
//!   demand (callee first, recursion falls back to the unknown-call rule).
//!
//! Entry point: [`analyse`] runs once per file and returns taint findings (as
//! [`RawFinding`]s with their flow and a source identity for the fingerprint) and
//! [`TaintFacts`] that pattern rules can query ("is the expression at this range constant /
//! sanitized for CWE n / tainted from a known source?").
//!
//! Across modules: the scan driver may pass [`ExternalSummaries`] keyed by qualified function
//! name (`pkg.helpers.clean`), computed for other project files with [`summarize_module`]. A
//! call resolving to such a name applies the summary: arguments that reach the callee's return
//! propagate, arguments that reach a sink inside the callee are reported at the call site.
//! Models come first (a project that defines `shlex.quote` itself is judged by the model, as
//! its users are), and a summary speaks only when tainted data goes in or source data comes
//! out. That lets a scan summarize a module only when it is first needed
//! ([`ExternalSummaries::project`]): when tainted data is passed into it, or when another
//! module refers to it and a cheap textual test says it could return source data. Most
//! modules are never summarized.

mod engine;
pub mod models;
mod prefilter;
mod relevance;
mod value;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

pub use models::{CweSet, Models};
pub use prefilter::SourceSites;

use crate::analysis::checker::RawFinding;
use crate::analysis::concat;
use crate::analysis::semantic::SemanticModel;
use crate::analysis::syntax::{LineMap, Stmt, TextRange};
use crate::finding::Confidence;
use crate::rules::{Family, Rule};

/// Per-file dataflow facts about call arguments and receivers, keyed by expression range.
#[derive(Debug, Default, Clone)]
pub struct TaintFacts {
    facts: FxHashMap<TextRange, Fact>,
}

/// What the taint pass knows about one expression (joined over every time it was evaluated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    /// Provably a constant on every live path.
    pub constant: bool,
    /// Carries taint from any source (possibly through unknown calls).
    pub tainted: bool,
    /// Carries taint from a known high-confidence source through modelled steps only.
    pub known_source: bool,
    /// CWEs the (tainted) value is sanitized for.
    pub sanitized: CweSet,
}

impl TaintFacts {
    pub(crate) fn record(
        &mut self,
        range: TextRange,
        constant: bool,
        tainted: bool,
        known_source: bool,
        sanitized: CweSet,
    ) {
        let fact = Fact {
            constant,
            tainted,
            known_source,
            sanitized,
        };
        self.facts
            .entry(range)
            .and_modify(|existing| {
                existing.constant &= fact.constant;
                existing.known_source |= fact.known_source;
                if fact.tainted {
                    existing.sanitized = if existing.tainted {
                        CweSet(existing.sanitized.0 & fact.sanitized.0)
                    } else {
                        fact.sanitized
                    };
                }
                existing.tainted |= fact.tainted;
            })
            .or_insert(fact);
    }

    /// The fact for the expression at `range`, if the taint pass evaluated it as a call
    /// argument or receiver.
    pub fn get(&self, range: TextRange) -> Option<Fact> {
        self.facts.get(&range).copied()
    }

    /// Provably constant (pattern rules can stay quiet).
    pub fn is_constant(&self, range: TextRange) -> bool {
        self.get(range).is_some_and(|fact| fact.constant)
    }

    /// Not tainted, or tainted but sanitized for `cwe`.
    pub fn is_safe_for(&self, range: TextRange, cwe: u16) -> bool {
        self.get(range)
            .is_some_and(|fact| fact.constant || !fact.tainted || fact.sanitized.contains(cwe))
    }

    /// Tainted from a known source and not sanitized for `cwe` (the taint rule reports it).
    pub fn is_tainted_for(&self, range: TextRange, cwe: u16) -> bool {
        self.get(range)
            .is_some_and(|fact| fact.known_source && !fact.sanitized.contains(cwe))
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}

/// A function summary usable from other modules (no source ranges).
#[derive(Debug, Clone, Default)]
pub struct ExternalSummary {
    /// The file defining the function (scan-root-relative), and the function's first and last
    /// line: flows through the function point there.
    pub path: String,
    pub lines: (u32, u32),
    /// Parameter names in order (to map keyword arguments).
    pub params: Vec<String>,
    /// (parameter index, CWEs sanitized on the way) for parameters reaching the return value.
    pub param_to_return: Vec<(usize, Vec<u16>)>,
    /// The function returns data from a source (description, confidence).
    pub returns_source: Option<(String, Confidence)>,
    pub param_sinks: Vec<ExternalSink>,
}

/// A parameter reaching a sink inside a function of another module.
#[derive(Debug, Clone)]
pub struct ExternalSink {
    pub param: usize,
    /// Rule code (`SG001`).
    pub rule: String,
    pub cwe: u16,
    pub what: String,
    pub callee: String,
    /// 1-based line of the sink call inside the function.
    pub line: u32,
}

impl ExternalSummary {
    /// Whether two summaries (e.g. of a function's base and head versions) mean the same for
    /// callers, ignoring where the function sits.
    pub fn same_behaviour(&self, other: &ExternalSummary) -> bool {
        let sinks = |summary: &ExternalSummary| -> Vec<(usize, String, u16, String, String)> {
            let mut sinks: Vec<_> = summary
                .param_sinks
                .iter()
                .map(|s| {
                    (
                        s.param,
                        s.rule.clone(),
                        s.cwe,
                        s.what.clone(),
                        s.callee.clone(),
                    )
                })
                .collect();
            sinks.sort();
            sinks.dedup();
            sinks
        };
        self.params == other.params
            && self.param_to_return == other.param_to_return
            && self.returns_source == other.returns_source
            && sinks(self) == sinks(other)
    }
}

/// Summaries of other project modules' functions, keyed by qualified name (`pkg.mod.func`,
/// `pkg.mod.Class.method`). Built with [`collect_summaries`] (or `collect()`) when every
/// summary is at hand, or with [`ExternalSummaries::project`], which computes a module's
/// summaries when they are first needed.
#[derive(Default)]
pub struct ExternalSummaries<'p> {
    by_name: FxHashMap<String, ExternalSummary>,
    /// The functions that return source data (for the taint prefilter), indexed once.
    returning_sources: DottedNames,
    lazy: Option<LazyModules<'p>>,
}

/// One module's summaries by qualified name, as [`summarize_module`] returns them.
pub type ModuleSummaries = Vec<(String, ExternalSummary)>;

/// What [`ExternalSummaries::project`] asks about a module, by its position in the list.
pub struct ModuleQueries<'p> {
    /// The cheap textual test [`may_return_sources`] (`false` is certain).
    pub may_return_sources: Box<dyn Fn(usize) -> bool + Send + Sync + 'p>,
    /// The module's summaries ([`summarize_module`]).
    pub summarize: Box<dyn Fn(usize) -> ModuleSummaries + Send + Sync + 'p>,
}

/// Modules whose summaries are computed on first use (see [`ExternalSummaries::project`]).
struct LazyModules<'p> {
    /// Module name (and its `src/`-layout import name) -> index into `slots`.
    by_module: FxHashMap<String, usize>,
    /// Module names that more than one file derives (`pkg/mod.py` and `pkg/mod/__init__.py`):
    /// what one file's analysis learns is not said of the other.
    shared_names: FxHashSet<String>,
    /// Every dotted prefix of a module name (the name included) -> the modules below it.
    below: FxHashMap<String, Vec<usize>>,
    slots: Vec<LazySlot>,
    queries: ModuleQueries<'p>,
}

struct LazySlot {
    /// Path-derived module name.
    module: String,
    /// Position in the module list given to `project`.
    file: usize,
    /// Once asked: whether the module's text could return source data.
    may_return_sources: OnceLock<bool>,
    /// Once computed: summaries by name inside the module (`func`, `Class.method`), and those
    /// inner names that return source data.
    summaries: OnceLock<(FxHashMap<String, ExternalSummary>, DottedNames)>,
}

impl LazyModules<'_> {
    /// The longest module `name` is inside (`pkg.mod` for `pkg.mod.Class.f`), with the rest of
    /// the name (`Class.f`).
    fn module_of<'n>(&self, name: &'n str) -> Option<(&LazySlot, &'n str)> {
        let mut module = name;
        while let Some((parent, _)) = split_last_dot(module) {
            module = parent;
            if let Some(&slot) = self.by_module.get(module) {
                return Some((&self.slots[slot], &name[module.len() + 1..]));
            }
        }
        None
    }

    fn summaries<'s>(
        &'s self,
        slot: &'s LazySlot,
    ) -> &'s (FxHashMap<String, ExternalSummary>, DottedNames) {
        slot.summaries.get_or_init(|| {
            tracing::debug!(module = %slot.module, "summarizing a project module on demand");
            let mut returning = DottedNames::default();
            let summaries: FxHashMap<String, ExternalSummary> = (self.queries.summarize)(slot.file)
                .into_iter()
                .filter_map(|(qualified, summary)| {
                    let inner = qualified
                        .strip_prefix(slot.module.as_str())?
                        .strip_prefix('.')?;
                    if summary.returns_source.is_some() {
                        returning.insert(inner);
                    }
                    Some((inner.to_string(), summary))
                })
                .collect();
            (summaries, returning)
        })
    }

    fn may_return_sources(&self, slot: &LazySlot) -> bool {
        *slot
            .may_return_sources
            .get_or_init(|| (self.queries.may_return_sources)(slot.file))
    }

    /// Whether a function returning source data is `name`, below it or above it (see
    /// [`DottedNames::related`]): for a name inside a module, from the module's summaries
    /// (computed only when its text may return source data); for a name above modules (a
    /// package, `import email`), from the text test of the modules below it alone. A package
    /// can hold hundreds of modules, and a wrong "yes" only lets the asking module's taint
    /// pass run, where every call is then looked up by its own name.
    fn related_to_returning(&self, name: &str) -> bool {
        let returns_in = |slot: &LazySlot, rest: Option<&str>| {
            if !self.may_return_sources(slot) {
                return false;
            }
            let (_, returning) = self.summaries(slot);
            match rest {
                Some(rest) => returning.related(rest),
                None => !returning.is_empty(),
            }
        };
        if let Some((slot, rest)) = self.module_of(name)
            && returns_in(slot, Some(rest))
        {
            return true;
        }
        self.below.get(name).is_some_and(|slots| {
            slots
                .iter()
                .any(|&slot| self.may_return_sources(&self.slots[slot]))
        })
    }
}

impl<'p> ExternalSummaries<'p> {
    /// Summaries of a project's modules, given in file order with their path-derived module
    /// names. A module given with its summaries (`Some`) is used as is; the others (`None`)
    /// are asked through `queries` when first needed: whether their text could return source
    /// data when a module refers to them or calls them, their summaries when that test says
    /// so or when a call passes tainted data into them. Most modules of a project are never
    /// summarized.
    pub fn project(
        modules: Vec<(String, Option<ModuleSummaries>)>,
        queries: ModuleQueries<'p>,
    ) -> Self {
        // An import name that is also a real module's name belongs to that module.
        let import_aliases: Vec<Option<String>> = {
            let names: FxHashSet<&str> = modules.iter().map(|(name, _)| name.as_str()).collect();
            modules
                .iter()
                .map(|(module, _)| {
                    import_name_alias(module)
                        .filter(|alias| !names.contains(alias))
                        .map(str::to_string)
                })
                .collect()
        };
        let shared_names = {
            let mut seen = FxHashSet::default();
            modules
                .iter()
                .filter(|(name, _)| !seen.insert(name.as_str()))
                .map(|(name, _)| name.clone())
                .collect()
        };
        let mut given = FxHashMap::default();
        let mut aliases = Vec::new();
        let mut lazy = LazyModules {
            by_module: FxHashMap::default(),
            shared_names,
            below: FxHashMap::default(),
            slots: Vec::new(),
            queries,
        };
        for (file, ((module, summaries), alias)) in
            modules.into_iter().zip(import_aliases).enumerate()
        {
            match summaries {
                Some(summaries) => {
                    for (name, summary) in summaries {
                        if let (Some(alias), Some(inner)) =
                            (&alias, name.strip_prefix(module.as_str()))
                        {
                            aliases.push((format!("{alias}{inner}"), summary.clone()));
                        }
                        given.insert(name, summary);
                    }
                }
                None => {
                    let slot = lazy.slots.len();
                    for name in [Some(module.as_str()), alias.as_deref()]
                        .into_iter()
                        .flatten()
                    {
                        for prefix in dotted_prefixes(name) {
                            lazy.below.entry(prefix.to_string()).or_default().push(slot);
                        }
                        lazy.by_module.entry(name.to_string()).or_insert(slot);
                    }
                    lazy.slots.push(LazySlot {
                        module,
                        file,
                        may_return_sources: OnceLock::new(),
                        summaries: OnceLock::new(),
                    });
                }
            }
        }
        let mut summaries = indexed(given, aliases);
        summaries.lazy = (!lazy.slots.is_empty()).then_some(lazy);
        summaries
    }

    /// The summary of `name`. With `tainted_arguments` false, a module left for later is
    /// summarized only if its text may return source data: otherwise its summary would say
    /// nothing about a call without tainted arguments.
    pub fn get(&self, name: &str, tainted_arguments: bool) -> Option<&ExternalSummary> {
        if let Some(summary) = self.by_name.get(name) {
            return Some(summary);
        }
        let lazy = self.lazy.as_ref()?;
        let (slot, rest) = lazy.module_of(name)?;
        if !tainted_arguments && !lazy.may_return_sources(slot) {
            return None;
        }
        lazy.summaries(slot).0.get(rest)
    }

    /// What the analysis of module `module` (path-derived name) found: no source can appear
    /// in it ([`SourceSites::anywhere`] is false). Its summaries, which follow fewer sources
    /// (none through other modules, no route parameters), then return none either, so asking
    /// whether it may return source data needs neither its text nor its summaries.
    pub fn learn_no_sources(&self, module: &str) {
        let Some(lazy) = &self.lazy else { return };
        if lazy.shared_names.contains(module) {
            return;
        }
        if let Some(&slot) = lazy.by_module.get(module)
            && lazy.slots[slot].module == module
        {
            // Already answered (by the text test) is fine: the answers agree or the text
            // test's `true` stands, which only costs a summary.
            let _ = lazy.slots[slot].may_return_sources.set(false);
        }
    }

    /// Whether a function returning source data is `name`, below it or above it (for the
    /// prefilter).
    pub(crate) fn related_to_returning(&self, name: &str) -> bool {
        self.returning_sources.related(name)
            || self
                .lazy
                .as_ref()
                .is_some_and(|lazy| lazy.related_to_returning(name))
    }
}

impl std::fmt::Debug for ExternalSummaries<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalSummaries")
            .field("by_name", &self.by_name)
            .field(
                "lazy_modules",
                &self.lazy.as_ref().map_or(0, |lazy| lazy.slots.len()),
            )
            .finish()
    }
}

impl FromIterator<(String, ExternalSummary)> for ExternalSummaries<'_> {
    fn from_iter<I: IntoIterator<Item = (String, ExternalSummary)>>(iter: I) -> Self {
        collect_summaries(iter)
    }
}

/// A set of dotted names answering "is this name one of them, a dotted prefix of one, or
/// does it have one as a dotted prefix?" in time proportional to the name's length.
#[derive(Debug, Default, Clone)]
pub(crate) struct DottedNames {
    names: FxHashSet<String>,
    /// Every name and each of its dotted prefixes.
    covering: FxHashSet<String>,
}

impl DottedNames {
    pub(crate) fn insert(&mut self, name: &str) {
        for prefix in dotted_prefixes(name) {
            self.covering.insert(prefix.to_string());
        }
        self.names.insert(name.to_string());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// `name` equals a member, is a dotted prefix of one, or has one as a dotted prefix.
    pub(crate) fn related(&self, name: &str) -> bool {
        if self.covering.contains(name) {
            return true;
        }
        dotted_prefixes(name).any(|prefix| self.names.contains(prefix))
    }
}

/// `a`, `a.b`, `a.b.c` for `a.b.c`: every dotted prefix of a name, the name included.
fn dotted_prefixes(name: &str) -> impl Iterator<Item = &str> {
    // Byte by byte: qualified names are short, and a character search sets up a `memchr`
    // per dot (these run for every name the prefilter and the engine look up).
    name.bytes()
        .enumerate()
        .filter(|&(_, byte)| byte == b'.')
        .map(|(dot, _)| &name[..dot])
        .chain(std::iter::once(name))
}

/// `a.b` and `c` for `a.b.c`: a dotted name split at its last dot (byte by byte, as in
/// [`dotted_prefixes`]).
pub(crate) fn split_last_dot(name: &str) -> Option<(&str, &str)> {
    let dot = name.bytes().rposition(|byte| byte == b'.')?;
    Some((&name[..dot], &name[dot + 1..]))
}

/// Directories that hold a project's packages without being one (the `src/` layout): code
/// imports `pkg.mod`, while the path names it `src.pkg.mod`.
const SOURCE_ROOTS: &[&str] = &["src.", "lib.", "python."];

/// The name code imports a path-derived name by in a `src/` layout (`src.pkg.mod` ->
/// `pkg.mod`), if it has a source root.
pub fn import_name_alias(name: &str) -> Option<&str> {
    SOURCE_ROOTS
        .iter()
        .find_map(|root| name.strip_prefix(root))
        .filter(|rest| !rest.is_empty())
}

/// Collect summaries (keyed by path-derived names) so they are found under the names code
/// imports them by: a summary of `src.pkg.mod.f` is also `pkg.mod.f` unless that name is taken.
pub fn collect_summaries<'p>(
    summaries: impl IntoIterator<Item = (String, ExternalSummary)>,
) -> ExternalSummaries<'p> {
    let by_name: FxHashMap<String, ExternalSummary> = summaries.into_iter().collect();
    let aliases: Vec<(String, ExternalSummary)> = by_name
        .iter()
        .filter_map(|(name, summary)| Some((import_name_alias(name)?.to_string(), summary.clone())))
        .collect();
    indexed(by_name, aliases)
}

/// Summaries by name, plus `aliases` where the name is free, with the functions returning
/// source data indexed for the prefilter.
fn indexed<'p>(
    mut by_name: FxHashMap<String, ExternalSummary>,
    aliases: Vec<(String, ExternalSummary)>,
) -> ExternalSummaries<'p> {
    for (alias, summary) in aliases {
        by_name.entry(alias).or_insert(summary);
    }
    let mut returning_sources = DottedNames::default();
    for (name, summary) in &by_name {
        if summary.returns_source.is_some() {
            returning_sources.insert(name);
        }
    }
    ExternalSummaries {
        by_name,
        returning_sources,
        lazy: None,
    }
}

/// The taint rules enabled in a scan, and the models; built once per scan.
pub struct TaintConfig {
    pub models: Models,
    pub enabled: FxHashSet<Rule>,
}

impl TaintConfig {
    /// `None` when no taint rule is enabled (the pass is skipped).
    pub fn new(enabled: &[Rule], models: Models) -> Option<TaintConfig> {
        let enabled: FxHashSet<Rule> = enabled
            .iter()
            .copied()
            .filter(|rule| rule.meta().family == Family::Taint)
            .collect();
        (!enabled.is_empty()).then_some(TaintConfig { models, enabled })
    }
}

/// What the taint pass produced for one file.
pub struct TaintResult {
    pub findings: Vec<RawFinding>,
    pub facts: TaintFacts,
}

/// Run the taint pass over one parsed module.
/// `asks_facts` are the ranges of pattern findings that consult the facts (their functions are
/// interpreted even when no taint can reach them); `sources` is [`source_sites`]'s answer.
#[allow(clippy::too_many_arguments)]
pub fn analyse(
    body: &[Stmt],
    semantic: &SemanticModel,
    lines: &LineMap,
    path: &str,
    config: &TaintConfig,
    external: Option<&ExternalSummaries>,
    asks_facts: &[TextRange],
    sources: &SourceSites,
) -> TaintResult {
    let cx = engine::analyse_module(
        body,
        semantic,
        lines,
        path,
        &config.models,
        &config.enabled,
        external,
        engine::Run::Report {
            asks_facts,
            sources,
        },
    );
    TaintResult {
        findings: cx.findings,
        facts: cx.facts,
    }
}

/// Where taint sources can appear in this module (see `prefilter`): the taint pass reports
/// nothing when they can appear nowhere, and interprets only functions that can hold them.
pub fn source_sites(
    body: &[Stmt],
    semantic: &SemanticModel,
    config: &TaintConfig,
    external: Option<&ExternalSummaries>,
) -> SourceSites {
    prefilter::source_sites(body, semantic, &config.models, external)
}

/// Whether a function of this module could return source data (a textual test: `false` is
/// certain). Modules for which it is `false` may be left out of the summaries given to
/// [`ExternalSummaries::project`] and computed on first use.
pub fn may_return_sources(text: &str, module_name: Option<&str>, models: &Models) -> bool {
    prefilter::text_may_return_sources(text, module_name, models)
}

/// Summaries of a module's top-level functions and class methods, keyed by
/// `module_name.qualname`, for use as [`ExternalSummaries`] when scanning other modules.
pub fn summarize_module(
    body: &[Stmt],
    semantic: &SemanticModel,
    lines: &LineMap,
    path: &str,
    module_name: &str,
    models: &Models,
) -> Vec<(String, ExternalSummary)> {
    let enabled = FxHashSet::default();
    let cx = engine::analyse_module(
        body,
        semantic,
        lines,
        path,
        models,
        &enabled,
        None,
        engine::Run::Summaries,
    );
    cx.exported
        .iter()
        .map(|(qualname, def, summary)| {
            let external = engine::export_summary(&cx, path, *def, summary);
            (concat(&[module_name, ".", qualname]), external)
        })
        .collect()
}
