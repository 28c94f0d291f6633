//! Request metadata, as the collector's `client.Info.Metadata` holds it.
//!
//! Values are bytes: HTTP header values may be Latin-1 or any opaque octets, and gRPC's `-bin`
//! metadata is binary by definition. Go's receivers accept both, so Rust must too: a value is
//! read as bytes, as text when it is UTF-8, or lossily as text, and never refused.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Request metadata: each key has one or more values, in the order the client sent them.
///
/// ```
/// use otelbridge::Metadata;
///
/// let md = Metadata::new([("X-Tenant", ["acme"])]).with("x-raw", b"caf\xe9".as_slice());
/// assert_eq!(md.get("x-tenant"), ["acme"]);
/// assert_eq!(md.get("x-raw")[0].as_bytes(), b"caf\xe9");
/// assert_eq!(md.get("x-raw")[0].to_str(), None);
/// assert_eq!(md.get("x-raw")[0].to_str_lossy(), "caf\u{FFFD}");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    entries: Arc<Vec<(String, Vec<MetadataValue>)>>,
}

impl Metadata {
    /// Metadata from `(key, values)` pairs; a value is anything that converts into a
    /// [`MetadataValue`] (`&str`, `String`, `&[u8]`, `Vec<u8>`).
    pub fn new<K, V, I>(entries: impl IntoIterator<Item = (K, I)>) -> Metadata
    where
        K: Into<String>,
        V: Into<MetadataValue>,
        I: IntoIterator<Item = V>,
    {
        Metadata {
            entries: Arc::new(
                entries
                    .into_iter()
                    .map(|(key, values)| (key.into(), values.into_iter().map(Into::into).collect()))
                    .collect(),
            ),
        }
    }

    /// This metadata with one more value of `key` (a new key goes last).
    pub fn with(mut self, key: &str, value: impl Into<MetadataValue>) -> Metadata {
        let entries = Arc::make_mut(&mut self.entries);
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.into()),
            None => entries.push((key.to_owned(), vec![value.into()])),
        }
        self
    }

    /// The values of `key`, matched case-insensitively as HTTP and gRPC headers are; empty if the
    /// key is absent.
    pub fn get(&self, key: &str) -> &[MetadataValue] {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| {
                self.entries
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
            })
            .map_or(&[], |(_, values)| values.as_slice())
    }

    /// Every key with its values, in the order Go sent them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[MetadataValue])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One metadata value: the bytes the client sent.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct MetadataValue(Box<[u8]>);

impl MetadataValue {
    /// The value as sent.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value as text, if it is UTF-8.
    pub fn to_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The value as text, with each invalid UTF-8 sequence replaced by U+FFFD.
    pub fn to_str_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
}

impl fmt::Debug for MetadataValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_str() {
            Some(text) => fmt::Debug::fmt(text, f),
            None => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

impl From<&str> for MetadataValue {
    fn from(value: &str) -> MetadataValue {
        MetadataValue(value.as_bytes().into())
    }
}

impl From<String> for MetadataValue {
    fn from(value: String) -> MetadataValue {
        MetadataValue(value.into_bytes().into_boxed_slice())
    }
}

impl From<&[u8]> for MetadataValue {
    fn from(value: &[u8]) -> MetadataValue {
        MetadataValue(value.into())
    }
}

impl From<Vec<u8>> for MetadataValue {
    fn from(value: Vec<u8>) -> MetadataValue {
        MetadataValue(value.into_boxed_slice())
    }
}

impl PartialEq<str> for MetadataValue {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other.as_bytes()
    }
}

impl PartialEq<&str> for MetadataValue {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == *other.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive() {
        let md = Metadata::new([("X-Tenant", ["a", "b"])]);
        assert_eq!(md.get("x-tenant"), ["a", "b"]);
        assert_eq!(md.get("X-Tenant"), ["a", "b"]);
        assert!(md.get("missing").is_empty());
    }

    #[test]
    fn values_that_are_not_utf8_are_kept_as_sent() {
        let md = Metadata::default()
            .with("x-key-bin", vec![0xff, 0x00, 0x80])
            .with("x-key-bin", "second");
        let values = md.get("x-key-bin");
        assert_eq!(values[0].as_bytes(), [0xff, 0x00, 0x80]);
        assert_eq!(values[0].to_str(), None);
        assert_eq!(values[0].to_str_lossy(), "\u{FFFD}\0\u{FFFD}");
        assert_eq!(format!("{:?}", values[0]), r#"b"\xff\x00\x80""#);
        assert_eq!(values[1], "second");
    }
}
