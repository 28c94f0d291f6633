//! The C ABI, version 1: every function a host calls, grouped by area, with the types and
//! numbers (written in `src/types.rs`) re-exported, so that `otelbridge_abi::abi` is the whole
//! interface.
//!
//! cbindgen turns the crate into `ffi/include/otelbridge.h`; `ffi/README.md` states the protocol
//! (ownership, threading, ordering, cancellation). Every function catches panics: none unwinds
//! into the host.

mod buffer;
mod config;
mod events;
mod handshake;
mod instance;
mod pending;
mod runtime;

pub use crate::call::OtbPending;
pub use crate::instance::OtbInstance;
pub use crate::types::*;
pub use buffer::*;
pub use config::*;
pub use events::*;
pub use handshake::*;
pub use instance::*;
pub use pending::*;
pub use runtime::*;
