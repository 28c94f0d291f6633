//! The edit wire, as the Rust SDK writes it for Go: edits of every kind, target, key and value
//! (arrays and lists nested as deep as the input asks), made against an arbitrary batch. Writing
//! never panics, every edit reads back exactly as written (`Edits::iter`, the reader Rust keeps
//! of what it hands Go), and applying them to the batch (what the library does for hosts too old
//! to apply edits) either works, giving a batch that encodes and decodes again, or names the
//! edit that addresses something the batch lacks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otelbridge::edits::Edit;
use otelbridge::private::apply_encoded;
use otelbridge::proto::common::v1::{AnyValue, ArrayValue, KeyValue, KeyValueList, any_value};
use otelbridge::proto::{
    ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest,
};
use otelbridge::{At, Batch, EditValue, Edits, ExportRequest, Outcome, Signal};
use otelbridge_fuzz::input::Input;

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let signal = input.u8() % 3;
    let batch = input.sized();
    let steps = program(&mut input);
    let (edits, made) = write(&steps);

    let read: Vec<Edit<'_>> = edits.iter().collect();
    assert_eq!(read.len(), made.len(), "edits read back");
    for (read, made) in read.iter().zip(&made) {
        // Debug, so that a NaN reads back equal to itself.
        assert_eq!(
            format!("{read:?}"),
            format!("{made:?}"),
            "an edit read back differently"
        );
    }

    match signal {
        0 => apply::<ExportTraceServiceRequest>(&edits, Signal::Traces, batch),
        1 => apply::<ExportMetricsServiceRequest>(&edits, Signal::Metrics, batch),
        _ => apply::<ExportLogsServiceRequest>(&edits, Signal::Logs, batch),
    }
});

fn apply<T: ExportRequest>(edits: &Edits, signal: Signal, batch: &[u8]) {
    let Ok(received) = Batch::<T>::from_bytes(batch).decode() else {
        assert!(apply_encoded(edits, signal, batch).is_err());
        return;
    };
    match Outcome::Edited(edits.clone()).resolve(&received) {
        Ok(Outcome::Replaced(edited)) => {
            let bytes = edited.encode_to_vec();
            match T::decode(bytes.as_slice()) {
                Ok(again) => assert_eq!(
                    again.encode_to_vec(),
                    bytes,
                    "an edited batch changes through encoding"
                ),
                // A value set deeper than prost decodes (Go decodes any depth): prost's guard
                // against deep input, not a broken encoding.
                Err(err) => assert!(err.to_string().contains("recursion limit"), "{err}"),
            }
            // Only edits that changed nothing leave a batch with no resource to pass on.
            assert!(edited != T::default() || edits.is_empty());
        }
        Ok(Outcome::Dropped) => {}
        Ok(_) => panic!("edits resolve to a batch or nothing"),
        Err(err) => assert!(
            err.to_string().contains("which the batch does not have"),
            "{err}"
        ),
    }
    let _ = apply_encoded(edits, signal, batch);
}

/// One edit as the input describes it: op, target, key (set, remove), value (set, set body).
type Step = (u8, At, String, Option<EditValue>);

/// Edits from the rest of the input. Indices are mostly small, so that they hit what a small
/// batch has.
fn program(input: &mut Input<'_>) -> Vec<Step> {
    let mut steps = Vec::new();
    while !input.is_empty() && steps.len() < 64 {
        let op = input.u8() % 4;
        let at = target(input);
        let key = if op < 2 { key(input) } else { String::new() };
        let value = (op == 0 || op == 2).then(|| value(input));
        steps.push((op, at, key, value));
    }
    steps
}

/// The steps written as `Edits`, and as the edits `Edits::iter` must read back.
fn write(steps: &[Step]) -> (Edits, Vec<Edit<'_>>) {
    let mut edits = Edits::new();
    let mut made = Vec::new();
    for (op, at, key, value) in steps {
        let at = *at;
        match (op, value.clone()) {
            (0, Some(value)) => {
                edits.set(at, key, value.clone());
                made.push(Edit::Set { at, key, value });
            }
            (1, _) => {
                edits.remove(at, key);
                made.push(Edit::Remove { at, key });
            }
            (2, Some(value)) => {
                edits.set_body(at, value.clone());
                made.push(Edit::SetBody { at, value });
            }
            _ => {
                edits.drop(at);
                made.push(Edit::Drop { at });
            }
        }
    }
    (edits, made)
}

fn index(input: &mut Input<'_>) -> usize {
    match input.u8() {
        255 => u32::MAX as usize,
        n => usize::from(n % 4),
    }
}

fn target(input: &mut Input<'_>) -> At {
    let kind = input.u8() % 7;
    let (r, s, i, j, k) = (
        index(input),
        index(input),
        index(input),
        index(input),
        index(input),
    );
    match kind {
        0 => At::resource(r),
        1 => At::scope(r, s),
        2 => At::record(r, s, i),
        3 => At::event(r, s, i, j),
        4 => At::link(r, s, i, j),
        5 => At::data_point(r, s, i, j),
        _ => At::exemplar(r, s, i, j, k),
    }
}

fn key(input: &mut Input<'_>) -> String {
    let len = usize::from(input.u8() % 16);
    String::from_utf8_lossy(input.bytes(len)).into_owned()
}

fn value(input: &mut Input<'_>) -> EditValue {
    match input.u8() % 6 {
        0 => EditValue::Str(key(input)),
        1 => EditValue::Int(input.u64() as i64),
        2 => EditValue::Double(f64::from_bits(input.u64())),
        3 => EditValue::Bool(input.u8() & 1 == 1),
        4 => {
            let len = usize::from(input.u8());
            EditValue::Bytes(input.bytes(len).to_vec())
        }
        _ => EditValue::Any(nested(input)),
    }
}

/// An array or key-value list nested as deep as one input byte says (up to 255 levels: a value a
/// processor copies from a batch, or builds, can be that deep).
fn nested(input: &mut Input<'_>) -> AnyValue {
    let depth = input.u8();
    let lists = input.u8();
    let mut value = AnyValue {
        value: Some(any_value::Value::StringValue(key(input))),
    };
    for level in 0..depth {
        value = if (lists >> (level % 8)) & 1 == 1 {
            AnyValue {
                value: Some(any_value::Value::KvlistValue(KeyValueList {
                    values: vec![KeyValue {
                        key: "k".into(),
                        value: Some(value),
                        ..Default::default()
                    }],
                })),
            }
        } else {
            AnyValue {
                value: Some(any_value::Value::ArrayValue(ArrayValue {
                    values: vec![value],
                })),
            }
        };
    }
    value
}
