//! Injection: OS command, SQL, code (bandit B6xx).
pub mod django_raw_sql;
pub mod flask_send_file_path;
pub mod subprocess_shell_true;
