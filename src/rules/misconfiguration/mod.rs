//! Framework and library misconfiguration (debug modes, CSRF, cookies, TLS settings).
pub mod cookie_httponly_disabled;
pub mod cookie_secure_disabled;
pub mod cors_wildcard_with_credentials;
pub mod csrf_exempt;
pub mod django_allowed_hosts_wildcard;
pub mod django_csrf_middleware_missing;
pub mod django_debug_true;
pub mod flask_debug_true;
pub mod flask_wtf_csrf_disabled;
pub mod hardcoded_secret_key;
pub mod set_cookie_insecure;
pub mod web_support;
pub mod werkzeug_debugger_enabled;
