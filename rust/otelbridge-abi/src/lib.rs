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
//! The functions of the ABI live in [`abi`], its types and numbers in `types` (re-exported by
//! [`abi`]); `ffi/README.md` states the protocol. [`host`] is the host program of subprocess
//! mode, which serves the same functions to a collector over a socket.

// The one crate with `unsafe`: the workspace denies it everywhere else.
#![allow(unsafe_code)]

pub mod abi;
mod buffer;
mod call;
mod context;
mod downstream;
mod events;
pub mod host;
mod instance;
mod library;
mod log;
mod numbers;
mod panic;
mod status;
mod telemetry;
mod types;

/// With the `mimalloc` feature, the library's allocator. Go calls into Rust from any of its
/// threads, and glibc's malloc handles a whole decoded batch (thousands of small allocations, then
/// a large one) poorly there: in the rewrite benchmark it costs more than prost's decode and encode
/// together (fastbin consolidation, arena trimming and the TLB flushes that follow), and mimalloc
/// halves a 1,000-span rewrite. Off by default: a collector whose processors read through views
/// and answer with edits allocates little, runs as fast on glibc, and mimalloc's per-thread heaps
/// cost it ~45 MiB more peak RSS (README, "Choosing the allocator").
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Re-exported for [`export_components!`].
pub use otelbridge;

/// Defines the library's component list. Use it exactly once, in the library's top crate, with one
/// `otelbridge::Factory` expression per component.
#[macro_export]
macro_rules! export_components {
    ($($factory:expr),* $(,)?) => {
        /// The components of this library, in registration order.
        // An exported symbol: the ABI crate finds it at link time.
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub fn __otelbridge_v1_components() -> ::std::vec::Vec<$crate::otelbridge::Factory> {
            ::std::vec![$($factory),*]
        }
    };
}

#[cfg(test)]
export_components![];
