//! The semantic model: scopes, bindings, imports and qualified names.
//!
//! Built in one pass before the rules run, so every query sees the whole file (a function may
//! call a name defined below it). Rules ask "what is this callee, really?" —
//! `import subprocess as sp; sp.Popen` resolves to `subprocess.Popen`, `from os import system
//! as run; run(x)` to `os.system` — and shadowing is respected: a local `def system()` makes
//! `system(x)` resolve to nothing external. Builtins resolve to their bare name (`eval`).
//!
//! Def-use: [`SemanticModel::resolve_name`] answers which binding a name use refers to, using
//! Python's scoping (class bodies are invisible to nested functions; comprehensions have their
//! own scope; `global`/`nonlocal` redirect). Within one scope the binding in effect is the
//! last one that became visible before the use; from a nested scope, the last one in the
//! enclosing scope (closures see the final value). This is what the taint engine builds on.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::concat;
use crate::analysis::syntax::{
    ComprehensionParts, Expr, ParsedModule, Ranged, Stmt, TextRange, TextSize, Visitor, ast,
    comprehension_parts, visitor,
};

pub type ScopeId = u32;
pub type BindingId = u32;

/// The module scope always has id 0.
pub const MODULE_SCOPE: ScopeId = 0;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// The function's or class's name (`<lambda>` for a lambda); `None` for the module and
    /// comprehensions. Qualified names are built from these on demand
    /// ([`SemanticModel::qualname`]): most scopes are never asked for theirs.
    pub name: Option<&'a str>,
    pub range: TextRange,
    bindings: FxHashMap<&'a str, smallvec::SmallVec<[BindingId; 2]>>,
    globals: FxHashSet<&'a str>,
    nonlocals: FxHashSet<&'a str>,
    /// Modules imported with `from m import *` in this scope.
    pub star_imports: Vec<String>,
}

impl<'a> Scope<'a> {
    /// All bindings of `name` in this scope, in source order.
    pub fn bindings_of(&self, name: &str) -> &[BindingId] {
        self.bindings.get(name).map_or(&[], |ids| ids.as_slice())
    }

    /// Every bound name of this scope.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.bindings.keys().copied()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingKind {
    /// `import a.b` binds `a` (module `a`); `import a.b as c` binds `c` (module `a.b`).
    Import {
        module: String,
    },
    /// `from m import x as y` binds `y` to `m.x`.
    FromImport {
        qualified: String,
    },
    FunctionDef,
    ClassDef,
    /// `x = value`. `alias_of` is the qualified name of `value` when it is a plain name or
    /// attribute chain; `instance_of` is the callee's qualified name when `value` is a call.
    Assignment {
        alias_of: Option<String>,
        instance_of: Option<String>,
    },
    AugmentedAssignment,
    Parameter,
    LoopTarget,
    WithTarget,
    ExceptHandler,
    NamedExpr,
    ComprehensionTarget,
    MatchCapture,
    TypeAlias,
    Deletion,
}

#[derive(Debug, Clone)]
pub struct Binding<'a> {
    pub name: &'a str,
    pub kind: BindingKind,
    pub scope: ScopeId,
    /// The bound name's range.
    pub range: TextRange,
    /// The whole statement or expression that creates the binding.
    pub source_range: TextRange,
    /// Uses at or after this offset (in the same scope) see this binding.
    pub visible_from: TextSize,
    /// The expression whose value is bound, for single-name targets: the right-hand side of
    /// `x = value` / `x: T = value` / `(x := value)`, the context manager of `with value as x`.
    pub value: Option<&'a Expr>,
}

/// Scopes and bindings of one module.
#[derive(Debug)]
pub struct SemanticModel<'a> {
    scopes: Vec<Scope<'a>>,
    bindings: Vec<Binding<'a>>,
    /// Scope created by a node, keyed by the node's start offset and kind.
    node_scopes: FxHashMap<(TextSize, ScopeKind), ScopeId>,
    /// This module's dotted name, when known (for relative imports).
    pub module_name: Option<String>,
    /// Names some binding of the module gives a qualified name to (imports, alias
    /// assignments), and the builtins: any other name has none, wherever it is used (one
    /// lookup settles most names resolved), and for each how a use resolves (see
    /// [`Qualifiable`]). Known once the model is built (`None` while building: the builder
    /// resolves names too).
    qualifiable: Option<FxHashMap<&'a str, Qualifiable>>,
}

/// How a use of a qualifiable name resolves, wherever it is.
#[derive(Debug, Clone, Copy)]
enum Qualifiable {
    /// Bound nowhere in the module: the builtin, if it is one.
    Unbound,
    /// Bound once, at module level: every use refers to that binding (a use before it too,
    /// see [`SemanticModel::resolve_name`]).
    Once(BindingId),
    /// Bound elsewhere or more than once: resolved by scope and position.
    Resolve,
}

/// Whether `name` is one of [`BUILTINS`] (hashed once: this runs for most names resolved).
fn is_builtin_name(name: &str) -> bool {
    BUILTIN_MAP.contains_key(name)
}

