//! `codevoyage analyze` prints the language model's summary when one is configured, the
//! deterministic one otherwise, and says which; configuration mistakes exit with code 2.
//! The model is a chat-completions server on 127.0.0.1 in a test thread (plain HTTP/1.1).

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

fn codevoyage(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_codevoyage"));
    cmd.args(args).arg("--data-dir").arg(data_dir);
    for key in [
        "CODEVOYAGE_DATABASE_URL",
        "CODEVOYAGE_REDIS_URL",
        "CODEVOYAGE_CONFIG",
        "CODEVOYAGE_LLM_BASE_URL",
        "CODEVOYAGE_LLM_MODEL",
        "CODEVOYAGE_LLM_API_KEY",
        "CODEVOYAGE_LLM_TIMEOUT_SECS",
    ] {
        cmd.env_remove(key);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("run codevoyage")
}

/// Serves one chat completion; returns the address and a handle yielding (authorization
/// header, request body).
fn one_shot_model() -> (String, std::thread::JoinHandle<(String, Value)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("a request");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let (mut length, mut auth) = (0usize, String::new());
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().expect("content length");
            }
            if lower.starts_with("authorization:") {
                auth = line["authorization:".len()..].trim().to_string();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let request: Value = serde_json::from_slice(&body).expect("JSON request");
        let reply = serde_json::json!({
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": request["model"],
            "choices": [{"index": 0, "message": {"role": "assistant",
                "content": "Ann holds most of the code; spread it."}, "finish_reason": "stop"}]
        })
        .to_string();
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
            reply.len()
        )
        .expect("reply");
        (auth, request)
    });
    (format!("http://{addr}/v1"), handle)
}

#[test]
fn analyze_says_which_summary_it_prints() {
    let repo = codevoyage_testkit::fixture("migrations");
    let path = repo.path().to_str().expect("utf-8 path");
    let dir = tempfile::tempdir().expect("tempdir");

    // No model configured: the deterministic summary, named as such.
    let out = codevoyage(dir.path(), &["analyze", path], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Deterministic summary (no language model configured):"),
        "{text}"
    );
    assert!(
        text.contains("`moment` replaced by `dayjs` (npm)"),
        "{text}"
    );

    // A model configured: its summary, named with the model, from the findings JSON.
    let (url, model) = one_shot_model();
    let out = codevoyage(
        dir.path(),
        &["analyze", path, "--json"],
        &[
            ("CODEVOYAGE_LLM_BASE_URL", url.as_str()),
            ("CODEVOYAGE_LLM_MODEL", "tiny"),
            ("CODEVOYAGE_LLM_API_KEY", "sk-test"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (auth, request) = model.join().expect("the model thread");
    assert_eq!(auth, "Bearer sk-test");
    assert_eq!(request["model"], "tiny");
    let sent: Value = serde_json::from_str(
        request["messages"][1]["content"]
            .as_str()
            .expect("user message"),
    )
    .expect("the findings JSON");
    assert!(
        sent.as_array()
            .is_some_and(|f| f.iter().any(|f| f["kind"] == "dependency_swap")),
        "{sent}"
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("JSON summary");
    let exec = &summary["executive_summary"];
    assert_eq!(exec["source"], "model");
    assert_eq!(exec["model"], "tiny");
    assert_eq!(exec["text"], "Ann holds most of the code; spread it.");
    assert!(
        exec["label"]
            .as_str()
            .is_some_and(|l| l.contains("language model tiny")),
        "{exec}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("sk-test"),
        "the key never appears in the output"
    );
}

#[test]
fn half_configured_models_are_configuration_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = codevoyage(
        dir.path(),
        &["analyze", "."],
        &[("CODEVOYAGE_LLM_MODEL", "tiny")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("llm_model is set but llm_base_url is not: set both, or neither"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = codevoyage(
        dir.path(),
        &["analyze", "."],
        &[
            ("CODEVOYAGE_LLM_MODEL", "tiny"),
            ("CODEVOYAGE_LLM_BASE_URL", "localhost:11434"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must start with http://"));
}
