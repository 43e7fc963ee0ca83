//! SG301: deserialization with pickle and its relatives.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

/// Callees that unpickle their input (bandit B301's blacklist plus common wrappers).
pub const PICKLE_LOADERS: &[&str] = &[
    "pickle.loads",
    "pickle.load",
    "pickle.Unpickler",
    "_pickle.loads",
    "_pickle.load",
    "_pickle.Unpickler",
    "cPickle.loads",
    "cPickle.load",
    "cPickle.Unpickler",
    "dill.loads",
    "dill.load",
    "dill.Unpickler",
    "shelve.open",
    "shelve.DbfilenameShelf",
    "jsonpickle.decode",
    "jsonpickle.unpickler.decode",
    "jsonpickle.unpickler.Unpickler",
    "pandas.read_pickle",
    "joblib.load",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags calls that deserialize data with `pickle` or a pickle-based format: `pickle`,
    /// `cPickle`, `_pickle`, `dill`, `shelve`, `jsonpickle`, `pandas.read_pickle` and `joblib.load`.
    ///
    /// ## Why is this bad?
    /// Unpickling executes code chosen by whoever produced the bytes (`__reduce__` can return
    /// `os.system` and an argument). Loading a pickle from a request, a cookie, a cache shared
    /// with other tenants or a downloaded file is remote code execution.
    ///
    /// ## Example
    /// ```python
    /// session = pickle.loads(base64.b64decode(request.cookies["session"]))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// session = json.loads(base64.b64decode(request.cookies["session"]))
    /// ```
    /// Use JSON or another data-only format; if you must exchange pickles, sign them with
    /// `hmac` and verify the signature before loading.
    ///
    /// ## References
    /// - CWE-502: Deserialization of Untrusted Data
    /// - Python docs: "pickle — Warning: The pickle module is not secure"
    code: "SG301",
    name: "pickle-loads",
    family: DangerousCall,
    cwe: 502,
    severity: High,
    confidence: Medium,
    summary: "Deserialization with pickle (or a pickle-based format) runs attacker-chosen code",
    hooks: Hooks { call: Some((PICKLE_LOADERS, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let callee = site.qualified.unwrap_or("pickle");
    checker.report(
        site.call.func.range(),
        format!("`{callee}` deserializes with pickle, which can execute arbitrary code from untrusted data"),
    );
}
