//! SG502: SSL/TLS contexts and sockets pinned to SSLv2, SSLv3, TLS 1.0 or TLS 1.1.

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged, Stmt};
use crate::declare_rule;
use crate::rules::meta::{Hooks, Kinds, RuleMeta, StmtKind};

/// Protocol constants that select an obsolete SSL/TLS version (bandit's list without
/// pyOpenSSL's `SSLv23_METHOD`, which negotiates the best version), plus `ssl.TLSVersion`
/// members for `minimum_version` / `maximum_version`.
pub const BAD_PROTOCOLS: &[&str] = &[
    "ssl.PROTOCOL_SSLv2",
    "ssl.PROTOCOL_SSLv3",
    "ssl.PROTOCOL_TLSv1",
    "ssl.PROTOCOL_TLSv1_1",
    "OpenSSL.SSL.SSLv2_METHOD",
    "OpenSSL.SSL.SSLv3_METHOD",
    "OpenSSL.SSL.TLSv1_METHOD",
    "OpenSSL.SSL.TLSv1_1_METHOD",
    "ssl.TLSVersion.SSLv3",
    "ssl.TLSVersion.TLSv1",
    "ssl.TLSVersion.TLSv1_1",
];

/// Whether `expr` names an obsolete protocol constant.
/// The last segment of every entry of [`BAD_PROTOCOLS`].
const BAD_PROTOCOL_ATTRS: &[&str] = &[
    "PROTOCOL_SSLv2",
    "PROTOCOL_SSLv3",
    "PROTOCOL_TLSv1",
    "PROTOCOL_TLSv1_1",
    "SSLv2_METHOD",
    "SSLv3_METHOD",
    "TLSv1_METHOD",
    "TLSv1_1_METHOD",
    "SSLv3",
    "TLSv1",
    "TLSv1_1",
];

/// Every entry of [`BAD_PROTOCOLS`] starts with one of these.
const BAD_PROTOCOL_ROOTS: &[&str] = &["ssl", "OpenSSL"];

pub fn bad_protocol(checker: &Checker, expr: &Expr) -> Option<String> {
    match expr {
        // `a.b` resolves to `<qualified a>.b`: skip the resolution unless `b` can end a
        // bad protocol's name (this runs for every argument of every call).
        Expr::Attribute(attribute) if !BAD_PROTOCOL_ATTRS.contains(&attribute.attr.as_str()) => {
            return None;
        }
        Expr::Attribute(_) | Expr::Name(_) => {}
        _ => return None,
    }
    let name = checker.qualified_name(expr)?;
    BAD_PROTOCOLS.contains(&name.as_str()).then_some(name)
}

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags obsolete protocol constants (`ssl.PROTOCOL_SSLv2`/`SSLv3`/`TLSv1`/`TLSv1_1`,
    /// pyOpenSSL's `SSLv2_METHOD`/`SSLv3_METHOD`/`TLSv1_METHOD`/`TLSv1_1_METHOD`) passed to a
    /// call such as `ssl.SSLContext(...)`, `ssl.wrap_socket(ssl_version=...)` or
    /// `OpenSSL.SSL.Context(...)`, and `ctx.minimum_version`/`maximum_version` set to
    /// `ssl.TLSVersion.SSLv3`/`TLSv1`/`TLSv1_1`.
    ///
    /// ## Why is this bad?
    /// SSLv2 and SSLv3 are broken (DROWN, POODLE) and TLS 1.0/1.1 were deprecated by RFC 8996:
    /// they rely on weak ciphers and MAC constructions. Pinning a connection to them lets a
    /// network attacker decrypt or tamper with the traffic, or forces it to fail with modern
    /// peers.
    ///
    /// ## Example
    /// ```python
    /// context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// context = ssl.create_default_context()
    /// context.minimum_version = ssl.TLSVersion.TLSv1_2
    /// ```
    ///
    /// ## References
    /// - CWE-327: Use of a Broken or Risky Cryptographic Algorithm
    /// - RFC 8996: Deprecating TLS 1.0 and TLS 1.1
    code: "SG502",
    name: "ssl-with-bad-version",
    family: Crypto,
    cwe: 327,
    severity: High,
    confidence: High,
    summary: "SSL/TLS pinned to SSLv2, SSLv3, TLS 1.0 or TLS 1.1",
    hooks: Hooks {
        call: Some((&[], check)),
        stmt: Some(check_assignment),
        stmt_kinds: Kinds::stmts(&[StmtKind::Assign]),
        // Every protocol constant reported resolves under one of them.
        only_resolving_under: BAD_PROTOCOL_ROOTS,
        ..Hooks::NONE
    },
};

fn check(checker: &mut Checker, site: &CallSite) {
    // Runs for every call, in the modules whose imports can name `ssl` or `OpenSSL` (the
    // dispatch leaves it out of the others: `only_resolving_under`).
    let arguments = &site.call.arguments;
    let values = arguments
        .args
        .iter()
        .chain(arguments.keywords.iter().map(|keyword| &keyword.value));
    for value in values {
        if let Some(protocol) = bad_protocol(checker, value) {
            let callee = site.qualified.unwrap_or("this call");
            checker.report(
                value.range(),
                format!("`{callee}` uses the obsolete protocol `{protocol}`; use TLS 1.2 or newer (`ssl.create_default_context()`)"),
            );
        }
    }
}

fn check_assignment(checker: &mut Checker, stmt: &Stmt) {
    let Stmt::Assign(assign) = stmt else { return };
    let is_version_setting = assign.targets.iter().any(|target| {
        matches!(target, Expr::Attribute(attribute)
            if matches!(attribute.attr.as_str(), "minimum_version" | "maximum_version"))
    });
    if !is_version_setting {
        return;
    }
    if let Some(protocol) = bad_protocol(checker, &assign.value) {
        checker.report(
            assign.value.range(),
            format!("TLS version limited to the obsolete `{protocol}`; use `ssl.TLSVersion.TLSv1_2` or newer"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{BAD_PROTOCOL_ATTRS, BAD_PROTOCOL_ROOTS, BAD_PROTOCOLS};

    #[test]
    fn shortcut_lists_match_the_protocols() {
        let mut attrs: Vec<&str> = BAD_PROTOCOLS
            .iter()
            .filter_map(|protocol| protocol.rsplit('.').next())
            .collect();
        let mut listed = BAD_PROTOCOL_ATTRS.to_vec();
        attrs.sort_unstable();
        listed.sort_unstable();
        assert_eq!(attrs, listed);
        for protocol in BAD_PROTOCOLS {
            assert!(
                BAD_PROTOCOL_ROOTS
                    .iter()
                    .any(|root| protocol.starts_with(&format!("{root}."))),
                "{protocol}"
            );
        }
    }
}
