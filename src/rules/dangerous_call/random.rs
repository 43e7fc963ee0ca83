//! SG311: the `random` module's generators (not suitable for security).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

/// Pseudo-random functions of the standard `random` module (bandit B311's list plus the
/// byte/bit generators).
pub const PSEUDO_RANDOM: &[&str] = &[
    "random.Random",
    "random.random",
    "random.randrange",
    "random.randint",
    "random.choice",
    "random.choices",
    "random.uniform",
    "random.triangular",
    "random.getrandbits",
    "random.randbytes",
    "random.sample",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags every call to the `random` module's pseudo-random generators (`random.random`,
    /// `randint`, `choice`, `choices`, `getrandbits`, `Random`, ...). Off by default: most uses
    /// (simulations, jitter, sampling) are fine; SG330 reports the ones that make secrets.
    ///
    /// ## Why is this bad?
    /// `random` is a Mersenne Twister: after observing 624 outputs an attacker can predict
    /// every future (and past) value. Tokens, passwords, nonces or salts derived from it can
    /// be guessed.
    ///
    /// ## Example
    /// ```python
    /// code = random.randint(100000, 999999)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// code = secrets.randbelow(900000) + 100000
    /// ```
    ///
    /// ## References
    /// - CWE-330: Use of Insufficiently Random Values
    /// - Python docs: "random — Warning: not to be used for security purposes"
    code: "SG311",
    name: "random",
    family: DangerousCall,
    cwe: 330,
    severity: Low,
    confidence: High,
    default_enabled: false,
    summary: "Standard pseudo-random generator used; not suitable for security purposes",
    hooks: Hooks { call: Some((PSEUDO_RANDOM, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let callee = site.qualified.unwrap_or("random");
    checker.report(
        site.call.func.range(),
        format!(
            "`{callee}` is predictable; use the `secrets` module for anything security-related"
        ),
    );
}
