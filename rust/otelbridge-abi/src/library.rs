//! The library as a whole: the handshake, the host's callbacks and the component registry.

use std::collections::HashSet;
use std::sync::OnceLock;

use otelbridge::private::{self, RuntimeSettings};
use otelbridge::{ComponentType, Error, ErrorKind, Factory};

use crate::types::{
    OTELBRIDGE_ABI_MAJOR, OTELBRIDGE_ABI_MINOR, OtbComponentInfo, OtbHostCallbacks, OtbLibraryInfo,
    OtbStr,
};
use crate::{log, numbers, panic, telemetry};

unsafe extern "Rust" {
    /// The library's components, defined once per library by [`crate::export_components!`].
    safe fn __otelbridge_v1_components() -> Vec<Factory>;
}

/// The components of this library and their C descriptions.
pub(crate) struct Registry {
    factories: Vec<Factory>,
    infos: Vec<OtbComponentInfo>,
}

// SAFETY: the raw pointers in `infos` point at the factories' `&'static str` type names, which are
// immutable and live for the whole program.
unsafe impl Send for Registry {}
// SAFETY: as above; nothing in a Registry changes after it is built.
unsafe impl Sync for Registry {}

impl Registry {
    fn build(factories: Vec<Factory>) -> Result<Registry, Error> {
        let mut seen = HashSet::new();
        for factory in &factories {
            ComponentType::new(factory.type_name())
                .map_err(|err| Error::new(ErrorKind::InvalidConfig, err.to_string()))?;
            if !seen.insert((factory.kind(), factory.type_name())) {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "two {} components have the type {:?}",
                        factory.kind(),
                        factory.type_name()
                    ),
                ));
            }
        }
        let infos = factories
            .iter()
            .map(|f| OtbComponentInfo {
                type_name: OtbStr {
                    ptr: f.type_name().as_ptr(),
                    len: f.type_name().len(),
                },
                kind: numbers::kind(f.kind()),
                signals: numbers::signal_mask(f.signals()),
                signals_out: numbers::signal_mask(f.signals_out()),
                stability: numbers::stability(f.stability()),
            })
            .collect();
        Ok(Registry { factories, infos })
    }

    /// The C descriptions, one per component, in registration order.
    pub(crate) fn infos(&self) -> &[OtbComponentInfo] {
        &self.infos
    }
}

/// The registry, built on first use.
pub(crate) fn registry() -> Result<&'static Registry, Error> {
    static REGISTRY: OnceLock<Result<Registry, Error>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| Registry::build(__otelbridge_v1_components()))
        .as_ref()
        .map_err(Clone::clone)
}

/// The factory at `index` in the registry.
pub(crate) fn factory(index: u32) -> Result<&'static Factory, Error> {
    let registry = registry()?;
    registry.factories.get(index as usize).ok_or_else(|| {
        Error::new(
            ErrorKind::Internal,
            format!(
                "no component at index {index}: the library has {}",
                registry.factories.len()
            ),
        )
    })
}

static HOST: OnceLock<OtbHostCallbacks> = OnceLock::new();
static HOST_MINOR: OnceLock<u32> = OnceLock::new();

/// Whether the host applies edits itself (ABI 1.3); if not, the library applies them and hands
/// back the whole batch.
pub(crate) fn host_applies_edits() -> bool {
    HOST_MINOR.get().is_some_and(|minor| *minor >= 3)
}

/// The host's callbacks, once the handshake has happened.
pub(crate) fn host() -> Option<&'static OtbHostCallbacks> {
    HOST.get()
}

/// Reads the host's callbacks, only the fields its minor version has: an older host's struct is
/// shorter, and the fields it lacks stay unset.
///
/// # Safety
/// `callbacks` must point to a valid `OtbHostCallbacks` of ABI minor `host_minor`.
pub(crate) unsafe fn read_callbacks(
    callbacks: *const OtbHostCallbacks,
    host_minor: u32,
) -> OtbHostCallbacks {
    // SAFETY: each field is read only if the host's version has it (guaranteed by the caller).
    unsafe {
        let since = |minor: u32| host_minor >= minor;
        OtbHostCallbacks {
            complete: (&raw const (*callbacks).complete).read(),
            log: (&raw const (*callbacks).log).read(),
            default_log_level: (&raw const (*callbacks).default_log_level).read(),
            report_status: if since(1) {
                (&raw const (*callbacks).report_status).read()
            } else {
                None
            },
            create_instrument: if since(1) {
                (&raw const (*callbacks).create_instrument).read()
            } else {
                None
            },
            record: if since(1) {
                (&raw const (*callbacks).record).read()
            } else {
                None
            },
            consume: if since(2) {
                (&raw const (*callbacks).consume).read()
            } else {
                None
            },
        }
    }
}

/// Checks versions, installs the host's callbacks, the log bridge and the panic hook.
pub(crate) fn handshake(
    host_major: u32,
    host_minor: u32,
    callbacks: OtbHostCallbacks,
) -> Result<OtbLibraryInfo, Error> {
    if host_major != OTELBRIDGE_ABI_MAJOR {
        return Err(Error::new(
            ErrorKind::Internal,
            format!(
                "the host speaks otelbridge ABI {host_major}.{host_minor} but this library speaks {OTELBRIDGE_ABI_MAJOR}.{OTELBRIDGE_ABI_MINOR}: rebuild the library and the collector from the same otelbridge release"
            ),
        ));
    }
    // The first handshake's callbacks stay: a host has one set for the life of the process.
    let installed = *HOST.get_or_init(|| callbacks);
    HOST_MINOR.get_or_init(|| host_minor);
    telemetry::install(installed);
    log::install(callbacks.default_log_level);
    panic::install_hook();
    Ok(OtbLibraryInfo {
        abi_major: OTELBRIDGE_ABI_MAJOR,
        abi_minor: OTELBRIDGE_ABI_MINOR,
        component_count: registry()?.infos.len(),
    })
}

/// Sets the runtime's worker count before its first use.
pub(crate) fn configure_runtime(worker_threads: u32) -> Result<(), Error> {
    private::configure_worker_threads(worker_threads as usize)
        .map_err(|err| Error::new(ErrorKind::Internal, err.to_string()))
}

/// Checks, and unless `validate_only` records, the runtime's settings from JSON.
pub(crate) fn configure_runtime_json(json: &[u8], validate_only: bool) -> Result<(), Error> {
    let settings = RuntimeSettings::from_json(json).map_err(Error::from)?;
    let outcome = if validate_only {
        private::check_runtime(&settings)
    } else {
        private::configure_runtime(&settings)
    };
    outcome.map_err(|err| Error::new(ErrorKind::InvalidConfig, err.to_string()))
}
