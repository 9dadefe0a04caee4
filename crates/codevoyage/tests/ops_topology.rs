//! The scaled topology of docker-compose.yml end to end: `scripts/local-topology.sh` with this
//! build of the binary starts two `serve` instances and three workers on a fresh PostgreSQL
//! database and the test Redis, and checks two analyses through the API (login on one
//! instance with a CLI-made user and the token used on the other, register and analyse
//! through each, poll through the other, the same cities on both, metrics, request ids in
//! the workers' logs).
//!
//! Runs when `CODEVOYAGE_TEST_DATABASE_URL` and `CODEVOYAGE_TEST_REDIS_URL` are set (always
//! in CI); skips with a message otherwise, or when a tool the script needs is missing.

use std::path::Path;
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn two_serve_instances_and_three_workers_analyse_repositories_through_the_api() {
    let (Ok(database), Ok(redis)) = (
        std::env::var("CODEVOYAGE_TEST_DATABASE_URL"),
        std::env::var("CODEVOYAGE_TEST_REDIS_URL"),
    ) else {
        eprintln!(
            "skipping: the topology test needs CODEVOYAGE_TEST_DATABASE_URL and CODEVOYAGE_TEST_REDIS_URL"
        );
        return;
    };
    if let Some(missing) = ["psql", "curl", "jq", "git", "python3", "redis-cli"]
        .into_iter()
        .find(|t| !have(t))
    {
        eprintln!("skipping: scripts/local-topology.sh needs {missing}");
        return;
    }
    // The server part of the URL: the script creates and drops its own database there.
    let (server, _) = database
        .rsplit_once('/')
        .expect("CODEVOYAGE_TEST_DATABASE_URL ends with /DBNAME");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = Command::new("bash")
        .arg(root.join("scripts/local-topology.sh"))
        .current_dir(&root)
        .env("CODEVOYAGE_BIN", env!("CARGO_BIN_EXE_codevoyage"))
        .env("PG_URL", server)
        .env("REDIS_URL", &redis)
        .env("WORKERS", "3")
        .env("TIMEOUT", "240")
        .env_remove("KEEP")
        .output()
        .expect("run bash");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "local-topology.sh failed:\n{stderr}"
    );
    assert!(
        stderr.contains("OK: 2 serve instances + 3 workers"),
        "no success line:\n{stderr}"
    );
}
