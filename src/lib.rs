//! snakeguard: security review for Python code.
pub mod analysis;
pub mod baseline;
pub mod config;
pub mod finding;
pub mod report;
pub mod rules;
pub mod scan;
pub mod server;
pub mod store;
