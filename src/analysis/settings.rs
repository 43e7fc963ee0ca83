//! Where a framework setting is assigned: the statements the settings rules (`DEBUG = True`,
//! `SECRET_KEY = "..."`, `SESSION_COOKIE_SECURE = False`, ...) look at.
//!
//! Settings come in three shapes, all reported the same way: `NAME = value` at module level
//! (Django settings modules, Flask `config.py`), `NAME = value` in a class body (Flask config
//! classes), and `app.config["NAME"] = value` / `app.config.update(NAME=value)` anywhere.
//!
//! The checker extracts them once per statement and hands each setting to the rules that
//! asked for its name (`Hooks::setting`), so a statement costs one look however many settings
//! rules are enabled, and a statement that assigns no wanted name costs a few comparisons.

use crate::analysis::semantic::{ScopeId, ScopeKind, SemanticModel};
use crate::analysis::syntax::{Expr, Stmt};

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

/// Every setting `stmt` (in `scope`) assigns whose name `wanted` accepts, in source order.
pub fn settings_in_stmt<'a>(
    semantic: &'a SemanticModel<'a>,
    scope: ScopeId,
    stmt: &'a Stmt,
    wanted: impl Fn(&str) -> bool,
) -> Vec<Setting<'a>> {
    let mut out = Vec::new();
    let mut push_target = |target: &'a Expr, value: &'a Expr| match target {
        Expr::Name(name) => {
            let id = name.id.as_str();
            if !wanted(id) {
                return;
            }
            let origin = match semantic.scope(scope).kind {
                ScopeKind::Module => SettingOrigin::Module,
                ScopeKind::Class => {
                    SettingOrigin::Class(semantic.scope(scope).name.unwrap_or_default())
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
            if wanted(key) {
                out.push(Setting {
                    name: key,
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
                push_target(target, &assign.value);
            }
        }
        Stmt::AnnAssign(assign) => {
            if let Some(value) = &assign.value {
                push_target(&assign.target, value);
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
                    && wanted(arg.as_str())
                {
                    out.push(Setting {
                        name: arg.as_str(),
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
                    if wanted(key) {
                        out.push(Setting {
                            name: key,
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

/// `app.config`, `self.app.config`, `current_app.config`: an attribute named `config`.
fn is_config_object(expr: &Expr) -> bool {
    match expr {
        Expr::Attribute(attribute) => attribute.attr.as_str() == "config",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::semantic::MODULE_SCOPE;
    use crate::analysis::syntax::parse_module;

    /// (name, origin) of every setting each statement of a module-level `source` assigns.
    fn settings(source: &str, wanted: &[&str]) -> Vec<(String, String)> {
        let parsed = parse_module(source);
        let semantic = SemanticModel::build(&parsed, Some("config"), false);
        parsed
            .body()
            .iter()
            .flat_map(|stmt| {
                settings_in_stmt(&semantic, MODULE_SCOPE, stmt, |name| wanted.contains(&name))
            })
            .map(|setting| (setting.name.to_string(), format!("{:?}", setting.origin)))
            .collect()
    }

    #[test]
    fn the_three_shapes_in_source_order() {
        let source = "\
DEBUG = True
SECRET_KEY = OTHER = 'x'
app.config['SECRET_KEY'] = 'y'
app.config.update(DEBUG=True, UNWANTED=1)
app.config.from_mapping({'SECRET_KEY': 'z', 'UNWANTED': 2})
TESTING: bool = True
";
        assert_eq!(
            settings(source, &["DEBUG", "SECRET_KEY", "TESTING"]),
            [
                ("DEBUG", "Module"),
                ("SECRET_KEY", "Module"),
                ("SECRET_KEY", "AppConfig"),
                ("DEBUG", "AppConfig"),
                ("SECRET_KEY", "AppConfig"),
                ("TESTING", "Module"),
            ]
            .map(|(name, origin)| (name.to_string(), origin.to_string()))
        );
    }

    #[test]
    fn not_settings() {
        let source = "\
debug = True
items['DEBUG'] = True
app.settings['DEBUG'] = True
app.config[KEY] = True
config.update(DEBUG=True)
app.config.setdefault('DEBUG', True)
";
        assert_eq!(settings(source, &["DEBUG"]), []);
    }
}
