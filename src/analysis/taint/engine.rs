//! The interpreter: a structured abstract interpretation of each function body.
//!
//! Statements are walked in order with an abstract [`State`]; `if`/`match`/`try` fork and join
//! the state, loops iterate to a (capped) fixpoint, `return`/`raise`/`abort()` kill it. Branches
//! whose test folds to a constant are pruned, and guards (`x in ALLOWED`, `x == "a"`,
//! `x.isdigit()`) sanitize `x` on the edge where they hold.

use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::models::{CweSet, Models, SinkModel};
use super::value::{ATTR, Const, KEY, KEY_STR, Label, State, Value};
use super::{ExternalSummaries, TaintFacts, prefilter, relevance};
use crate::analysis::checker::{Elsewhere, RawFinding, RawStep};
use crate::analysis::concat;
use crate::analysis::semantic::{BindingKind, MODULE_SCOPE, ScopeId, ScopeKind, SemanticModel};
use crate::analysis::syntax::{Expr, LineMap, Ranged, Stmt, TextRange, TextSize, ast};
use crate::finding::Confidence;
use crate::rules::Rule;

const MAX_LOOP_ITERATIONS: usize = 4;
const MAX_TRACE_DEPTH: u8 = 8;
const MAX_PATH_DEPTH: usize = 2;
const NO_PARENT: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub(crate) enum OriginKind {
    Source,
    Param(usize),
}

#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub kind: OriginKind,
    /// What the source is, for messages (empty for a parameter).
    pub desc: String,
    pub range: TextRange,
    pub confidence: Confidence,
}

#[derive(Clone, Debug)]
struct TraceNode {
    parent: u32,
    range: TextRange,
    note: String,
    depth: u8,
    /// A step inside another module's function (index into `FileCx::elsewhere`).
    elsewhere: Option<u32>,
}

/// A parameter that reaches a sink inside a function.
#[derive(Clone, Debug)]
pub(crate) struct ParamSink {
    pub param: usize,
    pub rule: Option<Rule>,
    pub cwe: u16,
    pub what: String,
    pub callee: String,
    pub sink_range: TextRange,
    pub sink_statement: TextRange,
    pub sink_scope: ScopeId,
    pub sanitized: CweSet,
}

/// What a call to a project function does with its arguments.
#[derive(Clone, Debug, Default)]
pub(crate) struct Summary {
    /// Parameters that reach the return value, with the CWEs sanitized on the way.
    pub param_to_return: Vec<(usize, CweSet)>,
    /// The return value's own taint (sources read inside), constant and kind.
    pub returns: Value,
    pub param_sinks: Vec<ParamSink>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Entry {
    None,
    Flask,
    FastApi,
    DjangoView,
}

struct FuncInfo<'a> {
    def: &'a ast::StmtFunctionDef,
    scope: ScopeId,
    class_scope: Option<ScopeId>,
    entry: Entry,
    is_static: bool,
}

#[derive(Copy, Clone, PartialEq, Eq)]
enum Mode {
    /// Compute module globals; report nothing.
    Quiet,
    /// Compute a function summary; parameters carry `Param` labels.
    Summary,
    /// Report findings and facts.
    Report,
}

/// Everything one file's analysis shares across functions.
pub(crate) struct FileCx<'a> {
    models: &'a Models,
    semantic: &'a SemanticModel<'a>,
    lines: &'a LineMap<'a>,
    enabled: &'a FxHashSet<Rule>,
    external: Option<&'a ExternalSummaries<'a>>,
    origins: Vec<Origin>,
    traces: Vec<TraceNode>,
    /// Places in other modules that flows pass through (see [`TraceNode::elsewhere`]).
    elsewhere: Vec<Elsewhere>,
    functions: FxHashMap<TextSize, FuncInfo<'a>>,
    methods: FxHashMap<(ScopeId, String), TextSize>,
    classes: FxHashMap<String, ScopeId>,
    summaries: FxHashMap<TextSize, Rc<Summary>>,
    in_progress: FxHashSet<TextSize>,
    globals: State,
    pub findings: Vec<RawFinding>,
    pub facts: TaintFacts,
    /// Summaries of top-level functions by qualname (for other modules).
    pub exported: Vec<(String, TextSize, Rc<Summary>)>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn analyse_module<'a>(
    body: &'a [Stmt],
    semantic: &'a SemanticModel,
    lines: &'a LineMap<'a>,
    path: &str,
    models: &'a Models,
    enabled: &'a FxHashSet<Rule>,
    external: Option<&'a ExternalSummaries<'a>>,
    run: Run,
) -> FileCx<'a> {
    let mut cx = FileCx {
        models,
        semantic,
        lines,
        enabled,
        external,
        origins: Vec::new(),
        traces: Vec::new(),
        elsewhere: Vec::new(),
        functions: FxHashMap::default(),
        methods: FxHashMap::default(),
        classes: FxHashMap::default(),
        summaries: FxHashMap::default(),
        in_progress: FxHashSet::default(),
        globals: State::default(),
        findings: Vec::new(),
        facts: TaintFacts::default(),
        exported: Vec::new(),
    };
    let context = FileContext::new(body, semantic, path);
    collect_functions(&mut cx, body, MODULE_SCOPE, None, &context);

    // Pass 1: module globals (constants, module-level taint), reporting nothing.
    let mut interp = Interp::new(&mut cx, MODULE_SCOPE, Mode::Quiet, None);
    interp.exec_block(body);
    let globals = std::mem::take(&mut interp.state);
    cx.globals = globals;
    let module_level_quiet = cx.origins.is_empty() && cx.summaries.is_empty();
    cx.summaries.clear();

    match run {
        Run::Report {
            asks_facts,
            sources,
        } => {
            // Pass 2: report on the module body and every function that can hold tainted data
            // (see `relevance`). Pass 2 runs the module body as pass 1 did, but with the final
            // globals (which can only prune more) and with this module's function summaries
            // computed against them: when pass 1 created no taint and summarized no function of
            // this module, the body reports nothing, and its facts are wanted only by a pattern
            // finding in module-level code.
            if !module_level_quiet
                || asks_facts
                    .iter()
                    .any(|range| !in_function_body(&cx, *range))
            {
                let mut interp = Interp::new(&mut cx, MODULE_SCOPE, Mode::Report, None);
                interp.exec_block(body);
            }
            let chosen = taintable_functions(&cx, asks_facts, sources);
            let mut defs: Vec<TextSize> = chosen.into_iter().collect();
            defs.sort();
            for def in defs {
                let scope = cx.functions[&def].scope;
                let mut interp = Interp::new(&mut cx, scope, Mode::Report, Some(def));
                interp.bind_params();
                let body = &interp.cx.functions[&def].def.body;
                interp.exec_block(body);
                interp.finish_return();
            }
        }
        Run::Summaries => {
            let mut defs: Vec<(TextSize, String)> = cx
                .functions
                .iter()
                .filter(|(_, info)| {
                    let parent = cx.semantic.scope(info.scope).parent;
                    parent == Some(MODULE_SCOPE) || info.class_scope.is_some()
                })
                .map(|(&def, info)| (def, cx.semantic.qualname(info.scope)))
                .collect();
            defs.sort();
            for (def, qualname) in defs {
                if let Some(summary) = summary_of(&mut cx, def) {
                    cx.exported.push((qualname, def, summary));
                }
            }
        }
    }
    cx
}

/// Whether `range` lies in the body of one of the module's functions (so module-level code
/// never evaluates it; parameter defaults and decorators are outside).
fn in_function_body(cx: &FileCx, range: TextRange) -> bool {
    cx.functions.values().any(|info| {
        let body = &info.def.body;
        match (body.first(), body.last()) {
            (Some(first), Some(last)) => {
                TextRange::new(first.start(), last.end()).contains_range(range)
            }
            _ => false,
        }
    })
}

/// What [`analyse_module`] computes.
#[derive(Clone, Copy)]
pub(crate) enum Run<'r> {
    /// Findings and facts. `asks_facts`: ranges of pattern findings that consult the facts
    /// (their functions are interpreted even when no taint can reach them); `sources`: where
    /// the prefilter says sources can appear.
    Report {
        asks_facts: &'r [TextRange],
        sources: &'r prefilter::SourceSites,
    },
    /// Summaries of every top-level function and method (for other modules).
    Summaries,
}

/// The functions that can hold tainted data after the module's top level ran (see
/// `relevance`), plus those containing `asks_facts`.
fn taintable_functions(
    cx: &FileCx,
    asks_facts: &[TextRange],
    sources: &prefilter::SourceSites,
) -> FxHashSet<TextSize> {
    let tainted_globals: FxHashSet<&str> = cx
        .globals
        .vars
        .iter()
        .filter(|(_, value)| value.is_tainted())
        .map(|(path, _)| root(path))
        .collect();
    let candidates: Vec<relevance::Candidate> = cx
        .functions
        .values()
        .map(|info| relevance::Candidate {
            def: info.def,
            has_sources: info.entry != Entry::None || sources.in_function(info.def.range.start()),
        })
        .collect();
    relevance::functions_to_report(&candidates, &tainted_globals, asks_facts)
}

/// Per-file facts used to classify entry points.
struct FileContext {
    imports_fastapi: bool,
    imports_django: bool,
    views_file: bool,
    urlpattern_names: FxHashSet<String>,
}

impl FileContext {
    fn new(body: &[Stmt], semantic: &SemanticModel, path: &str) -> Self {
        let mut imports_fastapi = false;
        let mut imports_django = false;
        for binding in semantic.bindings() {
            let module = match &binding.kind {
                BindingKind::Import { module } => module.as_str(),
                BindingKind::FromImport { qualified } => qualified.as_str(),
                _ => continue,
            };
            imports_fastapi |= module.starts_with("fastapi") || module.starts_with("starlette");
            imports_django |= module.starts_with("django") || module.starts_with("rest_framework");
        }
        let mut urlpattern_names = FxHashSet::default();
        for stmt in body {
            if let Stmt::Assign(assign) = stmt {
                let is_urls = assign.targets.iter().any(
                    |target| matches!(target, Expr::Name(name) if name.id.as_str() == "urlpatterns"),
                );
                if is_urls {
                    collect_view_names(&assign.value, &mut urlpattern_names);
                }
            }
        }
        FileContext {
            imports_fastapi,
            imports_django,
            views_file: path.ends_with("views.py") || path.contains("/views/"),
            urlpattern_names,
        }
    }
}

