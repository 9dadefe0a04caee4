//! The GitHub client against a local server that answers as GitHub's REST API does
//! (`GET /repos/{owner}/{repo}` bodies, `etag`, `x-ratelimit-*`, `retry-after`, error JSON).
//! Every test counts the requests that reached the server.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use codevoyage_forge::{
    Fetched, ForgeConfig, ForgeError, GitHubClient, LimitKind, RepoRef, parse_github_url,
};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One scripted reply.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    /// Held back this long before answering (a slow server).
    delay: Duration,
}

impl Reply {
    fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    fn header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// GitHub's usual rate-limit headers for a token.
    fn rate(self, remaining: u64, reset: u64) -> Self {
        self.header("x-ratelimit-limit", 5000)
            .header("x-ratelimit-remaining", remaining)
            .header("x-ratelimit-reset", reset)
            .header("x-ratelimit-used", 5000 - remaining)
            .header("x-ratelimit-resource", "core")
    }

    fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct Fake {
    hits: AtomicUsize,
    requests: Mutex<Vec<(String, HeaderMap)>>,
    /// Wall-clock arrival of each request, in Unix seconds.
    arrivals: Mutex<Vec<f64>>,
    script: Mutex<VecDeque<Reply>>,
    /// Answers once the script is used up.
    fallback: Mutex<Option<Reply>>,
}

impl Fake {
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    fn push(&self, reply: Reply) {
        self.script.lock().expect("script").push_back(reply);
    }

