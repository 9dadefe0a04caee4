//! Compressed bodies of big cached views, compressed once and cached beside the view.
//!
//! The response compression layer compresses every response again. For the city (`/tree`)
//! of a 100,000-file repository, 18.5 MB of JSON, that is a third of a second of CPU per
//! request, and browsers always ask for gzip or brotli: the load benchmark
//! (`bench/api/tree-load.sh`) measured 6 requests/s compressed against 81 uncompressed. Here
//! the handler negotiates the encoding itself, caches the compressed bytes under the view's
//! key plus the encoding (so they expire and are invalidated with the view), and answers
//! with `Content-Encoding` set, which the compression layer leaves alone.

use crate::AppState;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::io::Write;

/// Bodies smaller than this go through the compression layer as usual.
const MIN_BYTES: usize = 1024;
/// Brotli quality: 5 keeps a first request of a 100,000-file city well under a second.
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW: u32 = 22;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }
}

/// The encoding to answer with for `Accept-Encoding`: brotli over gzip at equal weight,
/// none when neither is acceptable (`q=0` refuses; `*` stands for both).
pub(crate) fn negotiate(headers: &HeaderMap) -> Option<Encoding> {
    // The weight given to each coding by name, and to `*` (codings not named).
    let mut named: Vec<(String, f32)> = Vec::new();
    let mut wildcard: Option<f32> = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = 1.0_f32;
            for param in parts {
                if let Some(v) = param.trim().strip_prefix("q=") {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
            match name.as_str() {
                "" => {}
                "*" => wildcard = Some(q),
                "x-gzip" => named.push(("gzip".into(), q)),
                _ => named.push((name, q)),
            }
        }
    }
    let weight = |encoding: Encoding| {
        named
            .iter()
            .find(|(name, _)| name == encoding.token())
            .map(|(_, q)| *q)
            .or(wildcard)
            .unwrap_or(0.0)
    };
    // Brotli first, so that it wins a tie.
    let mut best: Option<(Encoding, f32)> = None;
    for encoding in [Encoding::Brotli, Encoding::Gzip] {
        let q = weight(encoding);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((encoding, q));
        }
    }
    best.map(|(encoding, _)| encoding)
}

fn compress(encoding: Encoding, body: &[u8]) -> std::io::Result<Vec<u8>> {
    match encoding {
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 8);
            {
                let mut writer = brotli::CompressorWriter::new(
                    &mut out,
                    64 * 1024,
                    BROTLI_QUALITY,
                    BROTLI_WINDOW,
                );
                writer.write_all(body)?;
                writer.flush()?;
            }
            Ok(out)
        }
        Encoding::Gzip => {
            let mut writer = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 8),
                flate2::Compression::default(),
            );
            writer.write_all(body)?;
            writer.finish()
        }
    }
}

/// A JSON response of the view cached under `key` with body `body`: compressed in the
/// encoding the client prefers, from the cache when an earlier request compressed it.
pub(crate) async fn json_response(
    state: &AppState,
    headers: &HeaderMap,
    key: &str,
    body: Vec<u8>,
) -> Response {
    let plain =
        |body: Vec<u8>| ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    let Some(encoding) = negotiate(headers).filter(|_| body.len() >= MIN_BYTES) else {
        return plain(body);
    };
    let encoded_key = format!("{key}#{}", encoding.token());
    let encoded = match state.cache.get(&encoded_key).await {
        Some(hit) => hit,
        None => {
            let input = body.clone();
            match tokio::task::spawn_blocking(move || compress(encoding, &input)).await {
                Ok(Ok(bytes)) => {
                    state.cache.set(&encoded_key, &bytes, state.cache_ttl).await;
                    bytes
                }
                Ok(Err(error)) => {
                    tracing::warn!(%error, "could not compress a cached view; sending it plain");
                    return plain(body);
                }
                Err(error) => {
                    tracing::warn!(%error, "the compression task failed; sending the view plain");
                    return plain(body);
                }
            }
        }
    };
    let mut response = ([(header::CONTENT_TYPE, "application/json")], encoded).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static(encoding.token()),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("header"),
        );
        h
    }

    #[test]
    fn negotiation_prefers_brotli_and_honours_weights() {
        assert_eq!(negotiate(&HeaderMap::new()), None);
        assert_eq!(
            negotiate(&accept("gzip, deflate, br, zstd")),
            Some(Encoding::Brotli)
        );
        assert_eq!(negotiate(&accept("gzip")), Some(Encoding::Gzip));
        assert_eq!(
            negotiate(&accept("br;q=0.5, gzip;q=0.8")),
            Some(Encoding::Gzip)
        );
        assert_eq!(negotiate(&accept("br;q=0, gzip;q=0")), None);
        assert_eq!(negotiate(&accept("identity")), None);
        assert_eq!(negotiate(&accept("*")), Some(Encoding::Brotli));
        assert_eq!(negotiate(&accept("br;q=0, *")), Some(Encoding::Gzip));
        assert_eq!(
            negotiate(&accept("br;q=nonsense, gzip")),
            Some(Encoding::Gzip)
        );
    }

    #[test]
    fn both_encodings_round_trip() {
        use std::io::Read;
        let body: Vec<u8> = (0..50_000u32)
            .flat_map(|i| format!("{{\"n\":{i}}},").into_bytes())
            .collect();
        let br = compress(Encoding::Brotli, &body).expect("brotli");
        let mut decoded = Vec::new();
        brotli_decompressor::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut decoded)
            .expect("decode");
        assert_eq!(decoded, body);
        assert!(br.len() < body.len() / 4);
        let gz = compress(Encoding::Gzip, &body).expect("gzip");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut decoded)
            .expect("decode");
        assert_eq!(decoded, body);
    }
}
