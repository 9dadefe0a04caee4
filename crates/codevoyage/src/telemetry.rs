//! OpenTelemetry traces over OTLP/HTTP (JSON), when an endpoint is configured.
//!
//! Off by default: without `otlp_endpoint` (or `OTEL_EXPORTER_OTLP_ENDPOINT`) no layer is
//! installed and nothing is recorded beyond the logs. When on, every `tracing` span at info
//! level or above of the CodeVoyage crates becomes an OpenTelemetry span: `request` (method,
//! path, `request_id`) for each HTTP request of `serve`, `job` (job id, `correlation_id`: the
//! request id that queued it) and `stage` for each analysis stage of a worker. Spans are
//! batched and sent by a background thread; [`Telemetry::shutdown`] flushes what is left.
//!
//! The exporter's HTTP client is reqwest's blocking client on rustls with the ring provider.
//! It is built (and dropped) outside any tokio runtime, as reqwest's blocking client requires.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::time::Duration;

/// Which process exports: its `service.name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Serve,
    Worker,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Serve => "codevoyage-serve",
            Service::Worker => "codevoyage-worker",
        }
    }
}

/// Spans exported: info and above of our own crates (the log filter does not apply, so a
/// quiet log keeps its traces).
pub const SPAN_FILTER: &str = "warn,codevoyage=info,codevoyage_server=info,codevoyage_jobs=info";

/// How long shutdown waits for the last batch to reach the collector.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// The running exporter; [`Telemetry::shutdown`] (or dropping it) flushes the spans not yet sent.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Nothing exported.
    pub fn off() -> Self {
        Self { provider: None }
    }

    /// An exporter sending spans to `traces_url` (the full URL, ending in `/v1/traces`).
    /// Returns the provider holder and the tracer for the `tracing` layer.
    pub fn start(
        traces_url: &str,
        service: Service,
    ) -> anyhow::Result<(Self, opentelemetry_sdk::trace::SdkTracer)> {
        // reqwest is built without a default crypto provider: ring, as for the LLM client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the OTLP HTTP client: {e}"))?;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpJson)
            .with_endpoint(traces_url)
            .with_http_client(client)
            .build()
            .map_err(|e| {
                anyhow::anyhow!("cannot set up the OTLP exporter for {traces_url}: {e}")
            })?;
        let resource = Resource::builder()
            .with_service_name(service.name())
            .with_attribute(opentelemetry::KeyValue::new(
                "service.version",
                env!("CARGO_PKG_VERSION"),
            ))
            .build();
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource)
            .build();
        let tracer = provider.tracer("codevoyage");
        Ok((
            Self {
                provider: Some(provider),
            },
            tracer,
        ))
    }

    /// Sends the spans still buffered and stops the exporter (idempotent).
    pub fn shutdown(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown_with_timeout(FLUSH_TIMEOUT)
        {
            eprintln!("warning: could not flush the last traces to the OTLP endpoint: {e}");
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The traces URL for an OTLP base endpoint: `/v1/traces` appended unless already there.
pub fn traces_url(endpoint: &str) -> String {
    let base = endpoint.trim_end_matches('/');
    if base.ends_with("/v1/traces") {
        base.to_string()
    } else {
        format!("{base}/v1/traces")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signal_path_is_appended_once() {
        assert_eq!(
            traces_url("http://collector:4318"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            traces_url("http://collector:4318/"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            traces_url("http://collector:4318/v1/traces"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            traces_url("https://otel.example.com/prefix"),
            "https://otel.example.com/prefix/v1/traces"
        );
    }

    #[test]
    fn service_names() {
        assert_eq!(Service::Serve.name(), "codevoyage-serve");
        assert_eq!(Service::Worker.name(), "codevoyage-worker");
    }
}
