//! The summarizer against a local server speaking the chat-completions protocol (an axum
//! server started in each test on 127.0.0.1, scripted reply by reply).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use codevoyage_insights::{Evidence, Finding, FindingKind, Severity};
use codevoyage_llm::{
    ExecutiveSummary, LlmConfig, LlmError, Summarizer, SummarySource, executive_summary,
    fit_to_budget, retry_after_delay,
};
use codevoyage_store::cache::Cache;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the mock answers to one request.
#[derive(Clone)]
enum Reply {
    Ok(&'static str),
    Status(u16, Option<&'static str>),
    /// Answers only after this long (longer than the client's timeout).
    Slow(Duration),
    Malformed,
    /// 429 with `Retry-After` as an HTTP date this many whole seconds ahead; the mock then
    /// records any request that arrives before that date.
    TooManyUntil(u64),
}

#[derive(Default)]
struct Mock {
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<(Option<String>, Value)>>,
    /// The date the last `TooManyUntil` told the client to wait for.
    not_before: Mutex<Option<SystemTime>>,
    /// Requests that came back before `not_before`.
    early: Mutex<Vec<SystemTime>>,
}

async fn chat(
    State(mock): State<Arc<Mock>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    mock.requests
        .lock()
        .expect("requests lock")
        .push((auth, body.clone()));
    let arrived = SystemTime::now();
    if let Some(not_before) = *mock.not_before.lock().expect("not_before lock")
        && arrived < not_before
    {
        mock.early.lock().expect("early lock").push(arrived);
    }
    let reply = mock
        .script
        .lock()
        .expect("script lock")
        .pop_front()
        .unwrap_or(Reply::Status(500, None));
    match reply {
        Reply::Ok(text) => Json(json!({
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": body["model"],
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop"
            }],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        }))
        .into_response(),
        Reply::Status(code, retry_after) => {
            let status = StatusCode::from_u16(code).expect("a valid status");
            let mut response = (
                status,
                Json(json!({"error": {"message": "scripted failure", "type": "server_error"}})),
            )
                .into_response();
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", secs.parse().expect("header value"));
            }
            response
        }
        Reply::Slow(d) => {
            tokio::time::sleep(d).await;
            Json(json!({"choices": []})).into_response()
        }
        Reply::Malformed => "<html>gateway</html>".into_response(),
        Reply::TooManyUntil(secs) => {
            // HTTP dates have whole seconds: round up, so the date is never before now + secs.
            let since_epoch = arrived
                .duration_since(UNIX_EPOCH)
                .expect("a clock after 1970");
            let at = UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs() + 1 + secs);
            *mock.not_before.lock().expect("not_before lock") = Some(at);
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({"error": {"message": "slow down", "type": "rate_limit"}})),
            )
                .into_response();
            response.headers_mut().insert(
                "retry-after",
                httpdate::fmt_http_date(at).parse().expect("header value"),
            );
            response
        }
    }
}

