//! The single AST pass: walks a module once, keeps track of the current scope, and hands each
//! node to the rules that asked for it.
//!
//! Which rules run is decided once per scan in [`Dispatch`]: call hooks are indexed by the
//! qualified callee they care about (listed by the rule, or computed once per scan from the
//! scan's option lists or the rule's tables) and by method name (`.set_cookie(...)` on any
//! receiver), so a call to `subprocess.Popen` costs a hash lookup or two plus the few rules
//! interested in it, however many rules exist. Only rules that must look at every call (a
//! `verify=False` keyword, whatever the callee) run for all of them. Those hooks, and the ones
//! on every statement or expression of a kind, are left out of a module when their rule's
//! findings all rest on names from one library (`random`, `ssl`) that the module's imports
//! cannot name: decided once per module. Framework settings (`DEBUG = True`) are extracted
//! once per statement and handed to the rules that listed the setting's name (see
//! `analysis::settings`). Rules report through [`Checker::report`]; turning reports into
//! positioned, fingerprinted findings happens in `analysis::analyse`.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::analysis::semantic::{MODULE_SCOPE, ScopeId, ScopeKind, SemanticModel};
use crate::analysis::settings;
use crate::analysis::syntax::{
    ComprehensionParts, Expr, LineMap, Ranged, Stmt, TextRange, Visitor, ast, comprehension_parts,
    visitor,
};
use crate::finding::{Confidence, Fix, Severity};
use crate::rules::Rule;
use crate::rules::helpers::{is_test_path, qualified_name_roots, root_may_resolve_under};
use crate::rules::meta::{
    CallHook, ExprHook, ExprKind, ModuleHook, SettingHook, StmtHook, StmtKind,
};
use crate::rules::options::RuleOptions;

/// A call expression with its callee resolved once for all rules.
pub struct CallSite<'a> {
    pub call: &'a ast::ExprCall,
    /// `subprocess.Popen`, `eval`, ...; `None` when the callee is local or unknown.
    pub qualified: Option<&'a str>,
}

impl CallSite<'_> {
    /// The keyword argument `name`, if given.
    pub fn keyword(&self, name: &str) -> Option<&Expr> {
        self.call
            .arguments
            .keywords
            .iter()
            .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == name))
            .map(|keyword| &keyword.value)
    }

    /// Positional argument `index`, or else keyword `name`.
    pub fn argument(&self, index: usize, name: &str) -> Option<&Expr> {
        self.positional(index).or_else(|| self.keyword(name))
    }

    /// Positional argument `index` (stops at the first `*args`).
    pub fn positional(&self, index: usize) -> Option<&Expr> {
        let args = &self.call.arguments.args;
        if args
            .iter()
            .take(index + 1)
            .any(|arg| matches!(arg, Expr::Starred(_)))
        {
            return None;
        }
        args.get(index)
    }

    /// The method name for `obj.method(...)` calls.
    pub fn method_name(&self) -> Option<&str> {
        match &*self.call.func {
            Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
            _ => None,
        }
    }

    /// Whether the call passes `**kwargs` (so any keyword may be set).
    pub fn has_kwargs_splat(&self) -> bool {
        self.call
            .arguments
            .keywords
            .iter()
            .any(|keyword| keyword.arg.is_none())
    }
}

/// The rule hooks enabled for one scan, indexed for the traversal.
pub struct Dispatch {
    /// Call hooks by qualified callee (from the rules' lists and the scan's options).
    calls_by_callee: FxHashMap<Box<str>, Vec<(Rule, CallHook)>>,
    /// Call hooks by method name (`obj.name(...)`), for rules that recognize a method on any
    /// receiver.
    calls_by_method: FxHashMap<&'static str, Vec<(Rule, CallHook)>>,
    /// The rules whose node hooks run only where a qualified name can start with one of
    /// their prefixes (`Hooks::only_resolving_under`), at most [`MAX_GATES`] of them.
    gates: Vec<(Rule, &'static [&'static str])>,
    /// The node hooks for each set of gates shut (bit `i` for `gates[i]`): all of them at 0,
    /// the others filtered from it when a file first needs them.
    node_hooks: Vec<OnceLock<NodeHooks>>,
    modules: Vec<(Rule, ModuleHook)>,
    /// Setting hooks by setting name, each list in registry order.
    settings: FxHashMap<&'static str, Vec<(Rule, SettingHook)>>,
    enabled: rustc_hash::FxHashSet<Rule>,
}

