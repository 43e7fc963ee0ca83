//! A cheap, conservative test run before the taint pass: can any taint source appear in this
//! module at all, and in which of its functions? (One walk answers both: the pass is skipped
//! when the answer is "nowhere", and otherwise interprets only functions that can hold taint,
//! see `relevance`.)
//!
//! A taint finding needs a label from a source, and the engine creates those only
//! - from a qualified name with a modelled source as a dotted prefix (`os.environ.get`,
//!   `flask.request.args`), where every qualified name the engine looks up is a name the
//!   semantic model resolves in the module (`os.environ`) possibly extended by attribute names
//!   (the `kind` of a value: `s = socket.socket()`, then `s.recv` -> `socket.socket.recv`);
//! - from an external summary whose function returns source data, looked up the same way;
//! - from framework request objects and route parameters, which need a parameter named or
//!   annotated like a request, or an entry-point decorator.
//!
//! So if no name the module resolves is a dotted prefix of a source or of such an external
//! function, nor has one as a dotted prefix, and no function looks like a request handler, the
//! pass can report nothing. The check walks every expression the engine could evaluate (and
//! more: class bodies, lambdas, decorators), resolving each outermost name chain in the scope
//! the engine would use (comprehensions are evaluated in their enclosing function's scope).

use std::ops::ControlFlow;

use rustc_hash::FxHashSet;

use crate::analysis::concat;
use crate::analysis::semantic::{MODULE_SCOPE, ScopeId, ScopeKind, SemanticModel};
use crate::analysis::syntax::{Expr, Stmt, TextSize, Visitor, ast, visitor};

use super::models::Models;
use super::{DottedNames, ExternalSummaries};

/// Where taint sources can appear in one module: anywhere at all (`false` means the pass
/// would report no finding; it still computes constant facts, see `interplay`), and in which
/// functions (a function where none can appear creates no source label of its own).
#[derive(Debug, Default)]
pub struct SourceSites {
    anywhere: bool,
    /// Every function (a kind the engine spells itself is related to a source).
    everywhere: bool,
    /// Definition starts of the functions in which a source can appear: in their parameters,
    /// decorators or body, nested functions and lambdas included (so a function enclosing one
    /// that has a source has one too).
    functions: FxHashSet<TextSize>,
}

impl SourceSites {
    /// Whether a source can appear anywhere in the module.
    pub fn anywhere(&self) -> bool {
        self.anywhere
    }

    /// Whether a source can appear in the function defined at `def`.
    pub(crate) fn in_function(&self, def: TextSize) -> bool {
        self.everywhere || self.functions.contains(&def)
    }
}

/// The test, in one walk over the module.
pub(crate) fn source_sites(
    body: &[Stmt],
    semantic: &SemanticModel,
    models: &Models,
    external: Option<&ExternalSummaries<'_>>,
) -> SourceSites {
    let mut probe = Probe {
        semantic,
        models,
        // A value of kind `request` (a request parameter) is a source when read: the models'
        // index lists it with the sources.
        sources: &models.idx().source_names,
        external,
        scope: MODULE_SCOPE,
        found: false,
        enclosing: Vec::new(),
        functions: FxHashSet::default(),
        memo: SourceMemo::default(),
        qualified: String::new(),
    };
    // Kinds the engine spells itself.
    probe.check("pathlib.Path");
    if probe.found {
        return SourceSites {
            anywhere: true,
            everywhere: true,
            functions: FxHashSet::default(),
        };
    }
    for stmt in body {
        probe.visit_stmt(stmt);
    }
    SourceSites {
        anywhere: probe.found,
        everywhere: false,
        functions: probe.functions,
    }
}

/// The answers of the name test for one module, by qualified name (the same names recur).
type SourceMemo = rustc_hash::FxHashMap<String, bool>;

