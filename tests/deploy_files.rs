//! The deployment files agree with the code: the App manifest asks for exactly the permissions
//! and events the bot uses, and the env example names only variables `serve` reads.

use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn app_manifest_permissions_and_events() {
    let manifest: serde_json::Value =
        serde_json::from_str(&read("deploy/app-manifest.json")).expect("manifest is JSON");
    let permissions = &manifest["default_permissions"];
    assert_eq!(permissions["checks"], "write");
    assert_eq!(permissions["pull_requests"], "write");
    assert_eq!(permissions["contents"], "read");
    assert_eq!(permissions["metadata"], "read");
    let events: Vec<&str> = manifest["default_events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e.as_str())
        .collect();
    assert_eq!(events, ["pull_request", "check_suite", "check_run"]);
    assert!(
        manifest["hook_attributes"]["url"]
            .as_str()
            .is_some_and(|url| url.ends_with("/webhooks/github"))
    );
}

#[test]
fn env_example_names_only_known_variables() {
    let known = [
        "SNAKEGUARD_LISTEN",
        "SNAKEGUARD_GITHUB_APP_ID",
        "SNAKEGUARD_GITHUB_PRIVATE_KEY",
        "SNAKEGUARD_GITHUB_PRIVATE_KEY_PATH",
        "SNAKEGUARD_GITHUB_WEBHOOK_SECRET",
        "SNAKEGUARD_GITHUB_API_URL",
        "SNAKEGUARD_GITLAB_URL",
        "SNAKEGUARD_GITLAB_TOKEN",
        "SNAKEGUARD_GITLAB_WEBHOOK_SECRET",
        "SNAKEGUARD_DATABASE_URL",
        "SNAKEGUARD_WORKERS",
        "RUST_LOG",
    ];
    let serve_source = read("src/cmd/serve.rs");
    for line in read("deploy/snakeguard.env.example").lines() {
        let line = line.trim_start_matches("# ").trim();
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        if !name.chars().all(|c| c.is_ascii_uppercase() || c == '_') || name.is_empty() {
            continue;
        }
        assert!(
            known.contains(&name),
            "unknown variable {name} in the env example"
        );
        if name != "RUST_LOG" {
            assert!(
                serve_source.contains(&format!("\"{name}\"")),
                "`serve` does not read {name}"
            );
        }
    }
}
