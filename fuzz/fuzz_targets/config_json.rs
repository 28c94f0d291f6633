//! Config JSON through the C ABI: every component's `config_validate` and `instance_create`,
//! and the runtime's `runtime_configure_json` (validate only). Never a panic; an invalid config
//! is `OTB_STATUS_INVALID_CONFIG` with a message; validation and creation agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otelbridge_abi::abi::{OTB_STATUS_INVALID_CONFIG, OTB_STATUS_OK};
use otelbridge_fuzz::host;

fuzz_target!(|json: &[u8]| {
    for component in host::registry() {
        let what = format!("validate {}", component.type_name);
        let validated = host::validate(component, json);
        validated.check(&what);
        assert!(
            matches!(validated.code, OTB_STATUS_OK | OTB_STATUS_INVALID_CONFIG),
            "{what}: code {} ({})",
            validated.code,
            validated.message
        );
        // Creating has no side effects (the collector creates components just to validate), and
        // a config that validates creates.
        match host::create(component, b"fuzz", json) {
            Ok(instance) => {
                assert_eq!(
                    validated.code, OTB_STATUS_OK,
                    "{what}: invalid, yet created"
                );
                drop(instance);
            }
            Err(reply) => {
                reply.check(&format!("create {}", component.type_name));
                assert_ne!(
                    validated.code, OTB_STATUS_OK,
                    "create {} failed on a valid config: {}",
                    component.type_name, reply.message
                );
            }
        }
    }
    let runtime = host::validate_runtime(json);
    runtime.check("runtime_configure_json");
    assert!(
        matches!(runtime.code, OTB_STATUS_OK | OTB_STATUS_INVALID_CONFIG),
        "runtime_configure_json: code {} ({})",
        runtime.code,
        runtime.message
    );
});
