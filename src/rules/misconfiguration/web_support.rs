//! Shared support for the web-framework rules (SG800–SG817): whether code sits in a
//! development or test context, the reporting shared by the settings rules, and one-step
//! look-ups of the value a local name was assigned.
//!
//! Not a rule. Where a setting is assigned (`NAME = value` at module level or in a config
//! class, `app.config["NAME"] = value`, `app.config.update(NAME=value)`) is found once per
//! statement by `analysis::settings`; a rule asks for the names it judges with
//! `Hooks::setting`.

use crate::analysis::checker::Checker;
use crate::analysis::semantic::{BindingKind, ScopeId};
pub use crate::analysis::settings::{Setting, SettingOrigin};
use crate::analysis::syntax::{Expr, Ranged, TextRange, TextSize, Visitor, ast, visitor};
use crate::finding::Fix;

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

/// Report a setting assigned `False` (outside dev/test settings), offering `True` as the fix.
/// `why` says what the disabled flag exposes.
pub fn report_disabled_flag(checker: &mut Checker, setting: &Setting, why: &str) {
    if !is_false_literal(setting.value) || in_dev_or_test_context(checker, setting.origin) {
        return;
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
