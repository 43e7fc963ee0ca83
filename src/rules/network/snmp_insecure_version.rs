//! SG508: SNMP v1/v2c community-string authentication (pysnmp `CommunityData`).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::helpers::int_literal;
use crate::rules::meta::{Hooks, RuleMeta};

const COMMUNITY_DATA: &[&str] = &[
    "pysnmp.hlapi.CommunityData",
    "pysnmp.hlapi.asyncio.CommunityData",
    "pysnmp.hlapi.asyncore.CommunityData",
    "pysnmp.hlapi.v1arch.CommunityData",
    "pysnmp.hlapi.v1arch.asyncio.CommunityData",
    "pysnmp.hlapi.v3arch.CommunityData",
    "pysnmp.hlapi.v3arch.asyncio.CommunityData",
    "pysnmp.entity.rfc3413.oneliner.cmdgen.CommunityData",
];

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags pysnmp `CommunityData(...)`, which selects SNMP v1 (`mpModel=0`) or v2c
    /// (`mpModel=1`, the default). A non-literal `mpModel` is not reported.
    ///
    /// ## Why is this bad?
    /// SNMP v1 and v2c authenticate with a community string sent in cleartext in every packet
    /// and offer no encryption. Anyone who can observe the traffic learns the string and can
    /// read — or with a write community, change — the device configuration.
    ///
    /// ## Example
    /// ```python
    /// auth = CommunityData("public", mpModel=0)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// auth = UsmUserData("monitor", auth_key, priv_key,
    ///                    authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)
    /// ```
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - RFC 3414: User-based Security Model (USM) for SNMPv3
    code: "SG508",
    name: "snmp-insecure-version",
    family: Network,
    cwe: 319,
    severity: Medium,
    confidence: High,
    summary: "SNMP v1/v2c `CommunityData` sends its community string in cleartext",
    hooks: Hooks { call: Some((COMMUNITY_DATA, check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    let version = match site.keyword("mpModel") {
        None if site.has_kwargs_splat() => return,
        None => "v2c",
        Some(model) => match int_literal(model) {
            Some(0) => "v1",
            Some(1) => "v2c",
            _ => return,
        },
    };
    checker.report(
        site.call.func.range(),
        format!("SNMP {version} community authentication is cleartext; use SNMPv3 `UsmUserData` with auth and privacy keys"),
    );
}
