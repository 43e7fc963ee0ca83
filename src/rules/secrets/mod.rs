//! Secrets in source code: cloud keys, API tokens, private keys.
//!
//! Every rule here scans string and bytes literals for one credential format. The shared
//! `scan_literal` does the work: cheap length and substring tests first, then the rule's
//! regular expression, then a placeholder filter (`AKIAXXXXXXXXXXXXXXXX`, `...EXAMPLE...`,
//! `your-token-here`, one repeated character), so documentation samples stay quiet. Messages
//! show only a redacted prefix of the secret.
pub mod aws_access_key_id;
pub mod aws_secret_access_key;
pub mod github_token;
pub mod google_api_key;
pub mod private_key_block;
pub mod slack_token;
pub mod stripe_api_key;

use std::borrow::Cow;

use regex::Regex;

use crate::analysis::checker::Checker;
use crate::analysis::syntax::{Expr, Ranged};

/// The text of a str or bytes literal.
pub(crate) fn literal_text(expr: &Expr) -> Option<Cow<'_, str>> {
    match expr {
        Expr::StringLiteral(literal) => Some(Cow::Borrowed(literal.value.to_str())),
        Expr::BytesLiteral(literal) => {
            // One part (the usual case) is decoded in place; only implicitly concatenated
            // parts or invalid UTF-8 need a copy.
            let mut parts = literal.value.iter();
            if let (Some(only), None) = (parts.next(), parts.next()) {
                return Some(String::from_utf8_lossy(&only.value));
            }
            let bytes: Vec<u8> = literal.value.bytes().collect();
            Some(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()))
        }
        _ => None,
    }
}

/// Whether the literal `expr` can hold `len` bytes of text: a literal's text is never longer
/// than its source (escapes only shrink), so most literals are dismissed before their text is
/// read.
pub(crate) fn may_hold_text_of_len(expr: &Expr, len: usize) -> bool {
    expr.range().len().to_usize() >= len
}

/// Words that mark a documentation sample rather than a live credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "xxxx",
    "your",
    "here",
    "dummy",
    "placeholder",
    "redacted",
    "sample",
    "changeme",
    "fake",
    "<",
    "...",
    "****",
];

/// Whether a matched credential is a placeholder: a sample word, or the variable part is
/// one repeated character.
pub(crate) fn is_placeholder(token: &str, prefix_len: usize) -> bool {
    let lower = token.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|word| lower.contains(word)) {
        return true;
    }
    let body = token.get(prefix_len..).unwrap_or(token);
    let mut chars = body.chars().filter(|c| c.is_ascii_alphanumeric());
    match chars.next() {
        None => true,
        Some(first) => chars.all(|c| c == first),
    }
}

/// A redacted rendering of a secret for messages: its first `shown` characters.
pub(crate) fn redact(token: &str, shown: usize) -> String {
    let visible: String = token.chars().take(shown).collect();
    format!("{visible}…")
}

/// A credential's regular expression with the length of its shortest match and the fixed
/// texts one of which every match holds: most literals are shorter or hold none, and are
/// dismissed before any search.
pub(crate) struct SecretPattern {
    regex: Regex,
    min_len: usize,
    /// Built once: a substring search set up per literal costs more than the search.
    needles: Vec<memchr::memmem::Finder<'static>>,
}

impl SecretPattern {
    /// `None` if `pattern` does not compile (the rule then never reports).
    pub(crate) fn new(pattern: &str, needles: &[&'static str]) -> Option<SecretPattern> {
        let regex = Regex::new(pattern).ok()?;
        let min_len = regex_syntax::parse(pattern)
            .ok()
            .and_then(|hir| hir.properties().minimum_len())
            .unwrap_or(0);
        let needles = needles
            .iter()
            .map(|needle| memchr::memmem::Finder::new(needle.as_bytes()))
            .collect();
        Some(SecretPattern {
            regex,
            min_len,
            needles,
        })
    }
}

/// Scan one literal for `pattern` (after its cheap length and needle tests) and report the
/// first real match with `describe(redacted)`.
pub(crate) fn scan_literal(
    checker: &mut Checker,
    expr: &Expr,
    pattern: Option<&SecretPattern>,
    prefix_len: impl Fn(&str) -> usize,
    describe: impl Fn(&str) -> String,
) {
    let Some(pattern) = pattern else { return };
    if !may_hold_text_of_len(expr, pattern.min_len) {
        return;
    }
    let Some(text) = literal_text(expr) else {
        return;
    };
    if text.len() < pattern.min_len
        || !pattern
            .needles
            .iter()
            .any(|needle| needle.find(text.as_bytes()).is_some())
    {
        return;
    }
    let Some(found) = pattern
        .regex
        .find_iter(&text)
        .map(|found| found.as_str())
        .find(|token| !is_placeholder(token, prefix_len(token)))
    else {
        return;
    };
    let message = describe(&redact(found, prefix_len(found) + 2));
    checker.report(expr.range(), message);
}