/// The hooks called for every call, and for every statement or expression of a kind: the
/// ones the pass tries at each node.
struct NodeHooks {
    calls_any: Vec<(Rule, CallHook)>,
    /// Statement hooks by [`StmtKind`], each list in registry order.
    stmts: [Vec<(Rule, StmtHook)>; StmtKind::COUNT],
    /// Expression hooks by [`ExprKind`], each list in registry order.
    exprs: [Vec<(Rule, ExprHook)>; ExprKind::COUNT],
}

impl Default for NodeHooks {
    fn default() -> Self {
        NodeHooks {
            calls_any: Vec::new(),
            stmts: std::array::from_fn(|_| Vec::new()),
            exprs: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl NodeHooks {
    /// These hooks without those of `rules`.
    fn without(&self, rules: &[Rule]) -> NodeHooks {
        fn keep<H: Copy>(list: &[(Rule, H)], rules: &[Rule]) -> Vec<(Rule, H)> {
            list.iter()
                .filter(|(rule, _)| !rules.contains(rule))
                .copied()
                .collect()
        }
        NodeHooks {
            calls_any: keep(&self.calls_any, rules),
            stmts: std::array::from_fn(|kind| keep(&self.stmts[kind], rules)),
            exprs: std::array::from_fn(|kind| keep(&self.exprs[kind], rules)),
        }
    }
}

/// Most gated rules (`Hooks::only_resolving_under`) a scan keeps apart; the hooks of any
/// more simply run everywhere (a gate only saves work).
const MAX_GATES: usize = 6;

impl Dispatch {
    /// The node hooks for a module: without those of the gated rules that can find nothing
    /// in it.
    fn node_hooks_for(&self, semantic: &SemanticModel) -> &NodeHooks {
        if self.gates.is_empty() {
            return self.all_node_hooks();
        }
        let mut open = 0usize;
        let all_open = (1usize << self.gates.len()) - 1;
        for root in qualified_name_roots(semantic) {
            for (index, (_, prefixes)) in self.gates.iter().enumerate() {
                if root_may_resolve_under(root, prefixes) {
                    open |= 1 << index;
                }
            }
            if open == all_open {
                break;
            }
        }
        let shut = all_open & !open;
        self.node_hooks[shut].get_or_init(|| {
            let rules: Vec<Rule> = (self.gates.iter().enumerate())
                .filter(|(index, _)| shut & (1 << index) != 0)
                .map(|(_, (rule, _))| *rule)
                .collect();
            self.all_node_hooks().without(&rules)
        })
    }

    fn all_node_hooks(&self) -> &NodeHooks {
        self.node_hooks[0].get_or_init(NodeHooks::default)
    }

    pub fn new(enabled: impl IntoIterator<Item = Rule>, options: &RuleOptions) -> Self {
        let mut dispatch = Dispatch::default();
        let mut all = NodeHooks::default();
        for rule in enabled {
            dispatch.enabled.insert(rule);
            let hooks = rule.meta().hooks;
            if !hooks.only_resolving_under.is_empty() && dispatch.gates.len() < MAX_GATES {
                dispatch.gates.push((rule, hooks.only_resolving_under));
            }
            if let Some((callees, hook)) = hooks.call {
                // A rule that names its calls in any way (even by an option list the user
                // emptied) never needs to see every call.
                let selective = !callees.is_empty()
                    || !hooks.call_methods.is_empty()
                    || hooks.call_computed.is_some();
                let computed = hooks.call_computed.map(|callees| callees(options));
                for callee in callees
                    .iter()
                    .copied()
                    .chain(computed.into_iter().flatten())
                {
                    let hooks = dispatch.calls_by_callee.entry(callee.into()).or_default();
                    // A name in two of the option lists still runs the hook once.
                    if !hooks.iter().any(|&(other, _)| other == rule) {
                        hooks.push((rule, hook));
                    }
                }
                for &method in hooks.call_methods {
                    dispatch
                        .calls_by_method
                        .entry(method)
                        .or_default()
                        .push((rule, hook));
                }
                if !selective {
                    all.calls_any.push((rule, hook));
                }
            }
            if let Some(hook) = hooks.stmt {
                for (kind, list) in all.stmts.iter_mut().enumerate() {
                    if hooks.stmt_kinds.contains(kind) {
                        list.push((rule, hook));
                    }
                }
            }
            if let Some(hook) = hooks.expr {
                for (kind, list) in all.exprs.iter_mut().enumerate() {
                    if hooks.expr_kinds.contains(kind) {
                        list.push((rule, hook));
                    }
                }
            }
            if let Some(hook) = hooks.module {
                dispatch.modules.push((rule, hook));
            }
            if let Some((names, hook)) = hooks.setting {
                for &name in names {
                    dispatch
                        .settings
                        .entry(name)
                        .or_default()
                        .push((rule, hook));
                }
            }
        }
        dispatch.node_hooks = (0..1usize << dispatch.gates.len())
            .map(|_| OnceLock::new())
            .collect();
        dispatch.node_hooks[0] = OnceLock::from(all);
        dispatch
    }
}

impl Default for Dispatch {
    fn default() -> Self {
        Dispatch {
            calls_by_callee: FxHashMap::default(),
            calls_by_method: FxHashMap::default(),
            gates: Vec::new(),
            node_hooks: vec![OnceLock::new()],
            modules: Vec::new(),
            settings: FxHashMap::default(),
            enabled: rustc_hash::FxHashSet::default(),
        }
    }
}

/// What a rule reports; positioned and fingerprinted later.
#[derive(Debug, Clone)]
pub struct RawFinding {
    pub rule: Rule,
    pub range: TextRange,
    pub message: String,
    /// The lines a suppression comment may sit on (the enclosing simple statement).
    pub statement: TextRange,
    pub scope: ScopeId,
    pub severity: Option<Severity>,
    pub confidence: Option<Confidence>,
    pub fix: Option<Fix>,
    /// Extra identity for the fingerprint (e.g. a taint source expression).
    pub identity: Option<String>,
    pub flow: Vec<RawStep>,
}

/// One step of a raw taint flow: a range in the analysed file, or — for a step inside a
/// function of another module (applied through its summary) — a place in that module.
#[derive(Clone, Debug)]
pub struct RawStep {
    pub range: TextRange,
    pub note: String,
    pub elsewhere: Option<Box<Elsewhere>>,
}

/// A place in another module's function that a flow passes through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elsewhere {
    pub path: String,
    /// 1-based line of the step (the sink inside the function, or its `def`).
    pub line: u32,
    /// The function's first and last line.
    pub function_lines: (u32, u32),
}

/// The state rules see while the pass runs.
pub struct Checker<'a> {
    pub semantic: &'a SemanticModel<'a>,
    pub lines: &'a LineMap<'a>,
    /// Scan-root-relative path of the file (`app/settings.py`).
    pub path: &'a str,
    pub options: &'a RuleOptions,
    /// The scope of the node being visited.
    pub scope: ScopeId,
    dispatch: &'a Dispatch,
    /// The dispatch's node hooks for this module (see [`Dispatch::node_hooks_for`]).
    node_hooks: &'a NodeHooks,
    statement: TextRange,
    /// The scope the current statement is in (`scope` may be a lambda or comprehension
    /// inside it).
    statement_scope: ScopeId,
    /// Enclosing function definitions, innermost last.
    pub functions: Vec<&'a ast::StmtFunctionDef>,
    findings: Vec<RawFinding>,
    /// The rule whose hook is running (set by the dispatcher).
    current_rule: Option<Rule>,
    /// The latest subtree each rule claimed (see [`Checker::claim`]).
    claims: Vec<(Rule, TextRange)>,
    /// Buffer for the callee names resolved (one allocation per file).
    callee: String,
    /// Whether the file is test code (see [`Checker::in_test_file`]).
    in_test_file: bool,
}

impl<'a> Checker<'a> {
    pub fn new(
        semantic: &'a SemanticModel<'a>,
        lines: &'a LineMap<'a>,
        path: &'a str,
        options: &'a RuleOptions,
        dispatch: &'a Dispatch,
    ) -> Self {
        Checker {
            semantic,
            lines,
            path,
            options,
            scope: MODULE_SCOPE,
            dispatch,
            node_hooks: dispatch.node_hooks_for(semantic),
            statement: TextRange::default(),
            statement_scope: MODULE_SCOPE,
            functions: Vec::new(),
            findings: Vec::new(),
            current_rule: None,
            callee: String::new(),
            in_test_file: is_test_path(path),
            claims: Vec::new(),
        }
    }

