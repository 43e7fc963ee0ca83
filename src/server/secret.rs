//! Webhook secrets: kept out of logs, compared in constant time.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A shared secret (GitHub webhook secret, GitLab secret token). Its `Debug` prints `***`;
/// it has no `Display` and no accessor, so it cannot end up in a log line by accident.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(value: impl Into<Vec<u8>>) -> Secret {
        Secret(value.into())
    }

    /// Parses a comma-separated list (`SNAKEGUARD_GITHUB_WEBHOOK_SECRET=new,old`), trimming
    /// whitespace around each entry and skipping empty ones.
    pub fn parse_list(list: &str) -> Vec<Secret> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .collect()
    }

    /// An empty secret would let anyone sign; such entries are dropped by [`AppState::new`].
    ///
    /// [`AppState::new`]: super::AppState::new
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// HMAC-SHA256 of `body` under this secret, as GitHub sends it (for tests and tools that
    /// sign requests): `sha256=<hex>`.
    pub fn github_signature(&self, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    /// Whether `tag` is the HMAC-SHA256 of `body` under this secret (constant time).
    fn verifies(&self, body: &[u8], tag: &[u8]) -> bool {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(body);
        mac.verify_slice(tag).is_ok()
    }

    /// Constant-time equality with a presented token. Both sides are hashed first so that the
    /// comparison does not even leak the secret's length.
    fn matches_token(&self, token: &[u8]) -> bool {
        let a = Sha256::digest(&self.0);
        let b = Sha256::digest(token);
        a.ct_eq(&b).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Checks an `X-Hub-Signature-256` header value (`sha256=<64 hex>`) over the raw `body`
/// against every secret (several during a rotation).
pub fn verify_github_signature(secrets: &[Secret], body: &[u8], header: Option<&[u8]>) -> bool {
    let Some(hex_tag) = header.and_then(|h| h.strip_prefix(b"sha256=")) else {
        return false;
    };
    let mut tag = [0u8; 32];
    if hex::decode_to_slice(hex_tag, &mut tag).is_err() {
        return false;
    }
    // Check every secret, not just up to the first match, so timing does not reveal which one
    // (or whether an old one) matched.
    secrets
        .iter()
        .fold(false, |ok, s| s.verifies(body, &tag) | ok)
}

/// Checks an `X-Gitlab-Token` header value against every secret, in constant time.
pub fn verify_gitlab_token(secrets: &[Secret], header: Option<&[u8]>) -> bool {
    let Some(token) = header else { return false };
    secrets
        .iter()
        .fold(false, |ok, s| s.matches_token(token) | ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{:?}", vec![s]), "[***]");
    }

    #[test]
    fn github_signature_matches_githubs_documented_example() {
        // From GitHub's "Validating webhook deliveries" documentation.
        let s = Secret::new("It's a Secret to Everybody");
        let sig = s.github_signature(b"Hello, World!");
        assert_eq!(
            sig,
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        assert!(verify_github_signature(
            &[Secret::new("old"), s],
            b"Hello, World!",
            Some(sig.as_bytes())
        ));
    }

    #[test]
    fn github_signature_rejects_bad_input() {
        let s = [Secret::new("k")];
        let good = s[0].github_signature(b"body");
        assert!(verify_github_signature(&s, b"body", Some(good.as_bytes())));
        assert!(!verify_github_signature(
            &s,
            b"body2",
            Some(good.as_bytes())
        ));
        assert!(!verify_github_signature(&s, b"body", None));
        assert!(!verify_github_signature(&s, b"body", Some(b"sha256=zz")));
        assert!(!verify_github_signature(
            &s,
            b"body",
            Some(&good.as_bytes()[7..])
        ));
        assert!(!verify_github_signature(
            &[],
            b"body",
            Some(good.as_bytes())
        ));
        let sha1 = good.replace("sha256=", "sha1=");
        assert!(!verify_github_signature(&s, b"body", Some(sha1.as_bytes())));
    }

    #[test]
    fn gitlab_token() {
        let s = Secret::parse_list(" a , ,b");
        assert_eq!(s.len(), 2);
        assert!(verify_gitlab_token(&s, Some(b"b")));
        assert!(!verify_gitlab_token(&s, Some(b"c")));
        assert!(!verify_gitlab_token(&s, Some(b"")));
        assert!(!verify_gitlab_token(&s, None));
    }
}
