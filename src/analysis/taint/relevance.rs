//! Which functions of a module are worth interpreting to report: those that can hold tainted
//! data at all.
//!
//! Reporting interprets every function with untainted parameters (route parameters aside), so
//! a function sees taint only when it creates a source label itself (the prefilter's test on
//! its body says so, or it is an entry point), calls a function of the module that may return
//! taint, or reads a module global that is tainted after the module's top level ran. A
//! function that does none of these carries no tainted value and reports nothing; skipping it
//! changes no finding. It is still interpreted when a pattern finding inside it asks the taint
//! pass for facts (`interplay`): those facts include constants, which need the interpretation.
//!
//! The call relation is by name (`helper(...)`, `self.helper(...)`, any function or method
//! of the module with that name): cheap and conservative.

use rustc_hash::FxHashSet;

use crate::analysis::syntax::{Expr, TextRange, TextSize, Visitor, ast, visitor};

/// A function of the module, as the selection needs it.
pub(crate) struct Candidate<'a> {
    pub def: &'a ast::StmtFunctionDef,
    /// Creates a source label itself (prefilter test on its body, or an entry point).
    pub has_sources: bool,
}

/// The functions (by definition start) to interpret when reporting. `tainted_globals` are the
/// names of module globals holding tainted data; `asks_facts` are ranges of pattern findings
/// that consult the taint pass's facts.
pub(crate) fn functions_to_report(
    candidates: &[Candidate],
    tainted_globals: &FxHashSet<&str>,
    asks_facts: &[TextRange],
) -> FxHashSet<TextSize> {
    let mut selected: Vec<bool> = candidates
        .iter()
        .map(|candidate| {
            candidate.has_sources
                || asks_facts
                    .iter()
                    .any(|range| candidate.def.range.contains_range(*range))
        })
        .collect();
    if tainted_globals.is_empty() && !selected.contains(&true) {
        // Nothing creates taint: no body needs reading.
        return FxHashSet::default();
    }
    // Only bodies of functions not yet selected are read: whether they read a tainted global,
    // and which names they call (one list for all, each function's calls a range of it).
    let mut mentions = Mentions {
        tainted_globals,
        reads_tainted_global: false,
        calls: Vec::new(),
    };
    let calls_of: Vec<Option<std::ops::Range<usize>>> = candidates
        .iter()
        .zip(&mut selected)
        .map(|(candidate, selected)| {
            if *selected {
                return None;
            }
            let start = mentions.calls.len();
            mentions.reads_tainted_global = false;
            for stmt in &candidate.def.body {
                mentions.visit_stmt(stmt);
            }
            *selected = mentions.reads_tainted_global;
            Some(start..mentions.calls.len())
        })
        .collect();
    let calls = mentions.calls;
    // Callers of selected functions may receive taint from them: close over the call names.
    loop {
        let names: FxHashSet<&str> = candidates
            .iter()
            .zip(&selected)
            .filter(|(_, selected)| **selected)
            .map(|(candidate, _)| candidate.def.name.as_str())
            .collect();
        let mut grew = false;
        for (index, range) in calls_of.iter().enumerate() {
            if let Some(range) = range
                && !selected[index]
                && calls[range.clone()].iter().any(|name| names.contains(name))
            {
                selected[index] = true;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    candidates
        .iter()
        .zip(selected)
        .filter(|(_, selected)| *selected)
        .map(|(candidate, _)| candidate.def.range.start())
        .collect()
}

/// What a function body reads of the tainted globals, and the names it calls (`f(...)` and
/// `x.f(...)`).
struct Mentions<'a, 'g> {
    tainted_globals: &'g FxHashSet<&'g str>,
    reads_tainted_global: bool,
    calls: Vec<&'a str>,
}

impl<'a> Visitor<'a> for Mentions<'a, '_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => {
                self.reads_tainted_global |= !self.reads_tainted_global
                    && !self.tainted_globals.is_empty()
                    && self.tainted_globals.contains(name.id.as_str());
            }
            Expr::Call(call) => match &*call.func {
                Expr::Name(name) => self.calls.push(name.id.as_str()),
                Expr::Attribute(attribute) => self.calls.push(attribute.attr.as_str()),
                _ => {}
            },
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::{Stmt, parse_module};

    fn selected(source: &str, with_sources: &[&str], globals: &[&str]) -> Vec<String> {
        let parsed = parse_module(source);
        let mut defs = Vec::new();
        for stmt in parsed.body() {
            match stmt {
                Stmt::FunctionDef(def) => defs.push(def),
                Stmt::ClassDef(class) => {
                    for stmt in &class.body {
                        if let Stmt::FunctionDef(def) = stmt {
                            defs.push(def);
                        }
                    }
                }
                _ => {}
            }
        }
        let candidates: Vec<Candidate> = defs
            .iter()
            .map(|def| Candidate {
                def,
                has_sources: with_sources.contains(&def.name.as_str()),
            })
            .collect();
        let globals: FxHashSet<&str> = globals.iter().copied().collect();
        let chosen = functions_to_report(&candidates, &globals, &[]);
        let mut names: Vec<String> = defs
            .iter()
            .filter(|def| chosen.contains(&def.range.start()))
            .map(|def| def.name.to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn callers_of_functions_with_sources_are_selected_transitively() {
        let source = "def read():\n    return 1\ndef mid():\n    return read()\ndef top():\n    return mid()\ndef alone():\n    return 2\nclass C:\n    def m(self):\n        return self.mid()\n";
        assert_eq!(
            selected(source, &["read"], &[]),
            ["m", "mid", "read", "top"]
        );
    }

    #[test]
    fn readers_of_tainted_globals_are_selected() {
        let source = "ARGS = None\ndef uses():\n    return ARGS\ndef other():\n    return 1\n";
        assert_eq!(selected(source, &[], &["ARGS"]), ["uses"]);
        assert!(selected(source, &[], &[]).is_empty());
    }
}