/// The model's [`Qualifiable`] names: every builtin and every name an import or alias
/// assignment binds, with how its uses resolve.
fn qualifiable_names<'a>(bindings: &[Binding<'a>]) -> FxHashMap<&'a str, Qualifiable> {
    let mut names: FxHashMap<&'a str, Qualifiable> = BUILTIN_MAP.clone();
    for binding in bindings {
        if matches!(
            binding.kind,
            BindingKind::Import { .. }
                | BindingKind::FromImport { .. }
                | BindingKind::Assignment {
                    alias_of: Some(_),
                    ..
                }
        ) {
            names.entry(binding.name).or_insert(Qualifiable::Unbound);
        }
    }
    // Each binding of a qualifiable name: the first, at module level, makes it `Once`; any
    // other makes it `Resolve`.
    for (id, binding) in bindings.iter().enumerate() {
        let Some(entry) = names.get_mut(binding.name) else {
            continue;
        };
        *entry = match (*entry, binding.scope) {
            (Qualifiable::Unbound, MODULE_SCOPE) => match BindingId::try_from(id) {
                Ok(id) => Qualifiable::Once(id),
                Err(_) => Qualifiable::Resolve,
            },
            _ => Qualifiable::Resolve,
        };
    }
    names
}

/// [`BUILTINS`], each [`Qualifiable::Unbound`]: every module's `qualifiable` map starts as a
/// copy (cheaper than hashing the names again per module).
static BUILTIN_MAP: std::sync::LazyLock<FxHashMap<&'static str, Qualifiable>> =
    std::sync::LazyLock::new(|| {
        BUILTINS
            .iter()
            .map(|&name| (name, Qualifiable::Unbound))
            .collect()
    });

/// Python builtins that rules may match by bare name.
const BUILTINS: &[&str] = &[
    "__import__",
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "Exception",
    "BaseException",
    "ValueError",
    "TypeError",
    "KeyError",
    "RuntimeError",
    "AssertionError",
    "NotImplementedError",
    "PermissionError",
    "OSError",
    "IOError",
];

