//! Component status and metrics, forwarded to the host's callbacks.

use otelbridge::private::{self, Host, InstrumentKind};
use otelbridge::telemetry::Status;

use crate::types::OtbHostCallbacks;
use crate::{buffer, numbers};

/// The SDK's telemetry host, backed by the host's callbacks.
struct CallbackHost(OtbHostCallbacks);

/// Installs the host's telemetry callbacks into the SDK (once).
pub(crate) fn install(callbacks: OtbHostCallbacks) {
    let _ = private::install_host(Box::new(CallbackHost(callbacks)));
}

impl Host for CallbackHost {
    fn report_status(&self, sink: u64, status: &Status) {
        if let Some(report) = self.0.report_status {
            let message = status.message();
            // SAFETY: the host reads the message during the call only.
            unsafe {
                report(
                    sink,
                    numbers::component_status(status),
                    message.as_ptr(),
                    message.len(),
                )
            }
        }
    }

    fn create_instrument(
        &self,
        sink: u64,
        kind: InstrumentKind,
        name: &str,
        description: &str,
        unit: &str,
    ) -> u64 {
        match self.0.create_instrument {
            // SAFETY: the host reads the strings during the call only.
            Some(create) => unsafe {
                create(
                    sink,
                    numbers::instrument_kind(kind),
                    name.as_ptr(),
                    name.len(),
                    description.as_ptr(),
                    description.len(),
                    unit.as_ptr(),
                    unit.len(),
                )
            },
            None => 0,
        }
    }

    fn record(&self, id: u64, value: f64, attributes: &[(&str, &str)]) {
        let Some(record) = self.0.record else {
            return;
        };
        let mut flat = Vec::new();
        for (key, value) in attributes {
            buffer::push_string(&mut flat, key.as_bytes());
            buffer::push_string(&mut flat, value.as_bytes());
        }
        // SAFETY: the host reads the attributes during the call only.
        unsafe { record(id, value, flat.as_ptr(), flat.len()) }
    }
}
