//! The bridge's side of the SDK: what `otelbridge-abi` and the test kit use to run components.
//!
//! Not part of the API, and hidden from its documentation: nothing here is for component authors,
//! and any of it may change with a minor version of the C ABI without a change an author sees.
//! Everything an author needs is at the crate root and in its public modules.

use crate::config::ConfigError;
use crate::{CreateSettings, Edits, Error, Factory, Next, Signals};

pub use crate::edits::apply::apply_encoded;
pub use crate::factory::{Instance, ProcessOutcome};
pub use crate::logging::{LogScope, in_scope, sync_in_scope, with_current};
pub use crate::next::{Downstream, SendFuture};
pub use crate::runtime::shared::{
    RuntimeSettings, SettingsError, check as check_runtime, configure as configure_runtime,
    configure_worker_threads, handle, running as running_runtime,
};
pub use crate::runtime::tasks::Tasks;
pub use crate::telemetry::host::{Host, InstrumentKind, install_host};

/// Creates an instance of `factory`'s component from its JSON config. Has no side effects beyond
/// the component's own `create`. Receivers and connectors need [`CreateSettings::with_next`].
pub fn create(
    factory: &Factory,
    settings: &CreateSettings,
    json: &[u8],
) -> Result<Instance, Error> {
    factory.create(settings, json)
}

/// Checks a JSON config of `factory`'s component: unknown fields, types, then its own validation.
pub fn validate_config_json(factory: &Factory, json: &[u8]) -> Result<(), ConfigError> {
    factory.validate_config_json(json)
}

/// The JSON form of `factory`'s default config.
pub fn default_config_json(factory: &Factory) -> Result<Vec<u8>, ConfigError> {
    factory.default_config_json()
}

/// Next consumers for `signals`, delivered by `downstream`.
pub fn next(signals: Signals, downstream: impl Downstream) -> Next {
    Next::new(signals, downstream)
}

/// The edits' flat encoding, as the host reads it (ffi/README.md, "Edits").
pub fn edits_into_bytes(edits: Edits) -> Vec<u8> {
    edits.into_bytes()
}