impl<'a> SemanticModel<'a> {
    /// Build the model of a module. `module_name` is its dotted name (`pkg.views`), `is_package`
    /// is true for `__init__.py`; both only serve relative imports.
    pub fn build(parsed: &'a ParsedModule, module_name: Option<&str>, is_package: bool) -> Self {
        let body = parsed.body();
        let mut builder = Builder {
            parsed,
            in_binding_expression: false,
            model: SemanticModel {
                scopes: Vec::new(),
                bindings: Vec::new(),
                node_scopes: FxHashMap::default(),
                module_name: module_name.map(str::to_string),
                qualifiable: None,
            },
            scope: MODULE_SCOPE,
            package: package_of(module_name, is_package),
        };
        let end = body
            .last()
            .map_or(TextSize::default(), |stmt| stmt.range().end());
        // Room for one binding per 64 bytes of code (the standard library averages one per
        // 88): reserving saves copying a large vector of bindings each time it doubles.
        builder.model.bindings.reserve(end.to_usize() / 64);
        // And one scope per 256 bytes (the standard library has one function, class or lambda
        // per 420).
        builder.model.scopes.reserve(end.to_usize() / 256);
        builder.model.node_scopes.reserve(end.to_usize() / 256);
        builder.model.scopes.push(Scope::new(
            ScopeKind::Module,
            None,
            None,
            TextRange::new(TextSize::default(), end),
        ));
        for stmt in body {
            builder.visit_stmt(stmt);
        }
        let mut model = builder.model;
        model.qualifiable = Some(qualifiable_names(&model.bindings));
        model
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id as usize]
    }

    pub fn scopes(&self) -> impl Iterator<Item = (ScopeId, &Scope<'a>)> {
        self.scopes
            .iter()
            .enumerate()
            .map(|(index, scope)| (index as ScopeId, scope))
    }

    pub fn binding(&self, id: BindingId) -> &Binding<'a> {
        &self.bindings[id as usize]
    }

    pub fn bindings(&self) -> &[Binding<'a>] {
        &self.bindings
    }

    /// For a name bound exactly once in its scope (`IV = b"..."`, `ctx = ssl.create_default_context()`),
    /// the expression it was bound to. `None` for anything rebound, a parameter, or unknown.
    pub fn binding_value(&self, scope: ScopeId, expr: &Expr) -> Option<&'a Expr> {
        let Expr::Name(name) = expr else { return None };
        let id = self.resolve_name(scope, name.id.as_str(), name.range.start())?;
        let binding = self.binding(id);
        if self.scope(binding.scope).bindings_of(binding.name).len() != 1 {
            return None;
        }
        binding.value
    }

    /// The scope a function, class, lambda or comprehension node opens.
    pub fn scope_of_node(&self, start: TextSize, kind: ScopeKind) -> Option<ScopeId> {
        self.node_scopes.get(&(start, kind)).copied()
    }

    /// Dotted path of the functions and classes around and at a scope, like Python's
    /// `__qualname__` (`Handler.get`, `f.<locals>.inner`); `<module>` at top level.
    pub fn qualname(&self, scope: ScopeId) -> String {
        // Room for most qualified names at once.
        let mut qualname = String::with_capacity(48);
        if !self.push_qualname(scope, &mut qualname) {
            qualname.push_str("<module>");
        }
        qualname
    }

    /// Appends the qualified name of `scope` to `out`; `false` when it is the module's (which
    /// appends nothing).
    fn push_qualname(&self, scope: ScopeId, out: &mut String) -> bool {
        let scope = self.scope(scope);
        let Some(parent) = scope.parent else {
            return false;
        };
        let Some(name) = scope.name else {
            // A comprehension: its parent's.
            return self.push_qualname(parent, out);
        };
        let parent_kind = self.scope(parent).kind;
        if self.push_qualname(parent, out) {
            // Names in a function are its locals; in a class or comprehension, attributes.
            out.push_str(match parent_kind {
                ScopeKind::Function | ScopeKind::Lambda => ".<locals>.",
                _ => ".",
            });
        } else if parent_kind == ScopeKind::Comprehension {
            // A comprehension at module level is named `<module>`, and so prefixes what it
            // holds (finding fingerprints include these names: they stay as they were).
            out.push_str("<module>.");
        }
        out.push_str(name);
        true
    }

    /// Which binding a use of `name` at offset `at` in scope `scope` refers to.
    pub fn resolve_name(&self, scope: ScopeId, name: &str, at: TextSize) -> Option<BindingId> {
        let mut current = scope;
        let mut innermost = true;
        loop {
            let here = self.scope(current);
            if innermost || here.kind != ScopeKind::Class {
                if here.globals.contains(name) {
                    return self.pick(MODULE_SCOPE, name, None);
                }
                if here.nonlocals.contains(name) {
                    innermost = false;
                    current = here.parent?;
                    continue;
                }
                if !here.bindings_of(name).is_empty() {
                    return self.pick(current, name, innermost.then_some(at));
                }
            }
            innermost = false;
            current = here.parent?;
        }
    }

    fn pick(&self, scope: ScopeId, name: &str, at: Option<TextSize>) -> Option<BindingId> {
        let ids = self.scope(scope).bindings_of(name);
        if let Some(at) = at
            && let Some(id) = ids
                .iter()
                .rev()
                .find(|&&id| self.binding(id).visible_from <= at)
        {
            return Some(*id);
        }
        ids.last().copied()
    }

    /// Whether `name` is unbound everywhere visible from `scope` and is a Python builtin.
    pub fn is_builtin(&self, scope: ScopeId, name: &str, at: TextSize) -> bool {
        is_builtin_name(name) && self.resolve_name(scope, name, at).is_none()
    }

    /// The fully qualified name an expression refers to: `sp.Popen` -> `subprocess.Popen`,
    /// `run` (from `from os import system as run`) -> `os.system`, `eval` -> `eval`.
    /// `None` for locals, parameters, project definitions and anything not resolvable.
    pub fn resolve_qualified_name(&self, scope: ScopeId, expr: &Expr) -> Option<String> {
        // Nothing is allocated for the many expressions that resolve to no name (a call, a
        // local); the first part pushed makes room for most qualified names at once.
        let mut name = String::new();
        self.write_qualified_name(scope, expr, &mut name)
            .then_some(name)
    }

    /// [`SemanticModel::resolve_qualified_name`] into `out` (cleared first; a buffer reused
    /// across many expressions saves an allocation each): whether there is one.
    pub fn write_qualified_name(&self, scope: ScopeId, expr: &Expr, out: &mut String) -> bool {
        out.clear();
        self.push_qualified_name(scope, expr, out)
    }

    fn push_qualified_name(&self, scope: ScopeId, expr: &Expr, out: &mut String) -> bool {
        match expr {
            Expr::Name(name) => {
                match self.qualified_name_of(scope, name.id.as_str(), name.range.start()) {
                    Some(qualified) => {
                        out.reserve(qualified.len().max(32));
                        out.push_str(qualified);
                        true
                    }
                    None => false,
                }
            }
            Expr::Attribute(attribute) => {
                if !self.push_qualified_name(scope, &attribute.value, out) {
                    return false;
                }
                // `builtins.open` is the same callee as `open`.
                if out == "builtins" {
                    out.clear();
                } else {
                    out.push('.');
                }
                out.push_str(attribute.attr.as_str());
                true
            }
            _ => false,
        }
    }

    fn qualified_name_of<'s>(
        &'s self,
        scope: ScopeId,
        name: &'s str,
        at: TextSize,
    ) -> Option<&'s str> {
        let id = match self.qualifiable.as_ref().map(|names| names.get(name)) {
            // Whatever binding it resolves to, if any, gives no qualified name.
            Some(None) => return None,
            Some(Some(Qualifiable::Unbound)) => None,
            Some(Some(Qualifiable::Once(id))) => Some(*id),
            Some(Some(Qualifiable::Resolve)) | None => self.resolve_name(scope, name, at),
        };
        let Some(id) = id else {
            return is_builtin_name(name).then_some(name);
        };
        let binding = self.binding(id);
        match &binding.kind {
            BindingKind::Import { module } => Some(module),
            BindingKind::FromImport { qualified } => Some(normalize_builtins(qualified)),
            BindingKind::Assignment {
                alias_of: Some(alias),
                ..
            } if self.scope(binding.scope).bindings_of(name).len() == 1 => Some(alias),
            _ => None,
        }
    }

    /// For a name bound once by `x = SomeClass(...)`, the qualified name of `SomeClass`.
    pub fn instance_of(&self, scope: ScopeId, expr: &Expr) -> Option<&str> {
        let Expr::Name(name) = expr else { return None };
        let id = self.resolve_name(scope, name.id.as_str(), name.range.start())?;
        let binding = self.binding(id);
        if self.scope(binding.scope).bindings_of(binding.name).len() != 1 {
            return None;
        }
        match &binding.kind {
            BindingKind::Assignment {
                instance_of: Some(class),
                ..
            } => Some(class),
            _ => None,
        }
    }
}

