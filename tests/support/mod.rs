//! Test support shared by the integration tests: a stateful fake GitHub over real HTTP.
#![allow(dead_code)]

pub mod app_server;
pub mod fake_github;
