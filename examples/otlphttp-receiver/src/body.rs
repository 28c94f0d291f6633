//! Reading a request body: at most `max_request_body_size` bytes as sent, decompressed according
//! to `Content-Encoding`, and at most `max_request_body_size` bytes once decompressed.

use std::io::Read;

use bytes::Bytes;
use flate2::read::{MultiGzDecoder, ZlibDecoder};
use http::HeaderMap;
use http::header::CONTENT_ENCODING;
use http_body_util::BodyExt;
use hyper::body::Body;

/// How the body is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Not compressed.
    Identity,
    /// `gzip`.
    Gzip,
    /// `deflate` or `zlib`: zlib-wrapped deflate, as the Go collector reads both.
    Zlib,
}

impl Encoding {
    /// The encoding named by the request's `Content-Encoding`, or the unsupported name.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Result<Encoding, String> {
        let Some(value) = headers.get(CONTENT_ENCODING) else {
            return Ok(Encoding::Identity);
        };
        let name = String::from_utf8_lossy(value.as_bytes());
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "identity" => Ok(Encoding::Identity),
            "gzip" => Ok(Encoding::Gzip),
            "deflate" | "zlib" => Ok(Encoding::Zlib),
            _ => Err(name.into_owned()),
        }
    }
}

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyError {
    /// Bigger than the limit, as sent or decompressed: `413`.
    #[error("the request body is larger than max_request_body_size ({max} bytes) {when}")]
    TooLarge {
        /// The limit.
        max: usize,
        /// `"as sent"` or `"once decompressed"`.
        when: &'static str,
    },
    /// Cut short, or not valid for its encoding: `400`.
    #[error("{0}")]
    Unreadable(String),
}

/// Reads the whole body of at most `max` bytes, and decompresses it to at most `max` bytes.
///
/// The frames are copied into one buffer as they arrive and dropped at once: a frame can hold
/// on to the whole of hyper's read buffer, so keeping thousands of one-byte frames until the body
/// is complete (as `collect` does) pins megabytes per slow connection.
pub(crate) async fn read<B>(body: B, encoding: Encoding, max: usize) -> Result<Vec<u8>, BodyError>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let declared = body.size_hint().lower();
    // A declared Content-Length over the limit is refused before reading anything.
    if declared > max as u64 {
        return Err(too_large(max, "as sent"));
    }
    // The declared length is within the limit: the body fits without moving. Pages untouched by
    // a client that never sends them stay unmapped.
    let mut sent = Vec::with_capacity(usize::try_from(declared).unwrap_or(max));
    let mut body = std::pin::pin!(body);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| {
            BodyError::Unreadable(format!("reading the request body: {}", err.into()))
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if sent.len() + data.len() > max {
            return Err(too_large(max, "as sent"));
        }
        sent.extend_from_slice(&data);
    }
    match encoding {
        Encoding::Identity => Ok(sent),
        Encoding::Gzip => inflate(MultiGzDecoder::new(&sent[..]), "gzip", max),
        Encoding::Zlib => inflate(ZlibDecoder::new(&sent[..]), "deflate", max),
    }
}

/// Decompresses `reader` into at most `max` bytes; one byte more means the body is too large.
fn inflate(reader: impl Read, name: &str, max: usize) -> Result<Vec<u8>, BodyError> {
    let mut inflated = Vec::new();
    reader
        .take(max as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|err| BodyError::Unreadable(format!("decompressing the {name} body: {err}")))?;
    if inflated.len() > max {
        return Err(too_large(max, "once decompressed"));
    }
    Ok(inflated)
}

fn too_large(max: usize, when: &'static str) -> BodyError {
    BodyError::TooLarge { max, when }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::{GzEncoder, ZlibEncoder};
    use http::HeaderValue;
    use http_body_util::Full;
    use hyper::body::Frame;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("compresses");
        encoder.finish().expect("compresses")
    }

    fn encoding(value: &str) -> Result<Encoding, String> {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_ENCODING,
            HeaderValue::from_str(value).expect("header"),
        );
        Encoding::from_headers(&headers)
    }

    #[test]
    fn encodings_are_read_from_the_header() {
        assert_eq!(
            Encoding::from_headers(&HeaderMap::new()),
            Ok(Encoding::Identity)
        );
        assert_eq!(encoding("GZIP"), Ok(Encoding::Gzip));
        assert_eq!(encoding("deflate"), Ok(Encoding::Zlib));
        assert_eq!(encoding("identity"), Ok(Encoding::Identity));
        assert_eq!(encoding("br"), Err("br".to_owned()));
    }

    #[tokio::test]
    async fn plain_bodies_are_read_whole() {
        let body = Full::new(Bytes::from_static(b"hello"));
        assert_eq!(
            read(body, Encoding::Identity, 5).await,
            Ok(b"hello".to_vec())
        );
    }

    #[tokio::test]
    async fn declared_or_streamed_bodies_over_the_limit_are_too_large() {
        let declared = Full::new(Bytes::from_static(b"hello!"));
        assert!(matches!(
            read(declared, Encoding::Identity, 5).await,
            Err(BodyError::TooLarge { .. })
        ));
        // No length declared: the limit applies while reading.
        assert!(matches!(
            read(Chunked(vec!["abc", "def"]), Encoding::Identity, 5).await,
            Err(BodyError::TooLarge { .. })
        ));
    }

    #[tokio::test]
    async fn gzip_bodies_are_decompressed_within_the_limit() {
        let data = vec![b'x'; 1000];
        let body = || Full::new(Bytes::from(gzip(&data)));
        assert_eq!(read(body(), Encoding::Gzip, 1000).await, Ok(data.clone()));
        let err = read(body(), Encoding::Gzip, 999)
            .await
            .expect_err("too large once decompressed");
        assert!(err.to_string().ends_with("once decompressed"), "{err:?}");
    }

    #[tokio::test]
    async fn deflate_bodies_are_decompressed() {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(b"zlib data").expect("compresses");
        let body = Full::new(Bytes::from(encoder.finish().expect("compresses")));
        assert_eq!(
            read(body, Encoding::Zlib, 100).await,
            Ok(b"zlib data".to_vec())
        );
    }

    #[tokio::test]
    async fn corrupt_gzip_is_unreadable() {
        let body = Full::new(Bytes::from_static(b"not gzip at all"));
        assert!(matches!(
            read(body, Encoding::Gzip, 100).await,
            Err(BodyError::Unreadable(m)) if m.contains("gzip")
        ));
    }

    /// A body sent in chunks, without a declared length.
    struct Chunked(Vec<&'static str>);

    impl Body for Chunked {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            let next = (!self.0.is_empty()).then(|| self.0.remove(0));
            std::task::Poll::Ready(next.map(|chunk| Ok(Frame::data(Bytes::from(chunk)))))
        }
    }
}
