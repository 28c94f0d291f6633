//! What the integration tests share: a receiver started as the bridge starts one, and the
//! requests they send it.

use std::net::SocketAddr;
use std::sync::Arc;

use otelbridge::prost::Message;
use otelbridge::proto::ExportTraceServiceRequest;
use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};
use otelbridge::{Context, Next, Receiver};
use otlphttp_receiver::{OtlpHttpConfig, OtlpHttpReceiver};

/// Starts a receiver on a free local port, from the shared runtime as the bridge does.
pub async fn start_receiver(
    config: OtlpHttpConfig,
    next: Next,
) -> (Arc<OtlpHttpReceiver>, SocketAddr) {
    let config = OtlpHttpConfig {
        endpoint: "127.0.0.1:0".into(),
        ..config
    };
    let receiver = Arc::new(OtlpHttpReceiver::new(config, next).expect("valid config"));
    let starting = Arc::clone(&receiver);
    otelbridge::runtime::spawn(async move { starting.start(&Context::background()).await })
        .await
        .expect("start ran")
        .expect("started");
    let addr = receiver.local_addr().await.expect("listening");
    (receiver, addr)
}

/// A traces request of one resource and one scope holding `spans`, encoded.
#[allow(dead_code)] // not every test binary sends spans of its own
pub fn traces_of(spans: Vec<Span>) -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
    .encode_to_vec()
}

/// Posts `body` as a protobuf traces request to the receiver at `addr`.
#[allow(dead_code)] // not every test binary posts this way
pub async fn post_traces(
    client: &reqwest::Client,
    addr: SocketAddr,
    body: Vec<u8>,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("http://{addr}/v1/traces"))
        .header("content-type", "application/x-protobuf")
        .body(body)
        .send()
        .await
}
