//! Making text valid UTF-8 so prost can decode what Go's pdata accepted.
//!
//! Protobuf says a `string` is UTF-8, and prost refuses a message where one is not; Go's pdata
//! never checks. Rather than fail a whole batch over one client's Latin-1 attribute, decoding
//! falls back to re-encoding the message with each such string made valid (U+FFFD for every
//! invalid sequence, as [`String::from_utf8_lossy`] reads it), leaving every other byte as it was.

use prost::encoding::{WireType, encode_key, encode_varint};

use super::wire::{Fields, Shape, Wire};

/// How deep the repair goes, in messages: prost refuses anything deeper anyway, so this only
/// bounds the stack.
const MAX_DEPTH: usize = 100;

/// `bytes` re-encoded with every string field of `shape` (and of the messages in it) made valid
/// UTF-8, or `None` if none needed it or the message is malformed (then prost's own error
/// stands).
pub(super) fn repair_text(bytes: &[u8], shape: &Shape) -> Option<Vec<u8>> {
    repair(bytes, shape, 0).ok().flatten()
}

/// The repaired message, `Ok(None)` if nothing in it changed, `Err` if it is malformed.
fn repair(bytes: &[u8], shape: &Shape, depth: usize) -> Result<Option<Vec<u8>>, ()> {
    if depth > MAX_DEPTH {
        return Ok(None);
    }
    // Copied lazily: until the first field that changes, the output is a prefix of the input.
    let mut out: Option<Vec<u8>> = None;
    let mut fields = Fields::new(bytes);
    loop {
        let start = bytes.len() - fields.rest().len();
        let Some(field) = fields.next_checked().map_err(|_| ())? else {
            break;
        };
        let end = bytes.len() - fields.rest().len();
        let replacement = match field {
            (number, Wire::Bytes(payload)) if shape.strings.contains(&number) => {
                match String::from_utf8_lossy(payload) {
                    std::borrow::Cow::Owned(text) => Some((number, text.into_bytes())),
                    std::borrow::Cow::Borrowed(_) => None,
                }
            }
            (number, Wire::Bytes(payload)) => match shape.nested(number) {
                Some(inner) => repair(payload, inner, depth + 1)?.map(|fixed| (number, fixed)),
                None => None,
            },
            _ => None,
        };
        match (replacement, &mut out) {
            (Some((number, payload)), out) => {
                let out = out.get_or_insert_with(|| bytes[..start].to_vec());
                encode_key(number, WireType::LengthDelimited, out);
                encode_varint(payload.len() as u64, out);
                out.extend_from_slice(&payload);
            }
            (None, Some(out)) => out.extend_from_slice(&bytes[start..end]),
            (None, None) => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