/// Whether a function of this module could return source data, judged from its text alone
/// (`false` is certain; computing the module's summaries is then unnecessary for anything but
/// calls that pass tainted data into it).
///
/// A summary run has two ways to create a source label (route parameters are sources only
/// when reporting): a qualified name at or below a modelled source name, and an attribute of a
/// parameter named or annotated like a request. A qualified name is an import's module path
/// (spelled in the import, or taken from this module's own path for a relative import)
/// extended by attribute names spelled in the code; so each source name's first and last
/// parts must appear as words of the text or parts of the module's name, and a request
/// parameter needs its name or annotation as a word. Words in comments and plain string
/// literals are never any of these (a name is never taken from a string), so only words of
/// code are read (see [`code_words`](crate::analysis::code_words)).
pub(crate) fn text_may_return_sources(
    text: &str,
    module_name: Option<&str>,
    models: &Models,
) -> bool {
    let words = &models.idx().source_words;
    let mut seen = vec![false; words.words.len()];
    // Whether the word at `index`, now seen, completes a source name or is a request word.
    let completes = |index: usize, seen: &[bool]| {
        words.request.contains(&index) || words.partners[index].iter().any(|&partner| seen[partner])
    };
    for part in module_name.into_iter().flat_map(|name| name.split('.')) {
        if let Some(&index) = words.words.get(part.as_bytes()) {
            seen[index] = true;
            if completes(index, &seen) {
                return true;
            }
        }
    }
    // The scan stops at the first word that settles it (most modules that may return source
    // data spell both parts of a source name early, in their imports).
    crate::analysis::code_words::try_for_each_code_word(text, |word| {
        if word.len() > words.longest || !words.may_hold(word) {
            return ControlFlow::Continue(());
        }
        match words.words.get(word) {
            Some(&index) => {
                seen[index] = true;
                if completes(index, &seen) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            }
            None => ControlFlow::Continue(()),
        }
    })
    .is_break()
}

/// The words [`text_may_return_sources`] looks for, indexed once per set of models.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceWords {
    /// Word -> index.
    words: rustc_hash::FxHashMap<Box<[u8]>, usize>,
    /// Length of the longest word (longer words of the text need no lookup).
    longest: usize,
    /// The words' first two bytes (each taken modulo 64, the second 0 for one-byte words), as
    /// a bit set by first byte: most words of code (`self`, `return`) need no lookup.
    openings: Vec<u64>,
    /// For each word (by index), the other parts of the source names it is the first or last
    /// part of (itself, for a one-part name like `input`).
    partners: Vec<Vec<usize>>,
    /// Request parameter names and annotations, as word indexes.
    request: FxHashSet<usize>,
}

impl SourceWords {
    pub(crate) fn new<'a>(
        sources: impl IntoIterator<Item = &'a str>,
        request: impl IntoIterator<Item = &'a str>,
    ) -> SourceWords {
        fn index_of(word: &str, words: &mut SourceWords) -> usize {
            let next = words.words.len();
            words.longest = words.longest.max(word.len());
            let (first, second) = SourceWords::opening(word.as_bytes());
            if let Some(bits) = words.openings.get_mut(first) {
                *bits |= 1 << second;
            }
            *words.words.entry(word.as_bytes().into()).or_insert(next)
        }
        let mut words = SourceWords {
            openings: vec![0; 64],
            ..SourceWords::default()
        };
        let mut pairs = Vec::new();
        for name in sources {
            let first = name.split('.').next().unwrap_or(name);
            let last = name.rsplit('.').next().unwrap_or(name);
            pairs.push((index_of(first, &mut words), index_of(last, &mut words)));
        }
        for word in request {
            let index = index_of(word, &mut words);
            words.request.insert(index);
        }
        words.partners = vec![Vec::new(); words.words.len()];
        for (first, last) in pairs {
            words.partners[first].push(last);
            if last != first {
                words.partners[last].push(first);
            }
        }
        words
    }

    /// The first two bytes of `word` as [`SourceWords::openings`] indexes them.
    fn opening(word: &[u8]) -> (usize, usize) {
        let byte = |at: usize| word.get(at).map_or(0, |&byte| usize::from(byte & 63));
        (byte(0), byte(1))
    }

    /// Whether `word` may be one of the words (`false` is certain).
    fn may_hold(&self, word: &[u8]) -> bool {
        let (first, second) = SourceWords::opening(word);
        self.openings
            .get(first)
            .is_some_and(|bits| bits & (1 << second) != 0)
    }
}

