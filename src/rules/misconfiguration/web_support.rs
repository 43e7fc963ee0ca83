//! Shared support for the web-framework rules (SG800–SG817): where a Django/Flask setting is
//! assigned, whether code sits in a development or test context, and one-step look-ups of the
//! value a local name was assigned.
//!
//! Not a rule. Settings come in three shapes, all reported the same way:
//! `NAME = value` at module level (Django settings modules, Flask `config.py`), `NAME = value`
//! in a class body (Flask config classes), and `app.config["NAME"] = value` /
//! `app.config.update(NAME=value)` anywhere.

use crate::analysis::checker::Checker;
use crate::analysis::semantic::{BindingKind, ScopeId, ScopeKind};
use crate::analysis::syntax::{Expr, Ranged, Stmt, TextRange, TextSize, Visitor, ast, visitor};
use crate::finding::Fix;

/// Where a setting was assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingOrigin<'a> {
    /// `NAME = value` at module level.
    Module,
    /// `NAME = value` in the body of the named class.
    Class(&'a str),
    /// `x.config["NAME"] = value` or `x.config.update(NAME=value)`.
    AppConfig,
}

/// One assignment of a setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    pub name: &'a str,
    pub value: &'a Expr,
    pub origin: SettingOrigin<'a>,
}

/// Every setting assigned by a statement whose name is in `names`.
#[inline]
pub fn settings_in_stmt<'a>(
    checker: &Checker<'a>,
    stmt: &'a Stmt,
    names: &[&'static str],
) -> Vec<Setting<'a>> {
    // Several rules ask this of every assignment and expression statement, and nearly all
    // assign nothing they name: answer those without setting up the full collection.
    if !may_assign_setting(stmt, names) {
        return Vec::new();
    }
    collect_settings(checker, stmt, names)
}

