//! SG954: a PEM/OpenSSH/PGP private key embedded in a string literal.

use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged};
use crate::declare_rule;
use crate::rules::meta::{ExprKind, Hooks, Kinds, RuleMeta};
use crate::rules::secrets::{literal_text, may_hold_text_of_len};

pub const META: RuleMeta = declare_rule! {
    /// ## What it does
    /// Flags string and bytes literals containing a private key block —
    /// `-----BEGIN PRIVATE KEY-----`, `-----BEGIN RSA PRIVATE KEY-----`, `EC`, `DSA`,
    /// `OPENSSH`, `ENCRYPTED` and `PGP PRIVATE KEY BLOCK` — followed by key material. A bare
    /// header, as used by code that detects or parses PEM files, is not reported.
    ///
    /// ## Why is this bad?
    /// A private key is the identity of a server, a signing service or a deploy user. Anyone
    /// who reads it can impersonate that identity, decrypt recorded TLS traffic (for non-PFS
    /// ciphers) or sign releases. Even a passphrase-protected key can be brute-forced offline.
    ///
    /// ## Example
    /// ```python
    /// DEPLOY_KEY = """-----BEGIN OPENSSH PRIVATE KEY-----
    /// b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW...
    /// -----END OPENSSH PRIVATE KEY-----"""
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// DEPLOY_KEY = Path(os.environ["DEPLOY_KEY_FILE"]).read_text()
    /// ```
    /// Rotate the committed key: it stays in the repository's history.
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - RFC 7468: Textual Encodings of PKIX, PKCS, and CMS Structures
    code: "SG954",
    name: "private-key-block",
    family: Secrets,
    cwe: 798,
    severity: High,
    confidence: High,
    summary: "private key embedded in a string literal",
    hooks: Hooks { expr: Some(check), expr_kinds: Kinds::exprs(&[ExprKind::StringLiteral, ExprKind::BytesLiteral]), ..Hooks::NONE },
};

static HEADER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----").ok());

/// Base64 characters of key material a real key has at least (a 256-bit EC key has ~160).
const MIN_KEY_MATERIAL: usize = 64;

/// The shortest header [`HEADER`] matches.
const SHORTEST_HEADER: usize = "-----BEGIN PRIVATE KEY-----".len();

fn check(checker: &mut Checker, expr: &Expr) {
    // The key material follows the header.
    if !may_hold_text_of_len(expr, SHORTEST_HEADER + MIN_KEY_MATERIAL) {
        return;
    }
    let Some(text) = literal_text(expr) else {
        return;
    };
    static NEEDLE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("PRIVATE KEY"));
    if NEEDLE.find(text.as_bytes()).is_none() {
        return;
    }
    let Some(header) = HEADER.as_ref() else {
        return;
    };
    for found in header.find_iter(&text) {
        let rest = &text[found.end()..];
        let body = rest.split("-----END").next().unwrap_or(rest);
        let material = body
            .lines()
            .filter(|line| !line.contains(':'))
            .flat_map(str::chars)
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
            .count();
        if material >= MIN_KEY_MATERIAL && !super::is_placeholder(body.trim(), 0) {
            let kind = found
                .as_str()
                .trim_matches('-')
                .trim_start_matches("BEGIN ");
            checker.report(
                expr.range(),
                format!(
                    "string contains a {kind}; move it to a file or secrets manager outside the repository and rotate it"
                ),
            );
            return;
        }
    }
}
