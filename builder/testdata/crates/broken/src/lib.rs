//! Does not compile: `factory` returns a string where an `otelbridge::Factory` is expected.

/// What a collector build registers, had it compiled.
pub fn factory() -> otelbridge::Factory {
    "not a factory"
}
