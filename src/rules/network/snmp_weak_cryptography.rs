//! SG509: SNMPv3 users without authentication or privacy (pysnmp `UsmUserData`).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

const USM_USER_DATA: &[&str] = &[
    "pysnmp.hlapi.UsmUserData",
    "pysnmp.hlapi.asyncio.UsmUserData",
    "pysnmp.hlapi.asyncore.UsmUserData",
    "pysnmp.hlapi.v3arch.UsmUserData",
    "pysnmp.hlapi.v3arch.asyncio.UsmUserData",
    "pysnmp.entity.rfc3413.oneliner.cmdgen.UsmUserData",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags pysnmp `UsmUserData(...)` without a privacy key (`privKey`, the third
    /// argument): the `noAuthNoPriv` and `authNoPriv` SNMPv3 security levels.
    ///
    /// ## Why is this bad?
    /// Without a privacy key SNMPv3 messages are not encrypted, so device configuration,
    /// routing tables and any secrets in MIB values cross the network in cleartext; without
    /// an authentication key anyone can also send requests as that user.
    ///
    /// ## Example
    /// ```python
    /// user = UsmUserData("monitor", auth_key)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// user = UsmUserData("monitor", auth_key, priv_key,
    ///                    authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)
    /// ```
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - RFC 3414: User-based Security Model (USM) for SNMPv3
    code: "SG509",
    name: "snmp-weak-cryptography",
    family: Network,
    cwe: 319,
    severity: Medium,
    confidence: Medium,
    summary: "SNMPv3 `UsmUserData` without a privacy key sends data unencrypted",
    hooks: Hooks { call: Some((USM_USER_DATA, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    if site.has_kwargs_splat()
        || site
            .call
            .arguments
            .args
            .iter()
            .any(|arg| matches!(arg, Expr::Starred(_)))
    {
        return;
    }
    let present = |expr: Option<&Expr>| expr.is_some_and(|e| !matches!(e, Expr::NoneLiteral(_)));
    if present(site.argument(2, "privKey")) {
        return;
    }
    let level = if present(site.argument(1, "authKey")) {
        "authNoPriv"
    } else {
        "noAuthNoPriv"
    };
    checker.report(
        site.call.func.range(),
        format!("SNMPv3 user at `{level}` sends data unencrypted; pass both an auth key and a privacy key"),
    );
}
