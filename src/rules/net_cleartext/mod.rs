//! Credentials sent over cleartext HTTP.
