//! The README's and the guide's Rust examples, compiled and run as doctests so they cannot rot.
//! A crate of its own, so the SDK's package (what crates.io gets) includes no file outside it.

/// The README's examples.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// The guide's examples (`docs/guide.md`).
#[cfg(doctest)]
#[doc = include_str!("../../../docs/guide.md")]
pub struct GuideDoctests;
