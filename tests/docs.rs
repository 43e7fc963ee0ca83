//! `docs/rules.md` is generated from the registry; this test fails when it is stale.
//! Regenerate with `SNAKEGUARD_UPDATE_DOCS=1 cargo test --test docs`.

use std::path::PathBuf;

#[test]
fn rule_reference_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let expected = snakeguard::rules::reference::render();
    if std::env::var_os("SNAKEGUARD_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `SNAKEGUARD_UPDATE_DOCS=1 cargo test --test docs` and commit the result"
    );
}
