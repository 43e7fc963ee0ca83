//! SG321: plain FTP connections (cleartext).

use crate::analysis::checker::{CallSite, Checker};
use crate::analysis::syntax::Ranged;
use crate::declare_rule;
use crate::rules::meta::{Hooks, RuleMeta};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags `ftplib.FTP(...)` connections. `ftplib.FTP_TLS` is not reported.
    ///
    /// ## Why is this bad?
    /// Plain FTP sends the username, the password and every file in cleartext. Anyone on the
    /// network path can capture the credentials and reuse them, or modify files in transit.
    ///
    /// ## Example
    /// ```python
    /// ftp = ftplib.FTP("files.example.com")
    /// ftp.login("deploy", password)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// ftp = ftplib.FTP_TLS("files.example.com")
    /// ftp.login("deploy", password)
    /// ftp.prot_p()
    /// ```
    /// or SFTP over SSH.
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - Python docs: "ftplib.FTP_TLS"
    code: "SG321",
    name: "ftplib",
    family: DangerousCall,
    cwe: 319,
    severity: High,
    confidence: High,
    summary: "Plain FTP connection sends credentials and files in cleartext",
    hooks: Hooks { call: Some((&["ftplib.FTP"], check)), ..Hooks::NONE },
};

fn check(checker: &mut Checker, site: &CallSite) {
    checker.report(
        site.call.func.range(),
        "`ftplib.FTP` sends credentials and files in cleartext; use `ftplib.FTP_TLS` (with `prot_p()`) or SFTP",
    );
}