fn collect_view_names(expr: &Expr, out: &mut FxHashSet<String>) {
    match expr {
        Expr::List(list) => list.elts.iter().for_each(|e| collect_view_names(e, out)),
        Expr::Tuple(tuple) => tuple.elts.iter().for_each(|e| collect_view_names(e, out)),
        Expr::BinOp(binop) => {
            collect_view_names(&binop.left, out);
            collect_view_names(&binop.right, out);
        }
        Expr::Call(call) => {
            if let Some(view) = call.arguments.args.get(1) {
                match view {
                    Expr::Name(name) => {
                        out.insert(name.id.to_string());
                    }
                    Expr::Attribute(attribute) => {
                        out.insert(attribute.attr.to_string());
                    }
                    Expr::Call(inner) => {
                        // `Class.as_view()`
                        if let Expr::Attribute(attribute) = &*inner.func
                            && let Some(name) = last_name(&attribute.value)
                        {
                            out.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn last_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => Some(attribute.attr.to_string()),
        _ => None,
    }
}

fn collect_functions<'a>(
    cx: &mut FileCx<'a>,
    body: &'a [Stmt],
    scope: ScopeId,
    class_scope: Option<(ScopeId, &'a ast::StmtClassDef)>,
    context: &FileContext,
) {
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(def) => {
                let Some(inner) = cx
                    .semantic
                    .scope_of_node(def.range.start(), ScopeKind::Function)
                else {
                    continue;
                };
                let entry = entry_kind(cx, def, scope, class_scope.map(|c| c.1), context);
                let is_static = def.decorator_list.iter().any(|decorator| {
                    matches!(&decorator.expression, Expr::Name(name) if name.id.as_str() == "staticmethod")
                });
                if let Some((class, _)) = class_scope {
                    cx.methods
                        .insert((class, def.name.to_string()), def.range.start());
                }
                cx.functions.insert(
                    def.range.start(),
                    FuncInfo {
                        def,
                        scope: inner,
                        class_scope: class_scope.map(|c| c.0),
                        entry,
                        is_static,
                    },
                );
                collect_functions(cx, &def.body, inner, None, context);
            }
            Stmt::ClassDef(class) => {
                if let Some(inner) = cx
                    .semantic
                    .scope_of_node(class.range.start(), ScopeKind::Class)
                {
                    cx.classes.insert(class.name.to_string(), inner);
                    collect_functions(cx, &class.body, inner, Some((inner, class)), context);
                }
            }
            Stmt::If(if_stmt) => {
                collect_functions(cx, &if_stmt.body, scope, class_scope, context);
                for clause in &if_stmt.elif_else_clauses {
                    collect_functions(cx, &clause.body, scope, class_scope, context);
                }
            }
            Stmt::Try(try_stmt) => {
                collect_functions(cx, &try_stmt.body, scope, class_scope, context);
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    collect_functions(cx, &handler.body, scope, class_scope, context);
                }
            }
            _ => {}
        }
    }
}

/// Parameters a Flask route declares with a non-string converter (`/n/<int:number>`).
fn flask_typed_route_params(def: &ast::StmtFunctionDef) -> Vec<String> {
    let mut typed = Vec::new();
    for decorator in &def.decorator_list {
        let Expr::Call(call) = &decorator.expression else {
            continue;
        };
        let Some(Expr::StringLiteral(rule)) = call.arguments.args.first() else {
            continue;
        };
        let rule = rule.value.to_str();
        let mut rest = rule;
        while let Some(start) = rest.find('<') {
            let Some(end) = rest[start..].find('>') else {
                break;
            };
            let variable = &rest[start + 1..start + end];
            if let Some((converter, name)) = variable.split_once(':')
                && matches!(converter.trim(), "int" | "float" | "uuid")
            {
                typed.push(name.trim().to_string());
            }
            rest = &rest[start + end + 1..];
        }
    }
    typed
}

fn entry_kind(
    cx: &FileCx,
    def: &ast::StmtFunctionDef,
    scope: ScopeId,
    class: Option<&ast::StmtClassDef>,
    context: &FileContext,
) -> Entry {
    let index = cx.models.idx();
    for decorator in &def.decorator_list {
        let func = match &decorator.expression {
            Expr::Call(call) => &*call.func,
            other => other,
        };
        let Expr::Attribute(attribute) = func else {
            continue;
        };
        let attr = attribute.attr.as_str();
        if !index.entry_decorators.contains(attr) {
            continue;
        }
        let owner = cx
            .semantic
            .instance_of(scope, &attribute.value)
            .unwrap_or("");
        if owner.starts_with("fastapi") || owner.starts_with("starlette") {
            return Entry::FastApi;
        }
        if owner.starts_with("flask") || owner.starts_with("quart") || attr == "route" {
            return Entry::Flask;
        }
        return if context.imports_fastapi {
            Entry::FastApi
        } else {
            Entry::Flask
        };
    }
    let params: Vec<&str> = def
        .parameters
        .posonlyargs
        .iter()
        .chain(&def.parameters.args)
        .map(|p| p.name().as_str())
        .collect();
    match class {
        None => {
            if params.first() == Some(&"request")
                && (context.views_file
                    || context.imports_django
                    || context.urlpattern_names.contains(def.name.as_str()))
            {
                return Entry::DjangoView;
            }
        }
        Some(class) => {
            let view_base = class.bases().iter().any(|base| {
                last_name(base)
                    .is_some_and(|name| name.ends_with("View") || name.ends_with("ViewSet"))
            });
            if view_base
                && index.django_view_methods.contains(def.name.as_str())
                && params.get(1) == Some(&"request")
            {
                return Entry::DjangoView;
            }
        }
    }
    Entry::None
}

/// The summary of a project function, computing it on first use. `None` while it is being
/// computed (recursion): callers fall back to the unknown-call rule.
fn summary_of(cx: &mut FileCx, def: TextSize) -> Option<Rc<Summary>> {
    if let Some(summary) = cx.summaries.get(&def) {
        return Some(summary.clone());
    }
    if cx.in_progress.contains(&def) || !cx.functions.contains_key(&def) {
        return None;
    }
    cx.in_progress.insert(def);
    let scope = cx.functions[&def].scope;
    let mut interp = Interp::new(cx, scope, Mode::Summary, Some(def));
    interp.bind_params();
    let body = &interp.cx.functions[&def].def.body;
    interp.exec_block(body);
    interp.finish_return();
    let returns = interp.returns.take().unwrap_or_default();
    let mut summary = std::mem::take(&mut interp.summary);
    let mut params: FxHashMap<usize, CweSet> = FxHashMap::default();
    let mut own = Vec::new();
    for label in &returns.taint {
        match interp.cx.origins[label.0 as usize].kind {
            OriginKind::Param(index) => {
                let entry = params.entry(index).or_insert(CweSet::ALL);
                entry.0 &= returns.sanitized.0;
            }
            OriginKind::Source => own.push(*label),
        }
    }
    summary.param_to_return = params.into_iter().collect();
    summary.param_to_return.sort_by_key(|entry| entry.0);
    summary.returns = Value {
        taint: own,
        sanitized: returns.sanitized,
        weak: returns.weak,
        constant: if summary.param_to_return.is_empty() {
            returns.constant.clone()
        } else {
            None
        },
        kind: returns.kind.clone(),
    };
    let summary = Rc::new(summary);
    cx.in_progress.remove(&def);
    cx.summaries.insert(def, summary.clone());
    Some(summary)
}

/// A sink that matched a call, with the values that matter.
struct SinkHit {
    rule: Option<Rule>,
    cwe: u16,
    what: String,
    callee: String,
    values: Vec<Value>,
}

struct Interp<'a, 'c> {
    cx: &'c mut FileCx<'a>,
    scope: ScopeId,
    mode: Mode,
    func: Option<TextSize>,
    entry: Entry,
    class_scope: Option<ScopeId>,
    self_name: Option<String>,
    state: State,
    returns: Option<Value>,
    loops: Vec<(Vec<State>, Vec<State>)>,
    statement: TextRange,
    summary: Summary,
}

const STR_METHODS_FOLD: &[&str] = &["upper", "lower", "strip", "lstrip", "rstrip", "title"];
const CONTAINER_ADD: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "appendleft",
    "extendleft",
    "write",
    "writelines",
];
const TERMINATORS: &[&str] = &[
    "flask.abort",
    "werkzeug.exceptions.abort",
    "sys.exit",
    "exit",
    "quit",
    "os._exit",
    "fastapi.HTTPException",
    "django.http.Http404",
    "bottle.abort",
];

impl<'a, 'c> Interp<'a, 'c> {
    fn new(cx: &'c mut FileCx<'a>, scope: ScopeId, mode: Mode, func: Option<TextSize>) -> Self {
        let (entry, class_scope) = func
            .and_then(|def| cx.functions.get(&def))
            .map_or((Entry::None, None), |info| (info.entry, info.class_scope));
        Interp {
            cx,
            scope,
            mode,
            func,
            entry,
            class_scope,
            self_name: None,
            state: State::default(),
            returns: None,
            loops: Vec::new(),
            statement: TextRange::default(),
            summary: Summary::default(),
        }
    }

    // ------------------------------------------------------------------ provenance

    fn new_origin(
        &mut self,
        kind: OriginKind,
        desc: String,
        range: TextRange,
        confidence: Confidence,
    ) -> Value {
        let origin = self.cx.origins.len() as u32;
        // Only flows from sources are shown (a parameter's flow is shown from the caller's
        // argument): a parameter's trace carries no text (see `step_to`).
        let note = match kind {
            OriginKind::Source => concat(&["source: ", &desc]),
            OriginKind::Param(_) => String::new(),
        };
        self.cx.origins.push(Origin {
            kind,
            desc,
            range,
            confidence,
        });
        let trace = self.cx.traces.len() as u32;
        self.cx.traces.push(TraceNode {
            parent: NO_PARENT,
            range,
            note,
            depth: 0,
            elsewhere: None,
        });
        Value {
            taint: vec![(origin, trace)],
            ..Value::default()
        }
    }

    fn source_value(&mut self, desc: &str, range: TextRange, confidence: Confidence) -> Value {
        self.new_origin(OriginKind::Source, desc.to_string(), range, confidence)
    }

    /// Extend each label's provenance with a step.
    fn step(&mut self, value: &Value, range: TextRange, note: impl Fn() -> String) -> Value {
        self.step_to(value, range, note, None)
    }

    /// Extend each label's provenance with a step inside another module's function (at the
    /// local `range` of the call that applied its summary).
    fn step_elsewhere(
        &mut self,
        value: &Value,
        range: TextRange,
        note: impl Fn() -> String,
        place: Elsewhere,
    ) -> Value {
        if value.taint.is_empty() || self.mode == Mode::Quiet {
            return value.clone();
        }
        let index = self.cx.elsewhere.len() as u32;
        self.cx.elsewhere.push(place);
        self.step_to(value, range, note, Some(index))
    }

    fn step_to(
        &mut self,
        value: &Value,
        range: TextRange,
        note: impl Fn() -> String,
        elsewhere: Option<u32>,
    ) -> Value {
        if value.taint.is_empty() || self.mode == Mode::Quiet {
            return value.clone();
        }
        let mut out = value.clone();
        for label in &mut out.taint {
            // A parameter's provenance is never shown (see `new_origin`): its steps are not
            // recorded.
            if matches!(self.cx.origins[label.0 as usize].kind, OriginKind::Param(_)) {
                continue;
            }
            let parent = &self.cx.traces[label.1 as usize];
            if parent.depth >= MAX_TRACE_DEPTH || (parent.range == range && elsewhere.is_none()) {
                continue;
            }
            let depth = parent.depth + 1;
            let id = self.cx.traces.len() as u32;
            self.cx.traces.push(TraceNode {
                parent: label.1,
                range,
                note: note(),
                depth,
                elsewhere,
            });
            label.1 = id;
        }
        out
    }

    fn trace_steps(&self, trace: u32) -> Vec<RawStep> {
        let mut steps = Vec::new();
        let mut at = trace;
        while at != NO_PARENT {
            let node = &self.cx.traces[at as usize];
            steps.push(RawStep {
                range: node.range,
                note: node.note.clone(),
                elsewhere: node
                    .elsewhere
                    .and_then(|index| self.cx.elsewhere.get(index as usize))
                    .map(|place| Box::new(place.clone())),
            });
            at = node.parent;
        }
        steps.reverse();
        steps
    }

    // ------------------------------------------------------------------ parameters

    fn bind_params(&mut self) {
        let Some(def) = self.func else { return };
        let info = &self.cx.functions[&def];
        let parameters = &info.def.parameters;
        let is_method = info.class_scope.is_some() && !info.is_static;
        let entry = info.entry;
        let index = self.cx.models.idx();
        let mut bound: Vec<(String, Value)> = Vec::new();
        let all: Vec<&ast::ParameterWithDefault> = parameters.iter_non_variadic_params().collect();
        let typed_route_params = flask_typed_route_params(info.def);
        let mut request_seen = false;
        for (position, param) in all.iter().enumerate() {
            let name = param.name().to_string();
            if position == 0 && is_method {
                self.self_name = Some(name);
                continue;
            }
            let annotation = param.annotation().and_then(last_name);
            let is_request = index.request_params.contains(&name)
                || annotation
                    .as_deref()
                    .is_some_and(|a| index.request_annotations.contains(a));
            if is_request {
                request_seen = true;
                bound.push((
                    name,
                    Value {
                        kind: Some(Rc::from("request")),
                        ..Value::default()
                    },
                ));
                continue;
            }
            let value = match self.mode {
                Mode::Summary => self.new_origin(
                    OriginKind::Param(position),
                    String::new(),
                    param.range,
                    Confidence::High,
                ),
                _ => {
                    let tainted = match entry {
                        // `<int:id>` / `<float:x>` / `<uuid:u>` converters only let typed values in.
                        Entry::Flask => !typed_route_params.contains(&name),
                        Entry::DjangoView => request_seen,
                        Entry::FastApi => {
                            !matches!(annotation.as_deref(), Some("int" | "float" | "bool" | "UUID" | "datetime" | "date"))
                                && !param.default().is_some_and(|d| {
                                    matches!(d, Expr::Call(call) if last_name(&call.func).is_some_and(|n| n == "Depends" || n == "Security"))
                                })
                        }
                        Entry::None => false,
                    };
                    if tainted {
                        self.source_value(
                            &format!("route parameter `{name}`"),
                            param.range,
                            Confidence::High,
                        )
                    } else {
                        Value::default()
                    }
                }
            };
            bound.push((name, value));
        }
        for param in [&parameters.vararg, &parameters.kwarg]
            .into_iter()
            .flatten()
        {
            let name = param.name.to_string();
            let value = if self.mode == Mode::Report && entry != Entry::None {
                self.source_value(
                    &format!("route parameter `{name}`"),
                    param.range,
                    Confidence::High,
                )
            } else {
                Value::default()
            };
            bound.push((name, value));
        }
        for (name, value) in bound {
            self.state.set(&name, value);
        }
    }

    fn finish_return(&mut self) {
        if !self.state.dead {
            let none = Value::constant(Const::None);
            self.add_return(none);
        }
    }

    fn add_return(&mut self, value: Value) {
        self.returns = Some(match self.returns.take() {
            Some(previous) => previous.join(&value),
            None => value,
        });
    }

    // ------------------------------------------------------------------ statements

    fn exec_block(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            if self.state.dead {
                break;
            }
            self.exec_stmt(stmt);
        }
    }

    fn exec_stmt(&mut self, stmt: &'a Stmt) {
        let previous = self.statement;
        self.statement = stmt.range();
        match stmt {
            Stmt::Expr(expr) => {
                self.eval(&expr.value);
                if let Expr::Call(call) = &*expr.value
                    && self.is_terminator(&call.func)
                {
                    self.state.dead = true;
                }
            }
            Stmt::Assign(assign) => {
                let value = self.eval(&assign.value);
                for target in &assign.targets {
                    self.assign_from(target, &assign.value, value.clone());
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(expr) = &assign.value {
                    let value = self.eval(expr);
                    self.assign_from(&assign.target, expr, value);
                }
            }
            Stmt::AugAssign(assign) => {
                let current = self.eval(&assign.target);
                let right = self.eval(&assign.value);
                let mut value = current.taint_only();
                value.absorb(&right);
                value.constant = match (&current.constant, &right.constant) {
                    (Some(a), Some(b)) => fold_binop(a, assign.op, b),
                    _ => None,
                };
                self.assign(&assign.target, value);
            }
            Stmt::Return(ret) => {
                let value = match &ret.value {
                    Some(expr) => {
                        let value = self.eval(expr);
                        if self.entry == Entry::Flask && is_stringy(expr) {
                            self.check_store_or_return_sink(
                                79,
                                "HTML response returned by the view",
                                "return",
                                &value,
                                expr.range(),
                            );
                        }
                        value
                    }
                    None => Value::constant(Const::None),
                };
                self.add_return(value);
                self.state.dead = true;
            }
            Stmt::If(if_stmt) => self.exec_if(if_stmt),
            Stmt::While(while_stmt) => self.exec_while(while_stmt),
            Stmt::For(for_stmt) => self.exec_for(for_stmt),
            Stmt::With(with) => {
                for item in &with.items {
                    let value = self.eval(&item.context_expr);
                    if let Some(target) = &item.optional_vars {
                        self.assign(target, value);
                    }
                }
                self.exec_block(&with.body);
            }
            Stmt::Try(try_stmt) => self.exec_try(try_stmt),
            Stmt::Match(match_stmt) => self.exec_match(match_stmt),
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    self.eval(exc);
                }
                self.state.dead = true;
            }
            Stmt::Break(_) => {
                let state = std::mem::replace(&mut self.state, State::dead());
                if let Some(frame) = self.loops.last_mut() {
                    frame.0.push(state);
                }
            }
            Stmt::Continue(_) => {
                let state = std::mem::replace(&mut self.state, State::dead());
                if let Some(frame) = self.loops.last_mut() {
                    frame.1.push(state);
                }
            }
            Stmt::Assert(assert) => {
                self.eval(&assert.test);
                self.refine(&assert.test, true);
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    if let Some(path) = path_of(target) {
                        self.state.remove(&path);
                    }
                }
            }
            Stmt::FunctionDef(def) => {
                self.state.set(def.name.as_str(), Value::default());
            }
            Stmt::ClassDef(class) => {
                self.state.set(class.name.as_str(), Value::default());
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name);
                    let bound = name.as_str().split('.').next().unwrap_or("");
                    self.state.remove(bound);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.state.remove(name.as_str());
                }
            }
            _ => {}
        }
        self.statement = previous;
    }

    fn is_terminator(&self, func: &Expr) -> bool {
        self.cx
            .semantic
            .resolve_qualified_name(self.scope, func)
            .is_some_and(|name| TERMINATORS.contains(&name.as_str()))
    }

    fn exec_if(&mut self, if_stmt: &'a ast::StmtIf) {
        let mut clauses: Vec<(Option<&'a Expr>, &'a [Stmt])> =
            vec![(Some(&*if_stmt.test), &if_stmt.body[..])];
        for clause in &if_stmt.elif_else_clauses {
            clauses.push((clause.test.as_ref(), &clause.body[..]));
        }
        let mut out = State::dead();
        let mut has_else = false;
        for (test, body) in clauses {
            if self.state.dead {
                break;
            }
            let Some(test) = test else {
                has_else = true;
                self.exec_block(body);
                out = out.join(&self.state);
                self.state = State::dead();
                break;
            };
            let truth = self.eval(test).constant.and_then(|c| c.truthy());
            match truth {
                Some(true) => {
                    self.exec_block(body);
                    out = out.join(&self.state);
                    self.state = State::dead();
                    has_else = true;
                    break;
                }
                Some(false) => continue,
                None => {
                    let saved = self.state.clone();
                    self.refine(test, true);
                    self.exec_block(body);
                    out = out.join(&self.state);
                    self.state = saved;
                    self.refine(test, false);
                }
            }
        }
        if !has_else {
            out = out.join(&self.state);
        }
        self.state = out;
    }

    fn run_loop(
        &mut self,
        test: Option<&'a Expr>,
        target: Option<(&'a Expr, Value)>,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) {
        let mut head = self.state.clone();
        let mut exits = Vec::new();
        let mut last_normal_exit = State::dead();
        for _ in 0..MAX_LOOP_ITERATIONS {
            self.state = head.clone();
            if let Some(test) = test {
                let truth = self.eval(test).constant.and_then(|c| c.truthy());
                let always_true = truth == Some(true);
                if truth == Some(false) {
                    last_normal_exit = self.state.clone();
                    break;
                }
                let mut exit = self.state.clone();
                std::mem::swap(&mut self.state, &mut exit);
                self.refine(test, false);
                std::mem::swap(&mut self.state, &mut exit);
                if !always_true {
                    last_normal_exit = exit;
                }
                self.refine(test, true);
            } else {
                last_normal_exit = self.state.clone();
            }
            if let Some((target, value)) = &target {
                self.assign(target, value.clone());
            }
            self.loops.push((Vec::new(), Vec::new()));
            self.exec_block(body);
            let (breaks, continues) = self.loops.pop().unwrap_or_default();
            exits = breaks;
            let mut back = std::mem::take(&mut self.state);
            for state in &continues {
                back = back.join(state);
            }
            let next = head.join(&back);
            if next.same(&head) {
                break;
            }
            head = next;
        }
        self.state = last_normal_exit;
        if !orelse.is_empty() && !self.state.dead {
            self.exec_block(orelse);
        }
        for state in exits {
            self.state = self.state.join(&state);
        }
    }

    fn exec_while(&mut self, while_stmt: &'a ast::StmtWhile) {
        self.run_loop(
            Some(&while_stmt.test),
            None,
            &while_stmt.body,
            &while_stmt.orelse,
        );
    }

    fn exec_for(&mut self, for_stmt: &'a ast::StmtFor) {
        let iter = self.eval(&for_stmt.iter);
        let element = element_of(&iter);
        self.run_loop(
            None,
            Some((&for_stmt.target, element)),
            &for_stmt.body,
            &for_stmt.orelse,
        );
    }

    fn exec_try(&mut self, try_stmt: &'a ast::StmtTry) {
        let entry = self.state.clone();
        self.exec_block(&try_stmt.body);
        let after_body = std::mem::take(&mut self.state);
        let handler_entry = entry.join(&after_body);
        let mut out = after_body;
        if !try_stmt.orelse.is_empty() {
            self.state = out;
            self.exec_block(&try_stmt.orelse);
            out = std::mem::take(&mut self.state);
        }
        for handler in &try_stmt.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            self.state = handler_entry.clone();
            if let Some(name) = &handler.name {
                self.state.set(name.as_str(), Value::default());
            }
            self.exec_block(&handler.body);
            out = out.join(&self.state);
        }
        if !try_stmt.finalbody.is_empty() {
            let was_dead = out.dead;
            self.state = if was_dead {
                handler_entry.join(&out)
            } else {
                out
            };
            self.exec_block(&try_stmt.finalbody);
            if was_dead {
                self.state.dead = true;
            }
        } else {
            self.state = out;
        }
    }

    fn exec_match(&mut self, match_stmt: &'a ast::StmtMatch) {
        let subject = self.eval(&match_stmt.subject);
        let entry = self.state.clone();
        let mut out = State::dead();
        let mut irrefutable = false;
        for case in &match_stmt.cases {
            self.state = entry.clone();
            let mut names = Vec::new();
            pattern_captures(&case.pattern, &mut names);
            for name in names {
                self.state.set(&name, subject.taint_only());
            }
            if let ast::Pattern::MatchValue(value) = &case.pattern
                && let Some(path) = path_of(&match_stmt.subject)
            {
                let constant = self.eval(&value.value).constant;
                if constant.is_some() {
                    self.state.set(
                        &path,
                        Value {
                            constant,
                            ..Value::default()
                        },
                    );
                }
            }
            if let Some(guard) = &case.guard {
                self.eval(guard);
                self.refine(guard, true);
            }
            if case.guard.is_none()
                && matches!(&case.pattern, ast::Pattern::MatchAs(p) if p.pattern.is_none())
            {
                irrefutable = true;
            }
            self.exec_block(&case.body);
            out = out.join(&self.state);
        }
        if !irrefutable {
            out = out.join(&entry);
        }
        self.state = out;
    }

    // ------------------------------------------------------------------ assignment

    fn assign_from(&mut self, target: &'a Expr, value_expr: &'a Expr, value: Value) {
        // Per-element precision for `a, b = x, y`.
        if let (Expr::Tuple(_) | Expr::List(_), Expr::Tuple(_) | Expr::List(_)) =
            (target, value_expr)
        {
            let targets = elements(target);
            let values = elements(value_expr);
            if targets.len() == values.len()
                && !targets
                    .iter()
                    .chain(values)
                    .any(|e| matches!(e, Expr::Starred(_)))
            {
                let evaluated: Vec<Value> = values.iter().map(|v| self.eval_quiet(v)).collect();
                for (target, value) in targets.iter().zip(evaluated) {
                    self.assign(target, value);
                }
                return;
            }
        }
        // Per-key precision for `d = {"k": v, ...}`.
        if let Expr::Dict(dict) = value_expr
            && let Some(path) = path_of(target)
            && dict.items.iter().all(|item| {
                item.key
                    .as_ref()
                    .is_some_and(|k| literal_key_of(k).is_some())
            })
            && depth(&path) < MAX_PATH_DEPTH
        {
            let mut base = value.clone();
            base.taint.clear();
            self.assign(target, base);
            for item in &dict.items {
                if let Some(key) = item.key.as_ref().and_then(literal_key) {
                    let field = self.eval_quiet(&item.value);
                    let field = self.step(&field, item.value.range(), || {
                        "stored in a dict".to_string()
                    });
                    self.state
                        .vars
                        .insert(concat(&[&path, KEY_STR, &key]).into(), field);
                }
            }
            return;
        }
        self.assign(target, value);
    }

    /// Evaluate without recording facts or sinks twice (the value was already evaluated once).
    fn eval_quiet(&mut self, expr: &'a Expr) -> Value {
        let mode = self.mode;
        if self.mode == Mode::Report {
            self.mode = Mode::Quiet;
        }
        let value = self.eval(expr);
        self.mode = mode;
        value
    }

    fn assign(&mut self, target: &'a Expr, value: Value) {
        match target {
            Expr::Name(name) => {
                let value = self.step(&value, name.range, || {
                    concat(&["assigned to `", name.id.as_str(), "`"])
                });
                self.state.set(name.id.as_str(), value);
            }
            Expr::Tuple(_) | Expr::List(_) => {
                let targets = elements(target);
                let constants: Option<Vec<Const>> = match &value.constant {
                    Some(Const::Seq(items)) if items.len() == targets.len() => Some(items.to_vec()),
                    _ => None,
                };
                for (index, element) in targets.iter().enumerate() {
                    let mut part = value.taint_only();
                    if let Some(constants) = &constants {
                        part.constant = Some(constants[index].clone());
                    }
                    self.assign(element, part);
                }
            }
            Expr::Starred(starred) => self.assign(&starred.value, value.taint_only()),
            Expr::Attribute(_) | Expr::Subscript(_) => {
                self.check_store_sink(target, &value);
                if let Expr::Subscript(subscript) = target {
                    self.eval(&subscript.value);
                }
                match path_of(target) {
                    Some(path) if depth(&path) <= MAX_PATH_DEPTH => {
                        let value = self.step(&value, target.range(), || {
                            concat(&["stored in `", self.cx.lines.slice(target.range()), "`"])
                        });
                        self.state.set(&path, value);
                    }
                    _ => {
                        // Weak update of the container.
                        let base = match target {
                            Expr::Attribute(attribute) => &*attribute.value,
                            Expr::Subscript(subscript) => &*subscript.value,
                            _ => unreachable!(),
                        };
                        if let Some(path) = path_of(base).map(|p| truncate_path(&p)) {
                            let mut current = self.state.lookup(&path).unwrap_or_default();
                            current.absorb(&value);
                            current.constant = None;
                            self.state.vars.insert(path.into(), current);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn check_store_sink(&mut self, target: &'a Expr, value: &Value) {
        let Expr::Subscript(subscript) = target else {
            return;
        };
        if !value.is_tainted() {
            return;
        }
        let container = &*subscript.value;
        let qualified = self
            .cx
            .semantic
            .resolve_qualified_name(self.scope, container);
        let kind = if path_root(container).is_some_and(|root| self.state.knows(root)) {
            self.eval_quiet(container).kind
        } else {
            None
        };
        let text = self.cx.lines.slice(container.range()).to_string();
        let mut hits = Vec::new();
        for (pattern, sink) in &self.cx.models.idx().sinks_by_store {
            let matches = if let Some(suffix) = pattern.strip_prefix("*.") {
                match container {
                    Expr::Attribute(attribute) => attribute.attr.as_str() == suffix,
                    _ => false,
                }
            } else {
                qualified.as_deref() == Some(pattern.as_str())
                    || kind.as_deref() == Some(pattern.as_str())
            };
            if matches {
                hits.push(*sink);
            }
        }
        for sink in hits {
            let model = &self.cx.models.sink[sink];
            let hit = SinkHit {
                rule: self.cx.models.idx().sink_rules[sink],
                cwe: model.cwe,
                what: model.what.clone(),
                callee: format!("{text}[...]"),
                values: vec![value.clone()],
            };
            self.report_hit(hit, target.range());
        }
    }

    fn check_store_or_return_sink(
        &mut self,
        cwe: u16,
        what: &str,
        callee: &str,
        value: &Value,
        range: TextRange,
    ) {
        let rule = self
            .cx
            .models
            .idx()
            .sink_rules
            .iter()
            .flatten()
            .find(|rule| rule.meta().cwe == cwe)
            .copied();
        let hit = SinkHit {
            rule,
            cwe,
            what: what.to_string(),
            callee: callee.to_string(),
            values: vec![value.clone()],
        };
        self.report_hit(hit, range);
    }

    // ------------------------------------------------------------------ guards

    /// Narrow the state on the edge where `test` is `truth`.
    fn refine(&mut self, test: &'a Expr, truth: bool) {
        match test {
            Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => {
                self.refine(&unary.operand, !truth)
            }
            Expr::BoolOp(boolop) => {
                let all = (boolop.op == ast::BoolOp::And) == truth;
                if all {
                    for value in &boolop.values {
                        self.refine(value, truth);
                    }
                }
            }
            Expr::Compare(compare) if compare.ops.len() == 1 => {
                let op = compare.ops[0];
                let right = &compare.comparators[0];
                let left = &*compare.left;
                match op {
                    ast::CmpOp::In | ast::CmpOp::NotIn => {
                        let holds = (op == ast::CmpOp::In) == truth;
                        if holds && self.eval_quiet(right).constant.is_some() {
                            self.sanitize_path(left, CweSet::ALL);
                        }
                    }
                    ast::CmpOp::Eq | ast::CmpOp::NotEq | ast::CmpOp::Is | ast::CmpOp::IsNot => {
                        let holds = matches!(op, ast::CmpOp::Eq | ast::CmpOp::Is) == truth;
                        if holds {
                            let (var, other) = if self.eval_quiet(right).constant.is_some() {
                                (left, right)
                            } else {
                                (right, left)
                            };
                            if let Some(constant) = self.eval_quiet(other).constant
                                && let Some(path) = path_of(var)
                            {
                                self.state.set(&path, Value::constant(constant));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Expr::Call(call) if truth => self.refine_call(call),
            Expr::Named(named) => self.refine(&named.value, truth),
            _ => {}
        }
    }

    fn refine_call(&mut self, call: &'a ast::ExprCall) {
        let qualified = self
            .cx
            .semantic
            .resolve_qualified_name(self.scope, &call.func);
        if let Some(name) = &qualified {
            if let Some((cwes, true)) = self.cx.models.idx().sanitizers_by_callee.get(name).copied()
            {
                if let Some(arg) = call.arguments.args.first() {
                    self.sanitize_path(arg, cwes);
                }
                return;
            }
            match name.as_str() {
                "re.fullmatch" | "re.match" | "regex.fullmatch" | "regex.match" => {
                    let anchored = call.arguments.args.first().and_then(|p| {
                        match self.eval_quiet(p).constant {
                            Some(Const::Str(text)) => Some(
                                name.ends_with("fullmatch")
                                    || text.ends_with('$')
                                    || text.ends_with("\\Z"),
                            ),
                            _ => None,
                        }
                    });
                    if anchored == Some(true)
                        && let Some(arg) = call.arguments.args.get(1)
                    {
                        self.sanitize_path(arg, CweSet::ALL);
                    }
                }
                "isinstance" => {
                    let numeric = call.arguments.args.get(1).is_some_and(|t| {
                        let text = self.cx.lines.slice(t.range());
                        ["int", "float", "bool"].iter().any(|n| text.contains(n))
                            && !text.contains("str")
                    });
                    if numeric && let Some(arg) = call.arguments.args.first() {
                        self.sanitize_path(arg, CweSet::ALL);
                    }
                }
                _ => {}
            }
            return;
        }
        if let Expr::Attribute(attribute) = &*call.func {
            match attribute.attr.as_str() {
                "isdigit" | "isnumeric" | "isdecimal" | "isalnum" | "isalpha" | "isidentifier" => {
                    self.sanitize_path(&attribute.value, CweSet::ALL);
                }
                "startswith" => {
                    let prefix = call
                        .arguments
                        .args
                        .first()
                        .and_then(|p| self.eval_quiet(p).constant);
                    let mut cwes = CweSet::of(&[22]);
                    let host_prefix = has_host_prefix;
                    let has_host = match &prefix {
                        Some(Const::Str(text)) => host_prefix(text),
                        Some(Const::Seq(items)) => {
                            items.iter().all(|i| i.as_str().is_some_and(host_prefix))
                        }
                        _ => false,
                    };
                    if has_host {
                        cwes = CweSet(cwes.0 | CweSet::of(&[918, 601]).0);
                    }
                    if prefix.is_some() {
                        self.sanitize_path(&attribute.value, cwes);
                    }
                }
                _ => {}
            }
        }
    }

    fn sanitize_path(&mut self, expr: &Expr, cwes: CweSet) {
        let Some(path) = path_of(expr) else { return };
        let Some(mut value) = self
            .state
            .read_whole(&path)
            .or_else(|| self.cx.globals.read_whole(&path))
        else {
            return;
        };
        if cwes == CweSet::ALL {
            value.taint.clear();
        }
        value.sanitized = CweSet(value.sanitized.0 | cwes.0);
        self.state.set(&path, value);
    }

    // ------------------------------------------------------------------ expressions

    fn eval(&mut self, expr: &'a Expr) -> Value {
        match expr {
            Expr::StringLiteral(literal) => Value::constant(Const::str(literal.value.to_str())),
            Expr::BytesLiteral(_) | Expr::EllipsisLiteral(_) => Value::constant(Const::Opaque),
            Expr::NumberLiteral(number) => Value::constant(match &number.value {
                ast::Number::Int(int) => int.as_i64().map_or(Const::Opaque, Const::Int),
                ast::Number::Float(float) => Const::Float(*float),
                ast::Number::Complex { .. } => Const::Opaque,
            }),
            Expr::BooleanLiteral(literal) => Value::constant(Const::Bool(literal.value)),
            Expr::NoneLiteral(_) => Value::constant(Const::None),
            Expr::Name(name) => self.eval_name(expr, name),
            Expr::Attribute(attribute) => self.eval_attribute(expr, attribute),
            Expr::Subscript(subscript) => self.eval_subscript(expr, subscript),
            Expr::Call(call) => self.eval_call(call),
            Expr::BinOp(binop) => {
                let left = self.eval(&binop.left);
                let right = self.eval(&binop.right);
                let mut value = left.taint_only();
                value.absorb(&right);
                value.constant = match (&left.constant, &right.constant) {
                    (Some(a), Some(b)) => fold_binop(a, binop.op, b),
                    _ => None,
                };
                if binop.op == ast::Operator::Add
                    && left
                        .constant
                        .as_ref()
                        .and_then(Const::as_str)
                        .is_some_and(has_host_prefix)
                {
                    value.sanitized = CweSet(value.sanitized.0 | CweSet::of(&[918, 601]).0);
                }
                if binop.op == ast::Operator::Div && value.constant.is_none() {
                    value.kind = left.kind.clone();
                }
                value
            }
            Expr::UnaryOp(unary) => {
                let operand = self.eval(&unary.operand);
                let constant = operand.constant.as_ref().and_then(|c| match unary.op {
                    ast::UnaryOp::Not => c.truthy().map(|t| Const::Bool(!t)),
                    ast::UnaryOp::USub => match c {
                        Const::Int(v) => v.checked_neg().map(Const::Int),
                        Const::Float(v) => Some(Const::Float(-v)),
                        _ => None,
                    },
                    ast::UnaryOp::UAdd => Some(c.clone()),
                    ast::UnaryOp::Invert => c.as_int().map(|v| Const::Int(!v)),
                });
                if unary.op == ast::UnaryOp::Not {
                    Value {
                        constant,
                        ..Value::default()
                    }
                } else {
                    Value {
                        constant,
                        ..operand.taint_only()
                    }
                }
            }
            Expr::BoolOp(boolop) => {
                let mut out: Option<Value> = None;
                for value in &boolop.values {
                    let v = self.eval(value);
                    let truth = v.constant.as_ref().and_then(Const::truthy);
                    let stops = match boolop.op {
                        ast::BoolOp::And => truth == Some(false),
                        ast::BoolOp::Or => truth == Some(true),
                    };
                    let skips = match boolop.op {
                        ast::BoolOp::And => truth == Some(true),
                        ast::BoolOp::Or => truth == Some(false),
                    };
                    if stops {
                        out = Some(match out {
                            Some(o) => o.join(&v),
                            None => v,
                        });
                        break;
                    }
                    if skips && value != boolop.values.last().unwrap_or(value) {
                        continue;
                    }
                    out = Some(match out {
                        Some(o) => o.join(&v),
                        None => v,
                    });
                }
                out.unwrap_or_default()
            }
            Expr::Compare(compare) => {
                let left = self.eval(&compare.left);
                let mut constant = left.constant.clone();
                let mut result = Some(Const::Bool(true));
                for (op, comparator) in compare.ops.iter().zip(&compare.comparators) {
                    let right = self.eval(comparator);
                    let step = match (&constant, &right.constant) {
                        (Some(a), Some(b)) => fold_compare(a, *op, b),
                        _ => None,
                    };
                    result = match (result, step) {
                        (Some(Const::Bool(true)), Some(s)) => Some(Const::Bool(s)),
                        (Some(Const::Bool(false)), _) => Some(Const::Bool(false)),
                        _ => None,
                    };
                    constant = right.constant;
                }
                Value {
                    constant: result,
                    ..Value::default()
                }
            }
            Expr::If(if_expr) => {
                let test = self.eval(&if_expr.test);
                match test.constant.as_ref().and_then(Const::truthy) {
                    Some(true) => self.eval(&if_expr.body),
                    Some(false) => self.eval(&if_expr.orelse),
                    None => {
                        let saved = self.state.clone();
                        self.refine(&if_expr.test, true);
                        let body = self.eval(&if_expr.body);
                        self.state = saved.clone();
                        self.refine(&if_expr.test, false);
                        let orelse = self.eval(&if_expr.orelse);
                        self.state = saved;
                        body.join(&orelse)
                    }
                }
            }
            Expr::FString(fstring) => {
                let mut value = Value::default();
                let mut text = Some(String::new());
                for element in fstring.value.elements() {
                    match element {
                        ast::InterpolatedStringElement::Literal(literal) => {
                            if let Some(text) = &mut text {
                                text.push_str(&literal.value);
                            }
                        }
                        ast::InterpolatedStringElement::Interpolation(interpolation) => {
                            let part = self.eval(&interpolation.expression);
                            value.absorb(&part);
                            match (
                                &mut text,
                                &part.constant,
                                &interpolation.format_spec,
                                interpolation.conversion,
                            ) {
                                (
                                    Some(text),
                                    Some(Const::Str(s)),
                                    None,
                                    ast::ConversionFlag::None,
                                ) => text.push_str(s),
                                (
                                    Some(text),
                                    Some(Const::Int(i)),
                                    None,
                                    ast::ConversionFlag::None,
                                ) => text.push_str(&i.to_string()),
                                _ => text = None,
                            }
                            if part.constant.is_none() {
                                text = None;
                            }
                        }
                    }
                }
                let leading = fstring
                    .value
                    .elements()
                    .next()
                    .and_then(|element| match element {
                        ast::InterpolatedStringElement::Literal(literal) => {
                            Some(has_host_prefix(&literal.value))
                        }
                        _ => None,
                    });
                if leading == Some(true) && value.is_tainted() {
                    value.sanitized = CweSet(value.sanitized.0 | CweSet::of(&[918, 601]).0);
                }
                value.constant = text.map(|t| Const::str(&t));
                value
            }
            Expr::TString(_) => Value::default(),
            Expr::List(_) | Expr::Tuple(_) | Expr::Set(_) => {
                let mut value = Value::default();
                let mut constants = Some(Vec::new());
                for element in elements(expr) {
                    let part = self.eval(element);
                    value.absorb(&part);
                    match (&mut constants, part.constant) {
                        (Some(list), Some(c)) if !matches!(element, Expr::Starred(_)) => {
                            list.push(c)
                        }
                        _ => constants = None,
                    }
                }
                value.constant = constants.map(|list| Const::Seq(Rc::from(list)));
                value
            }
            Expr::Dict(dict) => {
                let mut value = Value::default();
                let mut keys = Some(Vec::new());
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        let key_value = self.eval(key);
                        match (&mut keys, key_value.constant) {
                            (Some(list), Some(c)) => list.push(c),
                            _ => keys = None,
                        }
                    } else {
                        keys = None;
                    }
                    let part = self.eval(&item.value);
                    value.absorb(&part);
                }
                value.constant = keys.map(|list| Const::Keys(Rc::from(list)));
                value
            }
            Expr::ListComp(comp) => self.eval_comprehension(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.eval_comprehension(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.eval_comprehension(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => {
                let mut parts: Vec<&'a Expr> = vec![&comp.value];
                if let Some(key) = &comp.key {
                    parts.push(key);
                }
                self.eval_comprehension(&comp.generators, &parts)
            }
            Expr::Named(named) => {
                let value = self.eval(&named.value);
                self.assign(&named.target, value.clone());
                value
            }
            Expr::Await(await_expr) => self.eval(&await_expr.value),
            Expr::Yield(yield_expr) => {
                if let Some(value) = &yield_expr.value {
                    let value = self.eval(value);
                    self.add_return(value);
                }
                Value::default()
            }
            Expr::YieldFrom(yield_from) => {
                let value = self.eval(&yield_from.value);
                self.add_return(value);
                Value::default()
            }
            Expr::Starred(starred) => self.eval(&starred.value).taint_only(),
            Expr::Slice(slice) => {
                for part in [&slice.lower, &slice.upper, &slice.step]
                    .into_iter()
                    .flatten()
                {
                    self.eval(part);
                }
                Value::default()
            }
            Expr::Lambda(_) => Value::default(),
            _ => Value::default(),
        }
    }

    fn eval_comprehension(
        &mut self,
        generators: &'a [ast::Comprehension],
        parts: &[&'a Expr],
    ) -> Value {
        let saved = self.state.clone();
        for generator in generators {
            let iter = self.eval(&generator.iter);
            self.assign(&generator.target, element_of(&iter));
            for condition in &generator.ifs {
                self.eval(condition);
                self.refine(condition, true);
            }
        }
        let mut value = Value::default();
        for part in parts {
            let v = self.eval(part);
            value.absorb(&v);
        }
        self.state = saved;
        value
    }

    fn global_or_import(&mut self, expr: &'a Expr, name: &str) -> Value {
        if let Some(value) = self.cx.globals.read_whole(name)
            && self.scope != MODULE_SCOPE
        {
            return value;
        }
        if let Some(qualified) = self.cx.semantic.resolve_qualified_name(self.scope, expr) {
            return self.qualified_value(&qualified, expr.range());
        }
        Value::default()
    }

    fn qualified_value(&mut self, qualified: &str, range: TextRange) -> Value {
        if let Some((source, confidence)) = self.cx.models.source_of(qualified) {
            let source = source.to_string();
            return self.source_value(&source, range, confidence.confidence());
        }
        Value {
            kind: Some(Rc::from(qualified)),
            ..Value::default()
        }
    }

    fn eval_name(&mut self, expr: &'a Expr, name: &'a ast::ExprName) -> Value {
        let id = name.id.as_str();
        if let Some(value) = self.state.read_whole(id) {
            return value;
        }
        self.global_or_import(expr, id)
    }

    fn eval_attribute(&mut self, expr: &'a Expr, attribute: &'a ast::ExprAttribute) -> Value {
        if let Some(path) = path_of(expr) {
            if depth(&path) <= MAX_PATH_DEPTH && self.state.knows(&path) {
                return self.state.read_whole(&path).unwrap_or_default();
            }
            let root_name = root(&path);
            if !self.state.knows(root_name)
                && self.cx.globals.read_whole(root_name).is_none()
                && let Some(qualified) = self.cx.semantic.resolve_qualified_name(self.scope, expr)
            {
                return self.qualified_value(&qualified, expr.range());
            }
        }
        let base = self.eval(&attribute.value);
        self.attr_of(&base, attribute.attr.as_str(), expr.range())
    }

    fn attr_of(&mut self, base: &Value, attr: &str, range: TextRange) -> Value {
        if base.kind.as_deref() == Some("request")
            && self.cx.models.idx().request_attrs.contains(attr)
        {
            let mut value =
                self.source_value(&concat(&["request.", attr]), range, Confidence::High);
            value.absorb(base);
            return value;
        }
        let mut value = base.taint_only();
        value.kind = base
            .kind
            .as_ref()
            .filter(|k| &***k != "request")
            .map(|kind| Rc::from(concat(&[kind, ".", attr])));
        value
    }

    fn eval_subscript(&mut self, expr: &'a Expr, subscript: &'a ast::ExprSubscript) -> Value {
        if let Some(path) = path_of(expr) {
            let base_known = path_of(&subscript.value).is_some_and(|base| self.state.knows(&base));
            if depth(&path) <= MAX_PATH_DEPTH && base_known {
                self.eval(&subscript.slice);
                return self.state.read_whole(&path).unwrap_or_default();
            }
        }
        let base = self.eval(&subscript.value);
        let index = self.eval(&subscript.slice);
        let constant = match (&base.constant, &index.constant) {
            (Some(Const::Seq(items)), Some(Const::Int(i))) => {
                index_of(items.len(), *i).map(|i| items[i].clone())
            }
            (Some(Const::Str(text)), Some(Const::Int(i))) => {
                let chars: Vec<char> = text.chars().collect();
                index_of(chars.len(), *i).map(|i| Const::str(&chars[i].to_string()))
            }
            (Some(Const::Str(_) | Const::Seq(_)), _)
                if matches!(&*subscript.slice, Expr::Slice(_)) && index.constant.is_none() =>
            {
                None
            }
            _ => None,
        };
        let mut value = base.taint_only();
        if base.kind.as_deref() == Some("request") {
            value.kind = None;
        }
        value.constant = constant;
        value
    }

    // ------------------------------------------------------------------ calls

    fn eval_call(&mut self, call: &'a ast::ExprCall) -> Value {
        let range = call.range();
        // The callee and the receiver.
        let mut receiver: Option<Value> = None;
        let mut method: Option<&'a str> = None;
        let mut local_def: Option<(TextSize, usize)> = None;
        let mut qualified: Option<String> = None;
        let mut from_semantic = false;
        match &*call.func {
            Expr::Name(name) => {
                if (!self.state.knows(name.id.as_str()) || self.scope == MODULE_SCOPE)
                    && let Some(binding) = self.cx.semantic.resolve_name(
                        self.scope,
                        name.id.as_str(),
                        name.range.start(),
                    )
                {
                    let binding = self.cx.semantic.binding(binding);
                    if binding.kind == BindingKind::FunctionDef
                        && self
                            .cx
                            .functions
                            .contains_key(&binding.source_range.start())
                    {
                        local_def = Some((binding.source_range.start(), 0));
                    } else if binding.kind == BindingKind::ClassDef {
                        qualified = Some(concat(&["<local>.", name.id.as_str()]));
                    }
                }
                if local_def.is_none() && qualified.is_none() {
                    qualified = self
                        .cx
                        .semantic
                        .resolve_qualified_name(self.scope, &call.func);
                    from_semantic = qualified.is_some();
                }
            }
            Expr::Attribute(attribute) => {
                method = Some(attribute.attr.as_str());
                let base_is_local = path_root(&attribute.value)
                    .is_some_and(|root| self.state.knows(root) || self.cx.globals.knows(root));
                if let (Some(self_name), Expr::Name(base)) = (&self.self_name, &*attribute.value)
                    && base.id.as_str() == self_name
                    && let Some(class) = self.class_scope
                    && let Some(def) = self.cx.methods.get(&(class, attribute.attr.to_string()))
                {
                    local_def = Some((*def, 1));
                }
                if !base_is_local && local_def.is_none() {
                    qualified = self
                        .cx
                        .semantic
                        .resolve_qualified_name(self.scope, &call.func);
                    from_semantic = qualified.is_some();
                }
                if !from_semantic {
                    let base = self.eval(&attribute.value);
                    if let Some(kind) = &base.kind {
                        if let Some(class) = kind.strip_prefix("<local>.")
                            && let Some(class_scope) = self.cx.classes.get(class)
                            && let Some(def) = self
                                .cx
                                .methods
                                .get(&(*class_scope, attribute.attr.to_string()))
                        {
                            local_def = Some((*def, 1));
                        }
                        if local_def.is_none() && &**kind != "request" {
                            qualified = Some(concat(&[kind, ".", attribute.attr.as_str()]));
                        }
                    }
                    receiver = Some(base);
                }
            }
            other => {
                let value = self.eval(other);
                receiver = Some(value);
            }
        }

        // Arguments.
        let mut args: Vec<Value> = Vec::with_capacity(call.arguments.args.len());
        for arg in &call.arguments.args {
            let value = self.eval(arg);
            self.record_fact(arg.range(), &value);
            args.push(value);
        }
        let mut keywords: Vec<(Option<&'a str>, Value)> =
            Vec::with_capacity(call.arguments.keywords.len());
        for keyword in &call.arguments.keywords {
            let value = self.eval(&keyword.value);
            self.record_fact(keyword.value.range(), &value);
            keywords.push((keyword.arg.as_ref().map(|a| a.as_str()), value));
        }
        if let (Some(receiver), Expr::Attribute(attribute)) = (&receiver, &*call.func) {
            self.record_fact(attribute.value.range(), receiver);
        }

        // Sinks. The result of a sink call is not reported again for the same CWE.
        let sunk = self.check_call_sinks(
            call,
            qualified.as_deref(),
            from_semantic,
            method,
            receiver.as_ref(),
            &args,
            &keywords,
        );
        let mut value = self.call_result(
            call,
            range,
            receiver,
            method,
            local_def,
            qualified,
            from_semantic,
            &args,
            &keywords,
        );
        if value.is_tainted() && sunk != CweSet::EMPTY {
            value.sanitized = CweSet(value.sanitized.0 | sunk.0);
        }
        value
    }

    #[allow(clippy::too_many_arguments)]
    fn call_result(
        &mut self,
        call: &'a ast::ExprCall,
        range: TextRange,
        receiver: Option<Value>,
        method: Option<&'a str>,
        local_def: Option<(TextSize, usize)>,
        qualified: Option<String>,
        from_semantic: bool,
        args: &[Value],
        keywords: &[(Option<&'a str>, Value)],
    ) -> Value {
        // Result.
        if let Some((def, shift)) = local_def
            && let Some(value) = self.apply_summary(call, def, shift, args, keywords)
        {
            return value;
        }
        let index = self.cx.models.idx();
        if let Some(name) = &qualified {
            if let Some((source, confidence)) = self.cx.models.source_of(name) {
                let source = source.to_string();
                let mut value = self.source_value(&source, range, confidence.confidence());
                if let Some(receiver) = &receiver {
                    value.absorb(receiver);
                }
                return value;
            }
            if name == "len" {
                let constant = args.first().and_then(|a| match &a.constant {
                    Some(Const::Seq(items) | Const::Keys(items)) => {
                        Some(Const::Int(items.len() as i64))
                    }
                    Some(Const::Str(text)) => Some(Const::Int(text.chars().count() as i64)),
                    _ => None,
                });
                return Value {
                    constant,
                    ..Value::default()
                };
            }
            if let Some((cwes, _)) = index.sanitizers_by_callee.get(name).copied() {
                return self.sanitized_result(args, keywords, receiver.as_ref(), cwes, range, name);
            }
            if index.propagator_callees.contains(name) {
                let mut value = combine(args, keywords, receiver.as_ref(), false);
                if name == "str" {
                    value.constant = args
                        .first()
                        .and_then(|a| a.constant.clone())
                        .filter(|c| matches!(c, Const::Str(_)));
                }
                if name.starts_with("pathlib.") {
                    value.kind = Some(Rc::from("pathlib.Path"));
                }
                return self.step(&value, range, || concat(&["through `", name, "()`"]));
            }
            // Models first: a project that defines a modelled function (the standard library,
            // a framework) is judged by the model, like its users' code is.
            // A summary of another module's function speaks when tainted data goes in or
            // source data comes out; otherwise the call is as good as unknown.
            let tainted_arguments = args
                .iter()
                .chain(keywords.iter().map(|(_, value)| value))
                .any(Value::is_tainted);
            if let Some(external) = self
                .cx
                .external
                .and_then(|e| e.get(name, tainted_arguments))
                .filter(|summary| tainted_arguments || summary.returns_source.is_some())
            {
                let external = external.clone();
                return self.apply_external(call, name, &external, args, keywords);
            }
        }
        if let Some(receiver) = &receiver
            && receiver.kind.as_deref() == Some("request")
            && let Some(method) = method
            && index.request_attrs.contains(method)
        {
            return self.source_value(
                &concat(&["request.", method, "()"]),
                range,
                Confidence::High,
            );
        }
        if let Some(method) = method
            && !from_semantic
        {
            if let Some(cwes) = index.sanitizers_by_method.get(method).copied() {
                return self.sanitized_result(
                    args,
                    keywords,
                    receiver.as_ref(),
                    cwes,
                    range,
                    method,
                );
            }
            if CONTAINER_ADD.contains(&method) {
                if let Expr::Attribute(attribute) = &*call.func
                    && let Some(path) = path_of(&attribute.value).map(|p| truncate_path(&p))
                {
                    let added = combine(args, keywords, None, false);
                    if added.is_tainted() {
                        let added = self.step(&added, range, || {
                            format!(
                                "added to `{}`",
                                self.cx.lines.slice(attribute.value.range())
                            )
                        });
                        let mut current = self.state.lookup(&path).unwrap_or_default();
                        current.absorb(&added);
                        current.constant = None;
                        self.state.vars.insert(path.into(), current);
                    }
                }
                return Value::default();
            }
            if matches!(method, "get" | "pop" | "setdefault")
                && let (Expr::Attribute(attribute), Some(key)) = (
                    &*call.func,
                    call.arguments.args.first().and_then(literal_key),
                )
                && let Some(base) = path_of(&attribute.value)
                && depth(&base) < MAX_PATH_DEPTH
                && self.state.knows(&base)
            {
                let mut value = self
                    .state
                    .read_whole(&concat(&[&base, KEY_STR, &key]))
                    .unwrap_or_default();
                if let Some(default) = args.get(1) {
                    value = value.join(default);
                }
                value.constant = None;
                return value;
            }
            if matches!(method, "get" | "pop") {
                // The key does not flow into the result; the container and default do.
                let rest = args.get(1..).unwrap_or(&[]);
                let mut value = combine(rest, keywords, receiver.as_ref(), false);
                value.constant = None;
                return value;
            }
            if index.propagator_methods.contains(method) {
                let mut value = combine(args, keywords, receiver.as_ref(), false);
                if method == "replace"
                    && args
                        .first()
                        .and_then(|a| a.constant.as_ref())
                        .and_then(Const::as_str)
                        .is_some_and(|s| s.contains(['\n', '\r']))
                {
                    value.sanitized = CweSet(value.sanitized.0 | CweSet::of(&[113, 117]).0);
                }
                value.constant = fold_method(
                    method,
                    receiver.as_ref().and_then(|r| r.constant.as_ref()),
                    args,
                );
                if matches!(
                    method,
                    "resolve" | "joinpath" | "absolute" | "with_name" | "with_suffix"
                ) {
                    value.kind = receiver.as_ref().and_then(|r| r.kind.clone());
                }
                return value;
            }
        }
        // Unknown call: tainted if anything going in is, never constant.
        let mut value = combine(args, keywords, receiver.as_ref(), true);
        value.kind = qualified.map(|q| Rc::from(q.as_str()));
        value
    }

    fn sanitized_result(
        &mut self,
        args: &[Value],
        keywords: &[(Option<&str>, Value)],
        receiver: Option<&Value>,
        cwes: CweSet,
        range: TextRange,
        name: &str,
    ) -> Value {
        if cwes == CweSet::ALL {
            return Value::default();
        }
        let mut value = combine(args, keywords, receiver, false);
        if value.is_tainted() {
            value.sanitized = CweSet(value.sanitized.0 | cwes.0);
            value = self.step(&value, range, || concat(&["sanitized by `", name, "()`"]));
        }
        value
    }

    fn record_fact(&mut self, range: TextRange, value: &Value) {
        if self.mode != Mode::Report {
            return;
        }
        let known = value.taint.iter().any(|label| {
            let origin = &self.cx.origins[label.0 as usize];
            matches!(origin.kind, OriginKind::Source) && origin.confidence == Confidence::High
        }) && !value.weak;
        self.cx.facts.record(
            range,
            value.constant.is_some(),
            value.is_tainted(),
            known,
            value.sanitized,
        );
    }

    fn apply_summary(
        &mut self,
        call: &'a ast::ExprCall,
        def: TextSize,
        shift: usize,
        args: &[Value],
        keywords: &[(Option<&str>, Value)],
    ) -> Option<Value> {
        let summary = summary_of(self.cx, def)?;
        let info = &self.cx.functions[&def];
        let name = info.def.name.to_string();
        let params: Vec<String> = info
            .def
            .parameters
            .iter_non_variadic_params()
            .map(|p| p.name().to_string())
            .collect();
        let arg_for = |param: usize| -> Option<&Value> {
            if param >= shift
                && let Some(value) = args.get(param - shift)
            {
                return Some(value);
            }
            let param_name = params.get(param)?;
            keywords
                .iter()
                .find(|(k, _)| *k == Some(param_name.as_str()))
                .map(|(_, v)| v)
        };
        let mut result = summary.returns.clone();
        for (param, cwes) in &summary.param_to_return {
            if let Some(arg) = arg_for(*param)
                && arg.is_tainted()
            {
                let mut value = arg.taint_only();
                value.sanitized = CweSet(value.sanitized.0 | cwes.0);
                result.absorb(&value);
                result.constant = None;
            }
        }
        let mut sink_reports = Vec::new();
        for sink in &summary.param_sinks {
            if let Some(arg) = arg_for(sink.param)
                && arg.tainted_for(sink.cwe)
                && !sink.sanitized.contains(sink.cwe)
            {
                sink_reports.push((sink.clone(), arg.clone()));
            }
        }
        let call_range = call.range();
        for (sink, arg) in sink_reports {
            let arg = self.step(&arg, call_range, || concat(&["passed to `", &name, "()`"]));
            self.report_value(&arg, &sink, call_range);
        }
        if result.is_tainted() {
            result = self.step(&result, call_range, || {
                concat(&["returned from `", &name, "()`"])
            });
        }
        Some(result)
    }

    fn apply_external(
        &mut self,
        call: &'a ast::ExprCall,
        name: &str,
        summary: &super::ExternalSummary,
        args: &[Value],
        keywords: &[(Option<&str>, Value)],
    ) -> Value {
        let arg_for = |param: usize| -> Option<&Value> {
            args.get(param).or_else(|| {
                let param_name = summary.params.get(param)?;
                keywords
                    .iter()
                    .find(|(k, _)| *k == Some(param_name.as_str()))
                    .map(|(_, v)| v)
            })
        };
        let mut result = Value::default();
        let mut through = Vec::new();
        for (param, cwes) in &summary.param_to_return {
            if let Some(arg) = arg_for(*param) {
                let mut value = arg.taint_only();
                value.sanitized = CweSet(
                    cwes.iter()
                        .fold(value.sanitized.0, |bits, cwe| bits | CweSet::bit(*cwe)),
                );
                through.push(value);
            }
        }
        for value in through {
            let value = self.step_elsewhere(
                &value,
                call.range(),
                || concat(&["through `", name, "()`"]),
                Elsewhere {
                    path: summary.path.clone(),
                    line: summary.lines.0,
                    function_lines: summary.lines,
                },
            );
            result.absorb(&value);
        }
        if let Some((desc, confidence)) = &summary.returns_source {
            let source = self.source_value(desc, call.range(), *confidence);
            result.absorb(&source);
        }
        let mut reached = Vec::new();
        for sink in &summary.param_sinks {
            if let Some(arg) = arg_for(sink.param) {
                reached.push((sink, arg.clone()));
            }
        }
        let mut hits = Vec::new();
        for (sink, arg) in reached {
            let arg = self.step_elsewhere(
                &arg,
                call.range(),
                || format!("inside `{name}()`: reaches `{}`", sink.callee),
                Elsewhere {
                    path: summary.path.clone(),
                    line: sink.line,
                    function_lines: summary.lines,
                },
            );
            hits.push(SinkHit {
                rule: Rule::from_code(&sink.rule),
                cwe: sink.cwe,
                what: sink.what.clone(),
                callee: format!("{name}() -> {}", sink.callee),
                values: vec![arg],
            });
        }
        for hit in hits {
            self.report_hit(hit, call.range());
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn check_call_sinks(
        &mut self,
        call: &'a ast::ExprCall,
        qualified: Option<&str>,
        from_semantic: bool,
        method: Option<&str>,
        receiver: Option<&Value>,
        args: &[Value],
        keywords: &[(Option<&str>, Value)],
    ) -> CweSet {
        let mut sunk = CweSet::EMPTY;
        if args
            .iter()
            .chain(keywords.iter().map(|(_, v)| v))
            .chain(receiver)
            .all(|v| !v.is_tainted())
        {
            return sunk;
        }
        let index = self.cx.models.idx();
        let mut ids: Vec<usize> = Vec::new();
        if let Some(name) = qualified
            && let Some(found) = index.sinks_by_callee.get(name)
        {
            ids.extend(found);
        }
        if let (Some(method), false) = (method, from_semantic)
            && let Some(found) = index.sinks_by_method.get(method)
        {
            let receiver_text = match &*call.func {
                Expr::Attribute(attribute) => self
                    .cx
                    .lines
                    .slice(attribute.value.range())
                    .to_ascii_lowercase(),
                _ => String::new(),
            };
            for &id in found {
                let sink = &self.cx.models.sink[id];
                if (sink.receiver_name_contains.is_empty()
                    || sink
                        .receiver_name_contains
                        .iter()
                        .any(|n| receiver_text.contains(n.as_str())))
                    && !ids.contains(&id)
                {
                    ids.push(id);
                }
            }
        }
        let callee_text = qualified.map_or_else(
            || self.cx.lines.slice(call.func.range()).to_string(),
            str::to_string,
        );
        for id in ids {
            let sink = &self.cx.models.sink[id];
            if !self.sink_applies(sink, call) {
                continue;
            }
            sunk = CweSet(sunk.0 | CweSet::bit(sink.cwe));
            let mut values = Vec::new();
            let positional = &call.arguments.args;
            let take = |index: usize, values: &mut Vec<Value>, this: &mut Self| {
                let Some(expr) = positional.get(index) else {
                    return;
                };
                if positional
                    .iter()
                    .take(index)
                    .any(|a| matches!(a, Expr::Starred(_)))
                {
                    return;
                }
                if sink.program
                    && let Expr::List(_) | Expr::Tuple(_) = expr
                {
                    if let Some(first) = elements(expr).first() {
                        values.push(this.eval_quiet(first));
                    }
                    return;
                }
                values.push(args[index].clone());
            };
            if sink.all_args {
                for index in 0..positional.len() {
                    take(index, &mut values, self);
                }
            } else {
                for &index in &sink.args {
                    take(index, &mut values, self);
                }
            }
            for (keyword, value) in keywords {
                if keyword.is_some_and(|k| sink.keywords.iter().any(|s| s == k)) {
                    values.push(value.clone());
                }
            }
            if sink.receiver
                && let Some(receiver) = receiver
            {
                values.push(receiver.clone());
            }
            let hit = SinkHit {
                rule: index.sink_rules[id],
                cwe: sink.cwe,
                what: sink.what.clone(),
                callee: callee_text.clone(),
                values,
            };
            self.report_hit(hit, call.range());
        }
        sunk
    }

    fn sink_applies(&mut self, sink: &SinkModel, call: &'a ast::ExprCall) -> bool {
        let keyword = |name: &str| {
            call.arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
                .map(|k| &k.value)
        };
        if let Some(name) = &sink.when_true {
            match keyword(name) {
                Some(value) => {
                    if self
                        .eval_quiet(value)
                        .constant
                        .as_ref()
                        .and_then(Const::truthy)
                        == Some(false)
                    {
                        return false;
                    }
                }
                None => return false,
            }
        }
        if let Some(name) = &sink.unless_true
            && let Some(value) = keyword(name)
            && self
                .eval_quiet(value)
                .constant
                .as_ref()
                .and_then(Const::truthy)
                != Some(false)
        {
            return false;
        }
        for (name, safe) in &sink.safe_keyword_values {
            let given = keyword(name).or_else(|| {
                // `yaml.load(data, SafeLoader)`
                (name == "Loader")
                    .then(|| call.arguments.args.get(1))
                    .flatten()
            });
            if let Some(value) = given {
                let text = self.cx.lines.slice(value.range());
                if safe.iter().any(|s| s == text) {
                    return false;
                }
            }
        }
        true
    }

    fn report_hit(&mut self, hit: SinkHit, range: TextRange) {
        let statement = if self.statement.contains_range(range) {
            self.statement
        } else {
            range
        };
        let sink = ParamSink {
            param: 0,
            rule: hit.rule,
            cwe: hit.cwe,
            what: hit.what,
            callee: hit.callee,
            sink_range: range,
            sink_statement: statement,
            sink_scope: self.scope,
            sanitized: CweSet::EMPTY,
        };
        for value in &hit.values {
            self.report_value(value, &sink, range);
        }
    }

    /// Report (or, in summary mode, record) `value` reaching `sink`.
    fn report_value(&mut self, value: &Value, sink: &ParamSink, at: TextRange) {
        if !value.tainted_for(sink.cwe) {
            return;
        }
        let mut best: Option<(Label, Confidence, u8)> = None;
        for label in &value.taint {
            let origin = &self.cx.origins[label.0 as usize];
            match origin.kind {
                OriginKind::Param(param) => {
                    if self.mode == Mode::Summary {
                        let mut recorded = sink.clone();
                        recorded.param = param;
                        recorded.sanitized = value.sanitized;
                        let exists = self.summary.param_sinks.iter().any(|s| {
                            s.param == param
                                && s.sink_range == recorded.sink_range
                                && s.cwe == recorded.cwe
                        });
                        if !exists {
                            self.summary.param_sinks.push(recorded);
                        }
                    }
                }
                OriginKind::Source => {
                    if self.mode != Mode::Report {
                        continue;
                    }
                    let confidence = if value.weak {
                        origin.confidence.min(Confidence::Medium)
                    } else {
                        origin.confidence
                    };
                    let depth = self.cx.traces[label.1 as usize].depth;
                    let better = match best {
                        None => true,
                        Some((_, c, d)) => confidence > c || (confidence == c && depth < d),
                    };
                    if better {
                        best = Some((*label, confidence, depth));
                    }
                }
            }
        }
        let Some((label, confidence, _)) = best else {
            return;
        };
        let Some(rule) = sink.rule else { return };
        if !self.cx.enabled.contains(&rule) {
            return;
        }
        let origin = self.cx.origins[label.0 as usize].clone();
        let mut flow = self.trace_steps(label.1);
        if sink.sink_range != at {
            flow.push(RawStep {
                range: at,
                note: format!("passed to a call that reaches `{}`", sink.callee),
                elsewhere: None,
            });
        }
        flow.push(RawStep {
            range: sink.sink_range,
            note: format!("reaches `{}` ({})", sink.callee, sink.what),
            elsewhere: None,
        });
        let source_line = self.cx.lines.line_of(origin.range.start());
        let identity: String = self
            .cx
            .lines
            .slice(origin.range)
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(200)
            .collect();
        let message = format!(
            "{} built from untrusted data ({}, line {}) reaches `{}`",
            capitalize(&sink.what),
            origin.desc,
            source_line,
            sink.callee
        );
        let confidence =
            if confidence == Confidence::High && rule.meta().confidence < Confidence::High {
                rule.meta().confidence
            } else {
                confidence
            };
        self.cx.findings.push(RawFinding {
            rule,
            range: sink.sink_range,
            message,
            statement: sink.sink_statement,
            scope: sink.sink_scope,
            severity: None,
            confidence: Some(confidence),
            fix: None,
            identity: Some(identity),
            flow,
        });
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn combine(
    args: &[Value],
    keywords: &[(Option<&str>, Value)],
    receiver: Option<&Value>,
    weak: bool,
) -> Value {
    let mut value = Value::default();
    for part in args
        .iter()
        .chain(keywords.iter().map(|(_, v)| v))
        .chain(receiver)
    {
        value.absorb(part);
    }
    if weak && value.is_tainted() {
        value.weak = true;
    }
    value
}

fn element_of(iter: &Value) -> Value {
    let mut value = iter.taint_only();
    if let Some(Const::Seq(items) | Const::Keys(items)) = &iter.constant
        && let Some(first) = items.first()
    {
        if items.iter().all(|item| item == first) {
            value.constant = Some(first.clone());
        } else if !value.is_tainted() {
            value.constant = Some(Const::Opaque);
        }
    }
    value
}

fn elements(expr: &Expr) -> &[Expr] {
    match expr {
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::List(list) => &list.elts,
        Expr::Set(set) => &set.elts,
        _ => &[],
    }
}

fn pattern_captures(pattern: &ast::Pattern, out: &mut Vec<String>) {
    match pattern {
        ast::Pattern::MatchAs(p) => {
            if let Some(name) = &p.name {
                out.push(name.to_string());
            }
            if let Some(inner) = &p.pattern {
                pattern_captures(inner, out);
            }
        }
        ast::Pattern::MatchStar(p) => {
            if let Some(name) = &p.name {
                out.push(name.to_string());
            }
        }
        ast::Pattern::MatchSequence(p) => p.patterns.iter().for_each(|p| pattern_captures(p, out)),
        ast::Pattern::MatchMapping(p) => {
            p.patterns.iter().for_each(|p| pattern_captures(p, out));
            if let Some(rest) = &p.rest {
                out.push(rest.to_string());
            }
        }
        ast::Pattern::MatchClass(p) => {
            p.arguments
                .patterns
                .iter()
                .for_each(|p| pattern_captures(p, out));
            p.arguments
                .keywords
                .iter()
                .for_each(|k| pattern_captures(&k.pattern, out));
        }
        ast::Pattern::MatchOr(p) => p.patterns.iter().for_each(|p| pattern_captures(p, out)),
        _ => {}
    }
}

/// Whether a returned expression is (probably) a string: literals, string building, names.
fn is_stringy(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) | Expr::FString(_) | Expr::Name(_) | Expr::Subscript(_) => true,
        Expr::Attribute(_) => true,
        Expr::BinOp(binop) => matches!(binop.op, ast::Operator::Add | ast::Operator::Mod),
        Expr::Call(call) => match &*call.func {
            Expr::Attribute(attribute) => matches!(
                attribute.attr.as_str(),
                "format" | "join" | "replace" | "get" | "strip" | "lower" | "upper" | "decode"
            ),
            _ => false,
        },
        Expr::If(if_expr) => is_stringy(&if_expr.body) || is_stringy(&if_expr.orelse),
        _ => false,
    }
}

/// A constant subscript key: a string, or an integer that fits in an `i64`.
enum LiteralKey<'e> {
    Str(&'e str),
    Int(i64),
}

/// The constant subscript key `expr` is, if it is one ([`literal_key`] gives its path text).
fn literal_key_of(expr: &Expr) -> Option<LiteralKey<'_>> {
    match expr {
        Expr::StringLiteral(literal) => Some(LiteralKey::Str(literal.value.to_str())),
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_i64().map(LiteralKey::Int),
            _ => None,
        },
        _ => None,
    }
}

/// The root variable of the access path of `expr` (that of [`path_of`], without building it).
fn path_root(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => path_root(&attribute.value),
        Expr::Subscript(subscript) if literal_key_of(&subscript.slice).is_some() => {
            path_root(&subscript.value)
        }
        _ => None,
    }
}

/// A constant subscript key as it appears in a path.
fn literal_key(expr: &Expr) -> Option<String> {
    Some(match literal_key_of(expr)? {
        LiteralKey::Str(text) => concat(&["'", text]),
        LiteralKey::Int(int) => int.to_string(),
    })
}

/// The access path of an expression: `x`, `x.a`, `x["k"]`, `x.a["k"]`.
fn path_of(expr: &Expr) -> Option<String> {
    // Room for most paths at once (growing by doubling from empty reallocates twice).
    let mut path = String::with_capacity(32);
    push_path(expr, &mut path).then_some(path)
}

/// Appends the access path of `expr` to `out` (built in one string, not one per level);
/// whether it has one (`out` then holds a prefix to discard).
fn push_path(expr: &Expr, out: &mut String) -> bool {
    match expr {
        Expr::Name(name) => {
            out.push_str(name.id.as_str());
            true
        }
        Expr::Attribute(attribute) => {
            if !push_path(&attribute.value, out) {
                return false;
            }
            out.push(ATTR);
            out.push_str(attribute.attr.as_str());
            true
        }
        Expr::Subscript(subscript) => {
            if !push_path(&subscript.value, out) {
                return false;
            }
            match literal_key(&subscript.slice) {
                Some(key) => {
                    out.push(KEY);
                    out.push_str(&key);
                    true
                }
                None => false,
            }
        }
        _ => false,
    }
}

fn depth(path: &str) -> usize {
    path.chars().filter(|c| *c == ATTR || *c == KEY).count()
}

fn root(path: &str) -> &str {
    path.split([ATTR, KEY]).next().unwrap_or(path)
}

fn truncate_path(path: &str) -> String {
    let mut cut = path.len();
    let mut seen = 0;
    for (index, c) in path.char_indices() {
        if c == ATTR || c == KEY {
            seen += 1;
            if seen > MAX_PATH_DEPTH {
                cut = index;
                break;
            }
        }
    }
    path[..cut].to_string()
}

fn index_of(len: usize, index: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let index = if index < 0 { len + index } else { index };
    (0..len).contains(&index).then_some(index as usize)
}

fn fold_binop(left: &Const, op: ast::Operator, right: &Const) -> Option<Const> {
    use ast::Operator as Op;
    if let (Some(a), Some(b)) = (left.as_int(), right.as_int())
        && matches!(left, Const::Int(_) | Const::Bool(_))
        && matches!(right, Const::Int(_) | Const::Bool(_))
    {
        return match op {
            Op::Add => a.checked_add(b).map(Const::Int),
            Op::Sub => a.checked_sub(b).map(Const::Int),
            Op::Mult => a.checked_mul(b).map(Const::Int),
            Op::FloorDiv => (b != 0).then(|| Const::Int(a.div_euclid(b))),
            Op::Mod => (b != 0).then(|| Const::Int(a.rem_euclid(b))),
            Op::Div => (b != 0).then(|| Const::Float(a as f64 / b as f64)),
            Op::Pow => u32::try_from(b)
                .ok()
                .and_then(|b| a.checked_pow(b))
                .map(Const::Int),
            Op::BitAnd => Some(Const::Int(a & b)),
            Op::BitOr => Some(Const::Int(a | b)),
            Op::BitXor => Some(Const::Int(a ^ b)),
            Op::LShift => u32::try_from(b)
                .ok()
                .and_then(|b| a.checked_shl(b))
                .map(Const::Int),
            Op::RShift => u32::try_from(b)
                .ok()
                .and_then(|b| a.checked_shr(b))
                .map(Const::Int),
            Op::MatMult => None,
        };
    }
    if let (Some(a), Some(b)) = (left.as_f64(), right.as_f64()) {
        return match op {
            Op::Add => Some(Const::Float(a + b)),
            Op::Sub => Some(Const::Float(a - b)),
            Op::Mult => Some(Const::Float(a * b)),
            Op::Div => (b != 0.0).then(|| Const::Float(a / b)),
            _ => Some(Const::Opaque),
        };
    }
    match (left, op, right) {
        (Const::Str(a), Op::Add, Const::Str(b)) => Some(Const::str(&format!("{a}{b}"))),
        (Const::Str(a), Op::Mult, Const::Int(n))
            if *n >= 0 && a.len().saturating_mul(*n as usize) < 4096 =>
        {
            Some(Const::str(&a.repeat(*n as usize)))
        }
        (Const::Seq(a), Op::Add, Const::Seq(b)) => {
            Some(Const::Seq(a.iter().chain(b.iter()).cloned().collect()))
        }
        _ => Some(Const::Opaque),
    }
}

fn fold_compare(left: &Const, op: ast::CmpOp, right: &Const) -> Option<bool> {
    use ast::CmpOp as C;
    match op {
        C::In | C::NotIn => {
            let found = match right {
                Const::Seq(items) | Const::Keys(items) => {
                    if matches!(left, Const::Opaque)
                        || items.iter().any(|i| matches!(i, Const::Opaque))
                    {
                        return None;
                    }
                    items.iter().any(|item| const_eq(item, left) == Some(true))
                }
                Const::Str(text) => text.contains(left.as_str()?),
                _ => return None,
            };
            Some(found == (op == C::In))
        }
        C::Eq => const_eq(left, right),
        C::NotEq => const_eq(left, right).map(|e| !e),
        C::Is => match (left, right) {
            (Const::None, Const::None) => Some(true),
            (Const::None, _) | (_, Const::None)
                if !matches!(left, Const::Opaque) && !matches!(right, Const::Opaque) =>
            {
                Some(false)
            }
            _ => None,
        },
        C::IsNot => fold_compare(left, C::Is, right).map(|b| !b),
        C::Lt | C::LtE | C::Gt | C::GtE => {
            let ordering = match (left, right) {
                (Const::Str(a), Const::Str(b)) => a.cmp(b),
                _ => left.as_f64()?.partial_cmp(&right.as_f64()?)?,
            };
            Some(match op {
                C::Lt => ordering.is_lt(),
                C::LtE => ordering.is_le(),
                C::Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
    }
}

fn const_eq(a: &Const, b: &Const) -> Option<bool> {
    match (a, b) {
        (Const::Opaque, _) | (_, Const::Opaque) => None,
        (Const::Str(x), Const::Str(y)) => Some(x == y),
        (Const::Str(_), _) | (_, Const::Str(_)) => Some(false),
        (Const::None, Const::None) => Some(true),
        (Const::None, _) | (_, Const::None) => Some(false),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => Some(x == y),
            _ => Some(a == b),
        },
    }
}

fn fold_method(method: &str, receiver: Option<&Const>, args: &[Value]) -> Option<Const> {
    let text = receiver?.as_str()?;
    if STR_METHODS_FOLD.contains(&method) && args.is_empty() {
        return Some(Const::str(&match method {
            "upper" => text.to_uppercase(),
            "lower" => text.to_lowercase(),
            "strip" => text.trim().to_string(),
            "lstrip" => text.trim_start().to_string(),
            "rstrip" => text.trim_end().to_string(),
            _ => return Some(Const::Opaque),
        }));
    }
    let constants: Option<Vec<&Const>> = args.iter().map(|a| a.constant.as_ref()).collect();
    let constants = constants?;
    match method {
        "replace" if constants.len() == 2 => Some(Const::str(
            &text.replace(constants[0].as_str()?, constants[1].as_str()?),
        )),
        "join" if constants.len() == 1 => match constants[0] {
            Const::Seq(items) => {
                let parts: Option<Vec<&str>> = items.iter().map(Const::as_str).collect();
                Some(Const::str(&parts?.join(text)))
            }
            _ => Some(Const::Opaque),
        },
        "format" => Some(Const::Opaque),
        _ => Some(Const::Opaque),
    }
}

/// Convert an intra-file summary into one usable from other modules.
pub(crate) fn export_summary(
    cx: &FileCx,
    path: &str,
    def: TextSize,
    summary: &Summary,
) -> super::ExternalSummary {
    let cwes_of = |set: CweSet| -> Vec<u16> {
        super::models::KNOWN_CWES
            .iter()
            .copied()
            .filter(|cwe| set.contains(*cwe))
            .collect()
    };
    let returns_source = summary.returns.taint.first().map(|label| {
        let origin = &cx.origins[label.0 as usize];
        (origin.desc.clone(), origin.confidence)
    });
    let (params, lines) = match cx.functions.get(&def) {
        Some(info) => (
            info.def
                .parameters
                .iter_non_variadic_params()
                .map(|p| p.name().to_string())
                .collect(),
            (
                cx.lines.line_of(info.def.range.start()),
                cx.lines.line_of(info.def.range.end()),
            ),
        ),
        None => (Vec::new(), (0, 0)),
    };
    super::ExternalSummary {
        path: path.to_string(),
        lines,
        params,
        param_to_return: summary
            .param_to_return
            .iter()
            .map(|(param, cwes)| (*param, cwes_of(*cwes)))
            .collect(),
        returns_source,
        param_sinks: summary
            .param_sinks
            .iter()
            .filter(|sink| !sink.sanitized.contains(sink.cwe))
            .filter_map(|sink| {
                Some(super::ExternalSink {
                    param: sink.param,
                    rule: sink.rule?.code().to_string(),
                    cwe: sink.cwe,
                    what: sink.what.clone(),
                    callee: sink.callee.clone(),
                    line: cx.lines.line_of(sink.sink_range.start()),
                })
            })
            .collect(),
    }
}

/// `https://host/...`: a literal prefix that fixes the scheme and host.
fn has_host_prefix(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| rest.find('/').is_some_and(|slash| slash > 0))
}

#[cfg(test)]
mod path_tests {
    use super::*;
    use crate::analysis::syntax::parse_module;

    #[test]
    fn path_roots_are_the_roots_of_built_paths() {
        let source = "x\nx.a\nx['k']\nx[0]\nx[i]\nx.a['k'].b\nf().a\nx[1.5]\n\
                      x[100000000000000000000]\nx[-1]\nx.a[0][y]\n(x or y).a\n";
        let parsed = parse_module(source);
        let mut roots = Vec::new();
        for stmt in parsed.body() {
            let Stmt::Expr(statement) = stmt else {
                panic!("not an expression statement")
            };
            let built = path_of(&statement.value);
            assert_eq!(
                path_root(&statement.value),
                built.as_deref().map(root),
                "{:?}",
                built
            );
            roots.push(path_root(&statement.value));
        }
        let x = Some("x");
        assert_eq!(
            roots,
            [x, x, x, x, None, x, None, None, None, None, None, None]
        );
    }
}
