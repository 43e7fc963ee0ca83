//! One module per subcommand.
pub mod debug;
pub mod rules;
pub mod scan;