struct Probe<'s, 'm> {
    semantic: &'s SemanticModel<'s>,
    models: &'m Models,
    sources: &'m DottedNames,
    /// Other project modules' functions returning source data.
    external: Option<&'m ExternalSummaries<'m>>,
    scope: ScopeId,
    /// A source can appear somewhere.
    found: bool,
    /// Definition starts of the functions around the walk's position, outermost first.
    enclosing: Vec<TextSize>,
    /// See [`SourceSites::functions`].
    functions: FxHashSet<TextSize>,
    memo: SourceMemo,
    /// Buffer for the qualified names resolved (one allocation for the walk).
    qualified: String,
}

impl Probe<'_, '_> {
    /// A source can appear here: in the module, and in every function around.
    fn hit(&mut self) {
        self.found = true;
        for &def in self.enclosing.iter().rev() {
            // The functions around one already marked were marked with it.
            if !self.functions.insert(def) {
                break;
            }
        }
    }

    /// Whether the answer for the walk's position is already known to be yes: the innermost
    /// function around is marked, or at module level a source was found. (Nested function
    /// definitions still need their own walk; only statements can hold them.)
    fn settled(&self) -> bool {
        match self.enclosing.last() {
            Some(def) => self.functions.contains(def),
            None => self.found,
        }
    }

    fn check(&mut self, qualified: &str) {
        if let Some(&found) = self.memo.get(qualified) {
            if found {
                self.hit();
            }
            return;
        }
        let related = |name: &str| {
            self.sources.related(name)
                || self
                    .external
                    .is_some_and(|external| external.related_to_returning(name))
        };
        // `builtins.input` resolves to `input`; a kind built from `builtins` is not normalized.
        let found = related(qualified)
            || (!qualified.contains('.') && related(&concat(&["builtins.", qualified])));
        self.memo.insert(qualified.to_string(), found);
        if found {
            self.hit();
        }
    }

    fn check_function(&mut self, function: &ast::StmtFunctionDef) {
        let index = self.models.idx();
        for decorator in &function.decorator_list {
            let func = match &decorator.expression {
                Expr::Call(call) => &*call.func,
                other => other,
            };
            if let Expr::Attribute(attribute) = func
                && index.entry_decorators.contains(attribute.attr.as_str())
            {
                self.hit();
            }
        }
        for parameter in function.parameters.iter() {
            let name = parameter.name().as_str();
            let annotation = match parameter.annotation() {
                Some(Expr::Name(name)) => Some(name.id.as_str()),
                Some(Expr::Attribute(attribute)) => Some(attribute.attr.as_str()),
                _ => None,
            };
            if name == "request"
                || index.request_params.contains(name)
                || annotation.is_some_and(|a| index.request_annotations.contains(a))
            {
                self.hit();
            }
        }
    }

    fn with_scope(&mut self, scope: Option<ScopeId>, body: &[Stmt]) {
        let previous = self.scope;
        if let Some(scope) = scope {
            self.scope = scope;
        }
        for stmt in body {
            self.visit_stmt(stmt);
        }
        self.scope = previous;
    }
}

