//! The requests a worker answers besides CALL: each one ABI function, called with the frame's
//! fields, its status and output copied into the REPLY byte for byte.

use std::ffi::c_void;

use otelbridge::{Error, ErrorKind};

use super::Host;
use super::owned::{OwnedBuf, OwnedStatus};
use super::wire::{self, Encoder};
use crate::abi::{
    OTB_STATUS_OK, OTELBRIDGE_ABI_MAJOR, OTELBRIDGE_ABI_MINOR, OtbComponentInfo, OtbInstance,
    OtbLibraryInfo, otelbridge_v1_config_default, otelbridge_v1_config_validate,
    otelbridge_v1_handshake_events, otelbridge_v1_instance_create,
    otelbridge_v1_instance_create_with_next, otelbridge_v1_nop, otelbridge_v1_registry,
    otelbridge_v1_runtime_configure, otelbridge_v1_runtime_configure_json,
};
use crate::buffer;

/// HELLO: the handshake, always for events; the event thread starts with the first that
/// succeeds.
pub(super) fn hello(
    host: &'static Host,
    req: u64,
    protocol: u32,
    abi_major: u32,
    abi_minor: u32,
    default_log_level: u32,
) {
    // What the reply says if the handshake fails before it writes.
    let mut info = OtbLibraryInfo {
        abi_major: OTELBRIDGE_ABI_MAJOR,
        abi_minor: OTELBRIDGE_ABI_MINOR,
        component_count: 0,
    };
    let status = if protocol == wire::PROTOCOL {
        let mut status = OwnedStatus::new();
        // SAFETY: info and status are valid for writes.
        let code = unsafe {
            otelbridge_v1_handshake_events(
                abi_major,
                abi_minor,
                default_log_level,
                &mut info,
                status.as_mut_ptr(),
            )
        };
        if code == OTB_STATUS_OK {
            if let Err(err) = host.start_events() {
                let err = Error::new(
                    ErrorKind::Internal,
                    format!("the otelbridge host program cannot start its event thread: {err}"),
                );
                status = OwnedStatus::error(&err);
            }
        }
        status
    } else {
        OwnedStatus::error(&Error::new(
            ErrorKind::Internal,
            format!(
                "the collector speaks otelbridge host protocol {protocol} but this host program speaks {}: build the host program and the collector from the same otelbridge release",
                wire::PROTOCOL
            ),
        ))
    };
    let mut frame = Encoder::reply(req);
    frame
        .status(&status.wire())
        .u32(info.abi_major)
        .u32(info.abi_minor)
        .u64(info.component_count as u64);
    host.out.send(frame);
}

/// REGISTRY: the static component list.
pub(super) fn registry(host: &Host, req: u64) {
    let mut entries: *const OtbComponentInfo = std::ptr::null();
    let mut len = 0;
    let mut status = OwnedStatus::new();
    // SAFETY: every pointer is valid for writes.
    unsafe { otelbridge_v1_registry(&mut entries, &mut len, status.as_mut_ptr()) };
    let entries = if entries.is_null() {
        &[][..]
    } else {
        // SAFETY: the registry is a static array of `len` entries.
        unsafe { std::slice::from_raw_parts(entries, len) }
    };
    let mut frame = Encoder::reply(req);
    frame.status(&status.wire()).u32(entries.len() as u32);
    for entry in entries {
        // SAFETY: type names are static strings of the registry.
        let type_name = unsafe { buffer::borrow(entry.type_name.ptr, entry.type_name.len) };
        frame
            .bytes(type_name)
            .u32(entry.kind)
            .u32(entry.signals)
            .u32(entry.signals_out)
            .u32(entry.stability);
    }
    host.out.send(frame);
}

/// CONFIG_DEFAULT: a component's default config as JSON.
pub(super) fn config_default(host: &Host, req: u64, index: u32) {
    let mut json = OwnedBuf::new();
    let mut status = OwnedStatus::new();
    // SAFETY: json and status are valid for writes.
    unsafe { otelbridge_v1_config_default(index, json.as_mut_ptr(), status.as_mut_ptr()) };
    let mut frame = Encoder::reply(req);
    frame.status(&status.wire()).bytes(json.bytes());
    host.out.send(frame);
}

/// CONFIG_VALIDATE: checks a config; the message names the field.
pub(super) fn config_validate(host: &Host, req: u64, index: u32, json: &[u8]) {
    let mut status = OwnedStatus::new();
    // SAFETY: json is readable for the call; status is valid for writes.
    unsafe { otelbridge_v1_config_validate(index, json.as_ptr(), json.len(), status.as_mut_ptr()) };
    reply_status(host, req, &status);
}

/// RUNTIME_WORKERS: the runtime's worker count, the form of ABI 1.0.
pub(super) fn runtime_workers(host: &Host, req: u64, workers: u32) {
    let mut status = OwnedStatus::new();
    // SAFETY: status is valid for writes.
    unsafe { otelbridge_v1_runtime_configure(workers, status.as_mut_ptr()) };
    reply_status(host, req, &status);
}

/// RUNTIME_JSON: the runtime's settings, recorded or only checked.
pub(super) fn runtime_json(host: &Host, req: u64, validate_only: bool, json: &[u8]) {
    let mut status = OwnedStatus::new();
    // SAFETY: json is readable for the call; status is valid for writes.
    unsafe {
        otelbridge_v1_runtime_configure_json(
            json.as_ptr(),
            json.len(),
            validate_only,
            status.as_mut_ptr(),
        )
    };
    reply_status(host, req, &status);
}

/// CREATE: an instance, which the collector then knows by its number (0 if none was made).
pub(super) fn create(host: &Host, create: &wire::Create<'_>) {
    let mut instance: *mut OtbInstance = std::ptr::null_mut();
    let mut status = OwnedStatus::new();
    let (id, config) = (create.id, create.config);
    // SAFETY: id and config are readable for the call; instance and status valid for writes.
    let code = unsafe {
        match create.next {
            None => otelbridge_v1_instance_create(
                create.index,
                id.as_ptr(),
                id.len(),
                config.as_ptr(),
                config.len(),
                create.sink,
                create.level,
                &mut instance,
                status.as_mut_ptr(),
            ),
            Some(next_signals) => otelbridge_v1_instance_create_with_next(
                create.index,
                id.as_ptr(),
                id.len(),
                config.as_ptr(),
                config.len(),
                create.sink,
                create.level,
                next_signals,
                &mut instance,
                status.as_mut_ptr(),
            ),
        }
    };
    let number = if code == OTB_STATUS_OK && !instance.is_null() {
        host.instances.insert(instance)
    } else {
        0
    };
    let mut frame = Encoder::reply(create.req);
    frame.status(&status.wire()).u64(number);
    host.out.send(frame);
}

/// NOP: one empty call into the library, to measure a round trip through a worker.
pub(super) fn nop(host: &Host, req: u64) {
    otelbridge_v1_nop(std::ptr::null_mut::<c_void>());
    reply_status(host, req, &OwnedStatus::new());
}

/// A REPLY that is only a status.
pub(super) fn reply_status(host: &Host, req: u64, status: &OwnedStatus) {
    let mut frame = Encoder::reply(req);
    frame.status(&status.wire());
    host.out.send(frame);
}
