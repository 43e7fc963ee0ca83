//! Injection: OS command, SQL, code (bandit B6xx).
pub mod subprocess_shell_true;