impl<'a> Visitor<'a> for Probe<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                // Defaults are evaluated in the enclosing function, not in this one.
                for parameter in function.parameters.iter() {
                    if let Some(default) = parameter.default() {
                        self.visit_expr(default);
                    }
                }
                self.enclosing.push(function.range.start());
                self.check_function(function);
                let scope = self
                    .semantic
                    .scope_of_node(function.range.start(), ScopeKind::Function);
                // Decorators resolve in the enclosing scope; a name the function's own scope
                // binds is tried too (the cost of a few lookups, and never a miss).
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(scope) = scope {
                    let previous = std::mem::replace(&mut self.scope, scope);
                    for decorator in &function.decorator_list {
                        self.visit_expr(&decorator.expression);
                    }
                    self.scope = previous;
                }
                self.with_scope(scope, &function.body);
                self.enclosing.pop();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                let scope = self
                    .semantic
                    .scope_of_node(class.range.start(), ScopeKind::Class);
                self.with_scope(scope, &class.body);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.settled() {
            // No expression holds a function definition (a lambda belongs to the function
            // around it): nothing below can change the answer.
            return;
        }
        match expr {
            Expr::Name(_) | Expr::Attribute(_) => {
                // The outermost chain that resolves is what the engine looks up; its parts
                // are only read when the root is a local (whose kind came from elsewhere).
                let mut qualified = std::mem::take(&mut self.qualified);
                let resolved = self
                    .semantic
                    .write_qualified_name(self.scope, expr, &mut qualified);
                if resolved {
                    self.check(&qualified);
                }
                self.qualified = qualified;
                if !resolved {
                    // Every shorter chain of `a.b.c` has the same root, which did not resolve:
                    // only what lies below the root (`f(x)` in `f(x).y`) is left to walk.
                    let mut root = expr;
                    while let Expr::Attribute(attribute) = root {
                        root = &attribute.value;
                    }
                    if !matches!(root, Expr::Name(_)) {
                        self.visit_expr(root);
                    }
                }
            }
            Expr::Lambda(lambda) => {
                // Never evaluated by the engine; checked in its own scope anyway.
                if let Some(parameters) = &lambda.parameters {
                    for parameter in parameters.iter() {
                        if let Some(default) = parameter.default() {
                            self.visit_expr(default);
                        }
                    }
                }
                let previous = self.scope;
                if let Some(scope) = self
                    .semantic
                    .scope_of_node(lambda.range.start(), ScopeKind::Lambda)
                {
                    self.scope = scope;
                }
                self.visit_expr(&lambda.body);
                self.scope = previous;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::parse_module;

    fn may(source: &str) -> bool {
        let parsed = parse_module(source);
        let semantic = SemanticModel::build(&parsed, None, false);
        source_sites(parsed.body(), &semantic, &Models::builtin(), None).anywhere()
    }

    #[test]
    fn sources_and_their_prefixes_count() {
        assert!(may("import os\nx = os.environ.get('A')\n"));
        assert!(may("import os\ndef f():\n    return os.getenv('A')\n"));
        assert!(may("import sys\nm = sys\nprint(m.argv)\n"));
        assert!(may("import socket\ns = socket.socket()\ns.recv(10)\n"));
        assert!(may("x = [input() for _ in range(3)]\n"));
        assert!(may("import builtins\nbuiltins.input()\n"));
    }

    #[test]
    fn sources_are_placed_in_their_functions_and_those_around() {
        let source = "import os\n\
            def plain(x):\n    return x\n\
            def reads():\n    return os.environ['A']\n\
            def outer():\n    def inner():\n        return input()\n    return inner\n\
            def defaults(a=os.getenv('B')):\n    return a\n\
            class View:\n    def get(self, request):\n        return 1\n    def other(self):\n        return [lambda: input()]\n";
        let parsed = parse_module(source);
        let semantic = SemanticModel::build(&parsed, None, false);
        let sites = source_sites(parsed.body(), &semantic, &Models::builtin(), None);
        assert!(sites.anywhere());
        let def = |name: &str| {
            let at = source.find(&format!("def {name}")).unwrap();
            TextSize::from(u32::try_from(at).unwrap())
        };
        for (name, expected) in [
            ("plain", false),
            ("reads", true),
            ("outer", true),
            ("inner", true),
            // A default is evaluated by the module, not by the function.
            ("defaults", false),
            ("get", true),
            ("other", true),
        ] {
            assert_eq!(sites.in_function(def(name)), expected, "{name}");
        }
    }

    #[test]
    fn request_handlers_count() {
        assert!(may("def view(request):\n    pass\n"));
        assert!(may("def view(req: Request):\n    pass\n"));
        assert!(may("@app.route('/')\ndef index():\n    pass\n"));
    }

    #[test]
    fn modules_without_sources_do_not() {
        assert!(!may(
            "import os\nos.path.join('a', 'b')\nimport subprocess\nsubprocess.run(x, shell=True)\n"
        ));
        assert!(!may("import urllib.request\nurllib.request.urlopen(u)\n"));
        assert!(!may("def f(environ):\n    return environ.get('A')\n"));
    }
}
