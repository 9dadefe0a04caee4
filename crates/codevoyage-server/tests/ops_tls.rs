//! TLS termination on a real socket: a self-signed certificate made in the test, a rustls
//! client that trusts it, raw HTTP/1.1 over the encrypted stream.

use codevoyage_server::tls::{TlsError, TlsListener, serve_tls, server_config};
use codevoyage_server::{AppState, router};
use codevoyage_store::Store;
use codevoyage_store::cache::Cache;
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Pki {
    cert: PathBuf,
    key: PathBuf,
    der: CertificateDer<'static>,
}

fn self_signed(dir: &Path, name: &str) -> Pki {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let cert = dir.join(format!("{name}.crt"));
    let key = dir.join(format!("{name}.key"));
    std::fs::write(&cert, certified.cert.pem()).expect("write cert");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("write key");
    Pki {
        cert,
        key,
        der: certified.cert.der().clone(),
    }
}

fn client(
    trusted: &CertificateDer<'static>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(trusted.clone())
        .expect("trust the test certificate");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(versions)
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

async fn https_get(
    connector: &tokio_rustls::TlsConnector,
    addr: std::net::SocketAddr,
    path: &str,
) -> Result<(String, rustls::ProtocolVersion), std::io::Error> {
    let tcp = TcpStream::connect(addr).await?;
    let server = ServerName::try_from("localhost").expect("name");
    let mut tls = connector.connect(server, tcp).await?;
    let version = tls
        .get_ref()
        .1
        .protocol_version()
        .expect("negotiated version");
    tls.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut response = Vec::new();
    tls.read_to_end(&mut response).await?;
    Ok((String::from_utf8_lossy(&response).into_owned(), version))
}

#[tokio::test]
async fn serves_https_with_tls_1_3_and_1_2_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pki = self_signed(dir.path(), "server");
    let config = server_config(&pki.cert, &pki.key).expect("config");
    let store = Store::open_sqlite_file(&dir.path().join("cv.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let app = router(AppState::new(store, Cache::memory()));
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let listener = TlsListener::new(tcp, config).expect("listener");
    let addr = axum::serve::Listener::local_addr(&listener).expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_tls(listener, app, async {
        let _ = stopped.await;
    }));

    // A client speaking plain HTTP to the TLS port gets nothing, and does not disturb others.
    let mut plain = TcpStream::connect(addr).await.expect("connect");
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut junk = Vec::new();
    let _ = plain.read_to_end(&mut junk).await;
    assert!(!String::from_utf8_lossy(&junk).contains("HTTP/1.1 200"));

    let tls13 = client(&pki.der, &[&rustls::version::TLS13]);
    let (response, version) = https_get(&tls13, addr, "/healthz").await.expect("https");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");
    assert!(
        response.to_ascii_lowercase().contains("x-request-id:"),
        "{response}"
    );
    assert!(
        response
            .to_ascii_lowercase()
            .contains("strict-transport-security: max-age=31536000"),
        "HSTS over TLS: {response}"
    );
    assert_eq!(version, rustls::ProtocolVersion::TLSv1_3);

    let tls12 = client(&pki.der, &[&rustls::version::TLS12]);
    let (response, version) = https_get(&tls12, addr, "/api/v1/repositories")
        .await
        .expect("https over TLS 1.2");
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("\"code\":\"unauthorized\""), "{response}");
    assert_eq!(version, rustls::ProtocolVersion::TLSv1_2);

    // A client that does not trust this certificate refuses the connection.
    let stranger = self_signed(dir.path(), "stranger");
    let wary = client(&stranger.der, &[&rustls::version::TLS13]);
    assert!(https_get(&wary, addr, "/healthz").await.is_err());

    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("clean shutdown");
}

#[test]
fn unusable_certificate_files_give_errors_that_name_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = self_signed(dir.path(), "a");
    let b = self_signed(dir.path(), "b");

    let missing = dir.path().join("missing.crt");
    match server_config(&missing, &a.key) {
        Err(e @ TlsError::Read { .. }) => {
            assert!(e.to_string().contains("missing.crt"), "{e}")
        }
        other => panic!("expected a read error, got {other:?}"),
    }

    let garbage = dir.path().join("garbage.crt");
    std::fs::write(&garbage, "not a certificate\n").expect("write");
    assert!(matches!(
        server_config(&garbage, &a.key),
        Err(TlsError::NoCertificate(_))
    ));

    // The certificate as the key: no private key in it.
    assert!(matches!(
        server_config(&a.cert, &a.cert),
        Err(TlsError::BadKey { .. })
    ));

    // The key of another certificate.
    match server_config(&a.cert, &b.key) {
        Err(e @ TlsError::Mismatch(_)) => assert!(e.to_string().contains("do not go together")),
        other => panic!("expected a mismatch, got {other:?}"),
    }

    assert!(server_config(&a.cert, &a.key).is_ok());
}
