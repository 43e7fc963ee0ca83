//! The shipped example configuration parses and means what its comments say.

use std::path::Path;

#[test]
fn example_config_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/snakeguard.example.toml");
    let text = std::fs::read_to_string(&path).expect("example config");
    let config = snakeguard::config::Config::from_snakeguard_toml(&text, &path)
        .expect("example config parses");
    assert!(config.is_excluded("migrations/0001_initial.py"));
    assert_eq!(config.fail_on, Some(snakeguard::finding::Severity::High));
}
