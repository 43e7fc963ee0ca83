//! Injection: OS command, SQL, code (bandit B6xx).
pub mod any_other_function_with_shell_equals_true;
pub mod django_extra_used;
pub mod django_raw_sql;
pub mod django_rawsql_used;
pub mod flask_send_file_path;
pub mod hardcoded_sql_expressions;
pub mod huggingface_unsafe_download;
pub mod linux_commands_wildcard_injection;
pub mod logging_config_insecure_listen;
pub mod paramiko_calls;
pub mod pytorch_load;
pub mod start_process_with_a_shell;
pub mod start_process_with_no_shell;
pub mod start_process_with_partial_path;
pub mod subprocess_shell_true;
pub mod subprocess_without_shell_equals_true;
pub mod trojansource;
