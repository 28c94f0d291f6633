//! The OTLP export requests a batch holds, one per signal.

use std::fmt::Debug;

use prost::Message;

use crate::edits::Editable;
use crate::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use crate::{Error, Signal, view};

/// An OTLP export request of one signal: [`ExportTraceServiceRequest`],
/// [`ExportMetricsServiceRequest`] or [`ExportLogsServiceRequest`], the message a
/// [`Batch`](crate::Batch) holds. Sealed; it lets a component handle every signal with one
/// generic function.
///
/// ```
/// use otelbridge::prost::Message;
/// use otelbridge::proto::ExportLogsServiceRequest;
/// use otelbridge::{Batch, Error, ExportRequest, LogsBatch, Outcome, Signal};
///
/// /// Drops empty batches of any signal.
/// fn drop_empty<T: ExportRequest>(batch: Batch<'_, T>) -> Result<Outcome<T>, Error> {
///     let request = batch.decode()?;
///     Ok(if request == T::default() { Outcome::Dropped } else { Outcome::Unchanged })
/// }
///
/// let empty = ExportLogsServiceRequest::default().encode_to_vec();
/// assert_eq!(drop_empty(LogsBatch::from_bytes(&empty))?, Outcome::Dropped);
/// assert_eq!(ExportLogsServiceRequest::SIGNAL, Signal::Logs);
/// # Ok::<(), Error>(())
/// ```
pub trait ExportRequest:
    Message + Default + Clone + PartialEq + Debug + Send + Sync + 'static + sealed::Sealed
{
    /// The signal of the request.
    const SIGNAL: Signal;
}

pub(crate) mod sealed {
    use super::{Editable, Error};

    /// Proof that the caller is this crate. A generic `T: ExportRequest` reaches the methods of
    /// the sealed supertraits; they take one of these, which only this crate can make, so that
    /// they stay this crate's to call.
    #[derive(Debug, Clone, Copy)]
    pub struct Internal(());

    /// The one [`Internal`].
    pub(crate) const INTERNAL: Internal = Internal(());

    /// What only this crate implements and calls: applying edits, and decoding as Go's pdata
    /// reads.
    pub trait Sealed: Editable {
        /// Decodes the request, taking what Go's pdata takes (see `view::decode_lenient`).
        fn decode_lenient(bytes: &[u8], _: Internal) -> Result<Self, Error>
        where
            Self: Sized;
    }
}

macro_rules! export_request {
    ($request:ty, $signal:ident, $shape:ident) => {
        impl ExportRequest for $request {
            const SIGNAL: Signal = Signal::$signal;
        }

        impl sealed::Sealed for $request {
            fn decode_lenient(bytes: &[u8], _: sealed::Internal) -> Result<Self, Error> {
                view::decode_lenient(bytes, &view::$shape)
            }
        }
    };
}

export_request!(ExportTraceServiceRequest, Traces, TRACES);
export_request!(ExportMetricsServiceRequest, Metrics, METRICS);
export_request!(ExportLogsServiceRequest, Logs, LOGS);
