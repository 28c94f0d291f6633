//! The data a processor receives (OTLP protobuf bytes, decoded on demand) and what it gives back.

use std::marker::PhantomData;

use prost::Message;

use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::request::sealed::INTERNAL;
use crate::{Edits, Error, ExportRequest};

/// One batch of telemetry as OTLP `Export*ServiceRequest` protobuf bytes, borrowed for the call.
///
/// Nothing is decoded until the component calls [`Batch::decode`], so a component that looks only
/// at the bytes (or decides from the context alone) pays nothing for decoding.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a, T> {
    bytes: &'a [u8],
    message: PhantomData<fn() -> T>,
}

/// A batch of spans.
pub type TracesBatch<'a> = Batch<'a, ExportTraceServiceRequest>;
/// A batch of metrics.
pub type MetricsBatch<'a> = Batch<'a, ExportMetricsServiceRequest>;
/// A batch of log records.
pub type LogsBatch<'a> = Batch<'a, ExportLogsServiceRequest>;

impl<'a, T: ExportRequest> Batch<'a, T> {
    /// A batch over encoded bytes.
    pub fn from_bytes(bytes: &'a [u8]) -> Batch<'a, T> {
        Batch {
            bytes,
            message: PhantomData,
        }
    }

    /// The encoded bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Decodes the batch, taking what Go's pdata takes: a string that is not UTF-8 decodes with
    /// U+FFFD in place of each invalid sequence. Malformed bytes, and values nested past prost's
    /// limit of 100 messages, give a permanent error; [views](crate::view) read those.
    pub fn decode(&self) -> Result<T, Error> {
        T::decode_lenient(self.bytes, INTERNAL)
    }
}

/// What a processor did with a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    /// Pass the batch on as it came: Go keeps its own data and decodes nothing.
    Unchanged,
    /// Pass this batch on instead. Costs a full encode here and a full decode in Go: prefer
    /// [`Outcome::Edited`] when the change is a few values or records.
    Replaced(T),
    /// Pass the batch on with these changes, which Go applies to the data it already has.
    Edited(Edits),
    /// Pass nothing on (the batch is filtered out); the caller sees success.
    Dropped,
}

impl<T: Message> Outcome<T> {
    /// Encodes a replaced batch to bytes; the other outcomes carry none.
    pub(crate) fn encode(self) -> Outcome<Vec<u8>> {
        match self {
            Outcome::Unchanged => Outcome::Unchanged,
            Outcome::Replaced(message) => Outcome::Replaced(message.encode_to_vec()),
            Outcome::Edited(edits) => Outcome::Edited(edits),
            Outcome::Dropped => Outcome::Dropped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::trace::v1::{ResourceSpans, ScopeSpans, Span};

    fn one_span() -> ExportTraceServiceRequest {
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans {
                    spans: vec![Span {
                        name: "op".into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
    }

    #[test]
    fn decodes_on_demand() {
        let bytes = one_span().encode_to_vec();
        let batch = TracesBatch::from_bytes(&bytes);
        assert_eq!(batch.bytes(), bytes.as_slice());
        assert_eq!(batch.decode().expect("valid"), one_span());
    }

    #[test]
    fn malformed_bytes_are_a_permanent_error() {
        let err = TracesBatch::from_bytes(&[0xff, 0xff])
            .decode()
            .expect_err("garbage");
        assert!(err.is_permanent());
        assert!(err.message().starts_with("decoding OTLP protobuf"), "{err}");
    }

    #[test]
    fn replaced_outcomes_encode() {
        let Outcome::Replaced(bytes) = Outcome::Replaced(one_span()).encode() else {
            panic!("replaced stays replaced");
        };
        assert_eq!(
            ExportTraceServiceRequest::decode(bytes.as_slice()).ok(),
            Some(one_span())
        );
        assert_eq!(
            Outcome::<ExportTraceServiceRequest>::Dropped.encode(),
            Outcome::Dropped
        );
    }
}
