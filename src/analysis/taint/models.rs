//! Taint models as data: sources, sinks, sanitizers and propagators.
//!
//! The built-in models live in `models.toml` (embedded with `include_str!`); a user file of the
//! same shape can be parsed with [`Models::from_toml`] and appended with [`Models::merge`].
//! After loading, [`Models::index`] builds the lookup tables the engine uses.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use crate::finding::Confidence;
use crate::rules::Rule;

const BUILTIN: &str = include_str!("models.toml");

/// The CWEs the engine knows, in bit order of [`CweSet`].
pub const KNOWN_CWES: [u16; 17] = [
    89, 78, 95, 22, 918, 601, 79, 1336, 90, 643, 611, 502, 501, 113, 117, 1333, 614,
];

/// A set of CWEs (bits over [`KNOWN_CWES`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct CweSet(pub u32);

impl CweSet {
    pub const EMPTY: CweSet = CweSet(0);
    pub const ALL: CweSet = CweSet((1 << KNOWN_CWES.len()) - 1);

    pub fn bit(cwe: u16) -> u32 {
        KNOWN_CWES
            .iter()
            .position(|&known| known == cwe)
            .map_or(0, |index| 1 << index)
    }

    /// The set of `cwes`; empty input means every CWE.
    pub fn of(cwes: &[u16]) -> CweSet {
        if cwes.is_empty() {
            return CweSet::ALL;
        }
        CweSet(cwes.iter().fold(0, |bits, &cwe| bits | CweSet::bit(cwe)))
    }

    pub fn contains(self, cwe: u16) -> bool {
        let bit = CweSet::bit(cwe);
        bit != 0 && self.0 & bit == bit
    }
}

/// Confidence of a source (`high` for request data, `medium` for environment/argv).
#[derive(Copy, Clone, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SourceConfidence {
    #[default]
    High,
    Medium,
    Low,
}

