//! Error handling and logging: stack traces in responses, secrets and SQL in logs.
pub mod secret_in_log;
pub mod sqlalchemy_echo_true;
pub mod stack_trace_in_response;
