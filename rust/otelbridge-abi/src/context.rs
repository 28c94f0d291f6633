//! The context records that travel with each call (layout in ffi/README.md): decoded from the
//! host's calls into Rust, encoded for the batches Rust hands to the host.
//!
//! Only the framing can be malformed. The contents are whatever Go's `client.Info` held, which
//! need not be UTF-8 (a Latin-1 header, gRPC `-bin` metadata): metadata values stay bytes, and
//! keys, the peer address and the trace state are read lossily, so that no client's batch is
//! refused for what its metadata holds.

use otelbridge::{Context, Error, ErrorKind, Metadata, TraceContext};

use crate::buffer::push_string;
use crate::types::{OTB_CONTEXT_METADATA, OTB_CONTEXT_PEER_ADDR, OTB_CONTEXT_TRACE};

/// What the context records carry.
#[derive(Debug, Default)]
pub(crate) struct Records {
    pub(crate) metadata: Metadata,
    pub(crate) peer_addr: Option<String>,
    pub(crate) trace: Option<TraceContext>,
}

/// Reads the records; unknown tags are skipped so that newer hosts can add some.
pub(crate) fn decode(bytes: &[u8]) -> Result<Records, Error> {
    let mut reader = Reader { bytes };
    let mut metadata = Vec::new();
    let mut records = Records::default();
    while !reader.bytes.is_empty() {
        let tag = reader.take(1)?[0];
        let len = reader.u32()? as usize;
        let mut record = Reader {
            bytes: reader.take(len)?,
        };
        match tag {
            OTB_CONTEXT_METADATA => {
                let key = lossy(record.sized()?);
                let count = record.u32()? as usize;
                let values = (0..count)
                    .map(|_| record.sized())
                    .collect::<Result<Vec<_>, _>>()?;
                metadata.push((key, values));
            }
            OTB_CONTEXT_PEER_ADDR => records.peer_addr = Some(lossy(record.rest())),
            OTB_CONTEXT_TRACE => {
                let ids = record.take(25)?;
                let mut trace_id = [0; 16];
                let mut span_id = [0; 8];
                trace_id.copy_from_slice(&ids[..16]);
                span_id.copy_from_slice(&ids[16..24]);
                records.trace = Some(TraceContext::new(
                    trace_id,
                    span_id,
                    ids[24],
                    lossy(record.rest()),
                ));
            }
            _ => {}
        }
    }
    if !metadata.is_empty() {
        records.metadata = Metadata::new(metadata);
    }
    Ok(records)
}

/// Encodes what the host's consumer should see of `ctx`: its metadata, peer address and trace
/// context, in the layout [`decode`] reads.
pub(crate) fn encode(ctx: &Context) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, values) in ctx.metadata().iter() {
        let mut record = Vec::new();
        push_string(&mut record, key.as_bytes());
        record.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for value in values {
            push_string(&mut record, value.as_bytes());
        }
        push_record(&mut out, OTB_CONTEXT_METADATA, &record);
    }
    if let Some(peer) = ctx.peer_addr() {
        push_record(&mut out, OTB_CONTEXT_PEER_ADDR, peer.as_bytes());
    }
    if let Some(trace) = ctx.trace_context() {
        let mut record = Vec::with_capacity(25 + trace.trace_state().len());
        record.extend_from_slice(&trace.trace_id());
        record.extend_from_slice(&trace.span_id());
        record.push(trace.flags());
        record.extend_from_slice(trace.trace_state().as_bytes());
        push_record(&mut out, OTB_CONTEXT_TRACE, &record);
    }
    out
}

fn push_record(out: &mut Vec<u8>, tag: u8, record: &[u8]) {
    out.push(tag);
    push_string(out, record);
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.bytes.len() {
            return Err(Error::new(
                ErrorKind::Internal,
                "malformed context records: truncated",
            ));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, Error> {
        let raw = self.take(4)?;
        Ok(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]))
    }

    /// A length-prefixed field.
    fn sized(&mut self) -> Result<&'a [u8], Error> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    /// The rest of the record.
    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }
}

