//! The library-level calls, driven as C would: version, handshake, registry, configs.

// Drives the C ABI as a host does, which is unsafe by nature.
#![allow(unsafe_code)]

mod host;

// Links the library that defines the component list.
extern crate otelbridge_testlib;

use std::ptr;

use otelbridge_abi::abi::*;

const PROCESSOR: u32 = 2;
const EXTENSION: u32 = 4;
const CONNECTOR: u32 = 5;

#[test]
fn a_host_of_another_major_is_refused() {
    let callbacks = OtbHostCallbacks {
        complete: None,
        log: None,
        default_log_level: OTB_LOG_INFO,
        report_status: None,
        create_instrument: None,
        record: None,
        consume: None,
    };
    let mut info = OtbLibraryInfo {
        abi_major: 0,
        abi_minor: 0,
        component_count: 0,
    };
    let mut status = host::blank_status();
    let code = unsafe {
        otelbridge_v1_handshake(
            OTELBRIDGE_ABI_MAJOR + 1,
            0,
            &callbacks,
            &mut info,
            &mut status,
        )
    };
    let (code_in_status, message) = host::take_status(&status);
    assert_eq!(
        (code, code_in_status),
        (OTB_STATUS_INTERNAL, OTB_STATUS_INTERNAL)
    );
    assert!(
        message.contains("host speaks otelbridge ABI 2.0"),
        "{message}"
    );
    assert_eq!(
        otelbridge_v1_abi_version(),
        OTELBRIDGE_ABI_MAJOR << 16 | OTELBRIDGE_ABI_MINOR
    );
}

#[test]
fn the_registry_lists_every_component() {
    let info = host::handshake();
    assert_eq!(
        (info.abi_major, info.component_count),
        (OTELBRIDGE_ABI_MAJOR, 8)
    );
    let mut entries: *const OtbComponentInfo = ptr::null();
    let mut len = 0;
    assert_eq!(
        unsafe { otelbridge_v1_registry(&mut entries, &mut len, ptr::null_mut()) },
        OTB_STATUS_OK
    );
    let entries = unsafe { std::slice::from_raw_parts(entries, len) };
    let probe = entries[host::index_of("probe", PROCESSOR) as usize];
    assert_eq!(
        (probe.signals, probe.signals_out, probe.stability),
        (0b111, 0, 3)
    );
    let ext = entries[host::index_of("probeext", EXTENSION) as usize];
    assert_eq!(ext.signals, 0);
    let connector = entries[host::index_of("spanstats", CONNECTOR) as usize];
    assert_eq!((connector.signals, connector.signals_out), (0b001, 0b010));
}

#[test]
fn default_configs_come_as_json() {
    host::handshake();
    let mut json = OtbBuf {
        ptr: ptr::null_mut(),
        len: 0,
        cap: 0,
    };
    let code = unsafe {
        otelbridge_v1_config_default(
            host::index_of("probe", PROCESSOR),
            &mut json,
            ptr::null_mut(),
        )
    };
    assert_eq!(code, OTB_STATUS_OK);
    let text = unsafe { std::slice::from_raw_parts(json.ptr, json.len) }.to_vec();
    unsafe { otelbridge_v1_buf_free(json) };
    assert_eq!(
        String::from_utf8(text).expect("UTF-8"),
        r#"{"action":"pass","weight":1}"#
    );
}

#[test]
fn validation_errors_name_the_field() {
    host::handshake();
    let index = host::index_of("probe", PROCESSOR);
    let cases = [
        (r#"{"weight":0}"#, "weight: must be at least 1"),
        (r#"{"action":"fly"}"#, "action: unknown action \"fly\""),
        (r#"{"wieght":2}"#, "unknown field `wieght`"),
        (
            r#"{"weight":"heavy"}"#,
            "weight: invalid type: string \"heavy\"",
        ),
    ];
    for (json, want) in cases {
        let mut status = host::blank_status();
        let code =
            unsafe { otelbridge_v1_config_validate(index, json.as_ptr(), json.len(), &mut status) };
        let (_, message) = host::take_status(&status);
        assert_eq!(code, OTB_STATUS_INVALID_CONFIG, "{json}");
        assert!(message.contains(want), "{json}: {message}");
    }
    let ok = br#"{"action":"drop"}"#;
    assert_eq!(
        unsafe { otelbridge_v1_config_validate(index, ok.as_ptr(), ok.len(), ptr::null_mut()) },
        OTB_STATUS_OK
    );
}

#[test]
fn an_unknown_index_is_an_error_not_a_crash() {
    host::handshake();
    let mut status = host::blank_status();
    let code = unsafe { otelbridge_v1_config_validate(99, ptr::null(), 0, &mut status) };
    let (_, message) = host::take_status(&status);
    assert_eq!(code, OTB_STATUS_INTERNAL);
    assert!(message.contains("no component at index 99"), "{message}");
}

#[test]
fn the_runtime_worker_count_is_fixed_once_running() {
    host::handshake();
    let instance = host::create("probe", PROCESSOR, "probe", "{}", 1).expect("created");
    assert_eq!(host::start(&instance).wait().code, OTB_STATUS_OK);
    let mut status = host::blank_status();
    let code = unsafe { otelbridge_v1_runtime_configure(977, &mut status) };
    let (_, message) = host::take_status(&status);
    assert_eq!(code, OTB_STATUS_INTERNAL);
    assert!(message.contains("already running"), "{message}");
}
