//! How request bodies are compressed.

use std::io::Write;

use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};

/// The `compression` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// gzip, sent with `Content-Encoding: gzip` (the default, as in Go's otlphttp exporter).
    #[default]
    Gzip,
    /// The protobuf bytes as they are. `""` means this too, as it does in Go.
    #[serde(alias = "")]
    None,
}

impl Compression {
    /// The `Content-Encoding` header value, if any.
    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Compression::Gzip => Some("gzip"),
            Compression::None => None,
        }
    }

    /// The request body for `bytes`.
    pub fn encode(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            // The level favours speed: this runs on every batch, and protobuf's repeated keys
            // and ids compress well even at level 1.
            Compression::Gzip => {
                let buffer = Vec::with_capacity(bytes.len() / 4 + 64);
                let mut encoder = GzEncoder::new(buffer, flate2::Compression::fast());
                encoder
                    .write_all(bytes)
                    .and_then(|()| encoder.finish())
                    .expect("writing to a Vec cannot fail")
            }
            // A copy all the same: the HTTP client needs an owned body that outlives the call.
            Compression::None => bytes.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::GzDecoder;

    use super::*;

    #[test]
    fn gzip_round_trips() {
        let bytes: Vec<u8> = (0..10_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let body = Compression::Gzip.encode(&bytes);
        assert!(body.len() < bytes.len() / 2, "{} bytes", body.len());
        let mut decoded = Vec::new();
        GzDecoder::new(body.as_slice())
            .read_to_end(&mut decoded)
            .expect("valid gzip");
        assert_eq!(decoded, bytes);
        assert_eq!(Compression::Gzip.content_encoding(), Some("gzip"));
    }

    #[test]
    fn none_sends_the_bytes_as_they_are() {
        assert_eq!(Compression::None.encode(b"\x0a\x00"), b"\x0a\x00");
        assert_eq!(Compression::None.content_encoding(), None);
    }

    #[test]
    fn empty_text_means_none() {
        let c: Compression = serde_json::from_str(r#""""#).expect("valid");
        assert_eq!(c, Compression::None);
        let c: Compression = serde_json::from_str(r#""gzip""#).expect("valid");
        assert_eq!(c, Compression::Gzip);
    }
}