    fn always(&self, reply: Reply) {
        *self.fallback.lock().expect("fallback") = Some(reply);
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// A repository as GitHub returns it (trimmed, but with fields we do not read).
fn repo_json(owner: &str, name: &str, stars: u64) -> String {
    serde_json::json!({
        "id": 1296269,
        "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        "name": name,
        "full_name": format!("{owner}/{name}"),
        "private": false,
        "owner": {"login": owner, "id": 1, "type": "User", "site_admin": false},
        "html_url": format!("https://github.com/{owner}/{name}"),
        "description": "This your first repo!",
        "fork": false,
        "homepage": "https://github.com",
        "language": null,
        "forks_count": 9,
        "stargazers_count": stars,
        "watchers_count": stars,
        "size": 108,
        "default_branch": "master",
        "open_issues_count": 0,
        "topics": ["octocat", "atom"],
        "archived": false,
        "pushed_at": "2011-01-26T19:06:43Z",
        "created_at": "2011-01-26T19:01:12Z",
        "updated_at": "2011-01-26T19:14:43Z",
        "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT"},
        "visibility": "public"
    })
    .to_string()
}

fn not_found() -> Reply {
    Reply::new(
        404,
        r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"}"#,
    )
}

async fn handler(
    State(fake): State<Arc<Fake>>,
    Path((owner, repo)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    fake.hits.fetch_add(1, Ordering::SeqCst);
    fake.arrivals.lock().expect("arrivals").push(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs_f64(),
    );
    fake.requests
        .lock()
        .expect("requests")
        .push((format!("{owner}/{repo}"), headers));
    let scripted = fake.script.lock().expect("script").pop_front();
    let reply = scripted
        .or_else(|| fake.fallback.lock().expect("fallback").clone())
        .unwrap_or_else(not_found);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (
        StatusCode::from_u16(reply.status).expect("status"),
        reply.body,
    )
        .into_response();
    let h = response.headers_mut();
    h.insert(
        "content-type",
        "application/json; charset=utf-8".parse().expect("header"),
    );
    h.insert(
        "x-github-api-version-selected",
        "2022-11-28".parse().expect("header"),
    );
    for (name, value) in reply.headers {
        h.insert(name, value.parse().expect("header value"));
    }
    response
}

/// A GitHub look-alike on a free loopback port; returns its API base URL.
async fn serve(fake: Arc<Fake>) -> String {
    let app = Router::new()
        .route("/repos/{owner}/{repo}", get(handler))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// Quick retries and no long waits, so failures show in milliseconds.
fn config(base: &str) -> ForgeConfig {
    ForgeConfig {
        api_base: base.to_string(),
        token: Some("ghp_test_token".into()),
        timeout: Duration::from_secs(5),
        max_retries: 3,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(50),
        max_wait: Duration::from_secs(5),
        breaker_threshold: 3,
        breaker_cooldown: Duration::from_secs(600),
        ..ForgeConfig::default()
    }
}

async fn setup(tweak: impl FnOnce(&mut ForgeConfig)) -> (Arc<Fake>, GitHubClient) {
    let fake = Arc::new(Fake::default());
    let base = serve(fake.clone()).await;
    let mut c = config(&base);
    tweak(&mut c);
    (fake, GitHubClient::new(c).expect("client"))
}

fn octocat() -> RepoRef {
    parse_github_url("https://github.com/octocat/Hello-World.git").expect("a GitHub URL")
}

#[tokio::test]
async fn reads_metadata_with_githubs_headers_and_remembers_the_rate_limit() {
    let (fake, client) = setup(|_| {}).await;
    let reset = unix_now() + 3000;
    fake.push(
        Reply::new(200, repo_json("octocat", "Hello-World", 80))
            .header("etag", "W/\"7dc470913f1fe9bb6c7355b50a0737bc\"")
            .rate(4999, reset),
    );
    let got = client.repository(&octocat(), None).await.expect("metadata");
    let Fetched::Modified(meta) = got else {
        panic!("expected metadata, got {got:?}");
    };
    assert_eq!(meta.owner, "octocat");
    assert_eq!(meta.name, "Hello-World");
    assert_eq!(meta.description.as_deref(), Some("This your first repo!"));
    assert_eq!(meta.stars, 80);
    assert_eq!(meta.default_branch.as_deref(), Some("master"));
    assert_eq!(
        meta.etag.as_deref(),
        Some("W/\"7dc470913f1fe9bb6c7355b50a0737bc\"")
    );
    let rate = client.rate_limit().expect("rate-limit headers seen");
    assert_eq!(
        (rate.limit, rate.remaining, rate.reset),
        (Some(5000), 4999, Some(reset))
    );

    assert_eq!(fake.hits(), 1);
    let requests = fake.requests.lock().expect("requests");
    let (path, headers) = &requests[0];
    assert_eq!(path, "octocat/Hello-World");
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(h("accept"), "application/vnd.github+json");
    assert_eq!(h("x-github-api-version"), "2022-11-28");
    assert!(
        h("user-agent").starts_with("codevoyage/"),
        "{}",
        h("user-agent")
    );
    assert_eq!(h("authorization"), "Bearer ghp_test_token");
    assert_eq!(h("if-none-match"), "", "no ETag known yet");
}

#[tokio::test]
async fn without_a_token_no_authorization_is_sent() {
    let (fake, client) = setup(|c| c.token = None).await;
    fake.push(Reply::new(200, repo_json("o", "r", 1)).rate(59, unix_now() + 3600));
    client
        .repository(
            &RepoRef {
                owner: "o".into(),
                name: "r".into(),
            },
            None,
        )
        .await
        .expect("metadata");
    let requests = fake.requests.lock().expect("requests");
    assert!(requests[0].1.get("authorization").is_none());
}

#[tokio::test]
async fn a_stored_etag_makes_the_request_conditional_and_304_reuses_it() {
    let (fake, client) = setup(|_| {}).await;
    fake.push(
        Reply::new(304, "")
            .header("etag", "\"abc\"")
            .rate(4998, unix_now() + 3600),
    );
    let got = client
        .repository(&octocat(), Some("\"abc\""))
        .await
        .expect("not modified");
    assert_eq!(
        got,
        Fetched::NotModified {
            etag: "\"abc\"".into()
        }
    );
    let requests = fake.requests.lock().expect("requests");
    assert_eq!(
        requests[0]
            .1
            .get("if-none-match")
            .and_then(|v| v.to_str().ok()),
        Some("\"abc\"")
    );
}

#[tokio::test]
async fn a_spent_budget_stops_requests_until_the_reset_instead_of_hammering() {
    let (fake, client) = setup(|_| {}).await;
    // GitHub's primary limit: 403, remaining 0, reset in an hour.
    fake.always(
        Reply::new(
            403,
            r#"{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}"#,
        )
        .rate(0, unix_now() + 3600),
    );
    for _ in 0..5 {
        let e = client.repository(&octocat(), None).await.err();
        match e {
            Some(ForgeError::RateLimited {
                kind: LimitKind::Primary,
                retry_in,
            }) => assert!(retry_in > Duration::from_secs(3000), "{retry_in:?}"),
            other => panic!("expected the primary rate limit, got {other:?}"),
        }
    }
    assert_eq!(fake.hits(), 1, "one request, then none until the reset");
    let message = client
        .repository(&octocat(), None)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains("metadata is skipped"), "{message}");
}

#[tokio::test]
async fn the_last_request_of_the_budget_blocks_the_next_ones_too() {
    let (fake, client) = setup(|_| {}).await;
    // A 200 saying 1 left, then a 200 saying none left: the third call sends nothing.
    fake.push(Reply::new(200, repo_json("octocat", "Hello-World", 1)).rate(1, unix_now() + 3600));
    fake.push(Reply::new(200, repo_json("octocat", "Hello-World", 1)).rate(0, unix_now() + 3600));
    fake.always(
        Reply::new(200, repo_json("octocat", "Hello-World", 1)).rate(4999, unix_now() + 3600),
    );
    assert!(client.repository(&octocat(), None).await.is_ok());
    assert!(client.repository(&octocat(), None).await.is_ok());
    let third = client.repository(&octocat(), None).await;
    assert!(
        matches!(
            third,
            Err(ForgeError::RateLimited {
                kind: LimitKind::Primary,
                ..
            })
        ),
        "{third:?}"
    );
    assert_eq!(fake.hits(), 2);
}

#[tokio::test]
async fn a_reset_within_the_wait_limit_is_waited_for() {
    let (fake, client) = setup(|_| {}).await;
    let reset = unix_now() + 1;
    fake.push(Reply::new(403, r#"{"message":"API rate limit exceeded"}"#).rate(0, reset));
    fake.always(
        Reply::new(200, repo_json("octocat", "Hello-World", 3)).rate(4999, unix_now() + 3600),
    );
    let got = client.repository(&octocat(), None).await;
    assert!(matches!(got, Ok(Fetched::Modified(_))), "{got:?}");
    assert_eq!(fake.hits(), 2);
    let arrivals = fake.arrivals.lock().expect("arrivals").clone();
    assert!(
        arrivals[1] >= reset as f64,
        "the retry came at {} before the reset at {reset}",
        arrivals[1]
    );
}

#[tokio::test]
async fn retry_after_on_429_and_secondary_403_is_honoured() {
    let (fake, client) = setup(|_| {}).await;
    fake.push(
        Reply::new(
            429,
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        )
        .header("retry-after", 1),
    );
    fake.always(Reply::new(200, repo_json("octocat", "Hello-World", 3)));
    let got = client.repository(&octocat(), None).await;
    assert!(matches!(got, Ok(Fetched::Modified(_))), "{got:?}");
    assert_eq!(fake.hits(), 2, "waited, then one retry");

    // A retry-after far beyond max_wait: give up now, and send nothing until it passes.
    let (fake, client) = setup(|_| {}).await;
    fake.always(
        Reply::new(
            403,
            r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#,
        )
        .header("retry-after", 600)
        .rate(4000, unix_now() + 3600),
    );
    for _ in 0..3 {
        let e = client.repository(&octocat(), None).await;
        assert!(
            matches!(e, Err(ForgeError::RateLimited { kind: LimitKind::Secondary, retry_in }) if retry_in > Duration::from_secs(500)),
            "{e:?}"
        );
    }
    assert_eq!(fake.hits(), 1);

    // A secondary limit without retry-after: GitHub asks for a minute, over our max_wait.
    let (fake, client) = setup(|_| {}).await;
    fake.always(Reply::new(
        403,
        r#"{"message":"You have exceeded a secondary rate limit."}"#,
    ));
    let e = client.repository(&octocat(), None).await;
    assert!(
        matches!(
            e,
            Err(ForgeError::RateLimited {
                kind: LimitKind::Secondary,
                ..
            })
        ),
        "{e:?}"
    );
    assert!(client.repository(&octocat(), None).await.is_err());
    assert_eq!(fake.hits(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_until_success() {
    let (fake, client) = setup(|_| {}).await;
    fake.push(Reply::new(500, r#"{"message":"Server Error"}"#));
    fake.push(Reply::new(502, "<html>Bad Gateway</html>"));
    fake.always(Reply::new(200, repo_json("octocat", "Hello-World", 7)));
    let got = client.repository(&octocat(), None).await;
    assert!(
        matches!(got, Ok(Fetched::Modified(ref m)) if m.stars == 7),
        "{got:?}"
    );
    assert_eq!(fake.hits(), 3);
}

#[tokio::test]
async fn server_errors_give_up_after_the_retries() {
    let (fake, client) = setup(|c| c.max_retries = 2).await;
    fake.always(Reply::new(503, r#"{"message":"Service Unavailable"}"#));
    let e = client.repository(&octocat(), None).await;
    assert!(
        matches!(e, Err(ForgeError::Status { status: 503, ref message }) if message == "Service Unavailable"),
        "{e:?}"
    );
    assert_eq!(fake.hits(), 3, "the first attempt and two retries");
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let (fake, client) = setup(|c| c.timeout = Duration::from_millis(300)).await;
    fake.push(
        Reply::new(200, repo_json("octocat", "Hello-World", 1)).delayed(Duration::from_secs(10)),
    );
    fake.always(Reply::new(200, repo_json("octocat", "Hello-World", 2)));
    let got = client.repository(&octocat(), None).await;
    assert!(
        matches!(got, Ok(Fetched::Modified(ref m)) if m.stars == 2),
        "{got:?}"
    );
    assert_eq!(fake.hits(), 2);

    let (fake, client) = setup(|c| {
        c.timeout = Duration::from_millis(200);
        c.max_retries = 1;
    })
    .await;
    fake.always(
        Reply::new(200, repo_json("octocat", "Hello-World", 1)).delayed(Duration::from_secs(10)),
    );
    let e = client.repository(&octocat(), None).await;
    assert!(matches!(e, Err(ForgeError::Timeout(_))), "{e:?}");
    assert_eq!(fake.hits(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_a_clear_error() {
    // A port that was free a moment ago: nothing listens there now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = GitHubClient::new(ForgeConfig {
        max_retries: 1,
        ..config(&format!("http://{addr}"))
    })
    .expect("client");
    let e = client.repository(&octocat(), None).await;
    assert!(
        matches!(e, Err(ForgeError::Unreachable { ref url, .. }) if url.ends_with("/repos/octocat/Hello-World")),
        "{e:?}"
    );
}

#[tokio::test]
async fn the_breaker_opens_after_repeated_failures_and_half_opens_after_the_cooldown() {
    let (fake, client) = setup(|c| {
        c.max_retries = 0;
        c.breaker_threshold = 3;
        c.breaker_cooldown = Duration::from_millis(300);
    })
    .await;
    fake.always(Reply::new(500, r#"{"message":"Server Error"}"#));
    for _ in 0..3 {
        let e = client.repository(&octocat(), None).await;
        assert!(
            matches!(e, Err(ForgeError::Status { status: 500, .. })),
            "{e:?}"
        );
    }
    assert_eq!(fake.hits(), 3);
    // Open: fails fast, nothing sent.
    let e = client.repository(&octocat(), None).await;
    assert!(
        matches!(e, Err(ForgeError::CircuitOpen { failures: 3, .. })),
        "{e:?}"
    );
    assert_eq!(fake.hits(), 3);

    // After the cooldown one trial goes out; it fails, so the breaker opens again at once.
    let trial = loop {
        match client.repository(&octocat(), None).await {
            Err(ForgeError::CircuitOpen { .. }) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => break other,
        }
    };
    assert!(
        matches!(trial, Err(ForgeError::Status { status: 500, .. })),
        "{trial:?}"
    );
    assert_eq!(fake.hits(), 4, "exactly one trial request");
    let e = client.repository(&octocat(), None).await;
    assert!(matches!(e, Err(ForgeError::CircuitOpen { .. })), "{e:?}");
    assert_eq!(fake.hits(), 4);

    // GitHub recovers: the next trial succeeds and closes the breaker.
    fake.always(Reply::new(200, repo_json("octocat", "Hello-World", 5)));
    let trial = loop {
        match client.repository(&octocat(), None).await {
            Err(ForgeError::CircuitOpen { .. }) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => break other,
        }
    };
    assert!(matches!(trial, Ok(Fetched::Modified(_))), "{trial:?}");
    for _ in 0..3 {
        assert!(
            client.repository(&octocat(), None).await.is_ok(),
            "closed again"
        );
    }
    assert_eq!(fake.hits(), 8);
}

#[tokio::test]
async fn not_found_and_unauthorized_are_final_and_clear() {
    let (fake, client) = setup(|_| {}).await;
    fake.push(not_found());
    let e = client.repository(&octocat(), None).await.err();
    assert!(matches!(e, Some(ForgeError::NotFound { .. })), "{e:?}");
    let message = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("octocat/Hello-World"), "{message}");
    assert_eq!(fake.hits(), 1, "no retry of a 404");

    fake.push(Reply::new(
        401,
        r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"#,
    ));
    let e = client.repository(&octocat(), None).await.err();
    assert!(matches!(e, Some(ForgeError::Unauthorized)), "{e:?}");
    assert!(
        e.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("github_token")
    );
    assert_eq!(fake.hits(), 2, "no retry of a 401");

    // A 403 that is no rate limit (a blocked repository): final as well.
    fake.push(
        Reply::new(403, r#"{"message":"Repository access blocked"}"#).rate(4000, unix_now() + 3600),
    );
    let e = client.repository(&octocat(), None).await.err();
    assert!(
        matches!(e, Some(ForgeError::Forbidden { ref message, .. }) if message == "Repository access blocked"),
        "{e:?}"
    );
    assert_eq!(fake.hits(), 3);
    // Answers, not outages: the breaker (threshold 3) stays closed.
    fake.push(Reply::new(200, repo_json("octocat", "Hello-World", 1)));
    assert!(client.repository(&octocat(), None).await.is_ok());
}

#[tokio::test]
async fn malformed_json_is_an_error_not_a_panic() {
    // Malformed replies count as failures of the service: keep the breaker out of the way.
    let (fake, client) = setup(|c| c.breaker_threshold = 100).await;
    for body in [
        "{not json".to_string(),
        r#"{"message":"ok"}"#.to_string(),
        r#"{"name":"r","owner":{"login":"o"},"stargazers_count":-1}"#.to_string(),
        r#"[1,2,3]"#.to_string(),
        "x".repeat(2 * 1024 * 1024),
    ] {
        fake.push(Reply::new(200, body));
        let e = client.repository(&octocat(), None).await;
        assert!(matches!(e, Err(ForgeError::Malformed(_))), "{e:?}");
    }
    assert_eq!(fake.hits(), 5, "malformed replies are not retried");
}

#[tokio::test]
async fn the_bucket_never_lets_more_requests_out_than_its_rate() {
    // A bucket of 3 refilled once an hour: of 10 calls, 3 reach the server.
    let (fake, client) = setup(|c| {
        c.requests_per_hour = 1;
        c.burst = 3;
    })
    .await;
    fake.always(
        Reply::new(200, repo_json("octocat", "Hello-World", 1)).rate(4999, unix_now() + 3600),
    );
    let mut ok = 0;
    let mut limited = 0;
    for _ in 0..10 {
        match client.repository(&octocat(), None).await {
            Ok(_) => ok += 1,
            Err(ForgeError::RateLimited {
                kind: LimitKind::Local,
                ..
            }) => limited += 1,
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert_eq!((ok, limited), (3, 7));
    assert_eq!(fake.hits(), 3);

    // Retries take tokens too: a bucket of 2 allows one retry of a 500, not three.
    let (fake, client) = setup(|c| {
        c.requests_per_hour = 1;
        c.burst = 2;
        c.max_retries = 3;
    })
    .await;
    fake.always(Reply::new(500, "{}"));
    let e = client.repository(&octocat(), None).await;
    assert!(
        matches!(
            e,
            Err(ForgeError::RateLimited {
                kind: LimitKind::Local,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(fake.hits(), 2);
}

#[tokio::test]
async fn concurrent_callers_share_one_bucket() {
    let (fake, client) = setup(|c| {
        c.requests_per_hour = 1;
        c.burst = 4;
    })
    .await;
    fake.always(Reply::new(200, repo_json("octocat", "Hello-World", 1)));
    let client = Arc::new(client);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.repository(&octocat(), None).await.is_ok()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.expect("task") {
            ok += 1;
        }
    }
    assert_eq!(ok, 4);
    assert_eq!(fake.hits(), 4);
}
