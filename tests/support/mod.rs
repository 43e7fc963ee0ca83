//! Test support shared by the integration tests: a stateful fake GitHub over real HTTP.
#![allow(dead_code)]

pub mod fake_github;