impl SourceConfidence {
    pub fn confidence(self) -> Confidence {
        match self {
            SourceConfidence::High => Confidence::High,
            SourceConfidence::Medium => Confidence::Medium,
            SourceConfidence::Low => Confidence::Low,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SourceModel {
    /// Qualified names; each also matches the names below it (`os.environ` ⊇ `os.environ.get`).
    pub names: Vec<String>,
    #[serde(default)]
    pub confidence: SourceConfidence,
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RequestModel {
    #[serde(default)]
    pub param_names: Vec<String>,
    #[serde(default)]
    pub annotations: Vec<String>,
    #[serde(default)]
    pub attributes: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EntryModel {
    #[serde(default)]
    pub decorator_attrs: Vec<String>,
    #[serde(default)]
    pub django_view_methods: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SinkModel {
    /// Rule code reporting this sink (`SG001`).
    pub rule: String,
    pub cwe: u16,
    /// Short description used in messages ("SQL query").
    pub what: String,
    #[serde(default)]
    pub callees: Vec<String>,
    /// Method names matched on receivers that do not resolve to a qualified name.
    #[serde(default)]
    pub methods: Vec<String>,
    /// Only match `methods` when the receiver's text contains one of these (case-insensitive).
    #[serde(default)]
    pub receiver_name_contains: Vec<String>,
    /// Positional arguments that matter.
    #[serde(default)]
    pub args: Vec<usize>,
    /// Keyword arguments that matter.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Every positional argument matters.
    #[serde(default)]
    pub all_args: bool,
    /// The receiver (`path.read_text()`) matters.
    #[serde(default)]
    pub receiver: bool,
    /// Only a sink when this keyword is given a truthy value (`shell=True`).
    #[serde(default)]
    pub when_true: Option<String>,
    /// Not a sink when this keyword is given a truthy value (`secure=True`).
    #[serde(default)]
    pub unless_true: Option<String>,
    /// For argument lists, only the program (first element) matters.
    #[serde(default)]
    pub program: bool,
    /// Safe when a keyword is one of these values (`Loader=SafeLoader`).
    #[serde(default)]
    pub safe_keyword_values: FxHashMap<String, Vec<String>>,
    /// Subscript stores into these objects are sinks (`flask.session`, `*.headers`).
    #[serde(default)]
    pub store_into: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SanitizerModel {
    #[serde(default)]
    pub callees: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    /// CWEs sanitized; empty = all (the result is clean).
    #[serde(default)]
    pub cwes: Vec<u16>,
    /// Also a guard: `if f(x):` sanitizes `x` on the true edge.
    #[serde(default)]
    pub guard: bool,
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PropagatorModel {
    #[serde(default)]
    pub callees: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
}

/// All taint models. Build with [`Models::builtin`], extend with [`Models::merge`].
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Models {
    #[serde(default)]
    pub source: Vec<SourceModel>,
    #[serde(default)]
    pub request: RequestModel,
    #[serde(default)]
    pub entry: EntryModel,
    #[serde(default)]
    pub sink: Vec<SinkModel>,
    #[serde(default)]
    pub sanitizer: Vec<SanitizerModel>,
    #[serde(default)]
    pub propagator: Vec<PropagatorModel>,
    #[serde(skip)]
    index: Index,
}

/// Lookup tables derived from the models.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    pub sources: FxHashMap<String, SourceConfidence>,
    /// The source names and `request` (a request parameter's kind), for the prefilter.
    pub source_names: super::DottedNames,
    pub sinks_by_callee: FxHashMap<String, Vec<usize>>,
    pub sinks_by_method: FxHashMap<String, Vec<usize>>,
    pub sinks_by_store: Vec<(String, usize)>,
    pub sanitizers_by_callee: FxHashMap<String, (CweSet, bool)>,
    pub sanitizers_by_method: FxHashMap<String, CweSet>,
    pub propagator_callees: FxHashSet<String>,
    pub propagator_methods: FxHashSet<String>,
    pub request_params: FxHashSet<String>,
    pub request_annotations: FxHashSet<String>,
    pub request_attrs: FxHashSet<String>,
    pub entry_decorators: FxHashSet<String>,
    pub django_view_methods: FxHashSet<String>,
    pub sink_rules: Vec<Option<Rule>>,
    /// What the textual test for modules that may return source data looks for.
    pub source_words: super::prefilter::SourceWords,
}

impl Models {
    /// The models shipped in the binary.
    pub fn builtin() -> Models {
        let mut models = Models::from_toml(BUILTIN).expect("built-in taint models parse");
        models.index();
        models
    }

    /// Parse models from TOML text (the same shape as the built-in `models.toml`).
    pub fn from_toml(text: &str) -> Result<Models, toml::de::Error> {
        toml::from_str(text)
    }

    /// Append another set of models (e.g. from the user's configuration) and re-index.
    pub fn merge(&mut self, other: Models) {
        self.source.extend(other.source);
        self.request.param_names.extend(other.request.param_names);
        self.request.annotations.extend(other.request.annotations);
        self.request.attributes.extend(other.request.attributes);
        self.entry
            .decorator_attrs
            .extend(other.entry.decorator_attrs);
        self.entry
            .django_view_methods
            .extend(other.entry.django_view_methods);
        self.sink.extend(other.sink);
        self.sanitizer.extend(other.sanitizer);
        self.propagator.extend(other.propagator);
        self.index();
    }

    /// (Re)build the lookup tables; called by `builtin` and `merge`.
    pub fn index(&mut self) {
        let mut index = Index::default();
        for source in &self.source {
            for name in &source.names {
                index.sources.insert(name.clone(), source.confidence);
                index.source_names.insert(name);
            }
        }
        index.source_names.insert("request");
        for (id, sink) in self.sink.iter().enumerate() {
            for callee in &sink.callees {
                index
                    .sinks_by_callee
                    .entry(callee.clone())
                    .or_default()
                    .push(id);
            }
            for method in &sink.methods {
                index
                    .sinks_by_method
                    .entry(method.clone())
                    .or_default()
                    .push(id);
            }
            for store in &sink.store_into {
                index.sinks_by_store.push((store.clone(), id));
            }
            index.sink_rules.push(Rule::from_code(&sink.rule));
        }
        for sanitizer in &self.sanitizer {
            let cwes = CweSet::of(&sanitizer.cwes);
            for callee in &sanitizer.callees {
                let entry = index
                    .sanitizers_by_callee
                    .entry(callee.clone())
                    .or_insert((CweSet::EMPTY, false));
                entry.0.0 |= cwes.0;
                entry.1 |= sanitizer.guard;
            }
            for method in &sanitizer.methods {
                index
                    .sanitizers_by_method
                    .entry(method.clone())
                    .or_insert(CweSet::EMPTY)
                    .0 |= cwes.0;
            }
        }
        for propagator in &self.propagator {
            index
                .propagator_callees
                .extend(propagator.callees.iter().cloned());
            index
                .propagator_methods
                .extend(propagator.methods.iter().cloned());
        }
        index.request_params = self.request.param_names.iter().cloned().collect();
        index.request_annotations = self.request.annotations.iter().cloned().collect();
        index.request_attrs = self.request.attributes.iter().cloned().collect();
        index.entry_decorators = self.entry.decorator_attrs.iter().cloned().collect();
        index.django_view_methods = self.entry.django_view_methods.iter().cloned().collect();
        index.source_words = super::prefilter::SourceWords::new(
            index.sources.keys().map(String::as_str),
            index
                .request_params
                .iter()
                .chain(&index.request_annotations)
                .map(String::as_str),
        );
        self.index = index;
    }

    pub(crate) fn idx(&self) -> &Index {
        &self.index
    }

    /// The source confidence if `qualified` is (or is below) a modelled source name.
    pub fn source_of(&self, qualified: &str) -> Option<(&str, SourceConfidence)> {
        let mut name = qualified;
        loop {
            if let Some((key, confidence)) = self.index.sources.get_key_value(name) {
                return Some((key.as_str(), *confidence));
            }
            let (parent, _) = super::split_last_dot(name)?;
            name = parent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_models_parse_and_every_sink_names_a_rule() {
        let models = Models::builtin();
        assert!(!models.sink.is_empty());
        for (sink, rule) in models.sink.iter().zip(&models.idx().sink_rules) {
            assert!(rule.is_some(), "sink rule {} is not registered", sink.rule);
            assert_eq!(rule.unwrap().meta().cwe, sink.cwe, "{}", sink.rule);
        }
        assert_eq!(
            models.source_of("flask.request.args.get").map(|s| s.0),
            Some("flask.request.args")
        );
        assert!(models.source_of("flask.requests").is_none());
    }

    #[test]
    fn user_models_merge() {
        let mut models = Models::builtin();
        let user = Models::from_toml(
            "[[sink]]\nrule = \"SG001\"\ncwe = 89\nwhat = \"query\"\ncallees = [\"mydb.run\"]\nargs = [0]\n[[sanitizer]]\ncallees = [\"mylib.clean\"]\ncwes = [89]\n",
        )
        .unwrap();
        models.merge(user);
        assert!(models.idx().sinks_by_callee.contains_key("mydb.run"));
        assert!(
            models
                .idx()
                .sanitizers_by_callee
                .contains_key("mylib.clean")
        );
    }
}
