//! The runtime's settings, driven as C would (`otelbridge_v1_runtime_configure_json`, ABI 1.4).
//! Its own test binary, with one test, because the runtime is process-wide: the steps must run in
//! this order, before and after its start.

// Drives the C ABI as a host does, which is unsafe by nature.
#![allow(unsafe_code)]

mod host;

// Links the library that defines the component list.
extern crate otelbridge_testlib;

use std::ptr;

use otelbridge_abi::abi::*;

/// Calls the JSON function; returns the status code and message.
fn configure(json: &str, validate_only: bool) -> (u32, String) {
    let mut status = host::blank_status();
    let code = unsafe {
        otelbridge_v1_runtime_configure_json(json.as_ptr(), json.len(), validate_only, &mut status)
    };
    let (code_in_status, message) = host::take_status(&status);
    assert_eq!(code, code_in_status, "{message}");
    (code, message)
}

fn assert_refused(json: &str, validate_only: bool, wants: &[&str]) {
    let (code, message) = configure(json, validate_only);
    assert_eq!(code, OTB_STATUS_INVALID_CONFIG, "{json}: {message}");
    for want in wants {
        assert!(message.contains(want), "{json}: {message}");
    }
}

#[test]
fn settings_are_fixed_by_the_first_configure_and_by_the_start() {
    host::handshake();
    let three = r#"{"worker_threads":3,"thread_stack_size":"1MiB","thread_keep_alive":"2s"}"#;

    // Invalid values name their field, whichever the mode; nothing is recorded.
    for validate_only in [true, false] {
        assert_refused(
            r#"{"worker_thread":3}"#,
            validate_only,
            &["worker_thread: unknown field"],
        );
        assert_refused(
            r#"{"thread_stack_size":"1MB"}"#,
            validate_only,
            &["thread_stack_size: invalid size \"1MB\""],
        );
        assert_refused(
            r#"{"event_interval":0}"#,
            validate_only,
            &["event_interval: must be at least 1"],
        );
    }

    // Validating records nothing: other settings can still be configured after it.
    assert_eq!(configure(r#"{"worker_threads":2}"#, true).0, OTB_STATUS_OK);
    assert_eq!(configure(three, false).0, OTB_STATUS_OK);

    // Before the start: the same settings again are fine, different ones conflict in both modes.
    let same = r#"{"thread_keep_alive":"2000ms","thread_stack_size":1048576,"worker_threads":3}"#;
    assert_eq!(configure(same, false).0, OTB_STATUS_OK);
    assert_eq!(configure(same, true).0, OTB_STATUS_OK);
    for validate_only in [true, false] {
        assert_refused(
            r#"{"worker_threads":2,"thread_stack_size":"1MiB","thread_keep_alive":"2s"}"#,
            validate_only,
            &["worker_threads: 2 conflicts with 3, configured earlier in this process"],
        );
    }
    // The 1.0 function agrees with the JSON one.
    let mut status = host::blank_status();
    assert_eq!(
        unsafe { otelbridge_v1_runtime_configure(3, ptr::null_mut()) },
        OTB_STATUS_OK
    );
    assert_eq!(
        unsafe { otelbridge_v1_runtime_configure(2, &mut status) },
        OTB_STATUS_INTERNAL
    );
    let (_, message) = host::take_status(&status);
    assert!(
        message.contains("worker_threads: 2 conflicts with 3"),
        "{message}"
    );

    // The first start runs the configured settings.
    let instance = host::create("probe", 2, "probe/runtime", "{}", 1).expect("created");
    assert_eq!(host::start(&instance).wait().code, OTB_STATUS_OK);
    let running = otelbridge::private::running_runtime().expect("the start started the runtime");
    assert_eq!(otelbridge::private::handle().metrics().num_workers(), 3);
    assert_eq!(
        (running.worker_threads, running.thread_stack_size),
        (3, 1 << 20)
    );

    // After it: only the running settings are accepted, and the error says what runs.
    assert_eq!(configure(same, true).0, OTB_STATUS_OK);
    assert_eq!(configure(three, false).0, OTB_STATUS_OK);
    for validate_only in [true, false] {
        assert_refused(
            r#"{"worker_threads":3,"thread_stack_size":"2MiB","thread_keep_alive":"2s"}"#,
            validate_only,
            &[
                "thread_stack_size: the otelbridge runtime is already running with 1MiB, not 2MiB",
                "restart the collector",
            ],
        );
    }
    assert_refused(
        "{}",
        true,
        &["thread_keep_alive: the otelbridge runtime is already running with 2s, not 10s"],
    );
    assert_eq!(host::shutdown(&instance).wait().code, OTB_STATUS_OK);
}
