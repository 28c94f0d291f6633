//! Protobuf wire reading for views: a field iterator over borrowed bytes, and a validating walk
//! of the OTLP message shapes that views navigate.

use prost::encoding::{WireType, decode_varint};

use crate::Error;

/// One field as it is on the wire.
#[derive(Debug, Clone, Copy)]
pub(super) enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    /// Views read no fixed32 field; it is only skipped.
    Fixed32,
    /// A group (proto2, never OTLP), skipped whole: prost and Go's pdata skip an unknown field
    /// of this wire type, so a view must too.
    Group,
}

/// The fields of one message, in wire order. Stops at the first malformed field (the view
/// validated the whole batch first, so that does not happen).
#[derive(Debug, Clone)]
pub(super) struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Fields<'a> {
        Fields { rest: bytes }
    }

    /// A varint: most keys and lengths are one byte, read here; prost reads the rest.
    fn varint(&mut self) -> Result<u64, String> {
        match self.rest.split_first() {
            Some((&byte, rest)) if byte < 0x80 => {
                self.rest = rest;
                Ok(u64::from(byte))
            }
            _ => decode_varint(&mut self.rest).map_err(|e| e.to_string()),
        }
    }

    fn read(&mut self) -> Result<(u32, Wire<'a>), String> {
        let key = self.varint()?;
        let wire_type = WireType::try_from(key & 0x7).map_err(|e| e.to_string())?;
        let number = u32::try_from(key >> 3).map_err(|_| "field number overflows")?;
        if number == 0 {
            return Err("field number 0".into());
        }
        let value = match wire_type {
            WireType::Varint => Wire::Varint(self.varint()?),
            WireType::SixtyFourBit => {
                let (head, rest) = self
                    .rest
                    .split_first_chunk::<8>()
                    .ok_or("fixed64 cut short")?;
                self.rest = rest;
                Wire::Fixed64(u64::from_le_bytes(*head))
            }
            WireType::ThirtyTwoBit => {
                let (_, rest) = self
                    .rest
                    .split_first_chunk::<4>()
                    .ok_or("fixed32 cut short")?;
                self.rest = rest;
                Wire::Fixed32
            }
            WireType::LengthDelimited => {
                let len = self.varint()?;
                let len = usize::try_from(len).map_err(|_| "length overflows")?;
                let (bytes, rest) = self
                    .rest
                    .split_at_checked(len)
                    .ok_or("length-delimited field cut short")?;
                self.rest = rest;
                Wire::Bytes(bytes)
            }
            WireType::StartGroup => {
                self.skip_group()?;
                Wire::Group
            }
            WireType::EndGroup => return Err("a group ends that never started".into()),
        };
        Ok((number, value))
    }

    /// Skips the rest of a group, nested groups included, as pdata does: by counting (no
    /// recursion, so no depth limit), without matching field numbers.
    fn skip_group(&mut self) -> Result<(), String> {
        let mut open = 1_usize;
        while open > 0 {
            if self.rest.is_empty() {
                return Err("group cut short".into());
            }
            let key = self.varint()?;
            let cut = |_| "field cut short inside a group".to_string();
            match WireType::try_from(key & 0x7).map_err(|e| e.to_string())? {
                WireType::StartGroup => open += 1,
                WireType::EndGroup => open -= 1,
                WireType::Varint => {
                    self.varint()?;
                }
                WireType::SixtyFourBit => self.skip(8).map_err(cut)?,
                WireType::ThirtyTwoBit => self.skip(4).map_err(cut)?,
                WireType::LengthDelimited => {
                    let len = usize::try_from(self.varint()?).map_err(|_| "length overflows")?;
                    self.skip(len).map_err(cut)?;
                }
            }
        }
        Ok(())
    }

    fn skip(&mut self, n: usize) -> Result<(), ()> {
        self.rest = self.rest.get(n..).ok_or(())?;
        Ok(())
    }

    /// What is left to read.
    pub(super) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The next field, `None` at the end, or why the next field is malformed.
    pub(super) fn next_checked(&mut self) -> Result<Option<(u32, Wire<'a>)>, String> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        self.read().map(Some)
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = (u32, Wire<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match self.read() {
            Ok(field) => Some(field),
            Err(_) => {
                self.rest = &[];
                None
            }
        }
    }
}

/// The length-delimited payloads of field `number`, in order.
pub(super) fn repeated<'a>(bytes: &'a [u8], number: u32) -> impl Iterator<Item = &'a [u8]> + 'a {
    Fields::new(bytes).filter_map(move |(n, value)| match value {
        Wire::Bytes(payload) if n == number => Some(payload),
        _ => None,
    })
}

/// The last value of field `number` (protobuf: the last occurrence of a singular field wins).
pub(super) fn last<'a>(bytes: &'a [u8], number: u32) -> Option<Wire<'a>> {
    Fields::new(bytes)
        .filter(|(n, _)| *n == number)
        .map(|(_, value)| value)
        .last()
}

/// The fields of a message that views read as nested messages, and those that hold strings; all
/// others are skipped. Strings are not checked: Go's pdata does not require UTF-8, views read
/// text lossily, and decoding makes it valid first (see `lossy`).
pub(crate) struct Shape {
    pub(super) name: &'static str,
    pub(super) fields: &'static [(u32, &'static Shape)],
    /// The `string` fields (not `bytes`: ids and byte values are no text).
    pub(super) strings: &'static [u32],
}

impl Shape {
    /// The shape of nested message field `number`, if it is one.
    pub(super) fn nested(&self, number: u32) -> Option<&'static Shape> {
        self.fields
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, inner)| *inner)
    }
}

/// How deep (in messages, from the request) the up-front check goes. Only `AnyValue`s nest
/// deeper in OTLP; past this depth their framing is checked when they are read, so a deeply
/// nested value that Go accepted never fails the batch, and the walk's stack stays bounded.
pub const MAX_CHECKED_DEPTH: usize = 64;

/// Checks that `bytes` is a well-formed message of `shape`, down through every nested message a
/// view can reach (to [`MAX_CHECKED_DEPTH`]); the error names the message and field.
pub(super) fn validate(bytes: &[u8], shape: &Shape) -> Result<(), Error> {
    walk(bytes, shape, 0)
        .map_err(|reason| Error::permanent(format!("decoding OTLP protobuf (view): {reason}")))
}

fn walk(bytes: &[u8], shape: &Shape, depth: usize) -> Result<(), String> {
    if depth > MAX_CHECKED_DEPTH {
        return Ok(());
    }
    let mut fields = Fields::new(bytes);
    while !fields.rest.is_empty() {
        let (number, value) = fields
            .read()
            .map_err(|reason| format!("{}: {reason}", shape.name))?;
        let Some(inner) = shape.nested(number) else {
            continue;
        };
        let Wire::Bytes(payload) = value else {
            return Err(format!("{}.{number}: wrong wire type", shape.name));
        };
        walk(payload, inner, depth + 1)?;
    }
    Ok(())
}
