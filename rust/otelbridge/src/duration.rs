//! Go-style durations (`"5s"`, `"250ms"`, `"1h30m"`) for config fields.
//!
//! Collector operators write durations the way Go's `time.ParseDuration` reads them. Use
//! `#[serde(with = "otelbridge::duration")]` on a `std::time::Duration` field, or
//! `#[serde(with = "otelbridge::duration::option")]` on an `Option<Duration>`. Integers are read as
//! nanoseconds, as the collector's own config decoder does.

use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseDurationError {
    /// The text is not a Go duration.
    #[error(
        "invalid duration {0:?}: expected a number and a unit, like \"5s\", \"250ms\" or \"1h30m\""
    )]
    Invalid(String),
    /// The text names a unit Go does not know.
    #[error("invalid duration {0:?}: unknown unit {1:?} (use ns, us, ms, s, m or h)")]
    UnknownUnit(String, String),
    /// Negative durations have no meaning for a timeout or interval.
    #[error("invalid duration {0:?}: must not be negative")]
    Negative(String),
    /// The value does not fit.
    #[error("invalid duration {0:?}: too large")]
    Overflow(String),
}

/// Parses a Go duration string: a sequence of decimal numbers, each with an optional fraction and
/// a unit suffix (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`). `"0"` needs no unit.
pub fn parse(text: &str) -> Result<Duration, ParseDurationError> {
    let invalid = || ParseDurationError::Invalid(text.to_owned());
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    if let Some(magnitude) = rest.strip_prefix('-') {
        return match parse(magnitude) {
            Ok(d) if d.is_zero() => Ok(d),
            _ => Err(ParseDurationError::Negative(text.to_owned())),
        };
    }
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(invalid)?;
        let (number, tail) = rest.split_at(number_len);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(ParseDurationError::UnknownUnit(
                    text.to_owned(),
                    unit.to_owned(),
                ));
            }
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return Err(invalid());
        }
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| invalid())?
        };
        let mut nanos = whole
            .checked_mul(scale)
            .ok_or_else(|| ParseDurationError::Overflow(text.to_owned()))?;
        let mut place = scale;
        for digit in fraction.bytes() {
            place /= 10;
            nanos += u128::from(digit - b'0') * place;
        }
        total = total
            .checked_add(nanos)
            .ok_or_else(|| ParseDurationError::Overflow(text.to_owned()))?;
        rest = tail;
    }
    // Go's durations are int64 nanoseconds (at most 2562047h47m16.854775807s); a larger one
    // would wrap where the collector reads it back as a time.Duration.
    if total > i64::MAX as u128 {
        return Err(ParseDurationError::Overflow(text.to_owned()));
    }
    let secs = (total / 1_000_000_000) as u64;
    Ok(Duration::new(secs, (total % 1_000_000_000) as u32))
}

/// Formats a duration as Go's `time.Duration.String` does: `"1h2m3.5s"`, `"250ms"`, `"0s"`.
pub fn format(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    if nanos < 1_000_000_000 {
        let (scale, unit) = match nanos {
            n if n < 1_000 => (1, "ns"),
            n if n < 1_000_000 => (1_000, "µs"),
            _ => (1_000_000, "ms"),
        };
        write_decimal(&mut out, nanos, scale);
        out.push_str(unit);
        return out;
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = nanos / 60_000_000_000 % 60;
    if hours > 0 {
        let _ = write!(out, "{hours}h");
    }
    if hours > 0 || minutes > 0 {
        let _ = write!(out, "{minutes}m");
    }
    write_decimal(&mut out, nanos % 60_000_000_000, 1_000_000_000);
    out.push('s');
    out
}

fn write_decimal(out: &mut String, value: u128, scale: u128) {
    let _ = write!(out, "{}", value / scale);
    let fraction = value % scale;
    if fraction > 0 {
        let digits = scale.ilog10() as usize;
        let text = format!("{fraction:0digits$}");
        let _ = write!(out, ".{}", text.trim_end_matches('0'));
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Text(String),
    Nanos(u64),
}

impl Raw {
    fn into_duration<E: serde::de::Error>(self) -> Result<Duration, E> {
        match self {
            Raw::Text(text) => parse(&text).map_err(E::custom),
            Raw::Nanos(0) => Ok(Duration::ZERO),
            // Go would read a bare number as nanoseconds; `interval: 5` is never meant so (it made
            // a heartbeat log thousands of lines a second), so it needs a unit.
            Raw::Nanos(n) => Err(E::custom(format!(
                "invalid duration {n}: a number needs a unit, like \"{n}s\" or \"{n}ms\" (\"{n}ns\" for nanoseconds)"
            ))),
        }
    }
}

/// Serializes a duration as a Go duration string.
pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*duration))
}

