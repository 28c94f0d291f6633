//! The log bridge: `tracing` events go to the host's logger of the component that emitted them.
//!
//! Each event is sent to the host with the sink of the current `LogScope` (`otelbridge::private`)
//! (or sink 0, the bridge's own logger, outside any component), its level, its message and its
//! fields flat-encoded (layout in ffi/README.md).

use std::fmt;
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};

use otelbridge::private;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::types::{
    OTB_LOG_DEBUG, OTB_LOG_ERROR, OTB_LOG_FIELD_BOOL, OTB_LOG_FIELD_F64, OTB_LOG_FIELD_I64,
    OTB_LOG_FIELD_STRING, OTB_LOG_FIELD_U64, OTB_LOG_INFO, OTB_LOG_OFF, OTB_LOG_TRACE,
    OTB_LOG_WARN,
};
use crate::{buffer, library};

/// The most verbose level any sink records; events above it are skipped before they are built.
static MOST_VERBOSE: AtomicU32 = AtomicU32::new(OTB_LOG_OFF);
/// The most verbose level of sink 0.
static DEFAULT_LEVEL: AtomicU32 = AtomicU32::new(OTB_LOG_INFO);

/// Installs the bridge as the process's `tracing` subscriber (once).
pub(crate) fn install(default_level: u32) {
    static INSTALL: Once = Once::new();
    DEFAULT_LEVEL.store(default_level, Ordering::Relaxed);
    enable(default_level);
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(HostLayer);
        // Fails only if the host process already set one; then that one keeps the events.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Lets events up to `level` through (a new sink records them).
pub(crate) fn enable(level: u32) {
    MOST_VERBOSE.fetch_max(level.min(OTB_LOG_TRACE), Ordering::Relaxed);
}

/// The ABI's level number as a `tracing` filter.
pub(crate) fn level_filter(level: u32) -> LevelFilter {
    match level {
        OTB_LOG_OFF => LevelFilter::OFF,
        OTB_LOG_ERROR => LevelFilter::ERROR,
        OTB_LOG_WARN => LevelFilter::WARN,
        OTB_LOG_INFO => LevelFilter::INFO,
        OTB_LOG_DEBUG => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

fn level_number(level: &Level) -> u32 {
    match *level {
        Level::ERROR => OTB_LOG_ERROR,
        Level::WARN => OTB_LOG_WARN,
        Level::INFO => OTB_LOG_INFO,
        Level::DEBUG => OTB_LOG_DEBUG,
        Level::TRACE => OTB_LOG_TRACE,
    }
}

struct HostLayer;

impl<S: Subscriber> Layer<S> for HostLayer {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Levels change as sinks come and go, so decide per event.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        level_number(metadata.level()) <= MOST_VERBOSE.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let Some(log) = library::host().and_then(|host| host.log) else {
            return;
        };
        let level = *event.metadata().level();
        let (sink, max_level) = private::with_current(|scope| match scope {
            Some(scope) => (scope.sink, scope.max_level),
            None => (0, level_filter(DEFAULT_LEVEL.load(Ordering::Relaxed))),
        });
        if level > max_level {
            return;
        }
        let mut fields = FlatFields::default();
        event.record(&mut fields);
        // SAFETY: the host's callback reads the buffers during the call only.
        unsafe {
            log(
                sink,
                level_number(&level),
                fields.message.as_ptr(),
                fields.message.len(),
                fields.encoded.as_ptr(),
                fields.encoded.len(),
            )
        }
    }
}

#[derive(Default)]
struct FlatFields {
    message: String,
    encoded: Vec<u8>,
}

impl FlatFields {
    fn header(&mut self, kind: u8, field: &Field) {
        self.encoded.push(kind);
        self.bytes(field.name().as_bytes());
    }

    fn bytes(&mut self, bytes: &[u8]) {
        buffer::push_string(&mut self.encoded, bytes);
    }
}

impl Visit for FlatFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.header(OTB_LOG_FIELD_STRING, field);
            self.bytes(value.as_bytes());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.header(OTB_LOG_FIELD_STRING, field);
            self.bytes(format!("{value:?}").as_bytes());
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.header(OTB_LOG_FIELD_STRING, field);
        self.bytes(value.to_string().as_bytes());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.header(OTB_LOG_FIELD_I64, field);
        self.encoded.extend_from_slice(&value.to_le_bytes());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.header(OTB_LOG_FIELD_U64, field);
        self.encoded.extend_from_slice(&value.to_le_bytes());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.header(OTB_LOG_FIELD_F64, field);
        self.encoded.extend_from_slice(&value.to_le_bytes());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.header(OTB_LOG_FIELD_BOOL, field);
        self.encoded.push(u8::from(value));
    }
}