/// `builtins.open` is the same callee as `open`.
fn normalize_builtins(name: &str) -> &str {
    match name.strip_prefix("builtins.") {
        Some(rest) if !rest.contains('.') => rest,
        _ => name,
    }
}

/// The package relative imports start from: the module itself for `__init__.py`, else its
/// parent.
fn package_of(module_name: Option<&str>, is_package: bool) -> Option<Vec<String>> {
    let mut parts: Vec<String> = module_name?.split('.').map(str::to_string).collect();
    if !is_package {
        parts.pop();
    }
    Some(parts)
}

/// `a.b.c` from an attribute chain of plain names, or `None`.
pub fn dotted_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => {
            let mut base = dotted_name(&attribute.value)?;
            base.push('.');
            base.push_str(attribute.attr.as_str());
            Some(base)
        }
        _ => None,
    }
}

impl Scope<'_> {
    fn new<'a>(
        kind: ScopeKind,
        parent: Option<ScopeId>,
        name: Option<&'a str>,
        range: TextRange,
    ) -> Scope<'a> {
        // Room for the names most scopes bind, so that binding them rarely grows the map: a
        // function's or class's few, a module's one per 512 bytes.
        let names = match kind {
            ScopeKind::Module => range.len().to_usize() / 512,
            ScopeKind::Function | ScopeKind::Class => 7,
            ScopeKind::Lambda | ScopeKind::Comprehension => 0,
        };
        Scope {
            kind,
            parent,
            name,
            range,
            bindings: FxHashMap::with_capacity_and_hasher(names, Default::default()),
            globals: FxHashSet::default(),
            nonlocals: FxHashSet::default(),
            star_imports: Vec::new(),
        }
    }
}

struct Builder<'a> {
    /// The module's tokens tell which expressions may bind names; the others are not walked.
    parsed: &'a ParsedModule,
    /// Whether the expression being visited lies inside one that may bind names (which was
    /// asked once, for the outermost).
    in_binding_expression: bool,
    model: SemanticModel<'a>,
    scope: ScopeId,
    package: Option<Vec<String>>,
}

impl<'a> Builder<'a> {
    fn push_scope(&mut self, kind: ScopeKind, name: Option<&'a str>, range: TextRange) -> ScopeId {
        let id = self.model.scopes.len() as ScopeId;
        self.model
            .scopes
            .push(Scope::new(kind, Some(self.scope), name, range));
        self.model.node_scopes.insert((range.start(), kind), id);
        let previous = self.scope;
        self.scope = id;
        previous
    }

    fn bind(
        &mut self,
        name: &'a str,
        kind: BindingKind,
        range: TextRange,
        source: TextRange,
        visible_from: TextSize,
    ) {
        self.push(Binding {
            name,
            kind,
            scope: self.scope,
            range,
            source_range: source,
            visible_from,
            value: None,
        });
    }

    /// Record a binding in its scope (or the module scope after `global name`).
    fn push(&mut self, mut binding: Binding<'a>) {
        if self
            .model
            .scope(binding.scope)
            .globals
            .contains(binding.name)
        {
            binding.scope = MODULE_SCOPE;
        }
        let id = self.model.bindings.len() as BindingId;
        self.model.scopes[binding.scope as usize]
            .bindings
            .entry(binding.name)
            .or_default()
            .push(id);
        self.model.bindings.push(binding);
    }

    /// Bind a single-name target to its value expression (other targets: no value).
    fn bind_valued(
        &mut self,
        target: &'a Expr,
        kind: &BindingKind,
        source: TextRange,
        visible_from: TextSize,
        value: &'a Expr,
    ) {
        match target {
            Expr::Name(name) => self.push(Binding {
                name: name.id.as_str(),
                kind: kind.clone(),
                scope: self.scope,
                range: name.range,
                source_range: source,
                visible_from,
                value: Some(value),
            }),
            _ => self.bind_target(target, kind, source, visible_from),
        }
    }

    /// Bind every name in an assignment target (tuples, lists, starred; not attributes).
    fn bind_target(
        &mut self,
        target: &'a Expr,
        kind: &BindingKind,
        source: TextRange,
        visible_from: TextSize,
    ) {
        match target {
            Expr::Name(name) => self.bind(
                name.id.as_str(),
                kind.clone(),
                name.range,
                source,
                visible_from,
            ),
            Expr::Tuple(tuple) => {
                for element in &tuple.elts {
                    self.bind_target(element, kind, source, visible_from);
                }
            }
            Expr::List(list) => {
                for element in &list.elts {
                    self.bind_target(element, kind, source, visible_from);
                }
            }
            Expr::Starred(starred) => self.bind_target(&starred.value, kind, source, visible_from),
            _ => {}
        }
    }

