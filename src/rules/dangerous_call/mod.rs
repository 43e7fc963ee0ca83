//! Calls to dangerous functions: deserialization, weak hashes, randomness, XML (bandit B3xx).
pub mod pickle_loads;
pub mod tarfile_unsafe_members;
pub mod yaml_load;
