//! Helpers shared by the binary's integration tests.
#![allow(dead_code)]

use std::process::Command;

/// A fresh PostgreSQL database for one test, dropped afterwards. `None` (with a message)
/// when `CODEVOYAGE_TEST_DATABASE_URL` is not set.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create() -> Option<PgDatabase> {
        let Ok(admin_url) = std::env::var("CODEVOYAGE_TEST_DATABASE_URL") else {
            eprintln!(
                "skipping: PostgreSQL tests need CODEVOYAGE_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
            );
            return None;
        };
        let name = format!(
            "cv_cli_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let out = Command::new("psql")
            .arg(&admin_url)
            .args(["-v", "ON_ERROR_STOP=1", "-qc"])
            .arg(format!("CREATE DATABASE {name}"))
            .output()
            .expect("run psql (install postgresql-client)");
        assert!(
            out.status.success(),
            "cannot create a test database: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("database URL ends with /DBNAME");
        let url = format!("{base}/{name}");
        Some(PgDatabase {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .arg(&self.admin_url)
            .arg("-qc")
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output();
    }
}