    fn assignment_kind(&self, targets_are_single_name: bool, value: &Expr) -> BindingKind {
        if !targets_are_single_name {
            return BindingKind::Assignment {
                alias_of: None,
                instance_of: None,
            };
        }
        let alias_of = match value {
            Expr::Name(_) | Expr::Attribute(_) => {
                self.model.resolve_qualified_name(self.scope, value)
            }
            _ => None,
        };
        let instance_of = match value {
            Expr::Call(call) => self.model.resolve_qualified_name(self.scope, &call.func),
            _ => None,
        };
        BindingKind::Assignment {
            alias_of,
            instance_of,
        }
    }

    fn bind_parameters(&mut self, parameters: &'a ast::Parameters, visible_from: TextSize) {
        for parameter in parameters.iter() {
            let name = parameter.name();
            self.bind(
                name.as_str(),
                BindingKind::Parameter,
                name.range,
                parameter.range(),
                visible_from,
            );
        }
    }

    /// The part of `visit_expr` for an expression that may bind names.
    fn visit_binding_expression(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_defaults(parameters);
                }
                let previous = self.push_scope(ScopeKind::Lambda, Some("<lambda>"), lambda.range);
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters, lambda.range.start());
                }
                self.visit_expr(&lambda.body);
                self.scope = previous;
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                // PEP 572: the target binds in the nearest non-comprehension scope.
                let mut scope = self.scope;
                while self.model.scope(scope).kind == ScopeKind::Comprehension {
                    match self.model.scope(scope).parent {
                        Some(parent) => scope = parent,
                        None => break,
                    }
                }
                if let Expr::Name(name) = &*named.target {
                    let kind = self.assignment_kind(true, &named.value);
                    self.push(Binding {
                        name: name.id.as_str(),
                        kind,
                        scope,
                        range: name.range,
                        source_range: named.range,
                        visible_from: named.range.end(),
                        value: Some(&*named.value),
                    });
                }
            }
            _ => match comprehension_parts(expr) {
                Some(parts) => self.visit_comprehension(expr, parts),
                None => visitor::walk_expr(self, expr),
            },
        }
    }

    /// Defaults and annotations are evaluated in the enclosing scope.
    fn visit_parameter_defaults(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = parameter.annotation() {
                self.visit_expr(annotation);
            }
        }
    }

    fn resolve_from_module(&self, module: Option<&str>, level: u32) -> String {
        if level == 0 {
            return module.unwrap_or_default().to_string();
        }
        match &self.package {
            Some(package) if (level as usize) <= package.len() + 1 => {
                let keep = package.len().saturating_sub(level as usize - 1);
                let mut parts: Vec<&str> = package[..keep].iter().map(String::as_str).collect();
                if let Some(module) = module {
                    parts.push(module);
                }
                parts.join(".")
            }
            _ => format!(
                "{}{}",
                ".".repeat(level as usize),
                module.unwrap_or_default()
            ),
        }
    }

    fn visit_comprehension(
        &mut self,
        expr: &'a Expr,
        ComprehensionParts {
            generators,
            elements,
        }: ComprehensionParts<'a>,
    ) {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        let previous = self.push_scope(ScopeKind::Comprehension, None, expr.range());
        for (index, generator) in generators.iter().enumerate() {
            if index > 0 {
                self.visit_expr(&generator.iter);
            }
            self.bind_target(
                &generator.target,
                &BindingKind::ComprehensionTarget,
                generator.range,
                generator.target.range().start(),
            );
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements.into_iter().flatten() {
            self.visit_expr(element);
        }
        self.scope = previous;
    }
}

