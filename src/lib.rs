//! snakeguard: security review for Python code.
pub mod analysis;
pub mod finding;
pub mod report;
pub mod rules;
