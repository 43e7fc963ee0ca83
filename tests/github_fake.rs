//! The fake GitHub itself: it must refuse what GitHub would refuse, or the review tests prove
//! nothing. Requests are sent by hand over a raw TCP connection.

mod support;

use std::time::Duration;

use support::fake_github::{FakeGitHub, PLAIN_TOKEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends one HTTP/1.1 request and returns the status code.
async fn send(fake: &FakeGitHub, method: &str, path: &str, token: &str, body: &str) -> u16 {
    let address = fake.url.trim_start_matches("http://");
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer[9..12].parse().unwrap()
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("the fake answers in time")
}

#[tokio::test]
async fn the_fake_refuses_what_breaks_the_openapi_description() {
    let fake = FakeGitHub::start().await;
    fake.commit("acme/webapp", None, &[("app.py", Some("x = 1\n"))]);

    // A well-formed check run is accepted.
    let ok = r#"{"name": "snakeguard", "head_sha": "abc", "status": "in_progress"}"#;
    assert_eq!(
        send(
            &fake,
            "POST",
            "/repos/acme/webapp/check-runs",
            PLAIN_TOKEN,
            ok
        )
        .await,
        201
    );
    assert!(fake.problems().is_empty(), "{:?}", fake.problems());

    // Missing `name`, a wrong type and an unknown enum value.
    let bad = r#"{"head_sha": 1, "status": "running"}"#;
    assert_eq!(
        send(
            &fake,
            "POST",
            "/repos/acme/webapp/check-runs",
            PLAIN_TOKEN,
            bad
        )
        .await,
        422
    );
    let problems = fake.problems().join("\n");
    for expected in [
        "missing required property `name`",
        "$.head_sha: expected string",
        "is not one of",
    ] {
        assert!(problems.contains(expected), "{expected} in {problems}");
    }

    // A completed check run without a conclusion breaks the anyOf of checks/update; more than
    // 50 annotations break maxItems.
    let annotations: Vec<String> = (0..51)
        .map(|i| format!(r#"{{"path": "app.py", "start_line": {i}, "end_line": {i}, "annotation_level": "warning", "message": "m"}}"#))
        .collect();
    let update = format!(
        r#"{{"status": "completed", "output": {{"title": "t", "summary": "s", "annotations": [{}]}}}}"#,
        annotations.join(",")
    );
    let before = fake.problems().len();
    assert_eq!(
        send(
            &fake,
            "PATCH",
            "/repos/acme/webapp/check-runs/1001",
            PLAIN_TOKEN,
            &update
        )
        .await,
        422
    );
    let problems = fake.problems()[before..].join("\n");
    assert!(
        problems.contains("anyOf") && problems.contains("51 items, more than 50"),
        "{problems}"
    );

    // Undeclared query parameters, unknown routes and bad tokens are all recorded.
    let before = fake.problems().len();
    assert_eq!(
        send(
            &fake,
            "GET",
            "/repos/acme/webapp/pulls/1/files?per_page=100&cursor=x",
            PLAIN_TOKEN,
            ""
        )
        .await,
        422
    );
    assert_eq!(
        send(
            &fake,
            "GET",
            "/repos/acme/webapp/pulls/1/files?per_page=lots",
            PLAIN_TOKEN,
            ""
        )
        .await,
        422
    );
    assert_eq!(
        send(&fake, "GET", "/repos/acme/webapp/issues", PLAIN_TOKEN, "").await,
        404
    );
    assert_eq!(
        send(&fake, "GET", "/repos/acme/webapp/pulls/1", "ghs_stolen", "").await,
        401
    );
    assert_eq!(
        send(
            &fake,
            "POST",
            "/app/installations/77/access_tokens",
            "not.a.jwt",
            ""
        )
        .await,
        401
    );
    let problems = fake.problems()[before..].join("\n");
    for expected in [
        "undeclared query parameter `cursor`",
        "parameter `per_page`: `lots` is not an integer",
        "unexpected request GET /repos/acme/webapp/issues",
        "unknown token",
        "bad app JWT",
    ] {
        assert!(problems.contains(expected), "{expected} in {problems}");
    }
}
