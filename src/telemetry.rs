//! Log output, and traces over OpenTelemetry.
//!
//! Logs go to standard output as text or JSON. With `otlp_endpoint` set, every span is also a
//! trace span sent over OTLP/HTTP (protobuf) to that URL, in batches; a request's trace carries
//! on from the caller's W3C `traceparent`, and the request's span (and so each of its log lines)
//! carries the trace id as `trace_id`. Without the setting nothing is exported and nothing of
//! OpenTelemetry runs.

use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{EnvFilter, Layer, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people.
    #[default]
    Text,
    /// One JSON object a line, for log collectors.
    Json,
}

/// Keeps the trace exporter until the process ends: dropping it sends what is still batched.
#[must_use = "traces are flushed when this is dropped"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(err) = provider.shutdown()
        {
            eprintln!("sending the last traces failed: {err}");
        }
    }
}

/// Installs the global subscriber: `RUST_LOG` wins over the configured filter; with
/// `otlp_endpoint`, spans are exported as traces there. Calling it twice is harmless (the
/// second call installs nothing), so tests may call it freely.
pub fn init(filter: &str, format: LogFormat, otlp_endpoint: Option<&str>) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter));
    let logs = match format {
        LogFormat::Text => fmt::layer().with_target(false).boxed(),
        LogFormat::Json => fmt::layer().with_target(false).json().boxed(),
    };
    let provider = otlp_endpoint.and_then(|endpoint| match exporter(endpoint) {
        Ok(provider) => Some(provider),
        Err(err) => {
            eprintln!("traces are off: the OTLP exporter for {endpoint} failed to start: {err}");
            None
        }
    });
    let traces = provider.as_ref().map(|provider| {
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        tracing_opentelemetry::layer().with_tracer(provider.tracer("skillgraph"))
    });
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(logs)
        .with(traces)
        .try_init()
        .is_ok();
    Telemetry {
        provider: provider.filter(|_| installed),
    }
}

fn exporter(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .build()?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("skillgraph")
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Continues the caller's trace (a W3C `traceparent` among `headers`) in `span`, and records
/// the trace id on it as `trace_id` (declared empty by the span's maker). Does nothing while
/// traces are off.
pub fn join_trace(span: &tracing::Span, headers: &http::HeaderMap) {
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&opentelemetry_http::HeaderExtractor(headers))
    });
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
    let context = span.context();
    let trace = context.span().span_context().trace_id();
    if trace != opentelemetry::trace::TraceId::INVALID {
        span.record("trace_id", tracing::field::display(trace));
    }
}
