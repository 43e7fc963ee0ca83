//! SG506: `yaml.load` with a loader that can construct arbitrary objects.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::finding::Fix;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `yaml.load(...)`, `yaml.load_all(...)`, `yaml.unsafe_load(...)` and
    /// `yaml.full_load(...)` unless the loader is `SafeLoader`/`CSafeLoader` (or `BaseLoader`).
    ///
    /// ## Why is this bad?
    /// PyYAML's `Loader`, `UnsafeLoader` and (before 5.4) `FullLoader` build arbitrary Python
    /// objects from tags such as `!!python/object/apply:os.system`, so loading untrusted YAML
    /// runs attacker-chosen code. Older PyYAML defaults `yaml.load(data)` to the unsafe loader.
    ///
    /// ## Example
    /// ```python
    /// config = yaml.load(request.data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// config = yaml.safe_load(request.data)
    /// ```
    ///
    /// ## References
    /// - CWE-502: Deserialization of Untrusted Data
    /// - PyYAML docs: "yaml.load(input) Deprecation"
    code: "SG506",
    name: "yaml-load",
    family: DangerousCall,
    cwe: 502,
    severity: High,
    confidence: High,
    summary: "`yaml.load` without `SafeLoader` can construct arbitrary Python objects",
    hooks: Hooks {
        call: Some((&["yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"], check)),
        ..Hooks::NONE
    },
};

const SAFE_LOADERS: &[&str] = &[
    "yaml.SafeLoader",
    "yaml.CSafeLoader",
    "yaml.BaseLoader",
    "yaml.CBaseLoader",
    "yaml.loader.SafeLoader",
    "yaml.cyaml.CSafeLoader",
];

fn check(checker: &mut Checker, site: &CallSite) {
    let Some(callee) = site.qualified else { return };
    let function = callee.rsplit('.').next().unwrap_or(callee);
    if matches!(function, "load" | "load_all")
        && let Some(loader) = site.argument(1, "Loader")
    {
        match checker.qualified_name(loader) {
            Some(name) if SAFE_LOADERS.contains(&name.as_str()) => return,
            // A name we cannot resolve (a local subclass of SafeLoader, say): stay quiet.
            None if !matches!(loader, Expr::Attribute(_)) => return,
            _ => {}
        }
    }
    let safe = if function.ends_with("_all") {
        "safe_load_all"
    } else {
        "safe_load"
    };
    let message = format!(
        "`{callee}` can construct arbitrary Python objects from untrusted YAML; use `yaml.{safe}`"
    );
    let range = site.call.range();
    let fix = mechanical_fix(checker, site, safe);
    let finding = checker.report(range, message);
    finding.fix = fix;
}

/// `yaml.load(x)` -> `yaml.safe_load(x)` when the call is `yaml.<fn>(one positional)` on one line.
fn mechanical_fix(checker: &Checker, site: &CallSite, safe: &str) -> Option<Fix> {
    let Expr::Attribute(attribute) = &*site.call.func else {
        return None;
    };
    if site.call.arguments.args.len() != 1 || !site.call.arguments.keywords.is_empty() {
        return None;
    }
    let line = checker.lines.line_of(site.call.range().start());
    if checker.lines.line_of(site.call.range().end()) != line {
        return None;
    }
    let line_text = checker.lines.line_text(line);
    let call_text = checker.source(site.call.range());
    let receiver = checker.source(attribute.value.range());
    let argument = checker.source(site.call.arguments.args[0].range());
    let replacement_call = format!("{receiver}.{safe}({argument})");
    let replacement = line_text.replacen(call_text, &replacement_call, 1);
    (replacement != line_text).then(|| Fix {
        description: format!("use `{receiver}.{safe}`"),
        start_line: line,
        end_line: line,
        replacement,
    })
}
