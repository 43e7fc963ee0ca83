//! One module per subcommand.
pub mod debug;
pub mod diff_mode;
pub mod review;
pub mod rules;
pub mod scan;
pub mod serve;
