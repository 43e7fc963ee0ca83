//! Misuse of sound ciphers and TLS: fixed IVs and nonces, hard-coded keys, disabled checks.
