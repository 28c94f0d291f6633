//! Sizes in bytes (`"2MiB"`, `"512KiB"`, `4096`) for config fields.
//!
//! Units are binary and spelled out, so that a size means one thing: `B`, `KiB` (1024 bytes),
//! `MiB` and `GiB`. Decimal units (`KB`, `MB`) are refused rather than guessed at. A plain integer,
//! or a string of digits (what an `${env:VAR}` reference becomes), is a number of bytes. Use
//! `#[serde(with = "otelbridge::bytesize")]` on a `usize` field.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// The units a size may carry, largest first.
const UNITS: [(&str, usize); 4] = [
    ("GiB", 1 << 30),
    ("MiB", 1 << 20),
    ("KiB", 1 << 10),
    ("B", 1),
];

/// Why a size could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseByteSizeError {
    /// The text is not a whole number with an optional unit.
    #[error(
        "invalid size {0:?}: expected a whole number of bytes, or one with a unit, like \"2MiB\""
    )]
    Invalid(String),
    /// The unit is not one of the binary units.
    #[error(
        "invalid size {0:?}: unknown unit {1:?} (use B, KiB, MiB or GiB: 1MiB is 1048576 bytes)"
    )]
    UnknownUnit(String, String),
    /// The value does not fit.
    #[error("invalid size {0:?}: too large")]
    Overflow(String),
}

/// Parses a size: digits, optional spaces, then an optional unit (`B`, `KiB`, `MiB`, `GiB`).
pub fn parse(text: &str) -> Result<usize, ParseByteSizeError> {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    if number.is_empty() {
        return Err(ParseByteSizeError::Invalid(text.to_owned()));
    }
    let unit = unit.trim_start();
    let scale = match unit {
        "" => 1,
        _ => match UNITS.iter().find(|(name, _)| *name == unit) {
            Some((_, scale)) => *scale,
            None => {
                return Err(ParseByteSizeError::UnknownUnit(
                    text.to_owned(),
                    unit.to_owned(),
                ));
            }
        },
    };
    number
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| ParseByteSizeError::Overflow(text.to_owned()))
}

/// Formats a size with the largest unit that divides it: `"2MiB"`, `"1536KiB"`, `"1000B"`.
pub fn format(bytes: usize) -> String {
    let (name, scale) = UNITS
        .iter()
        .find(|(_, scale)| bytes % scale == 0 && bytes > 0)
        .copied()
        .unwrap_or(("B", 1));
    format!("{}{name}", bytes / scale)
}

/// Serializes a size as text with a unit (see [`format()`]).
pub fn serialize<S: Serializer>(bytes: &usize, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*bytes))
}

/// Deserializes a size: an integer of bytes, or text (see [`parse`]).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    deserializer.deserialize_any(SizeVisitor)
}

struct SizeVisitor;

impl Visitor<'_> for SizeVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a size: a number of bytes, or text with a unit like \"2MiB\"")
    }

    fn visit_u64<E: de::Error>(self, bytes: u64) -> Result<usize, E> {
        usize::try_from(bytes)
            .map_err(|_| E::custom(ParseByteSizeError::Overflow(bytes.to_string())))
    }

    fn visit_i64<E: de::Error>(self, bytes: i64) -> Result<usize, E> {
        u64::try_from(bytes)
            .map_err(|_| E::custom(format_args!("invalid size {bytes}: must not be negative")))
            .and_then(|bytes| self.visit_u64(bytes))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<usize, E> {
        parse(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_binary_units_and_plain_bytes() {
        let cases = [
            ("0", 0),
            ("4096", 4096),
            ("4096B", 4096),
            ("512KiB", 512 << 10),
            ("2MiB", 2 << 20),
            ("2 MiB", 2 << 20),
            ("1GiB", 1 << 30),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn refuses_decimal_units_fractions_and_garbage() {
        for (text, unit) in [
            ("2MB", "MB"),
            ("2mib", "mib"),
            ("2K", "K"),
            ("1.5MiB", ".5MiB"),
        ] {
            assert_eq!(
                parse(text),
                Err(ParseByteSizeError::UnknownUnit(text.into(), unit.into())),
                "{text}"
            );
        }
        for text in ["", "MiB", "-1", " 2MiB"] {
            assert_eq!(
                parse(text),
                Err(ParseByteSizeError::Invalid(text.into())),
                "{text}"
            );
        }
        let huge = "99999999999999999999GiB";
        assert_eq!(parse(huge), Err(ParseByteSizeError::Overflow(huge.into())));
    }

    #[test]
    fn formats_with_the_largest_exact_unit() {
        for (bytes, want) in [
            (0, "0B"),
            (1000, "1000B"),
            (2 << 20, "2MiB"),
            (1536 << 10, "1536KiB"),
            (3 << 30, "3GiB"),
        ] {
            assert_eq!(format(bytes), want);
            assert_eq!(parse(want), Ok(bytes), "round trip of {want}");
        }
    }

    #[test]
    fn serde_reads_text_and_integers() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct C {
            #[serde(with = "crate::bytesize")]
            stack: usize,
        }
        let c: C = serde_json::from_str(r#"{"stack":"1MiB"}"#).expect("text");
        assert_eq!(c.stack, 1 << 20);
        let c: C = serde_json::from_str(r#"{"stack":65536}"#).expect("integer");
        assert_eq!(
            serde_json::to_string(&c).expect("encodes"),
            r#"{"stack":"64KiB"}"#
        );
        let err = serde_json::from_str::<C>(r#"{"stack":"1MB"}"#)
            .err()
            .expect("decimal unit");
        assert!(err.to_string().contains("unknown unit \"MB\""), "{err}");
        let err = serde_json::from_str::<C>(r#"{"stack":-1}"#)
            .err()
            .expect("negative");
        assert!(err.to_string().contains("must not be negative"), "{err}");
    }
}
