//! The test kit: what Go's `processortest` and `consumertest` are to Go authors.
//!
//! Enable it in the component crate's dev-dependencies only:
//!
//! ```toml
//! [dev-dependencies]
//! otelbridge = { path = "../otelbridge/rust/otelbridge", features = ["testing"] }
//! tokio = { version = "1", features = ["macros", "rt"] }
//! ```
//!
//! It gives:
//!
//! - **batches** from OTLP JSON, the collector's own encoding (what Go's `file` exporter writes
//!   and pdata's `JSONMarshaler` produces), and back to JSON to look at them: [`from_json`],
//!   [`traces_from_json`], [`metrics_from_json`], [`logs_from_json`], [`to_json`],
//!   [`to_json_pretty`]; from prost values, pass the request itself to the [`Harness`];
//! - a [`Harness`] that runs a component of any kind through create, start, calls and shutdown
//!   as the bridge does (the same [`Factory`](crate::Factory) and
//!   instance, on the shared runtime, in the component's log scope, with its
//!   leftover tasks aborted after shutdown), and resolves a processor's edits into the batch the
//!   collector passes on ([`Processed`], [`passed_on`]);
//! - a recording [`Sink`] whose [`Sink::next`] is the [`Next`](crate::Next) of a receiver or
//!   connector: it records what was sent and answers as the test chooses;
//! - config helpers that give the field path of an error: [`parse_config`], [`config_error`],
//!   [`check_default_config`].
//!
//! ```
//! use otelbridge::testing::{self, Harness};
//! # use otelbridge::{Config, Context, CreateSettings, Error, Factory, Outcome, Processor};
//! # use otelbridge::{ProcessorFactory, Signals, Stability, TracesBatch};
//! # use otelbridge::proto::ExportTraceServiceRequest;
//! # #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
//! # #[serde(deny_unknown_fields, default)]
//! # struct NopConfig {}
//! # impl Config for NopConfig {}
//! # struct Nop;
//! # impl Processor for Nop {
//! #     async fn process_traces(&self, _: &Context, _: TracesBatch<'_>)
//! #         -> Result<Outcome<ExportTraceServiceRequest>, Error> { Ok(Outcome::Unchanged) }
//! # }
//! # struct NopFactory;
//! # impl ProcessorFactory for NopFactory {
//! #     type Config = NopConfig;
//! #     type Processor = Nop;
//! #     const TYPE: &'static str = "nop";
//! #     const STABILITY: Stability = Stability::Development;
//! #     const SIGNALS: Signals = Signals::TRACES;
//! #     fn create(&self, _: &CreateSettings, _: NopConfig) -> Result<Nop, Error> { Ok(Nop) }
//! # }
//! # fn factory() -> Factory { Factory::processor(NopFactory) }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let nop = Harness::started(&factory(), "{}").await?;
//! let input = testing::traces_from_json(
//!     r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"GET /"}]}]}]}"#,
//! )?;
//! let processed = nop.process(&input).await?;
//! assert!(processed.is_unchanged());
//! assert_eq!(processed.passed_on(), Some(&input));
//! nop.shutdown().await?;
//! # Ok(())
//! # }
//! ```

mod config;
mod harness;
mod json;
mod sink;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ExportRequest;
use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};

pub use config::{check_default_config, config_error, default_config, parse_config};
pub use harness::{Harness, Processed, passed_on};
pub use json::{
    JsonError, from_json, logs_from_json, metrics_from_json, to_json, to_json_pretty,
    traces_from_json,
};
pub use sink::{Sent, Sink};

/// An [`ExportRequest`] that also reads and writes OTLP/JSON: what the testing kit takes.
/// Sealed.
///
/// ```
/// use otelbridge::{ExportRequest, Signal};
/// use otelbridge::proto::ExportLogsServiceRequest;
/// use otelbridge::testing::OtlpRequest;
/// fn signal_of<T: OtlpRequest>() -> Signal { T::SIGNAL }
/// assert_eq!(signal_of::<ExportLogsServiceRequest>(), Signal::Logs);
/// ```
pub trait OtlpRequest: ExportRequest + Serialize + DeserializeOwned + private::Sealed {}

mod private {
    pub trait Sealed {}
}

impl private::Sealed for ExportTraceServiceRequest {}
impl private::Sealed for ExportMetricsServiceRequest {}
impl private::Sealed for ExportLogsServiceRequest {}

impl OtlpRequest for ExportTraceServiceRequest {}
impl OtlpRequest for ExportMetricsServiceRequest {}
impl OtlpRequest for ExportLogsServiceRequest {}

/// A processor that passes every batch on unchanged, for the examples of this module's
/// documentation. Not part of the API.
#[doc(hidden)]
pub mod __doc {
    use crate::proto::ExportTraceServiceRequest;
    use crate::{Config, Context, CreateSettings, Error, Factory, Outcome, Processor};
    use crate::{ProcessorFactory, Signals, Stability, TracesBatch};

    #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields, default)]
    struct NopConfig {}

    impl Config for NopConfig {}

    struct Nop;

    impl Processor for Nop {
        async fn process_traces(
            &self,
            _: &Context,
            _: TracesBatch<'_>,
        ) -> Result<Outcome<ExportTraceServiceRequest>, Error> {
            Ok(Outcome::Unchanged)
        }
    }

    struct NopFactory;

    impl ProcessorFactory for NopFactory {
        type Config = NopConfig;
        type Processor = Nop;
        const TYPE: &'static str = "nop";
        const STABILITY: Stability = Stability::Development;
        const SIGNALS: Signals = Signals::TRACES;

        fn create(&self, _: &CreateSettings, _: NopConfig) -> Result<Nop, Error> {
            Ok(Nop)
        }
    }

    /// The `nop` traces processor.
    pub fn nop_processor() -> Factory {
        Factory::processor(NopFactory)
    }
}
