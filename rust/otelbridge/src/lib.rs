//! Write OpenTelemetry Collector components in plain Rust and run them inside an ordinary Go
//! collector.
//!
//! A component crate depends on this crate alone. It defines a serde config type (implementing
//! [`Config`]), a component ([`Receiver`], [`Processor`], [`Exporter`], [`Connector`] or
//! [`Extension`]) and its factory ([`ReceiverFactory`] and so on), and exposes it as a type-erased
//! [`Factory`] from a `pub fn factory() -> otelbridge::Factory`. The crate builds and tests with
//! `cargo test` alone; the `otelbridge-abi` crate and the Go shim turn it into a collector
//! component.
//!
//! The guide, `docs/guide.md`, has a working component of every kind with its tests. Features:
//! `testing` adds `otelbridge::testing`, the test kit (for dev-dependencies); `serde` adds
//! serde (OTLP/JSON) to the [`proto`] types.
//!
//! ```
//! use otelbridge::{Config, Context, Error, Factory, Outcome, Processor, ProcessorFactory};
//! use otelbridge::{CreateSettings, Signals, Stability, TracesBatch};
//! use otelbridge::proto::ExportTraceServiceRequest;
//!
//! #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
//! #[serde(deny_unknown_fields, default)]
//! struct NopConfig {}
//! impl Config for NopConfig {}
//!
//! struct Nop;
//! impl Processor for Nop {
//!     async fn process_traces(
//!         &self,
//!         _ctx: &Context,
//!         _batch: TracesBatch<'_>,
//!     ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
//!         Ok(Outcome::Unchanged)
//!     }
//! }
//!
//! struct NopFactory;
//! impl ProcessorFactory for NopFactory {
//!     type Config = NopConfig;
//!     type Processor = Nop;
//!     const TYPE: &'static str = "nop";
//!     const STABILITY: Stability = Stability::Development;
//!     const SIGNALS: Signals = Signals::TRACES;
//!     fn create(&self, _: &CreateSettings, _: NopConfig) -> Result<Nop, Error> {
//!         Ok(Nop)
//!     }
//! }
//!
//! pub fn factory() -> Factory {
//!     Factory::processor(NopFactory)
//! }
//! # assert_eq!(factory().type_name(), "nop");
//! ```

mod batch;
pub mod bytesize;
mod component;
mod config;
mod connector;
mod context;
pub mod duration;
pub mod edits;
mod error;
mod exporter;
mod extension;
mod factory;
mod lenient;
mod logging;
mod metadata;
mod next;
#[doc(hidden)]
pub mod private;
mod processor;
mod receiver;
mod request;
pub mod runtime;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod view;

pub use batch::{Batch, LogsBatch, MetricsBatch, Outcome, TracesBatch};
pub use component::{ComponentType, InvalidComponentType, Kind, Signal, Signals, Stability};
pub use config::{Config, ConfigError};
pub use connector::{Connector, ConnectorFactory};
pub use context::{Context, TraceContext};
pub use edits::{At, EditValue, Edits};
pub use error::{Error, ErrorKind};
pub use exporter::{Exporter, ExporterFactory};
pub use extension::{Extension, ExtensionFactory};
pub use factory::{CreateSettings, Factory};
pub use metadata::{Metadata, MetadataValue};
pub use next::Next;
pub use processor::{Processor, ProcessorFactory};
pub use receiver::{Receiver, ReceiverFactory};
pub use request::ExportRequest;

/// The OTLP request types that cross the boundary, re-exported from `opentelemetry-proto` 0.33.
///
/// With this crate's `serde` feature (opentelemetry-proto's `with-serde`), they implement
/// `serde::Serialize` and `Deserialize` in OTLP/JSON, so a test can print a batch as JSON
/// (`otelbridge::testing::to_json` prints it as pdata reads it).
pub mod proto {
    pub use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    pub use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    pub use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    pub use opentelemetry_proto::tonic::{common, logs, metrics, resource, trace};
}

/// Re-exported so component crates and the ABI crate agree on one version.
pub use prost;
/// Re-exported so component crates and the ABI crate agree on one version.
pub use tokio;
/// What [`Context::with_cancellation`] takes and [`Context::cancellation_token`] gives: tokio-util's
/// token, re-exported so a component needs no dependency of its own to stop its tasks with one.
pub use tokio_util::sync::CancellationToken;
