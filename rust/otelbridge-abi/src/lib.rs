//! The C ABI of otelbridge: the only `unsafe` Rust in the project, and the only crate cbindgen
//! reads.
//!
//! A collector's Rust library is one `staticlib` (or `cdylib`) crate that depends on this crate
//! and on every component crate, and lists the components once:
//!
//! ```ignore
//! otelbridge_abi::export_components![redact::factory(), heartbeat::factory()];
//! ```
//!
//! The functions and types of the ABI live in [`abi`]; `ffi/README.md` states the protocol.

pub mod abi;
mod buffer;
mod call;
mod context;
mod downstream;
mod instance;
mod library;
mod log;
mod panic;
mod status;
mod telemetry;

/// Re-exported for [`export_components!`].
pub use otelbridge;

/// Defines the library's component list. Use it exactly once, in the library's top crate, with one
/// `otelbridge::Factory` expression per component.
#[macro_export]
macro_rules! export_components {
    ($($factory:expr),* $(,)?) => {
        /// The components of this library, in registration order.
        #[unsafe(no_mangle)]
        pub fn __otelbridge_v1_components() -> ::std::vec::Vec<$crate::otelbridge::Factory> {
            ::std::vec![$($factory),*]
        }
    };
}

#[cfg(test)]
export_components![];
