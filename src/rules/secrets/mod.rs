//! Secrets in source code: cloud keys, API tokens, private keys.
