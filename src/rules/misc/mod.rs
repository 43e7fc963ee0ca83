//! Miscellaneous checks (bandit B1xx).
pub mod assert_used;
pub mod exec_used;
pub mod hardcoded_bind_all_interfaces;
pub mod hardcoded_password_default;
pub mod hardcoded_password_funcarg;
pub mod hardcoded_password_string;
pub mod hardcoded_tmp_directory;
pub mod password_config_option_not_marked_secret;
pub mod request_without_timeout;
pub mod set_bad_file_permissions;
pub mod try_except_continue;
pub mod try_except_pass;