/// Text that Go held in a string, which need not be UTF-8.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }

    #[test]
    fn reads_metadata_and_skips_unknown_records() {
        let mut record = Vec::new();
        string(&mut record, "x-tenant");
        record.extend_from_slice(&2u32.to_le_bytes());
        string(&mut record, "a");
        string(&mut record, "b");
        let mut bytes = vec![99, 1, 0, 0, 0, 7]; // an unknown tag with one byte
        bytes.push(OTB_CONTEXT_METADATA);
        bytes.extend_from_slice(&(record.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&record);
        let records = decode(&bytes).expect("well formed");
        assert_eq!(records.metadata.get("x-tenant"), ["a", "b"]);
    }

    #[test]
    fn reads_the_peer_address_and_the_trace_context() {
        let mut bytes = vec![OTB_CONTEXT_PEER_ADDR];
        bytes.extend_from_slice(&15u32.to_le_bytes());
        bytes.extend_from_slice(b"127.0.0.1:50123");
        let mut trace = vec![1; 16];
        trace.extend_from_slice(&[2; 8]);
        trace.push(1);
        trace.extend_from_slice(b"vendor=x");
        bytes.push(OTB_CONTEXT_TRACE);
        bytes.extend_from_slice(&(trace.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&trace);
        let records = decode(&bytes).expect("well formed");
        assert_eq!(records.peer_addr.as_deref(), Some("127.0.0.1:50123"));
        let trace = records.trace.expect("trace context");
        assert_eq!((trace.trace_id(), trace.span_id()), ([1; 16], [2; 8]));
        assert!(trace.is_sampled());
        assert_eq!(trace.trace_state(), "vendor=x");
        assert_eq!(trace.trace_id_hex(), "01".repeat(16));
    }

    #[test]
    fn encoding_round_trips() {
        let ctx = Context::background()
            .with_metadata(
                Metadata::new([("x-tenant", vec!["a", "b"]), ("x-empty", vec![])])
                    .with("x-key-bin", b"\xff\x00".as_slice()),
            )
            .with_peer_addr("10.0.0.1:4318")
            .with_trace_context(TraceContext::new([3; 16], [4; 8], 1, "k=v".into()));
        let records = decode(&encode(&ctx)).expect("round trip");
        assert_eq!(&records.metadata, ctx.metadata());
        assert_eq!(records.peer_addr.as_deref(), Some("10.0.0.1:4318"));
        assert_eq!(records.trace.as_ref(), ctx.trace_context());
        assert!(encode(&Context::background()).is_empty());
    }

    #[test]
    fn contents_that_are_not_utf8_are_read_never_refused() {
        let mut record = Vec::new();
        record.extend_from_slice(&4u32.to_le_bytes());
        record.extend_from_slice(b"x-\xe9t");
        record.extend_from_slice(&1u32.to_le_bytes());
        record.extend_from_slice(&4u32.to_le_bytes());
        record.extend_from_slice(b"caf\xe9");
        let mut bytes = vec![OTB_CONTEXT_METADATA];
        bytes.extend_from_slice(&(record.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&record);
        bytes.extend_from_slice(&[OTB_CONTEXT_PEER_ADDR, 2, 0, 0, 0, 0xff, b'1']);
        let records = decode(&bytes).expect("only the framing can be malformed");
        assert_eq!(
            records.metadata.get("x-\u{FFFD}t")[0].as_bytes(),
            b"caf\xe9"
        );
        assert_eq!(records.peer_addr.as_deref(), Some("\u{FFFD}1"));
    }

    #[test]
    fn truncated_records_are_an_error() {
        let err = decode(&[OTB_CONTEXT_METADATA, 9, 0, 0, 0, 1]).expect_err("truncated");
        assert_eq!(err.kind(), ErrorKind::Internal);
        assert!(decode(&[]).expect("empty").metadata.is_empty());
    }
}