/// Whether `stmt` has the shape of a statement assigning one of `names` (a false "yes" only
/// costs the full collection).
fn may_assign_setting(stmt: &Stmt, names: &[&'static str]) -> bool {
    let target_may = |target: &Expr| match target {
        Expr::Name(name) => names.contains(&name.id.as_str()),
        Expr::Subscript(_) => true,
        _ => false,
    };
    match stmt {
        Stmt::Assign(assign) => assign.targets.iter().any(target_may),
        Stmt::AnnAssign(assign) => assign.value.is_some() && target_may(&assign.target),
        Stmt::Expr(expr_stmt) => matches!(
            &*expr_stmt.value,
            Expr::Call(call) if matches!(
                &*call.func,
                Expr::Attribute(method) if matches!(method.attr.as_str(), "update" | "from_mapping")
            )
        ),
        _ => false,
    }
}

// Kept out of line: inlined, its frame would be set up for every statement asked about.
#[inline(never)]
fn collect_settings<'a>(
    checker: &Checker<'a>,
    stmt: &'a Stmt,
    names: &[&'static str],
) -> Vec<Setting<'a>> {
    let mut out = Vec::new();
    let push_target = |target: &'a Expr, value: &'a Expr, out: &mut Vec<Setting<'a>>| match target {
        Expr::Name(name) => {
            let id = name.id.as_str();
            if !names.contains(&id) {
                return;
            }
            let scope = checker.semantic.scope(checker.scope);
            let origin = match scope.kind {
                ScopeKind::Module => SettingOrigin::Module,
                ScopeKind::Class => {
                    let qualname = checker.semantic.qualname(checker.scope);
                    SettingOrigin::Class(qualname.rsplit('.').next().unwrap_or(qualname))
                }
                _ => return,
            };
            out.push(Setting {
                name: id,
                value,
                origin,
            });
        }
        Expr::Subscript(subscript) => {
            let Expr::StringLiteral(key) = &*subscript.slice else {
                return;
            };
            if !is_config_object(&subscript.value) {
                return;
            }
            let key = key.value.to_str();
            if let Some(name) = names.iter().find(|name| **name == key) {
                out.push(Setting {
                    name,
                    value,
                    origin: SettingOrigin::AppConfig,
                });
            }
        }
        _ => {}
    };
    match stmt {
        Stmt::Assign(assign) => {
            for target in &assign.targets {
                push_target(target, &assign.value, &mut out);
            }
        }
        Stmt::AnnAssign(assign) => {
            if let Some(value) = &assign.value {
                push_target(&assign.target, value, &mut out);
            }
        }
        Stmt::Expr(expr_stmt) => {
            let Expr::Call(call) = &*expr_stmt.value else {
                return out;
            };
            let Expr::Attribute(method) = &*call.func else {
                return out;
            };
            if !matches!(method.attr.as_str(), "update" | "from_mapping")
                || !is_config_object(&method.value)
            {
                return out;
            }
            for keyword in &call.arguments.keywords {
                if let Some(arg) = &keyword.arg
                    && let Some(name) = names.iter().find(|name| **name == arg.as_str())
                {
                    out.push(Setting {
                        name,
                        value: &keyword.value,
                        origin: SettingOrigin::AppConfig,
                    });
                }
            }
            for arg in &call.arguments.args {
                let Expr::Dict(dict) = arg else { continue };
                for item in &dict.items {
                    let Some(Expr::StringLiteral(key)) = &item.key else {
                        continue;
                    };
                    let key = key.value.to_str();
                    if let Some(name) = names.iter().find(|name| **name == key) {
                        out.push(Setting {
                            name,
                            value: &item.value,
                            origin: SettingOrigin::AppConfig,
                        });
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// `app.config`, `self.app.config`, `current_app.config`, `config` (a bare name `config`).
fn is_config_object(expr: &Expr) -> bool {
    match expr {
        Expr::Attribute(attribute) => attribute.attr.as_str() == "config",
        _ => false,
    }
}

/// Words that mark a development, test or local-only configuration.
const DEV_WORDS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "conftest",
    "dev",
    "develop",
    "development",
    "local",
    "ci",
];

/// Lower-case words of an identifier or path component (`DevelopmentConfig` -> `development`,
/// `config`; `settings_local` -> `settings`, `local`).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether the file's path marks it as test or development code (`tests/`, `test_*.py`,
/// `conftest.py`, `settings/dev.py`, `local_settings.py`, ...).
pub fn is_dev_or_test_path(path: &str) -> bool {
    path.split(['/', '\\'])
        .map(|component| component.strip_suffix(".py").unwrap_or(component))
        .flat_map(words)
        .any(|word| DEV_WORDS.contains(&word.as_str()))
}

/// Whether the code being checked is development or test configuration: by file path, by the
/// enclosing config class (`TestingConfig`, `DevelopmentConfig`) or by the enclosing function
/// (`test_*`, a `create_test_app` fixture).
pub fn in_dev_or_test_context(checker: &Checker, origin: SettingOrigin) -> bool {
    if is_dev_or_test_path(checker.path) {
        return true;
    }
    if let SettingOrigin::Class(class) = origin
        && words(class)
            .iter()
            .any(|word| DEV_WORDS.contains(&word.as_str()))
    {
        return true;
    }
    checker.functions.iter().any(|function| {
        words(function.name.as_str())
            .iter()
            .any(|word| DEV_WORDS.contains(&word.as_str()))
    })
}

/// Whether the file's name says it holds Django-style settings: `settings.py`,
/// `settings/<anything>.py`, `*_settings.py`, `settings_*.py`.
pub fn is_settings_path(path: &str) -> bool {
    let mut components: Vec<&str> = path.split(['/', '\\']).collect();
    let Some(file) = components.pop() else {
        return false;
    };
    let stem = file.strip_suffix(".py").unwrap_or(file);
    stem == "settings"
        || stem.ends_with("_settings")
        || stem.starts_with("settings_")
        || components.last() == Some(&"settings")
}

/// Names only a Django settings module assigns.
const DJANGO_SETTINGS_MARKERS: &[&str] = &[
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "MIDDLEWARE_CLASSES",
    "ROOT_URLCONF",
    "WSGI_APPLICATION",
    "ASGI_APPLICATION",
    "DATABASES",
    "AUTH_PASSWORD_VALIDATORS",
];

/// Whether the module is a Django settings module: by file name, or because it assigns a
/// name only Django settings use (`INSTALLED_APPS`, `ROOT_URLCONF`, ...) at module level.
pub fn is_django_settings_module(checker: &Checker) -> bool {
    if is_settings_path(checker.path) {
        return true;
    }
    let module = checker
        .semantic
        .scope(crate::analysis::semantic::MODULE_SCOPE);
    DJANGO_SETTINGS_MARKERS
        .iter()
        .any(|name| !module.bindings_of(name).is_empty())
}

/// Whether the module imports any of `modules` (or a submodule / member of one).
pub fn module_imports(checker: &Checker, modules: &[&str]) -> bool {
    let matches = |name: &str| {
        modules.iter().any(|module| {
            name == *module
                || name
                    .strip_prefix(module)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    };
    checker
        .semantic
        .bindings()
        .iter()
        .any(|binding| match &binding.kind {
            BindingKind::Import { module } => matches(module),
            BindingKind::FromImport { qualified } => matches(qualified),
            _ => false,
        })
}

/// `True` or a non-zero integer literal (not strings: `"False"` is truthy but surely meant
/// otherwise).
pub fn is_true_literal(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(literal) => literal.value,
        Expr::NumberLiteral(_) => crate::rules::helpers::is_truthy_literal(expr),
        _ => false,
    }
}

/// `False` or `0`.
pub fn is_false_literal(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(literal) => !literal.value,
        Expr::NumberLiteral(_) => crate::rules::helpers::is_falsy_literal(expr),
        _ => false,
    }
}

/// A single-line fix replacing the text at `range` with `replacement`.
pub fn replace_fix(
    checker: &Checker,
    range: TextRange,
    replacement: &str,
    description: &str,
) -> Option<Fix> {
    let line = checker.lines.line_of(range.start());
    if checker.lines.line_of(range.end()) != line {
        return None;
    }
    let line_text = checker.lines.line_text(line);
    let line_start = checker.lines.text().get(..range.start().to_usize())?;
    let column = line_start.rfind('\n').map_or(0, |index| index + 1);
    let start = range.start().to_usize() - column;
    let end = range.end().to_usize() - column;
    let mut text = String::with_capacity(line_text.len() + replacement.len());
    text.push_str(line_text.get(..start)?);
    text.push_str(replacement);
    text.push_str(line_text.get(end..)?);
    Some(Fix {
        description: description.to_string(),
        start_line: line,
        end_line: line,
        replacement: text,
    })
}

/// Where names in an expression are looked up: the scope, and the offset of the use (for
/// expressions re-parsed from an assignment, the assignment's offset).
#[derive(Copy, Clone, Debug)]
pub struct Lookup {
    pub scope: ScopeId,
    pub at: Option<TextSize>,
}

impl Lookup {
    pub fn here(checker: &Checker) -> Self {
        Lookup {
            scope: checker.scope,
            at: None,
        }
    }

    fn offset(&self, expr: &Expr) -> TextSize {
        self.at.unwrap_or_else(|| expr.range().start())
    }
}

/// The qualified name of a name/attribute chain, looked up as [`Lookup`] says. Unbound names
/// resolve to themselves (builtins).
pub fn qualified_name_at(checker: &Checker, lookup: Lookup, expr: &Expr) -> Option<String> {
    if lookup.at.is_none() {
        return checker.semantic.resolve_qualified_name(lookup.scope, expr);
    }
    match expr {
        Expr::Name(name) => {
            let id = name.id.as_str();
            match checker
                .semantic
                .resolve_name(lookup.scope, id, lookup.offset(expr))
            {
                None => Some(id.to_string()),
                Some(binding) => match &checker.semantic.binding(binding).kind {
                    BindingKind::Import { module } => Some(module.clone()),
                    BindingKind::FromImport { qualified } => Some(qualified.clone()),
                    _ => None,
                },
            }
        }
        Expr::Attribute(attribute) => {
            let base = qualified_name_at(checker, lookup, &attribute.value)?;
            Some(format!("{base}.{}", attribute.attr.as_str()))
        }
        _ => None,
    }
}

/// The binding kind a plain name refers to, looked up as [`Lookup`] says.
pub fn binding_kind_at<'c>(
    checker: &'c Checker,
    lookup: Lookup,
    name: &ast::ExprName,
) -> Option<&'c BindingKind> {
    let id = checker.semantic.resolve_name(
        lookup.scope,
        name.id.as_str(),
        lookup.at.unwrap_or(name.range.start()),
    )?;
    Some(&checker.semantic.binding(id).kind)
}

/// For a name bound exactly once in its scope by `name = value`, re-parse that assignment and
/// call `f` with its value and a [`Lookup`] for names inside it. One step only (no chains).
pub fn with_assigned_value<R>(
    checker: &Checker,
    lookup: Lookup,
    name: &ast::ExprName,
    f: impl FnOnce(&Expr, Lookup) -> R,
) -> Option<R> {
    let id = checker.semantic.resolve_name(
        lookup.scope,
        name.id.as_str(),
        lookup.at.unwrap_or(name.range.start()),
    )?;
    let binding = checker.semantic.binding(id);
    if !matches!(binding.kind, BindingKind::Assignment { .. })
        || checker
            .semantic
            .scope(binding.scope)
            .bindings_of(binding.name)
            .len()
            != 1
    {
        return None;
    }
    let value = binding.value?;
    Some(f(
        value,
        Lookup {
            scope: binding.scope,
            at: Some(binding.source_range.start()),
        },
    ))
}

/// Whether any sub-expression of `expr` satisfies `predicate`. `descend` decides whether to
/// look inside a node that did not match.
pub fn any_subexpression(
    expr: &Expr,
    predicate: &mut dyn FnMut(&Expr) -> bool,
    descend: &mut dyn FnMut(&Expr) -> bool,
) -> bool {
    struct Finder<'p> {
        predicate: &'p mut dyn FnMut(&Expr) -> bool,
        descend: &'p mut dyn FnMut(&Expr) -> bool,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if self.found {
                return;
            }
            if (self.predicate)(expr) {
                self.found = true;
                return;
            }
            if (self.descend)(expr) {
                visitor::walk_expr(self, expr);
            }
        }
    }
    let mut finder = Finder {
        predicate,
        descend,
        found: false,
    };
    finder.visit_expr(expr);
    finder.found
}

