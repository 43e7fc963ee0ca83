//! Shared logic of the import rules SG401-SG415 (not a rule itself): match `import` and
//! `from ... import` statements against a rule's list of module names.

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Ranged, Stmt};

/// Whether `imported` is `entry` or lies inside it (`xml.etree.ElementTree.parse` is inside
/// `xml.etree.ElementTree`; `lxmlx` is not inside `lxml`).
fn is_within(imported: &str, entry: &str) -> bool {
    imported == entry
        || imported
            .strip_prefix(entry)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Report the first name of an import statement that falls under one of `modules`, once per
/// statement. `message` may contain `{name}`, replaced by the matched module.
pub fn check_import(checker: &mut Checker, stmt: &Stmt, modules: &[&str], message: &str) {
    let hit = match stmt {
        Stmt::Import(import) => import.names.iter().find_map(|alias| {
            let name = alias.name.as_str();
            modules
                .iter()
                .find(|entry| is_within(name, entry))
                .map(|entry| (alias.range(), (*entry).to_string()))
        }),
        Stmt::ImportFrom(import) if import.level == 0 => {
            let Some(module) = &import.module else { return };
            let module = module.as_str();
            import.names.iter().find_map(|alias| {
                let full = format!("{module}.{}", alias.name.as_str());
                modules
                    .iter()
                    .find(|entry| is_within(&full, entry))
                    .map(|entry| (alias.range(), (*entry).to_string()))
            })
        }
        _ => None,
    };
    if let Some((range, name)) = hit {
        checker.report(range, message.replace("{name}", &name));
    }
}