/// Starts the mock with a script; returns it and its base URL (`http://127.0.0.1:port/v1`).
async fn start(script: Vec<Reply>) -> (Arc<Mock>, String) {
    let mock = Arc::new(Mock {
        script: Mutex::new(script.into()),
        ..Mock::default()
    });
    let app = axum::Router::new()
        .route("/v1/chat/completions", post(chat))
        .with_state(mock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (mock, format!("http://{addr}/v1"))
}

fn config(url: &str) -> LlmConfig {
    LlmConfig {
        api_key: Some("test-key".into()),
        timeout: Duration::from_millis(500),
        max_retries: 2,
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        breaker_threshold: 2,
        breaker_cooldown: Duration::from_secs(3_600),
        ..LlmConfig::new(url, "test-model")
    }
}

fn finding(i: usize) -> Finding {
    Finding {
        kind: FindingKind::Hotspot,
        severity: Severity::Warning,
        score: 1.0,
        title: format!("`src/f{i}.py` is hotspot #{i}"),
        explanation: "It changed 40 times and has a cyclomatic complexity of 90.".into(),
        evidence: Evidence {
            numbers: [("revisions".to_string(), 40.0)].into_iter().collect(),
            files: vec![format!("src/f{i}.py")],
            people: Vec::new(),
        },
        action: "Review it first.".into(),
    }
}

fn findings(n: usize) -> Vec<Finding> {
    (1..=n).map(finding).collect()
}

fn hits(mock: &Mock) -> usize {
    mock.requests.lock().expect("requests lock").len()
}

#[tokio::test]
async fn success_sends_the_findings_only_and_caches_by_input() {
    let (mock, url) = start(vec![Reply::Ok("  Two hotspots need tests.  ")]).await;
    let s = Summarizer::new(config(&url), Cache::memory()).expect("summarizer");
    let got = s.summarize(&findings(2)).await.expect("summary");
    assert_eq!(got.text, "Two hotspots need tests.");
    assert!(!got.cached);
    assert_eq!(got.findings_sent, 2);
    {
        let requests = mock.requests.lock().expect("requests lock");
        let (auth, body) = &requests[0];
        assert_eq!(auth.as_deref(), Some("Bearer test-key"));
        assert_eq!(body["model"], "test-model");
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(body["messages"][1]["role"], "user");
        let sent: Value = serde_json::from_str(
            body["messages"][1]["content"]
                .as_str()
                .expect("user content"),
        )
        .expect("the user message is the findings JSON");
        assert_eq!(sent[0]["title"], "`src/f1.py` is hotspot #1");
        assert_eq!(sent[1]["files"][0], "src/f2.py");
    }
    // The same findings again: served from the cache, no second request.
    let again = s.summarize(&findings(2)).await.expect("cached summary");
    assert!(again.cached);
    assert_eq!(again.text, "Two hotspots need tests.");
    assert_eq!(hits(&mock), 1);
    // Different findings are a different input: a new request (which the script fails).
    assert!(s.summarize(&findings(3)).await.is_err());
    assert_eq!(hits(&mock), 2 + 2, "one call and two retries");
}

#[tokio::test]
async fn a_500_then_success_is_retried() {
    let (mock, url) = start(vec![Reply::Status(500, None), Reply::Ok("Fine.")]).await;
    let s = Summarizer::new(config(&url), Cache::memory()).expect("summarizer");
    let got = s
        .summarize(&findings(1))
        .await
        .expect("summary after a retry");
    assert_eq!(got.text, "Fine.");
    assert_eq!(hits(&mock), 2);
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried() {
    let (mock, url) = start(vec![Reply::Status(429, Some("0")), Reply::Ok("Later.")]).await;
    let s = Summarizer::new(config(&url), Cache::memory()).expect("summarizer");
    assert_eq!(
        s.summarize(&findings(1)).await.expect("summary").text,
        "Later."
    );
    assert_eq!(hits(&mock), 2);
}

#[tokio::test]
async fn a_429_with_retry_after_as_an_http_date_waits_until_that_date() {
    // The exponential backoff alone would come back after at most 1 ms; the date is 2 to 3 s
    // ahead. The mock notes any request that arrives before the date it gave.
    let (mock, url) = start(vec![Reply::TooManyUntil(2), Reply::Ok("On time.")]).await;
    let s = Summarizer::new(
        LlmConfig {
            backoff_base: Duration::from_millis(1),
            backoff_max: Duration::from_secs(30),
            ..config(&url)
        },
        Cache::memory(),
    )
    .expect("summarizer");
    assert_eq!(
        s.summarize(&findings(1)).await.expect("summary").text,
        "On time."
    );
    assert_eq!(hits(&mock), 2);
    assert!(
        mock.not_before.lock().expect("not_before lock").is_some(),
        "the mock sent a date"
    );
    assert_eq!(
        *mock.early.lock().expect("early lock"),
        Vec::<SystemTime>::new(),
        "the retry came before the Retry-After date"
    );
}

#[tokio::test]
async fn a_retry_after_date_far_ahead_is_capped_like_seconds() {
    // 2099 is capped at backoff_max (20 ms in `config`); uncapped, the retry would never come.
    let (mock, url) = start(vec![
        Reply::Status(429, Some("Thu, 01 Jan 2099 00:00:00 GMT")),
        Reply::Ok("Capped."),
    ])
    .await;
    let s = Summarizer::new(config(&url), Cache::memory()).expect("summarizer");
    let got = tokio::time::timeout(Duration::from_secs(120), s.summarize(&findings(1)))
        .await
        .expect("the capped retry came")
        .expect("summary");
    assert_eq!(got.text, "Capped.");
    assert_eq!(hits(&mock), 2);
}

#[test]
fn retry_after_values_are_read_as_seconds_or_http_dates() {
    // RFC 9110's own example date, 1445412480 s after the epoch.
    let date = UNIX_EPOCH + Duration::from_secs(1_445_412_480);
    let before = date - Duration::from_secs(90);
    assert_eq!(
        retry_after_delay("Wed, 21 Oct 2015 07:28:00 GMT", before),
        Some(Duration::from_secs(90))
    );
    // The obsolete forms recipients must accept (RFC 850 and asctime).
    assert_eq!(
        retry_after_delay("Wednesday, 21-Oct-15 07:28:00 GMT", before),
        Some(Duration::from_secs(90))
    );
    assert_eq!(
        retry_after_delay("Wed Oct 21 07:28:00 2015", before),
        Some(Duration::from_secs(90))
    );
    // A date already past: retry at once.
    assert_eq!(
        retry_after_delay(
            "Wed, 21 Oct 2015 07:28:00 GMT",
            date + Duration::from_secs(5)
        ),
        Some(Duration::ZERO)
    );
    assert_eq!(
        retry_after_delay(" 120 ", before),
        Some(Duration::from_secs(120))
    );
    assert_eq!(retry_after_delay("soon", before), None);
    assert_eq!(retry_after_delay("-1", before), None);
    assert_eq!(
        retry_after_delay("Wed, 32 Oct 2015 07:28:00 GMT", before),
        None
    );
}

#[tokio::test]
async fn client_errors_and_malformed_replies_are_not_retried() {
    let (mock, url) = start(vec![Reply::Status(401, None), Reply::Malformed]).await;
    let s = Summarizer::new(config(&url), Cache::memory()).expect("summarizer");
    let err = s.summarize(&findings(1)).await.expect_err("401");
    assert!(matches!(err, LlmError::Status { status: 401, .. }), "{err}");
    assert_eq!(hits(&mock), 1);
    let err = s.summarize(&findings(1)).await.expect_err("malformed");
    assert!(matches!(err, LlmError::Malformed(_)), "{err}");
    assert_eq!(hits(&mock), 2);
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let slow = Reply::Slow(Duration::from_secs(5));
    let (mock, url) = start(vec![slow.clone(), slow.clone(), slow]).await;
    let s = Summarizer::new(
        LlmConfig {
            timeout: Duration::from_millis(100),
            ..config(&url)
        },
        Cache::memory(),
    )
    .expect("summarizer");
    let err = s.summarize(&findings(1)).await.expect_err("timeout");
    assert!(matches!(err, LlmError::Timeout(_)), "{err}");
    assert_eq!(hits(&mock), 3, "the first attempt and two retries");
}

#[tokio::test]
async fn the_breaker_opens_after_consecutive_failures() {
    // Every reply fails (the empty script answers 500).
    let (mock, url) = start(Vec::new()).await;
    let s = Summarizer::new(
        LlmConfig {
            max_retries: 0,
            ..config(&url)
        },
        Cache::memory(),
    )
    .expect("summarizer");
    for _ in 0..2 {
        let err = s.summarize(&findings(1)).await.expect_err("500");
        assert!(matches!(err, LlmError::Status { status: 500, .. }), "{err}");
    }
    assert_eq!(hits(&mock), 2);
    // Threshold 2 reached: the third call fails fast without reaching the server.
    let err = s.summarize(&findings(1)).await.expect_err("open breaker");
    assert!(
        matches!(err, LlmError::CircuitOpen { failures: 2, .. }),
        "{err}"
    );
    assert_eq!(hits(&mock), 2);
    // The deterministic summary stands in, and says why.
    let summary: ExecutiveSummary = executive_summary(Some(&s), &findings(1)).await;
    assert!(matches!(
        summary.source,
        SummarySource::Deterministic { reason: Some(_) }
    ));
    assert!(
        summary.label().contains("failed 2 times in a row"),
        "{}",
        summary.label()
    );
    assert_eq!(
        summary.text,
        codevoyage_insights::summary_text(&findings(1))
    );
}

#[tokio::test]
async fn without_a_model_the_deterministic_summary_is_used() {
    let summary = executive_summary(None, &findings(2)).await;
    assert_eq!(
        summary.source,
        SummarySource::Deterministic { reason: None }
    );
    assert_eq!(
        summary.label(),
        "Deterministic summary (no language model configured)"
    );
    let (_mock, url) = start(vec![Reply::Ok("By the model.")]).await;
    let s = Summarizer::new(config(&url), Cache::memory()).expect("summarizer");
    let summary = executive_summary(Some(&s), &findings(2)).await;
    assert_eq!(summary.text, "By the model.");
    assert!(summary.label().contains("test-model"));
}

#[test]
fn the_budget_trims_low_ranked_findings_then_refuses() {
    let many = findings(200);
    let (json, count) = fit_to_budget(&many, 2_000).expect("fits after trimming");
    assert!(count < 200 && count > 0, "{count}");
    let sent: Vec<Value> = serde_json::from_str(&json).expect("json");
    assert_eq!(sent.len(), count);
    assert_eq!(
        sent[0]["title"], "`src/f1.py` is hotspot #1",
        "the top finding is kept"
    );
    let err = fit_to_budget(&many, 50).expect_err("the system prompt alone is over 50 tokens");
    assert!(
        matches!(err, LlmError::OverBudget { budget: 50, .. }),
        "{err}"
    );
    assert!(matches!(
        fit_to_budget(&[], 1_000),
        Err(LlmError::NoFindings)
    ));
    assert!(matches!(
        Summarizer::new(LlmConfig::new("localhost:11434", "m"), Cache::memory()),
        Err(LlmError::BadUrl { .. })
    ));
    let debug = format!(
        "{:?}",
        LlmConfig {
            api_key: Some("sk-secret".into()),
            ..LlmConfig::new("http://x", "m")
        }
    );
    assert!(!debug.contains("sk-secret"), "{debug}");
}

#[tokio::test]
async fn after_the_cooldown_one_trial_call_closes_the_breaker() {
    // A zero cooldown makes the very next call the trial, without waiting in the test.
    let (mock, url) = start(vec![Reply::Status(500, None), Reply::Ok("Back.")]).await;
    let s = Summarizer::new(
        LlmConfig {
            max_retries: 0,
            breaker_threshold: 1,
            breaker_cooldown: Duration::ZERO,
            ..config(&url)
        },
        Cache::memory(),
    )
    .expect("summarizer");
    assert!(
        s.summarize(&findings(1)).await.is_err(),
        "500 opens the breaker"
    );
    let trial = s
        .summarize(&findings(1))
        .await
        .expect("the trial call succeeds");
    assert_eq!(trial.text, "Back.");
    assert_eq!(hits(&mock), 2);
}
