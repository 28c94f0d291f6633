//! Context records (metadata, peer address, trace context; ffi/README.md) as a host sends them,
//! through `instance_consume` into the `echo` processor, which reads all of it back. Only the
//! framing can fail (`OTB_STATUS_INTERNAL`, "malformed context records"); the contents, UTF-8 or
//! not, never do. Any deadline is taken, a past one as `DEADLINE_EXCEEDED`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use otelbridge::prost::Message;
use otelbridge::proto::ExportLogsServiceRequest;
use otelbridge::proto::logs::v1::ResourceLogs;
use otelbridge_abi::abi::{
    OTB_OUTCOME_EDITED, OTB_OUTCOME_UNCHANGED, OTB_STATUS_DEADLINE_EXCEEDED, OTB_STATUS_INTERNAL,
    OTB_STATUS_OK,
};
use otelbridge_fuzz::host::{self, Instance};
use otelbridge_fuzz::input::Input;

fn echo() -> &'static Instance {
    static ECHO: OnceLock<Instance> = OnceLock::new();
    ECHO.get_or_init(|| {
        let instance = host::create(host::component("echo"), b"echo", b"{}").expect("echo");
        instance.start().check("start echo");
        instance
    })
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    // 0 (no deadline) most of the time; any i64 otherwise.
    let deadline = if input.u8() & 1 == 1 {
        input.u64() as i64
    } else {
        0
    };
    let ctx = input.rest();
    let batch = ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs::default()],
    }
    .encode_to_vec();
    let reply = echo().consume(3, deadline, ctx, &batch);
    reply.check("consume with context records");
    match reply.code {
        // No edits (no context) pass the batch on unchanged.
        OTB_STATUS_OK => assert!(matches!(
            reply.outcome,
            OTB_OUTCOME_EDITED | OTB_OUTCOME_UNCHANGED
        )),
        OTB_STATUS_INTERNAL => assert!(
            reply.message.contains("malformed context records"),
            "{}",
            reply.message
        ),
        OTB_STATUS_DEADLINE_EXCEEDED => assert!(deadline != 0),
        code => panic!("unexpected status {code}: {}", reply.message),
    }
});