/// Deserializes a Go duration string (or the number 0; any other number needs a unit).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    Raw::deserialize(deserializer)?.into_duration()
}

/// The same for `Option<Duration>` fields: `null` is `None`.
pub mod option {
    use super::*;

    /// Serializes `Some` as a Go duration string and `None` as null.
    pub fn serialize<S: Serializer>(
        duration: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match duration {
            Some(d) => serializer.serialize_str(&format(*d)),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes null as `None`, and a duration string or nanoseconds as `Some`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        Option::<Raw>::deserialize(deserializer)?
            .map(Raw::into_duration)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_go_parses() {
        let cases = [
            ("0", Duration::ZERO),
            ("5s", Duration::from_secs(5)),
            ("250ms", Duration::from_millis(250)),
            ("1h30m", Duration::from_secs(5400)),
            ("1.5s", Duration::from_millis(1500)),
            (".5s", Duration::from_millis(500)),
            ("3us", Duration::from_micros(3)),
            ("3µs", Duration::from_micros(3)),
            ("7ns", Duration::from_nanos(7)),
            ("1h2m3.004s", Duration::new(3723, 4_000_000)),
            ("+2m", Duration::from_secs(120)),
            ("-0s", Duration::ZERO),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_what_go_rejects() {
        for text in ["", "5", "s", "1.2.3s", "."] {
            assert!(
                matches!(parse(text), Err(ParseDurationError::Invalid(_))),
                "{text}"
            );
        }
        assert!(matches!(parse("5d"), Err(ParseDurationError::UnknownUnit(_, u)) if u == "d"));
        assert!(matches!(parse("5 s"), Err(ParseDurationError::UnknownUnit(_, u)) if u == " s"));
        assert!(matches!(parse("-5s"), Err(ParseDurationError::Negative(_))));
    }

    // Reported: a huge value validated and then meant something else (…99999h as 36m8s). Go's
    // limit is int64 nanoseconds; past it, and past u128, the value is refused as too large.
    #[test]
    fn refuses_durations_go_cannot_hold() {
        assert_eq!(
            parse("2562047h47m16.854775807s"),
            Ok(Duration::new(9_223_372_036, 854_775_807))
        );
        for text in [
            "2562047h47m16.854775808s",
            "2562048h",
            "99999999999999999999h",
            "9999999999999999999999999999999999999h",
            "1.99999999999999999999999999999999999999999h999999999999999999999999h",
        ] {
            assert!(
                matches!(parse(text), Err(ParseDurationError::Overflow(_))),
                "{text}: {:?}",
                parse(text)
            );
        }
    }

    #[test]
    fn formats_like_go() {
        let cases = [
            (Duration::ZERO, "0s"),
            (Duration::from_millis(250), "250ms"),
            (Duration::from_micros(1500), "1.5ms"),
            (Duration::from_nanos(42), "42ns"),
            (Duration::from_secs(5), "5s"),
            (Duration::from_secs(5400), "1h30m0s"),
            (Duration::new(3723, 500_000_000), "1h2m3.5s"),
        ];
        for (d, want) in cases {
            assert_eq!(format(d), want);
            assert_eq!(parse(want), Ok(d), "round trip of {want}");
        }
    }

    #[test]
    fn serde_reads_strings_and_refuses_numbers_without_a_unit() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct C {
            #[serde(with = "crate::duration")]
            every: Duration,
            #[serde(with = "crate::duration::option", default)]
            timeout: Option<Duration>,
        }
        let c: C = serde_json::from_str(r#"{"every":"2s","timeout":"1us"}"#).expect("valid");
        assert_eq!(
            (c.every, c.timeout),
            (Duration::from_secs(2), Some(Duration::from_micros(1)))
        );
        assert_eq!(
            serde_json::to_string(&c).expect("encodes"),
            r#"{"every":"2s","timeout":"1µs"}"#
        );
        let zero: C = serde_json::from_str(r#"{"every":0}"#).expect("0 needs no unit");
        assert_eq!(zero.every, Duration::ZERO);
        let err = serde_json::from_str::<C>(r#"{"every":5}"#)
            .err()
            .expect("a bare number");
        assert!(
            err.to_string().contains("needs a unit, like \"5s\""),
            "{err}"
        );
        let err = serde_json::from_str::<C>(r#"{"every":"2x"}"#)
            .err()
            .expect("bad unit");
        assert!(err.to_string().contains("unknown unit \"x\""), "{err}");
    }
}
