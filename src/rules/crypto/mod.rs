//! Weak cryptography and broken TLS: hashes, ciphers, modes, key sizes, certificate checks
//! (bandit B303-B305, B324, B5xx).
pub mod cipher_modes;
pub mod ciphers;
pub mod hashlib_insecure_functions;
pub mod md5;
pub mod request_with_no_cert_validation;
pub mod ssl_with_bad_defaults;
pub mod ssl_with_bad_version;
pub mod ssl_with_no_version;
pub mod weak_cryptographic_key;
