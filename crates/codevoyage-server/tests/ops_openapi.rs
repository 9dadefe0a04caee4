//! The OpenAPI document stays true to the code:
//! - every route registered in the router source (`.route("…", get(…).post(…))` in
//!   `src/*.rs`) is documented with its methods, and the document names no other route;
//! - its error codes are exactly `ApiError`'s;
//! - every documented GET, called on a router over a real analysis with an admin's key,
//!   answers a status the document declares, with a body its schema accepts.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use codevoyage_jobs::pipeline::{AnalyzeRequest, analyze};
use codevoyage_jobs::{EventBus, SourcePolicy};
use codevoyage_server::auth::{self, Role};
use codevoyage_server::{AppState, Jobs, router};
use codevoyage_store::Store;
use codevoyage_store::cache::Cache;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use tower::ServiceExt;

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

fn document() -> Value {
    serde_json::from_str(codevoyage_server::openapi::DOCUMENT).expect("openapi.json is JSON")
}

/// `(METHOD path)` of every `.route("path", handlers)` call in the server's source.
fn routes_in_source() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut routes = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            let call = &rest[at + ".route(".len()..];
            // The call's text up to its closing parenthesis.
            let mut depth = 1;
            let mut end = call.len();
            for (i, c) in call.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let call = &call[..end];
            let quoted = call.trim_start();
            let route = quoted
                .strip_prefix('"')
                .and_then(|q| q.split_once('"'))
                .map(|(route, _)| route)
                .unwrap_or_else(|| panic!("a .route( without a literal path in {path:?}: {call}"));
            let handlers = &call[call.find(',').expect("handlers") + 1..];
            let mut found = false;
            for method in METHODS {
                // `get(` at the start or after `.`, space or newline: a method router.
                let needle = format!("{method}(");
                let mut from = 0;
                while let Some(i) = handlers[from..].find(&needle) {
                    let i = from + i;
                    let before = handlers[..i].chars().last();
                    if before.is_none_or(|b| b == '.' || b.is_whitespace() || b == ':') {
                        routes.insert(format!("{} {route}", method.to_uppercase()));
                        found = true;
                    }
                    from = i + needle.len();
                }
            }
            assert!(found, "no method found for {route} in {path:?}: {handlers}");
            rest = &rest[at + 7..];
        }
    }
    routes
}

fn routes_in_document(doc: &Value) -> BTreeSet<String> {
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(*method).is_some() {
                routes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    routes
}

#[test]
fn the_document_names_exactly_the_routes_of_the_router_source() {
    let source = routes_in_source();
    let documented = routes_in_document(&document());
    assert!(
        source.len() > 25,
        "the source parser found too few routes: {source:?}"
    );
    let missing: Vec<_> = source.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&source).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes in the source but not in openapi.json: {missing:?}\n\
         routes in openapi.json but not in the source: {extra:?}"
    );
}

#[test]
fn the_document_is_openapi_3_1_with_bearer_auth_and_the_error_codes_of_api_error() {
    let doc = document();
    assert!(
        doc["openapi"]
            .as_str()
            .expect("openapi")
            .starts_with("3.1.")
    );
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // The codes `ApiError::code` returns, read from its source.
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/error.rs"))
            .expect("error.rs");
    let code_fn = &source[source.find("pub fn code(").expect("fn code")..];
    let code_fn = &code_fn[..code_fn.find("\n    }\n").expect("end of fn code")];
    let in_code: BTreeSet<String> = code_fn
        .split("=> \"")
        .skip(1)
        .map(|s| s[..s.find('"').expect("closing quote")].to_string())
        .collect();
    let documented: BTreeSet<String> = doc["components"]["schemas"]["Error"]["properties"]["code"]
        ["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect();
    assert_eq!(in_code, documented);
    // Every operation under /api/v1 needs a login except the login itself and the document.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let open = op["security"].as_array().is_some_and(|s| s.is_empty());
            let public = matches!(
                path.as_str(),
                "/api/v1/auth/login" | "/api/v1/auth/exchange" | "/api/v1/openapi.json"
            ) || !path.starts_with("/api/v1/");
            if path.starts_with("/api/v1/") {
                assert_eq!(open, public, "{method} {path}: security");
            }
            assert!(
                op["responses"].get("500").is_some(),
                "{method} {path} declares no 500"
            );
        }
    }
}

// ------------------------------------------------------------------ a small schema checker

