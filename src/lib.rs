//! snakeguard: security review for Python code.
pub mod analysis;
pub mod baseline;
pub mod config;
pub mod delta;
pub mod diff;
pub mod finding;
pub mod forge;
pub mod git;
pub mod report;
pub mod rules;
pub mod scan;
pub mod server;
pub mod store;
