//! The host program of subprocess mode for the test components: the Go shim's subprocess tests
//! and `tests/host_program.rs` start it with a socket as file descriptor 3.

// Links the test library, whose `export_components!` defines the symbol the ABI crate calls for
// the component list: without a use of the crate, rustc would not link it at all.
use otelbridge_testlib as _;

fn main() -> std::process::ExitCode {
    otelbridge_abi::host::serve()
}
