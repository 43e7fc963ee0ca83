//! A cheap, conservative test run before the taint pass: can any taint source appear in this
//! module at all?
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

use rustc_hash::FxHashSet;

use crate::analysis::semantic::{MODULE_SCOPE, ScopeId, ScopeKind, SemanticModel};
use crate::analysis::syntax::{Expr, Stmt, Visitor, ast, visitor};

use super::models::Models;
use super::{DottedNames, ExternalSummaries};

/// Whether the taint pass could create a source label anywhere in this module. `false` means
/// it would report no finding (it still computes constant facts, see `interplay`).
pub(crate) fn may_have_sources(
    body: &[Stmt],
    semantic: &SemanticModel,
    models: &Models,
    external: Option<&ExternalSummaries<'_>>,
) -> bool {
    let mut memo = SourceMemo::default();
    let mut probe = Probe {
        semantic,
        models,
        // A value of kind `request` (a request parameter) is a source when read: the models'
        // index lists it with the sources.
        sources: &models.idx().source_names,
        external,
        scope: MODULE_SCOPE,
        found: false,
        memo: &mut memo,
    };
    // Kinds the engine spells itself.
    probe.check("pathlib.Path");
    for stmt in body {
        if probe.found {
            break;
        }
        probe.visit_stmt(stmt);
    }
    probe.found
}

/// The answers of the name test for one module, by qualified name (the same names recur).
pub(crate) type SourceMemo = rustc_hash::FxHashMap<String, bool>;

/// Whether a taint source can appear inside one function (the same test as
/// [`may_have_sources`], on the function's parameters, decorators and body, nested functions
/// included): a function for which it is `false` creates no source label of its own. `memo`
/// is shared by the functions of one module.
pub(crate) fn function_may_have_sources(
    function: &ast::StmtFunctionDef,
    scope: ScopeId,
    semantic: &SemanticModel,
    models: &Models,
    external: Option<&ExternalSummaries<'_>>,
    memo: &mut SourceMemo,
) -> bool {
    let mut probe = Probe {
        semantic,
        models,
        sources: &models.idx().source_names,
        external,
        scope,
        found: false,
        memo,
    };
    probe.check("pathlib.Path");
    probe.check_function(function);
    for decorator in &function.decorator_list {
        probe.visit_expr(&decorator.expression);
    }
    probe.with_scope(Some(scope), &function.body);
    probe.found
}

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
    for part in module_name.into_iter().flat_map(|name| name.split('.')) {
        if let Some(&index) = words.words.get(part.as_bytes()) {
            seen[index] = true;
        }
    }
    let mut request = false;
    crate::analysis::code_words::for_each_code_word(text, |word| {
        if word.len() > words.longest {
            return;
        }
        if let Some(&index) = words.words.get(word) {
            request |= words.request.contains(&index);
            seen[index] = true;
        }
    });
    request
        || words
            .sources
            .iter()
            .any(|&(first, last)| seen[first] && seen[last])
}

/// The words [`text_may_return_sources`] looks for, indexed once per set of models.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceWords {
    /// Word -> index.
    words: rustc_hash::FxHashMap<Box<[u8]>, usize>,
    /// Length of the longest word (longer words of the text need no lookup).
    longest: usize,
    /// (first part, last part) of each source name, as word indexes.
    sources: Vec<(usize, usize)>,
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
            *words.words.entry(word.as_bytes().into()).or_insert(next)
        }
        let mut words = SourceWords::default();
        for name in sources {
            let first = name.split('.').next().unwrap_or(name);
            let last = name.rsplit('.').next().unwrap_or(name);
            let pair = (index_of(first, &mut words), index_of(last, &mut words));
            words.sources.push(pair);
        }
        for word in request {
            let index = index_of(word, &mut words);
            words.request.insert(index);
        }
        words
    }
}

struct Probe<'s, 'm, 'c> {
    semantic: &'s SemanticModel<'s>,
    models: &'m Models,
    sources: &'m DottedNames,
    /// Other project modules' functions returning source data.
    external: Option<&'m ExternalSummaries<'m>>,
    scope: ScopeId,
    found: bool,
    memo: &'c mut SourceMemo,
}

impl Probe<'_, '_, '_> {
    fn check(&mut self, qualified: &str) {
        if let Some(&found) = self.memo.get(qualified) {
            self.found |= found;
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
            || (!qualified.contains('.') && related(&format!("builtins.{qualified}")));
        self.memo.insert(qualified.to_string(), found);
        self.found |= found;
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
                self.found = true;
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
                self.found = true;
            }
        }
    }

    fn with_scope(&mut self, scope: Option<ScopeId>, body: &[Stmt]) {
        let previous = self.scope;
        if let Some(scope) = scope {
            self.scope = scope;
        }
        for stmt in body {
            if self.found {
                break;
            }
            self.visit_stmt(stmt);
        }
        self.scope = previous;
    }
}

impl<'a> Visitor<'a> for Probe<'_, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found {
            return;
        }
        match stmt {
            Stmt::FunctionDef(function) => {
                self.check_function(function);
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                for parameter in function.parameters.iter() {
                    if let Some(default) = parameter.default() {
                        self.visit_expr(default);
                    }
                }
                let scope = self
                    .semantic
                    .scope_of_node(function.range.start(), ScopeKind::Function);
                self.with_scope(scope, &function.body);
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
        if self.found {
            return;
        }
        match expr {
            Expr::Name(_) | Expr::Attribute(_) => {
                // The outermost chain that resolves is what the engine looks up; its parts
                // are only read when the root is a local (whose kind came from elsewhere).
                if let Some(qualified) = self.semantic.resolve_qualified_name(self.scope, expr) {
                    self.check(&qualified);
                    return;
                }
                visitor::walk_expr(self, expr);
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
        let semantic = SemanticModel::build(parsed.body(), None, false);
        may_have_sources(parsed.body(), &semantic, &Models::builtin(), None)
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
