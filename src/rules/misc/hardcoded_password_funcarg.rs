//! SG106: a password or other secret passed to a function as a string literal.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};
use crate::rules::misc::hardcoded_password_string::hardcoded_secret;

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls that pass a string literal to a keyword argument whose name looks like it
    /// holds a secret (`password=`, `passwd=`, `api_key=`, `token=`, `client_secret=`, ...;
    /// configurable as `options.password-name-pattern`). Placeholders, empty strings and
    /// template references (`"${TOKEN}"`) are ignored, as for SG105.
    ///
    /// ## Why is this bad?
    /// The credential becomes part of the source code: everyone with read access to the
    /// repository or its history can use it, and rotating it needs a code change and a deploy.
    ///
    /// ## Example
    /// ```python
    /// conn = psycopg2.connect(host="db", user="app", password="Tr0ub4dor&3")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// conn = psycopg2.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])
    /// ```
    ///
    /// ## References
    /// - CWE-259: Use of Hard-coded Password
    /// - CWE-798: Use of Hard-coded Credentials
    code: "SG106",
    name: "hardcoded-password-funcarg",
    family: Misc,
    cwe: 259,
    severity: Low,
    confidence: Medium,
    summary: "Hard-coded password or secret passed as a keyword argument",
    hooks: Hooks { call: Some((&[], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    for keyword in &site.call.arguments.keywords {
        let Some(arg) = &keyword.arg else { continue };
        if hardcoded_secret(checker, arg.as_str(), &keyword.value).is_some() {
            let message = format!(
                "hard-coded secret passed as `{}=`: read it from the environment or a secret store instead",
                arg.as_str()
            );
            checker.report(keyword.value.range(), message);
        }
    }
}
