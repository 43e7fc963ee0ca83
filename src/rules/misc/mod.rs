//! Miscellaneous checks (bandit B1xx).
pub mod assert_used;
