//! The exporter: one HTTP POST per batch, raced against the call's deadline and cancellation.

use std::time::SystemTime;

use otelbridge::TracesBatch;
use otelbridge::telemetry::{self, Counter};
use otelbridge::{Context, Error, ErrorKind, Exporter, LogsBatch, MetricsBatch, Signal};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::redirect::Policy;
use reqwest::{Client, RequestBuilder, Response, Url};

use crate::response::{Answer, MAX_BODY};
use crate::{Compression, OtlpHttpConfig};

/// The `Content-Type` of every request: the batch is already OTLP protobuf.
const PROTOBUF: &str = "application/x-protobuf";

/// Posts each batch, as it came, to the OTLP/HTTP endpoint of its signal.
///
/// Cheap to share: batches may be exported concurrently over the client's connection pool.
#[derive(Debug)]
pub struct OtlpHttpExporter {
    client: Client,
    traces_url: Url,
    metrics_url: Url,
    logs_url: Url,
    compression: Compression,
    requests: Counter,
}

impl OtlpHttpExporter {
    /// An exporter for `config`. Opens no connection: the first batch does.
    pub fn new(config: OtlpHttpConfig) -> Result<OtlpHttpExporter, Error> {
        let client = Client::builder()
            .default_headers(default_headers(&config)?)
            // A POST redirected with 301-303 would be re-sent as a GET without its body: an error
            // naming the status is better than data lost in silence.
            .redirect(Policy::none())
            .build()
            .map_err(|err| Error::permanent(format!("building the HTTP client: {err}")))?;
        let requests = telemetry::counter("otelcol_exporter_otlphttp_rs_requests")
            .description("Export requests the otlphttp_rs exporter sent, by signal and outcome")
            .unit("{request}")
            .build();
        Ok(OtlpHttpExporter {
            client,
            traces_url: config.signal_url(Signal::Traces)?,
            metrics_url: config.signal_url(Signal::Metrics)?,
            logs_url: config.signal_url(Signal::Logs)?,
            compression: config.compression,
            requests,
        })
    }

    /// Where batches of `signal` go.
    pub fn url(&self, signal: Signal) -> &Url {
        match signal {
            Signal::Traces => &self.traces_url,
            Signal::Metrics => &self.metrics_url,
            Signal::Logs => &self.logs_url,
        }
    }

    async fn export(&self, ctx: &Context, signal: Signal, bytes: &[u8]) -> Result<(), Error> {
        let result = self.send(ctx, signal, bytes).await;
        let outcome = match &result {
            Ok(()) => "ok",
            Err(err) if err.is_permanent() => "permanent",
            Err(err) if err.kind() == ErrorKind::Cancelled => "cancelled",
            Err(_) => "retryable",
        };
        let signal = match signal {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        };
        self.requests
            .add(1.0, &[("signal", signal), ("outcome", outcome)]);
        result
    }

    async fn send(&self, ctx: &Context, signal: Signal, bytes: &[u8]) -> Result<(), Error> {
        let url = self.url(signal);
        // Checked before sending: a timer already due may still take a poll to fire.
        if ctx.is_cancelled() {
            return Err(cancelled(url));
        }
        if ctx.remaining().is_some_and(|left| left.is_zero()) {
            return Err(deadline_exceeded(url));
        }
        let mut request = self
            .client
            .post(url.clone())
            .header(header::CONTENT_TYPE, PROTOBUF)
            .body(self.compression.encode(bytes));
        if let Some(encoding) = self.compression.content_encoding() {
            request = request.header(header::CONTENT_ENCODING, encoding);
        }
        let deadline = async {
            match ctx.deadline() {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        // Losing the race drops the request, which closes its connection.
        tokio::select! {
            biased;
            () = ctx.cancelled() => Err(cancelled(url)),
            () = deadline => Err(deadline_exceeded(url)),
            result = exchange(request, url) => result?.into_result(signal, url, SystemTime::now()),
        }
    }
}

impl Exporter for OtlpHttpExporter {
    async fn export_traces(&self, ctx: &Context, batch: TracesBatch<'_>) -> Result<(), Error> {
        self.export(ctx, Signal::Traces, batch.bytes()).await
    }

    async fn export_metrics(&self, ctx: &Context, batch: MetricsBatch<'_>) -> Result<(), Error> {
        self.export(ctx, Signal::Metrics, batch.bytes()).await
    }

    async fn export_logs(&self, ctx: &Context, batch: LogsBatch<'_>) -> Result<(), Error> {
        self.export(ctx, Signal::Logs, batch.bytes()).await
    }
}

fn cancelled(url: &Url) -> Error {
    Error::cancelled(format!(
        "export to {url} cancelled: the collector gave up on the batch"
    ))
}

fn deadline_exceeded(url: &Url) -> Error {
    Error::deadline_exceeded(format!("no answer from {url} before the deadline"))
}

/// A `User-Agent` naming the exporter, then the operator's headers (which may replace it).
fn default_headers(config: &OtlpHttpConfig) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    let agent = format!(
        "otelbridge-otlphttp-rs/{} ({}/{})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    if let Ok(agent) = HeaderValue::from_str(&agent) {
        headers.insert(header::USER_AGENT, agent);
    }
    for (name, value) in &config.headers {
        // Validation has checked both; this only turns them into their types.
        let invalid = || Error::permanent(format!("headers.{name}: invalid HTTP header"));
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        headers.insert(name, value);
    }
    Ok(headers)
}

/// Sends the request and reads the answer. Failing to get one at all (no connection, a reset) is
/// retryable: the server may be back for the next try.
async fn exchange(request: RequestBuilder, url: &Url) -> Result<Answer, Error> {
    let response = request.send().await.map_err(|err| {
        Error::retryable(format!(
            "sending to {url}: {}",
            error_chain(&err.without_url())
        ))
    })?;
    let text = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = text(header::CONTENT_TYPE);
    let retry_after = text(header::RETRY_AFTER);
    let status = response.status();
    let body = read_body(response, url).await;
    Ok(Answer {
        status,
        content_type,
        retry_after,
        body,
    })
}

/// Up to [`MAX_BODY`] bytes of the body. A body cut short is read as far as it came: the status
/// alone decides the batch's fate.
async fn read_body(mut response: Response, url: &Url) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < MAX_BODY {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(err) => {
                tracing::debug!(%url, err = %error_chain(&err), "reading the answer's body");
                break;
            }
        }
    }
    body.truncate(MAX_BODY);
    body
}

/// An error and its sources on one line: reqwest's own message says little ("error sending
/// request"); the cause ("Connection refused") is in its sources.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
