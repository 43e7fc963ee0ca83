//! Framework and library misconfiguration (debug modes, CSRF, cookies, TLS settings).
pub mod flask_debug_true;