/// Checks `value` against the parts of JSON Schema the document uses (type, properties,
/// required, items, enum, const, oneOf, additionalProperties, $ref); returns what is wrong.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    if errors.len() > 20 {
        return;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference
            .trim_start_matches("#/")
            .split('/')
            .fold(doc, |v, part| &v[part]);
        return check(doc, target, value, at, errors);
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = options
            .iter()
            .filter(|option| {
                let mut e = Vec::new();
                check(doc, option, value, at, &mut e);
                e.is_empty()
            })
            .count();
        if matching != 1 {
            errors.push(format!("{at}: matches {matching} of oneOf"));
        }
        return;
    }
    if let Some(expected) = schema.get("const")
        && expected != value
    {
        errors.push(format!("{at}: {value} is not {expected}"));
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} not in {allowed:?}"));
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = types.contains(&actual) || (actual == "integer" && types.contains(&"number"));
        if !ok {
            errors.push(format!("{at}: {actual} where {types:?} is declared"));
            return;
        }
    }
    if let Value::Object(fields) = value {
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !fields.contains_key(name) {
                errors.push(format!("{at}: required {name:?} is missing"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, field) in fields {
            match properties.and_then(|p| p.get(name)) {
                Some(s) => check(doc, s, field, &format!("{at}.{name}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{at}: {name:?} is not declared"));
                    }
                    Some(s @ Value::Object(_)) => {
                        check(doc, s, field, &format!("{at}.{name}"), errors);
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(doc, item_schema, item, &format!("{at}[{i}]"), errors);
        }
    }
}

#[tokio::test]
async fn every_documented_get_answers_a_declared_status_with_a_declared_body() {
    let fixture = codevoyage_testkit::fixture("migrations");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let bus = EventBus::new(1024);
    let summary = analyze(
        &store,
        &bus,
        AnalyzeRequest {
            source: fixture.path().to_path_buf(),
            name: None,
            rev: None,
            threads: 1,
        },
        Arc::new(AtomicBool::new(false)),
    )
    .await
    .expect("analyze");
    let admin = auth::create_user(&store, "root", "a long enough password", Role::Admin)
        .await
        .expect("admin");
    let key = auth::create_api_key(&store, admin.id, "tests")
        .await
        .expect("key")
        .1;
    let jobs = Jobs {
        queue: codevoyage_jobs::queue::Queue::local(Default::default()),
        bus,
        policy: SourcePolicy::default(),
        repos_dir: None,
    };
    let app = router(AppState::new(store, Cache::memory()).with_jobs(jobs));
    let doc = document();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let Some(op) = item.get("get") else { continue };
        let id = if path.starts_with("/api/v1/analyses/") {
            summary.analysis_id
        } else {
            summary.repository_id
        };
        let uri = path.replace("{id}", &id.to_string());
        let response = app
            .clone()
            .oneshot(
                Request::get(&uri)
                    .header("authorization", format!("Bearer {key}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .expect("body");
        let Some(declared) = op["responses"].get(status.as_str()) else {
            failures.push(format!(
                "GET {uri}: {status} is not declared: {}",
                String::from_utf8_lossy(&bytes)
            ));
            continue;
        };
        let declared = match declared.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .trim_start_matches("#/")
                .split('/')
                .fold(&doc, |v, part| &v[part]),
            None => declared,
        };
        if let Some(schema) = declared["content"]["application/json"].get("schema") {
            assert!(
                content_type.starts_with("application/json"),
                "GET {uri}: {content_type}"
            );
            let body: Value = serde_json::from_slice(&bytes).expect("JSON body");
            let mut errors = Vec::new();
            check(&doc, schema, &body, "$", &mut errors);
            if !errors.is_empty() {
                failures.push(format!("GET {uri} ({status}): {errors:#?}"));
            }
        }
        if status == StatusCode::OK {
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 20, "only {checked} GETs answered 200");
}

#[tokio::test]
async fn the_docs_page_and_the_document_are_served_without_login_and_fetch_nothing_elsewhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let app = router(AppState::new(store, Cache::memory()));
    for (uri, kind) in [
        ("/api/v1/openapi.json", "application/json"),
        ("/api/docs", "text/html"),
    ] {
        let response = app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_string();
        assert!(content_type.starts_with(kind), "{uri}: {content_type}");
        let body = axum::body::to_bytes(response.into_body(), 4 << 20)
            .await
            .expect("body");
        let text = String::from_utf8_lossy(&body);
        if kind == "text/html" {
            for external in [
                "src=\"http",
                "href=\"http",
                "@import",
                "cdn",
                "//unpkg",
                "//fonts.",
            ] {
                assert!(!text.contains(external), "the page loads {external}");
            }
            assert!(text.contains("fetch(\"/api/v1/openapi.json\")"));
        } else {
            let doc: Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(doc, document());
        }
    }
}
