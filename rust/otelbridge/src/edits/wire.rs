//! The flat encoding of edits (`ffi/README.md`, "Edits"): little-endian, one edit after another.
//!
//! ```text
//! edit   = op:u8 target [key] [value]      op: 1 set, 2 remove, 3 set body, 4 drop
//! target = kind:u8 index:u32{depth}        kind: 0 resource (1), 1 scope (2), 2 record (3),
//!                                          3 event (4), 4 link (4), 5 data point (4), 6 exemplar (5)
//! key    = len:u32 utf-8                   (set, remove)
//! value  = tag:u8 payload                  (set, set body) tag: 1 str (len:u32 utf-8), 2 int (i64),
//!                                          3 double (f64), 4 bool (u8), 5 bytes (len:u32 bytes),
//!                                          6 any (len:u32 ExportLogsServiceRequest, its one log
//!                                          record's body being the value)
//! ```

use prost::Message;

use super::{At, Edit, EditValue};
use crate::proto::ExportLogsServiceRequest;
use crate::proto::common::v1::AnyValue;
use crate::proto::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};

const OP_SET: u8 = 1;
const OP_REMOVE: u8 = 2;
const OP_SET_BODY: u8 = 3;
const OP_DROP: u8 = 4;

const VALUE_STR: u8 = 1;
const VALUE_INT: u8 = 2;
const VALUE_DOUBLE: u8 = 3;
const VALUE_BOOL: u8 = 4;
const VALUE_BYTES: u8 = 5;
const VALUE_ANY: u8 = 6;

pub(super) fn put_set(out: &mut Vec<u8>, at: At, key: &str, value: &EditValue) {
    out.push(OP_SET);
    put_target(out, at);
    put_len_prefixed(out, key.as_bytes());
    put_value(out, value);
}

pub(super) fn put_remove(out: &mut Vec<u8>, at: At, key: &str) {
    out.push(OP_REMOVE);
    put_target(out, at);
    put_len_prefixed(out, key.as_bytes());
}

pub(super) fn put_set_body(out: &mut Vec<u8>, at: At, value: &EditValue) {
    out.push(OP_SET_BODY);
    put_target(out, at);
    put_value(out, value);
}

pub(super) fn put_drop(out: &mut Vec<u8>, at: At) {
    out.push(OP_DROP);
    put_target(out, at);
}

fn put_target(out: &mut Vec<u8>, at: At) {
    let (kind, indices): (u8, &[u32]) = match at {
        At::Resource { resource } => (0, &[resource]),
        At::Scope { resource, scope } => (1, &[resource, scope]),
        At::Record {
            resource,
            scope,
            record,
        } => (2, &[resource, scope, record]),
        At::Event {
            resource,
            scope,
            span,
            event,
        } => (3, &[resource, scope, span, event]),
        At::Link {
            resource,
            scope,
            span,
            link,
        } => (4, &[resource, scope, span, link]),
        At::DataPoint {
            resource,
            scope,
            metric,
            point,
        } => (5, &[resource, scope, metric, point]),
        At::Exemplar {
            resource,
            scope,
            metric,
            point,
            exemplar,
        } => (6, &[resource, scope, metric, point, exemplar]),
    };
    out.push(kind);
    for index in indices {
        out.extend_from_slice(&index.to_le_bytes());
    }
}