    /// Run the pass over a module body and return what the rules reported.
    pub fn run(mut self, body: &'a [Stmt]) -> Vec<RawFinding> {
        for stmt in body {
            self.visit_stmt(stmt);
        }
        self.scope = MODULE_SCOPE;
        for &(rule, hook) in &self.dispatch.modules {
            self.current_rule = Some(rule);
            hook(&mut self, body);
        }
        self.findings
    }

    /// Report a finding of the running rule at `range`.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut RawFinding {
        let rule = self
            .current_rule
            .expect("report() is only called from rule hooks, which set current_rule");
        self.report_rule(rule, range, message)
    }

    /// Report a finding of a named rule (for hooks shared by several rules).
    pub fn report_rule(
        &mut self,
        rule: Rule,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut RawFinding {
        let statement = if self.statement.contains_range(range) {
            self.statement
        } else {
            range
        };
        self.findings.push(RawFinding {
            rule,
            range,
            message: message.into(),
            statement,
            scope: self.scope,
            severity: None,
            confidence: None,
            fix: None,
            identity: None,
            flow: Vec::new(),
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// Whether the file is test code by its path (`test_*.py`, under `tests/`, ...), where
    /// some rules stay silent; decided once per file.
    pub fn in_test_file(&self) -> bool {
        self.in_test_file
    }

    /// The running rule claims the expression at `range`: [`Checker::is_claimed`] then
    /// answers true for it and everything inside it, so an expression hook that reported a
    /// whole expression can skip its parts (as a walk that stops descending would). The
    /// pass visits an expression's parts right after it, so the latest claim is the only
    /// one that can still contain the next expressions.
    pub fn claim(&mut self, range: TextRange) {
        let Some(rule) = self.current_rule else {
            return;
        };
        match self.claims.iter_mut().find(|(owner, _)| *owner == rule) {
            Some(claim) => claim.1 = range,
            None => self.claims.push((rule, range)),
        }
    }

    /// Whether `range` lies in the running rule's latest claim.
    pub fn is_claimed(&self, range: TextRange) -> bool {
        self.current_rule.is_some_and(|rule| {
            self.claims
                .iter()
                .any(|(owner, claim)| *owner == rule && claim.contains_range(range))
        })
    }

    /// The scope of the statement being visited (differs from [`Checker::scope`] inside a
    /// lambda or comprehension).
    pub fn statement_scope(&self) -> ScopeId {
        self.statement_scope
    }

    /// Whether a rule is enabled in this scan (for hooks shared by several rules).
    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.dispatch.enabled.contains(&rule)
    }

    /// Qualified name of an expression in the current scope.
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        self.semantic.resolve_qualified_name(self.scope, expr)
    }

    /// Source text of a node.
    pub fn source(&self, range: TextRange) -> &'a str {
        self.lines.slice(range)
    }

    fn enter_scope(
        &mut self,
        start: crate::analysis::syntax::TextSize,
        kind: ScopeKind,
    ) -> ScopeId {
        let previous = self.scope;
        if let Some(scope) = self.semantic.scope_of_node(start, kind) {
            self.scope = scope;
        }
        previous
    }

    fn dispatch_call(&mut self, call: &'a ast::ExprCall) {
        let mut buffer = std::mem::take(&mut self.callee);
        let resolved = self
            .semantic
            .write_qualified_name(self.scope, &call.func, &mut buffer);
        let dispatch = self.dispatch;
        let site = CallSite {
            call,
            qualified: resolved.then_some(buffer.as_str()),
        };
        let by_callee: &[(Rule, CallHook)] = site
            .qualified
            .and_then(|name| dispatch.calls_by_callee.get(name))
            .map_or(&[], Vec::as_slice);
        for &(rule, hook) in by_callee {
            self.current_rule = Some(rule);
            hook(self, &site);
        }
        if let Some(method) = site.method_name()
            && let Some(hooks) = dispatch.calls_by_method.get(method)
        {
            for &(rule, hook) in hooks {
                // `os.chmod(...)` is both a listed callee and a `.chmod` method call.
                if !by_callee.iter().any(|&(other, _)| other == rule) {
                    self.current_rule = Some(rule);
                    hook(self, &site);
                }
            }
        }
        let node_hooks = self.node_hooks;
        for &(rule, hook) in &node_hooks.calls_any {
            self.current_rule = Some(rule);
            hook(self, &site);
        }
        self.callee = buffer;
    }

    /// Hand every setting `stmt` assigns to the rules that listed its name.
    fn dispatch_settings(&mut self, stmt: &'a Stmt) {
        let dispatch = self.dispatch;
        let wanted = &dispatch.settings;
        let assigned = settings::settings_in_stmt(self.semantic, self.scope, stmt, |name| {
            wanted.contains_key(name)
        });
        for setting in &assigned {
            for &(rule, hook) in wanted.get(setting.name).map_or(&[][..], Vec::as_slice) {
                self.current_rule = Some(rule);
                hook(self, setting);
            }
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
        if let Some(first) = generators.first() {
            self.visit_expr(&first.iter);
        }
        let previous = self.enter_scope(expr.range().start(), ScopeKind::Comprehension);
        for (index, generator) in generators.iter().enumerate() {
            if index > 0 {
                self.visit_expr(&generator.iter);
            }
            self.visit_expr(&generator.target);
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

fn is_compound(stmt: &Stmt) -> bool {
    matches!(
        stmt,
        Stmt::FunctionDef(_)
            | Stmt::ClassDef(_)
            | Stmt::If(_)
            | Stmt::For(_)
            | Stmt::While(_)
            | Stmt::With(_)
            | Stmt::Try(_)
            | Stmt::Match(_)
    )
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let previous_statement = self.statement;
        let previous_statement_scope = self.statement_scope;
        self.statement_scope = self.scope;
        self.statement = if is_compound(stmt) {
            TextRange::empty(stmt.range().start())
        } else {
            stmt.range()
        };
        let (dispatch, node_hooks) = (self.dispatch, self.node_hooks);
        for &(rule, hook) in &node_hooks.stmts[StmtKind::of(stmt) as usize] {
            self.current_rule = Some(rule);
            hook(self, stmt);
        }
        if !dispatch.settings.is_empty()
            && matches!(stmt, Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::Expr(_))
        {
            self.dispatch_settings(stmt);
        }
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                for parameter in function.parameters.iter() {
                    if let Some(default) = parameter.default() {
                        self.visit_expr(default);
                    }
                    if let Some(annotation) = parameter.annotation() {
                        self.visit_expr(annotation);
                    }
                }
                if let Some(returns) = &function.returns {
                    self.visit_expr(returns);
                }
                let previous = self.enter_scope(function.range.start(), ScopeKind::Function);
                self.functions.push(function);
                for stmt in &function.body {
                    self.visit_stmt(stmt);
                }
                self.functions.pop();
                self.scope = previous;
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                let previous = self.enter_scope(class.range.start(), ScopeKind::Class);
                for stmt in &class.body {
                    self.visit_stmt(stmt);
                }
                self.scope = previous;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        self.statement = previous_statement;
        self.statement_scope = previous_statement_scope;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        let node_hooks = self.node_hooks;
        for &(rule, hook) in &node_hooks.exprs[ExprKind::of(expr) as usize] {
            self.current_rule = Some(rule);
            hook(self, expr);
        }
        match expr {
            Expr::Call(call) => {
                self.dispatch_call(call);
                visitor::walk_expr(self, expr);
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    for parameter in parameters.iter() {
                        if let Some(default) = parameter.default() {
                            self.visit_expr(default);
                        }
                    }
                }
                let previous = self.enter_scope(lambda.range.start(), ScopeKind::Lambda);
                self.visit_expr(&lambda.body);
                self.scope = previous;
            }
            _ => match comprehension_parts(expr) {
                Some(parts) => self.visit_comprehension(expr, parts),
                None => visitor::walk_expr(self, expr),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Analyzer, SourceInput};
    use crate::rules::Rule;
    use crate::rules::options::RuleOptions;

    /// (rule code, line) of every finding.
    fn findings(analyzer: &Analyzer, source: &str) -> Vec<(&'static str, u32)> {
        let input = SourceInput {
            path: "app/tool.py",
            bytes: source.as_bytes(),
        };
        analyzer
            .analyse(&input)
            .findings
            .iter()
            .map(|finding| (finding.rule.code(), finding.span.start.line))
            .collect()
    }

    #[test]
    fn call_hooks_follow_the_scan_option_lists() {
        let source = "import os\nimport tools\nos.system(cmd)\ntools.run_in_shell(cmd)\n";
        let rules = [Rule::StartProcessWithAShell];
        let defaults = Analyzer::new(&rules, RuleOptions::default());
        assert_eq!(findings(&defaults, source), [("SG605", 3)]);
        // A function the user adds to the list is a shell call; one removed no longer is.
        let mut options = RuleOptions::default();
        options.shell.push("tools.run_in_shell".to_string());
        options.shell.retain(|name| name != "os.system");
        let custom = Analyzer::new(&rules, options);
        assert_eq!(findings(&custom, source), [("SG605", 4)]);
    }

    #[test]
    fn setting_hooks_see_the_names_they_list_in_every_shape() {
        let source = "\
SESSION_COOKIE_SECURE = False
app.config.update(CSRF_COOKIE_SECURE=False, SESSION_COOKIE_HTTPONLY=False)
class ProductionConfig:
    REMEMBER_COOKIE_SECURE = False
def configure(app):
    SESSION_COOKIE_SECURE = False
    app.config['SESSION_COOKIE_SECURE'] = False
";
        let analyzer = Analyzer::new(&[Rule::CookieSecureDisabled], RuleOptions::default());
        // Line 6 assigns a local variable, not a setting; SESSION_COOKIE_HTTPONLY belongs to
        // a rule this scan did not enable.
        assert_eq!(
            findings(&analyzer, source),
            [("SG805", 1), ("SG805", 2), ("SG805", 4), ("SG805", 7)]
        );
        let both = Analyzer::new(
            &[Rule::CookieSecureDisabled, Rule::CookieHttponlyDisabled],
            RuleOptions::default(),
        );
        let mut found = findings(&both, source);
        found.sort();
        assert_eq!(
            found,
            [
                ("SG805", 1),
                ("SG805", 2),
                ("SG805", 4),
                ("SG805", 7),
                ("SG806", 2)
            ]
        );
    }

    #[test]
    fn a_hook_selected_by_callees_and_a_method_sees_both_kinds_of_call() {
        // `os.chmod` is a listed callee (and a `.chmod` method call); `p.chmod` only the latter.
        let source = "import os\nos.chmod(path, 0o777)\np.chmod(0o777)\nos.chmod(path, 0o600)\n";
        let analyzer = Analyzer::new(&[Rule::SetBadFilePermissions], RuleOptions::default());
        assert_eq!(findings(&analyzer, source), [("SG103", 2), ("SG103", 3)]);
    }

    #[test]
    fn gated_hooks_are_left_out_of_modules_where_nothing_resolves_under_their_prefixes() {
        use super::{Dispatch, ExprKind, StmtKind};
        use crate::analysis::semantic::SemanticModel;
        use crate::analysis::syntax::parse_module;

        let rules = [
            Rule::CsrfExempt,              // django, flask_wtf; a Name/Attribute hook
            Rule::SslWithBadVersion,       // ssl, OpenSSL; every call and assignment
            Rule::InsecureRandomForSecret, // random; assignments and returns
            Rule::SetBadFilePermissions,   // not gated
        ];
        let dispatch = Dispatch::new(rules, &RuleOptions::default());
        // Which of `rules` have node hooks in a module with this source.
        let present = |source: &str| -> Vec<Rule> {
            let parsed = parse_module(source);
            let semantic = SemanticModel::build(&parsed, None, false);
            let hooks = dispatch.node_hooks_for(&semantic);
            let mut found: Vec<Rule> = (hooks.calls_any.iter().map(|(rule, _)| *rule))
                .chain(
                    hooks.exprs[ExprKind::Name as usize]
                        .iter()
                        .map(|(rule, _)| *rule),
                )
                .chain(
                    hooks.stmts[StmtKind::Assign as usize]
                        .iter()
                        .map(|(rule, _)| *rule),
                )
                .filter(|rule| rules.contains(rule))
                .collect();
            found.sort();
            found.dedup();
            found
        };
        let mut all = rules.to_vec();
        all.retain(|rule| *rule != Rule::SetBadFilePermissions);
        all.sort();
        assert_eq!(present("import os\nx = 1\n"), []);
        assert_eq!(
            present("from django.views.decorators.csrf import csrf_exempt\n"),
            [Rule::CsrfExempt]
        );
        assert_eq!(present("import ssl as s\n"), [Rule::SslWithBadVersion]);
        assert_eq!(
            present("rnd = random\nimport random\n"),
            [Rule::InsecureRandomForSecret]
        );
        // `import builtins` can make any name resolve: nothing is left out.
        assert_eq!(present("import builtins\n"), all);
        assert_eq!(present("import flask_wtf, OpenSSL.SSL, random\n"), all);
    }
}
