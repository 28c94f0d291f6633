//! The checked-in C header matches what cbindgen generates from the ABI module.
//! Regenerate it with `OTELBRIDGE_BLESS=1 cargo test -p otelbridge-abi --test header`.

use std::path::PathBuf;

#[test]
fn checked_in_header_is_current() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir.join("../..");
    let config =
        cbindgen::Config::from_file(root.join("ffi/cbindgen.toml")).expect("ffi/cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads the ABI crate")
        .write(&mut generated);
    let header_path = root.join("ffi/include/otelbridge.h");
    if std::env::var_os("OTELBRIDGE_BLESS").is_some() {
        std::fs::write(&header_path, &generated).expect("write the header");
        return;
    }
    let checked_in = std::fs::read(&header_path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "ffi/include/otelbridge.h is stale: run `make header` and commit the result"
    );
}
