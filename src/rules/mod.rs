//! The rule catalogue: one file per rule, grouped by family, and the one registry below.
//!
//! Every rule file declares `pub const META: RuleMeta` with [`declare_rule!`] (its doc
//! comment is its documentation) and the hook functions it plugs into the AST pass. The
//! [`registry!`] invocation is the only place that lists rules; nothing else spells a code.

pub mod helpers;
pub mod meta;
pub mod options;

pub mod dangerous_call;
pub mod injection;
pub mod misc;
pub mod misconfiguration;
pub mod taint;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use meta::{Family, Hooks, RuleMeta};

macro_rules! registry {
    ($($variant:ident = $($module:ident)::+ ;)*) => {
        /// Every rule snakeguard knows.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($variant),*
        }

        impl Rule {
            /// All rules, in registry order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(Rule::$variant => &$($module)::+::META),*
                }
            }
        }
    };
}

registry! {
    AssertUsed = misc::assert_used;
    FlaskDebugTrue = misconfiguration::flask_debug_true;
    PickleLoads = dangerous_call::pickle_loads;
    YamlLoad = dangerous_call::yaml_load;
    SubprocessShellTrue = injection::subprocess_shell_true;
    TaintSqlInjection = taint::sql_injection;
    TaintCommandInjection = taint::command_injection;
    TaintCodeInjection = taint::code_injection;
    TaintPathTraversal = taint::path_traversal;
    TaintSsrf = taint::ssrf;
    TaintOpenRedirect = taint::open_redirect;
    TaintReflectedXss = taint::reflected_xss;
    TaintTemplateInjection = taint::template_injection;
    TaintLdapInjection = taint::ldap_injection;
    TaintXpathInjection = taint::xpath_injection;
    TaintXxe = taint::xxe;
    TaintUnsafeDeserialization = taint::unsafe_deserialization;
    TaintTrustBoundary = taint::trust_boundary;
    TaintHeaderInjection = taint::header_injection;
    TaintLogInjection = taint::log_injection;
    TaintRegexInjection = taint::regex_injection;
    TaintInsecureCookie = taint::insecure_cookie;
}

impl Rule {
    pub fn code(self) -> &'static str {
        self.meta().code
    }

    pub fn name(self) -> &'static str {
        self.meta().name
    }

    /// Look a rule up by code (`SG602`), bandit/ruff code (`B602`, `S602`) or name.
    pub fn from_code(code: &str) -> Option<Rule> {
        let code = code.trim();
        Rule::ALL.iter().copied().find(|rule| {
            let meta = rule.meta();
            meta.code.eq_ignore_ascii_case(code) || meta.name == code
        })
    }

    /// All rules, sorted by code.
    pub fn sorted() -> Vec<Rule> {
        let mut rules = Rule::ALL.to_vec();
        rules.sort_by_key(|rule| rule.code());
        rules
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Rule::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rule `{code}`")))
    }
}

#[cfg(test)]
mod tests;