impl<'a> Visitor<'a> for Builder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                self.visit_parameter_defaults(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_expr(returns);
                }
                self.bind(
                    function.name.as_str(),
                    BindingKind::FunctionDef,
                    function.name.range,
                    function.range,
                    function.range.start(),
                );
                let previous = self.push_scope(
                    ScopeKind::Function,
                    Some(function.name.as_str()),
                    function.range,
                );
                self.bind_parameters(&function.parameters, function.range.start());
                for stmt in &function.body {
                    self.visit_stmt(stmt);
                }
                self.scope = previous;
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.bind(
                    class.name.as_str(),
                    BindingKind::ClassDef,
                    class.name.range,
                    class.range,
                    class.range.start(),
                );
                let previous =
                    self.push_scope(ScopeKind::Class, Some(class.name.as_str()), class.range);
                for stmt in &class.body {
                    self.visit_stmt(stmt);
                }
                self.scope = previous;
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.as_str();
                    let (bound, module) = match &alias.asname {
                        Some(asname) => (asname.as_str(), full.to_string()),
                        None => {
                            let head = full.split('.').next().unwrap_or(full);
                            (head, head.to_string())
                        }
                    };
                    self.bind(
                        bound,
                        BindingKind::Import { module },
                        alias.range,
                        import.range,
                        import.range.end(),
                    );
                }
            }
            Stmt::ImportFrom(import) => {
                let module = self
                    .resolve_from_module(import.module.as_ref().map(|m| m.as_str()), import.level);
                for alias in &import.names {
                    let name = alias.name.as_str();
                    if name == "*" {
                        self.model.scopes[self.scope as usize]
                            .star_imports
                            .push(module.clone());
                        continue;
                    }
                    let bound = alias.asname.as_ref().map_or(name, |asname| asname.as_str());
                    let qualified = if module.is_empty() || module.ends_with('.') {
                        concat(&[&module, name])
                    } else {
                        concat(&[&module, ".", name])
                    };
                    self.bind(
                        bound,
                        BindingKind::FromImport { qualified },
                        alias.range,
                        import.range,
                        import.range.end(),
                    );
                }
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                for target in &assign.targets {
                    if !matches!(
                        target,
                        Expr::Name(_) | Expr::Tuple(_) | Expr::List(_) | Expr::Starred(_)
                    ) {
                        self.visit_expr(target);
                    }
                }
                let single =
                    assign.targets.len() == 1 && matches!(assign.targets[0], Expr::Name(_));
                let kind = self.assignment_kind(single, &assign.value);
                for target in &assign.targets {
                    self.bind_valued(
                        target,
                        &kind,
                        assign.range,
                        assign.range.end(),
                        &assign.value,
                    );
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                }
                self.visit_expr(&assign.annotation);
                if !matches!(*assign.target, Expr::Name(_)) {
                    self.visit_expr(&assign.target);
                }
                if let Some(value) = &assign.value {
                    let kind = self.assignment_kind(true, value);
                    self.bind_valued(
                        &assign.target,
                        &kind,
                        assign.range,
                        assign.range.end(),
                        value,
                    );
                }
            }
            Stmt::AugAssign(assign) => {
                self.visit_expr(&assign.value);
                self.visit_expr(&assign.target);
                self.bind_target(
                    &assign.target,
                    &BindingKind::AugmentedAssignment,
                    assign.range,
                    assign.range.end(),
                );
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                self.bind_target(
                    &for_stmt.target,
                    &BindingKind::LoopTarget,
                    for_stmt.range,
                    for_stmt.target.range().end(),
                );
                for stmt in &for_stmt.body {
                    self.visit_stmt(stmt);
                }
                for stmt in &for_stmt.orelse {
                    self.visit_stmt(stmt);
                }
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(target) = &item.optional_vars {
                        self.bind_valued(
                            target,
                            &BindingKind::WithTarget,
                            item.range,
                            target.range().end(),
                            &item.context_expr,
                        );
                    }
                }
                for stmt in &with.body {
                    self.visit_stmt(stmt);
                }
            }
            Stmt::Try(try_stmt) => {
                for stmt in &try_stmt.body {
                    self.visit_stmt(stmt);
                }
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(type_) = &handler.type_ {
                        self.visit_expr(type_);
                    }
                    if let Some(name) = &handler.name {
                        self.bind(
                            name.as_str(),
                            BindingKind::ExceptHandler,
                            name.range,
                            handler.range,
                            name.range.end(),
                        );
                    }
                    for stmt in &handler.body {
                        self.visit_stmt(stmt);
                    }
                }
                for stmt in try_stmt.orelse.iter().chain(&try_stmt.finalbody) {
                    self.visit_stmt(stmt);
                }
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    self.model.scopes[self.scope as usize]
                        .globals
                        .insert(name.as_str());
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    self.model.scopes[self.scope as usize]
                        .nonlocals
                        .insert(name.as_str());
                }
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    if let Expr::Name(name) = target {
                        self.bind(
                            name.id.as_str(),
                            BindingKind::Deletion,
                            name.range,
                            delete.range,
                            delete.range.end(),
                        );
                    } else {
                        self.visit_expr(target);
                    }
                }
            }
            Stmt::TypeAlias(alias) => {
                self.visit_expr(&alias.value);
                if let Expr::Name(name) = &*alias.name {
                    self.bind(
                        name.id.as_str(),
                        BindingKind::TypeAlias,
                        name.range,
                        alias.range,
                        alias.range.end(),
                    );
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        // Most expressions bind nothing, and walking them was about half of this pass's time.
        if !self.in_binding_expression {
            if !self.parsed.may_bind_within(expr.range()) {
                return;
            }
            self.in_binding_expression = true;
            self.visit_binding_expression(expr);
            self.in_binding_expression = false;
        } else {
            self.visit_binding_expression(expr);
        }
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        let capture = match pattern {
            ast::Pattern::MatchAs(pattern) => pattern.name.as_ref(),
            ast::Pattern::MatchStar(pattern) => pattern.name.as_ref(),
            ast::Pattern::MatchMapping(pattern) => pattern.rest.as_ref(),
            _ => None,
        };
        if let Some(name) = capture {
            self.bind(
                name.as_str(),
                BindingKind::MatchCapture,
                name.range,
                pattern.range(),
                name.range.end(),
            );
        }
        visitor::walk_pattern(self, pattern);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::parse_module;

    /// Resolve the callee of every call in `source` (in the scope it appears in), in order.
    fn callees(source: &str) -> Vec<Option<String>> {
        let parsed = parse_module(source);
        let model = SemanticModel::build(&parsed, Some("pkg.mod"), false);
        let mut collector = CallCollector {
            model: &model,
            scope: MODULE_SCOPE,
            out: Vec::new(),
        };
        for stmt in parsed.body() {
            collector.visit_stmt(stmt);
        }
        collector.out
    }

    struct CallCollector<'m> {
        model: &'m SemanticModel<'m>,
        scope: ScopeId,
        out: Vec<Option<String>>,
    }

    impl<'a> Visitor<'a> for CallCollector<'_> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            let opened = match stmt {
                Stmt::FunctionDef(f) => self
                    .model
                    .scope_of_node(f.range.start(), ScopeKind::Function),
                Stmt::ClassDef(c) => self.model.scope_of_node(c.range.start(), ScopeKind::Class),
                _ => None,
            };
            match opened {
                Some(scope) => {
                    let previous = std::mem::replace(&mut self.scope, scope);
                    let body = match stmt {
                        Stmt::FunctionDef(f) => &f.body,
                        Stmt::ClassDef(c) => &c.body,
                        _ => unreachable!(),
                    };
                    for stmt in body {
                        self.visit_stmt(stmt);
                    }
                    self.scope = previous;
                }
                None => visitor::walk_stmt(self, stmt),
            }
        }

        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                self.out
                    .push(self.model.resolve_qualified_name(self.scope, &call.func));
            }
            visitor::walk_expr(self, expr);
        }
    }

    fn some(name: &str) -> Option<String> {
        Some(name.to_string())
    }

    /// Every name of the source, at every offset of the source, from every scope: the
    /// qualified name the built model gives (through its shortcuts for names bound once at
    /// module level or nowhere) is the one resolution by scope and position gives.
    #[test]
    fn shortcut_names_resolve_as_scopes_and_positions_do() {
        let source = "\
len(a)
import os
import os.path as osp
from json import loads as decode
from builtins import open as bopen
reader = decode
from os import getcwd as twice
twice()
from os.path import join as twice
def f(x, type=None):
    global reader
    reader = 1
    import pickle
    pickle.loads(x)
    type(x); len(x); os.system(x); decode(x); bopen(x); print(x)
    class C:
        os = 1
        def m(self):
            return os.path, len, type
    return [os for os in x], (lambda len: len)(x)
class K:
    open = open
    sorted = os.listdir
def g():
    nonlocal_free = 1
    def h():
        nonlocal nonlocal_free
        return nonlocal_free, reader, twice, decode, open
print(os.environ, twice, reader)
";
        let parsed = parse_module(source);
        let model = SemanticModel::build(&parsed, Some("pkg.mod"), false);
        let mut names: Vec<&str> = model.bindings.iter().map(|binding| binding.name).collect();
        names.extend(BUILTINS.iter().copied().take(8));
        names.extend(["len", "type", "open", "print", "sorted", "undefined"]);
        let resolved = |model: &SemanticModel, scope: ScopeId, name: &str, at: TextSize| {
            model.qualified_name_of(scope, name, at).map(str::to_string)
        };
        // The same model without the shortcuts resolves every name by scope and position.
        let mut by_scopes = SemanticModel::build(&parsed, Some("pkg.mod"), false);
        by_scopes.qualifiable = None;
        let mut compared = 0;
        for (scope, _) in model.scopes() {
            for at in (0..=source.len()).step_by(7) {
                let at = TextSize::try_from(at).unwrap_or_default();
                for &name in &names {
                    assert_eq!(
                        resolved(&model, scope, name, at),
                        resolved(&by_scopes, scope, name, at),
                        "{name} at {at:?} in scope {scope}"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "{compared}");
        // The shortcuts are taken for names bound once at module level and builtins bound
        // nowhere, and not for names bound more than once or in another scope.
        let shortcut = |name: &str| {
            model.qualifiable.as_ref().is_some_and(|names| {
                matches!(
                    names.get(name),
                    Some(Qualifiable::Once(_) | Qualifiable::Unbound)
                )
            })
        };
        assert_eq!(
            [
                "decode", "osp", "print", "os", "len", "twice", "reader", "type", "open"
            ]
            .map(shortcut),
            [true, true, true, false, false, false, false, false, false]
        );
    }

    #[test]
    fn import_aliases_resolve() {
        let source = "import subprocess as sp\nimport os.path\nfrom os import system as run\nsp.Popen(x)\nos.path.join(a)\nrun(x)\n";
        assert_eq!(
            callees(source),
            vec![
                some("subprocess.Popen"),
                some("os.path.join"),
                some("os.system")
            ]
        );
    }

    #[test]
    fn local_definition_shadows_import() {
        let source = "from os import system\ndef system(cmd):\n    pass\nsystem(x)\n";
        assert_eq!(callees(source), vec![None]);
    }

    #[test]
    fn parameter_shadows_module() {
        let source = "import pickle\ndef f(pickle):\n    pickle.loads(x)\npickle.loads(y)\n";
        assert_eq!(callees(source), vec![None, some("pickle.loads")]);
    }

    #[test]
    fn builtins_resolve_unless_shadowed() {
        let source =
            "eval(x)\ndef f():\n    eval = g\n    eval(y)\nimport builtins\nbuiltins.exec(z)\n";
        assert_eq!(callees(source), vec![some("eval"), None, some("exec")]);
    }

    #[test]
    fn relative_imports_resolve_against_the_package() {
        let source = "from . import db\nfrom .db import query as q\nfrom ..util import run\ndb.query(x)\nq(x)\nrun(x)\n";
        assert_eq!(
            callees(source),
            vec![some("pkg.db.query"), some("pkg.db.query"), some("util.run")]
        );
    }

    #[test]
    fn class_scope_is_invisible_to_methods() {
        let source =
            "import yaml\nclass C:\n    yaml = None\n    def m(self):\n        yaml.load(s)\n";
        assert_eq!(callees(source), vec![some("yaml.load")]);
    }

    #[test]
    fn later_module_binding_wins_for_function_bodies() {
        let source = "import os\ndef f():\n    os.system(x)\nos = None\n";
        assert_eq!(callees(source), vec![None]);
    }

    #[test]
    fn rebinding_in_same_scope_is_flow_ordered() {
        let source = "from os import system\nsystem(a)\nsystem = print\nsystem(b)\n";
        assert_eq!(callees(source), vec![some("os.system"), None]);
    }

    #[test]
    fn simple_aliases_follow_assignments() {
        let source = "import pickle\nloads = pickle.loads\nloads(data)\n";
        assert_eq!(callees(source), vec![some("pickle.loads")]);
    }

    #[test]
    fn star_imports_are_noted() {
        let parsed = parse_module("from subprocess import *\n");
        let model = SemanticModel::build(&parsed, None, false);
        assert_eq!(
            model.scope(MODULE_SCOPE).star_imports,
            vec!["subprocess".to_string()]
        );
    }

    #[test]
    fn def_use_points_at_the_binding_in_effect() {
        let source = "x = 1\nx = x + 1\nprint(x)\n";
        let parsed = parse_module(source);
        let model = SemanticModel::build(&parsed, None, false);
        let rhs_use = TextSize::from(10); // the `x` in `x + 1`
        let first = model.resolve_name(MODULE_SCOPE, "x", rhs_use).unwrap();
        assert_eq!(model.binding(first).source_range.start(), TextSize::from(0));
        let print_use = TextSize::from(22);
        let second = model.resolve_name(MODULE_SCOPE, "x", print_use).unwrap();
        assert_eq!(
            model.binding(second).source_range.start(),
            TextSize::from(6)
        );
    }

    #[test]
    fn comprehension_and_walrus_scoping() {
        let source = "import os\nys = [os.system(v) for v in xs if (n := len(v))]\nprint(n)\n";
        let parsed = parse_module(source);
        let model = SemanticModel::build(&parsed, None, false);
        assert!(!model.scope(MODULE_SCOPE).bindings_of("n").is_empty());
        assert!(model.scope(MODULE_SCOPE).bindings_of("v").is_empty());
        assert!(callees(source).contains(&some("os.system")));
    }

    #[test]
    fn binding_value_is_the_single_assignment() {
        let source =
            "IV = b'0' * 16\nctx = 1\nctx = 2\nwith open(p) as f:\n    pass\nprint(IV, ctx, f)\n";
        let parsed = parse_module(source);
        let model = SemanticModel::build(&parsed, None, false);
        let Stmt::Expr(call) = &parsed.body()[4] else {
            panic!("expected the print call")
        };
        let Expr::Call(call) = &*call.value else {
            panic!("expected a call")
        };
        let args = &call.arguments.args;
        let value = model
            .binding_value(MODULE_SCOPE, &args[0])
            .expect("IV has one binding");
        assert!(matches!(value, Expr::BinOp(_)));
        assert!(
            model.binding_value(MODULE_SCOPE, &args[1]).is_none(),
            "ctx is rebound"
        );
        assert!(matches!(
            model.binding_value(MODULE_SCOPE, &args[2]),
            Some(Expr::Call(_))
        ));
    }

    #[test]
    fn qualnames_of_nested_scopes() {
        let parsed = parse_module(
            "class A:\n    def m(self):\n        def inner():\n            pass\n\
             [lambda: 0 for _ in x]\n\
             def f():\n    g = lambda: [lambda: 0 for _ in y]\n\
             \x20   class B:\n        z = [1 for _ in y]\n",
        );
        let model = SemanticModel::build(&parsed, None, false);
        let names: Vec<String> = model.scopes().map(|(id, _)| model.qualname(id)).collect();
        assert_eq!(
            names,
            [
                "<module>",
                "A",
                "A.m",
                "A.m.<locals>.inner",
                "<module>",
                "<module>.<lambda>",
                "f",
                "f.<locals>.<lambda>",
                "f.<locals>.<lambda>",
                "f.<locals>.<lambda>.<lambda>",
                "f.<locals>.B",
                "f.<locals>.B",
            ]
        );
    }
}