/// Report every `NAME = False` among `names` in a settings statement (outside dev/test
/// settings), offering `True` as the fix. `why` says what the disabled flag exposes.
pub fn report_disabled_flags(
    checker: &mut Checker,
    stmt: &Stmt,
    names: &'static [&'static str],
    why: &str,
) {
    // An assignment sets every target to its one value: most are not `False`.
    let may_set_false = match stmt {
        Stmt::Assign(assign) => is_false_literal(&assign.value),
        Stmt::AnnAssign(assign) => assign.value.as_deref().is_some_and(is_false_literal),
        Stmt::Expr(_) => true,
        _ => false,
    };
    if !may_set_false {
        return;
    }
    for setting in settings_in_stmt(checker, stmt, names) {
        if !is_false_literal(setting.value) || in_dev_or_test_context(checker, setting.origin) {
            continue;
        }
        let range = setting.value.range();
        let fix = replace_fix(
            checker,
            range,
            "True",
            &format!("set `{}` to True", setting.name),
        );
        let finding = checker.report(
            range,
            format!("`{}` is False: {why}; set it to True", setting.name),
        );
        finding.fix = fix;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_and_test_paths() {
        assert!(is_dev_or_test_path("proj/settings/dev.py"));
        assert!(is_dev_or_test_path("proj/local_settings.py"));
        assert!(is_dev_or_test_path("tests/conftest.py"));
        assert!(is_dev_or_test_path("app/test_views.py"));
        assert!(!is_dev_or_test_path("proj/settings/production.py"));
        assert!(!is_dev_or_test_path("app/latest.py"));
        assert!(!is_dev_or_test_path("app/SG800_example.py"));
    }

    #[test]
    fn settings_paths() {
        assert!(is_settings_path("proj/settings.py"));
        assert!(is_settings_path("proj/settings/base.py"));
        assert!(is_settings_path("proj/prod_settings.py"));
        assert!(!is_settings_path("proj/views.py"));
    }

    #[test]
    fn identifier_words() {
        assert_eq!(words("DevelopmentConfig"), ["development", "config"]);
        assert_eq!(words("create_test_app"), ["create", "test", "app"]);
        assert_eq!(words("HTTPConfig"), ["httpconfig"]);
    }

    #[test]
    fn cookie_fix_replaces_only_the_literal() {
        let source = "class Config:\n    SESSION_COOKIE_SECURE = False  # prod\n";
        let analysis = crate::analysis::analyse_text(
            "app/config.py",
            source,
            &[crate::rules::Rule::CookieSecureDisabled],
        );
        let fix = analysis
            .findings
            .first()
            .and_then(|finding| finding.fix.clone())
            .expect("a fix");
        assert_eq!(fix.start_line, 2);
        assert_eq!(fix.replacement, "    SESSION_COOKIE_SECURE = True  # prod");
    }
}
