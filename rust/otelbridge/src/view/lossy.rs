//! Making text valid UTF-8 so prost can decode what Go's pdata accepted.
//!
//! Protobuf says a `string` is UTF-8, and prost refuses a message where one is not; Go's pdata
//! never checks. Rather than fail a whole batch over one client's Latin-1 attribute, decoding
//! falls back to re-encoding the message with each such string made valid (U+FFFD for every
//! invalid sequence, as [`String::from_utf8_lossy`] reads it), leaving every other byte as it was.

use std::borrow::Cow;

use prost::encoding::{WireType, encode_key, encode_varint};

use super::wire::{Fields, Shape, Wire};

/// How deep the repair goes, in messages: prost refuses anything deeper anyway, so this only
/// bounds the stack.
const MAX_DEPTH: usize = 100;

/// The bytes a nested message's length takes in the repaired copy: a varint padded to this width
/// (protobuf readers accept padded varints), written once the message is, so that each byte of
/// the batch is copied once however deep it lies. Holds lengths below 2^35.
const LENGTH_WIDTH: usize = 5;

/// `bytes` re-encoded with every string field of `shape` (and of the messages in it) made valid
/// UTF-8, or `None` if none needed it or the message is malformed (then prost's own error
/// stands). Every other field is copied as it is.
pub(super) fn repair_text(bytes: &[u8], shape: &Shape) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
    match rewrite(bytes, shape, 0, &mut out) {
        Ok(true) => Some(out),
        Ok(false) | Err(()) => None,
    }
}

/// Appends `bytes`, a message of `shape`, to `out` with its strings made valid; whether any
/// string changed. `Err` if the message is malformed.
fn rewrite(bytes: &[u8], shape: &Shape, depth: usize, out: &mut Vec<u8>) -> Result<bool, ()> {
    if depth > MAX_DEPTH {
        out.extend_from_slice(bytes);
        return Ok(false);
    }
    let mut changed = false;
    let mut fields = Fields::new(bytes);
    loop {
        let start = bytes.len() - fields.rest().len();
        let Some((number, value)) = fields.next_checked().map_err(|_| ())? else {
            return Ok(changed);
        };
        let end = bytes.len() - fields.rest().len();
        let Wire::Bytes(payload) = value else {
            out.extend_from_slice(&bytes[start..end]);
            continue;
        };
        if shape.strings.contains(&number) {
            match String::from_utf8_lossy(payload) {
                Cow::Owned(text) => {
                    encode_key(number, WireType::LengthDelimited, out);
                    encode_varint(text.len() as u64, out);
                    out.extend_from_slice(text.as_bytes());
                    changed = true;
                }
                Cow::Borrowed(_) => out.extend_from_slice(&bytes[start..end]),
            }
        } else if let Some(inner) = shape.nested(number) {
            encode_key(number, WireType::LengthDelimited, out);
            let length_at = out.len();
            out.extend_from_slice(&[0; LENGTH_WIDTH]);
            changed |= rewrite(payload, inner, depth + 1, out)?;
            let length = out.len() - length_at - LENGTH_WIDTH;
            put_padded_varint(&mut out[length_at..length_at + LENGTH_WIDTH], length)?;
        } else {
            out.extend_from_slice(&bytes[start..end]);
        }
    }
}

/// Writes `value` as a varint of exactly `slot.len()` bytes; `Err` if it does not fit.
fn put_padded_varint(slot: &mut [u8], value: usize) -> Result<(), ()> {
    let value = u64::try_from(value).map_err(|_| ())?;
    if value >> (7 * slot.len()) != 0 {
        return Err(());
    }
    let last = slot.len() - 1;
    for (i, byte) in slot.iter_mut().enumerate() {
        let bits = ((value >> (7 * i)) & 0x7f) as u8;
        *byte = if i == last { bits } else { bits | 0x80 };
    }
    Ok(())
}

#[cfg(test)]
mod tests;
