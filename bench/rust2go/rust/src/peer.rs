//! The calls Go makes into Rust through rust2go, and the structs they carry. rust2go-cli reads
//! this file to generate the Go side (`../gen.go`); keep it to what rust2go's parser accepts.

/// One OTLP `ExportTraceServiceRequest`, as protobuf bytes.
#[derive(rust2go::R2G, Clone)]
pub struct TracesRequest {
    /// The encoded request.
    pub data: Vec<u8>,
}

/// What the peer did with a batch: an outcome numbered as the ABI's `OTB_OUTCOME_*` (0
/// unchanged, 1 replaced) or 255 for a failure, the replacing batch, and the failure's message.
#[derive(rust2go::R2G, Clone)]
pub struct TracesResponse {
    /// 0: unchanged, 1: replaced by `data`, 255: failed with `error`.
    pub outcome: u8,
    /// The replacing batch, protobuf bytes (empty unless replaced).
    pub data: Vec<u8>,
    /// The failure's message (empty unless failed).
    pub error: String,
}

/// The Go-to-Rust calls. rust2go has no async Go-to-Rust calls; `#[cgo_call]` crosses through
/// cgo rather than rust2go's default assembly trampoline (bench/rust2go/README.md says why).
#[rust2go::g2r]
pub trait G2RPeer {
    /// Does nothing: the fixed cost of a call.
    #[cgo_call]
    fn nop();
    /// Answers "unchanged" without decoding, as the probe processor's `pass` action.
    #[cgo_call]
    fn pass(request: TracesRequest) -> TracesResponse;
    /// As `pass`, but the request is never read, so the optimizer deletes rust2go's copy of it.
    #[cgo_call]
    fn pass_unread(request: TracesRequest) -> TracesResponse;
    /// Decodes, adds the resource attribute `probe.seen = true`, encodes, as the probe
    /// processor's `rewrite` action.
    #[cgo_call]
    fn rewrite(request: TracesRequest) -> TracesResponse;
}