fn put_len_prefixed(out: &mut Vec<u8>, bytes: &[u8]) {
    // Keys and values come from a protobuf message, which is under 2 GiB.
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_value(out: &mut Vec<u8>, value: &EditValue) {
    match value {
        EditValue::Str(text) => {
            out.push(VALUE_STR);
            put_len_prefixed(out, text.as_bytes());
        }
        EditValue::Int(n) => {
            out.push(VALUE_INT);
            out.extend_from_slice(&n.to_le_bytes());
        }
        EditValue::Double(x) => {
            out.push(VALUE_DOUBLE);
            out.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        EditValue::Bool(b) => {
            out.push(VALUE_BOOL);
            out.push(u8::from(*b));
        }
        EditValue::Bytes(bytes) => {
            out.push(VALUE_BYTES);
            put_len_prefixed(out, bytes);
        }
        EditValue::Any(value) => {
            out.push(VALUE_ANY);
            put_len_prefixed(out, &wrap_any(value).encode_to_vec());
        }
    }
}

/// Wraps a value as the body of the one log record of a request: the host decodes it with the
/// OTLP decoder it already has.
fn wrap_any(value: &AnyValue) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            scope_logs: vec![ScopeLogs {
                log_records: vec![LogRecord {
                    body: Some(value.clone()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn unwrap_any(bytes: &[u8]) -> Option<AnyValue> {
    let mut request = ExportLogsServiceRequest::decode(bytes).ok()?;
    let mut resource = request.resource_logs.pop()?;
    let mut scope = resource.scope_logs.pop()?;
    scope.log_records.pop()?.body
}

/// Reads edits back; `None` (the end) or an error naming the offset.
pub(super) struct Reader<'a> {
    rest: &'a [u8],
    failed: bool,
    /// The `any` values in order, when the writer kept them: then the wire's copies are skipped
    /// rather than decoded (see `Edits::anys`).
    anys: Option<std::slice::Iter<'a, AnyValue>>,
}

impl<'a> Reader<'a> {
    /// Reads a wire alone, decoding its `any` values.
    #[cfg(test)]
    pub(super) fn new(wire: &'a [u8]) -> Reader<'a> {
        Reader {
            rest: wire,
            failed: false,
            anys: None,
        }
    }

    /// Reads a wire whose `any` values, in order, are `anys`.
    pub(super) fn with_anys(wire: &'a [u8], anys: &'a [AnyValue]) -> Reader<'a> {
        Reader {
            rest: wire,
            failed: false,
            anys: Some(anys.iter()),
        }
    }

    fn u8(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.rest.split_first_chunk::<N>()?;
        self.rest = rest;
        Some(*head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn len_prefixed(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        let (bytes, rest) = self.rest.split_at_checked(len)?;
        self.rest = rest;
        Some(bytes)
    }

    fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.len_prefixed()?).ok()
    }

    fn target(&mut self) -> Option<At> {
        let kind = self.u8()?;
        let mut next = || self.u32();
        Some(match kind {
            0 => At::Resource { resource: next()? },
            1 => At::Scope {
                resource: next()?,
                scope: next()?,
            },
            2 => At::Record {
                resource: next()?,
                scope: next()?,
                record: next()?,
            },
            3 => At::Event {
                resource: next()?,
                scope: next()?,
                span: next()?,
                event: next()?,
            },
            4 => At::Link {
                resource: next()?,
                scope: next()?,
                span: next()?,
                link: next()?,
            },
            5 => At::DataPoint {
                resource: next()?,
                scope: next()?,
                metric: next()?,
                point: next()?,
            },
            6 => At::Exemplar {
                resource: next()?,
                scope: next()?,
                metric: next()?,
                point: next()?,
                exemplar: next()?,
            },
            _ => return None,
        })
    }

    fn value(&mut self) -> Option<EditValue> {
        Some(match self.u8()? {
            VALUE_STR => EditValue::Str(self.str()?.to_owned()),
            VALUE_INT => EditValue::Int(i64::from_le_bytes(self.array()?)),
            VALUE_DOUBLE => EditValue::Double(f64::from_bits(u64::from_le_bytes(self.array()?))),
            VALUE_BOOL => EditValue::Bool(self.u8()? != 0),
            VALUE_BYTES => EditValue::Bytes(self.len_prefixed()?.to_vec()),
            VALUE_ANY => {
                let wrapped = self.len_prefixed()?;
                EditValue::Any(match &mut self.anys {
                    Some(anys) => anys.next()?.clone(),
                    None => unwrap_any(wrapped)?,
                })
            }
            _ => return None,
        })
    }

    fn edit(&mut self) -> Option<Edit<'a>> {
        Some(match self.u8()? {
            OP_SET => Edit::Set {
                at: self.target()?,
                key: self.str()?,
                value: self.value()?,
            },
            OP_REMOVE => Edit::Remove {
                at: self.target()?,
                key: self.str()?,
            },
            OP_SET_BODY => Edit::SetBody {
                at: self.target()?,
                value: self.value()?,
            },
            OP_DROP => Edit::Drop { at: self.target()? },
            _ => return None,
        })
    }
}

/// The encoding was cut short or holds an unknown tag.
#[derive(Debug)]
pub(super) struct Malformed;

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Edit<'a>, Malformed>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let edit = self.edit();
        self.failed = edit.is_none();
        Some(edit.ok_or(Malformed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Edits;
    use crate::proto::common::v1::{ArrayValue, any_value::Value};

    #[test]
    fn every_edit_reads_back_as_written() {
        let list = AnyValue {
            value: Some(Value::ArrayValue(ArrayValue {
                values: vec![AnyValue {
                    value: Some(Value::StringValue("x".into())),
                }],
            })),
        };
        let mut edits = Edits::new();
        edits
            .set(At::resource(0), "s", "v")
            .set(At::scope(1, 2), "i", -7_i64)
            .set(At::record(1, 2, 3), "d", 2.5)
            .set(At::event(1, 2, 3, 4), "b", true)
            .set(
                At::link(0, 0, 0, 9),
                "bytes",
                EditValue::Bytes(vec![0, 255]),
            )
            .set(At::data_point(4, 3, 2, 1), "any", list.clone())
            .set(At::exemplar(1, 1, 1, 1, 1), "é", "ü")
            .remove(At::record(0, 0, 0), "gone")
            .set_body(At::record(0, 0, 1), "body")
            .drop(At::record(u32::MAX as usize, 0, 0));
        let read: Vec<_> = edits.iter().collect();
        assert_eq!(read.len(), 10);
        assert_eq!(edits.len(), 10);
        assert_eq!(
            read[5],
            Edit::Set {
                at: At::data_point(4, 3, 2, 1),
                key: "any",
                value: EditValue::Any(list)
            }
        );
        assert_eq!(
            read[9],
            Edit::Drop {
                at: At::record(u32::MAX as usize, 0, 0)
            }
        );
        assert_eq!(
            read[4],
            Edit::Set {
                at: At::link(0, 0, 0, 9),
                key: "bytes",
                value: EditValue::Bytes(vec![0, 255])
            }
        );
    }

    /// An array nested `depth` levels deep around a string.
    fn nested(depth: usize) -> AnyValue {
        let mut value = AnyValue {
            value: Some(Value::StringValue("x".into())),
        };
        for _ in 0..depth {
            value = AnyValue {
                value: Some(Value::ArrayValue(ArrayValue {
                    values: vec![value],
                })),
            };
        }
        value
    }

    #[test]
    fn values_nested_past_prosts_recursion_limit_read_back_as_written() {
        // Found by the `edits` fuzz target: the wrapper adds four levels, and prost refuses to
        // decode past 100, so `iter` (and `Debug`, and applying the edits) panicked.
        for depth in [40, 96, 97, 150, 300] {
            let mut edits = Edits::new();
            edits
                .set(At::record(0, 0, 0), "deep", nested(depth))
                .set_body(At::record(0, 0, 0), nested(depth))
                .set(At::resource(0), "after", "x");
            let read: Vec<_> = edits.iter().collect();
            assert_eq!(read.len(), 3, "depth {depth}");
            assert_eq!(
                read[1],
                Edit::SetBody {
                    at: At::record(0, 0, 0),
                    value: EditValue::Any(nested(depth))
                },
                "depth {depth}"
            );
        }
    }

    #[test]
    fn truncated_or_unknown_input_is_malformed_and_ends_the_reading() {
        let mut edits = Edits::new();
        edits.set(At::record(0, 0, 0), "k", "v");
        let wire = edits.clone().into_bytes();
        for cut in 1..wire.len() {
            let read: Vec<_> = Reader::new(&wire[..cut]).collect();
            assert!(matches!(read.as_slice(), [Err(Malformed)]), "cut at {cut}");
        }
        let read: Vec<_> = Reader::new(&[9, 0]).collect();
        assert!(matches!(read.as_slice(), [Err(Malformed)]));
    }
}
