//! `codevoyage serve` in local mode runs analyses itself: register a repository and start an
//! analysis over HTTP, and a `serve` killed in the middle of an analysis finishes it after a
//! restart (the queue lives in the SQLite file).

use codevoyage_testkit::fixture;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `codevoyage serve`; killed on drop. On a first start it logs in with the
/// one-time link the server prints.
struct Server {
    child: Child,
    addr: String,
    token: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(data_dir: &Path, root: &Path, token: Option<String>) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_codevoyage"))
            .args(["serve", "--listen", "127.0.0.1:0", "--allowed-root"])
            .arg(root)
            .arg("--data-dir")
            .arg(data_dir)
            // A killed server's lease runs out after a second, not a minute.
            .env("CODEVOYAGE_QUEUE_VISIBILITY_SECS", "1")
            .env("CODEVOYAGE_WORKERS", "1")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut link = None;
        let addr = loop {
            let line = lines
                .next()
                .expect("serve exited before listening")
                .expect("read stderr");
            if let Some(token) = line.split("/login#token=").nth(1) {
                link = Some(token.trim().to_string());
            }
            if line.starts_with("CodeVoyage is serving")
                && let Some(rest) = line.split("://").nth(1)
            {
                break rest.split('/').next().expect("address").to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        let mut server = Server { child, addr, token };
        if let Some(link) = link {
            let body = format!("{{\"token\":\"{link}\"}}");
            let (status, session) = server.request("POST", "/api/v1/auth/exchange", Some(&body));
            assert_eq!(status, 200, "the first-run login link works: {session}");
            server.token = session["access_token"].as_str().map(str::to_string);
        }
        server
    }

    fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        let auth = self
            .token
            .as_ref()
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let body = body.unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read");
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("http response");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    /// Polls the analysis until `done` accepts its status (bounded).
    fn wait_for(&self, analysis: i64, done: impl Fn(&str) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let (status, body) = self.request("GET", &format!("/api/v1/analyses/{analysis}"), None);
            assert_eq!(status, 200, "{body}");
            if done(body["status"].as_str().unwrap_or_default()) {
                return body;
            }
            assert!(Instant::now() < deadline, "analysis stuck: {body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn serve_runs_queued_analyses_and_resumes_them_after_a_kill() {
    let repo = fixture("many");
    let root = repo.path().parent().expect("fixture folder").to_path_buf();
    let dir = tempfile::tempdir().expect("tempdir");

    let server = Server::start(dir.path(), &root, None);
    let body = format!(
        "{{\"source\":{},\"visibility\":\"shared\"}}",
        Value::String(repo.path().display().to_string())
    );
    let (status, created) = server.request("POST", "/api/v1/repositories", Some(&body));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (status, started) =
        server.request("POST", &format!("/api/v1/repositories/{id}/analyses"), None);
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["status"], "queued");
    let analysis = started["id"].as_i64().expect("analysis id");

    // Kill the server (no graceful shutdown) once the analysis runs.
    let running = server.wait_for(analysis, |s| s != "queued");
    let token = server.token.clone();
    drop(server);

    // A new server on the same data folder takes the job back and finishes it.
    let server = Server::start(dir.path(), &root, token);
    let done = server.wait_for(analysis, |s| {
        matches!(s, "succeeded" | "failed" | "cancelled")
    });
    assert_eq!(
        done["status"], "succeeded",
        "{done} (was {running} at the kill)"
    );
    let (_, repository) = server.request("GET", &format!("/api/v1/repositories/{id}"), None);
    assert_eq!(repository["total_commits"], 3000, "{repository}");
}
