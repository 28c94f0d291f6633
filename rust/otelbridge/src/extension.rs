//! Extensions: components that run beside the pipelines, with a lifecycle and no data path.

use std::future::Future;

use crate::factory::{
    BoxFuture, ErasedInstance, Instance, KindOf, ProcessOutcome, delegate_lifecycle, instance,
    no_data_path,
};
use crate::{Config, Context, CreateSettings, Error, Stability};
use crate::{Kind, Signal, Signals};

/// An extension instance.
pub trait Extension: Send + Sync + 'static {
    /// Starts the extension. Spawn background work here with [`crate::runtime::spawn`], never in
    /// the factory's `create`.
    fn start(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;

    /// Stops the extension and everything it started, within `ctx`'s deadline. Tasks it spawned
    /// with [`crate::runtime::spawn`] and left running are aborted once this returns, with a
    /// warning in the log.
    fn shutdown(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Makes extensions of one type from their config.
pub trait ExtensionFactory: Send + Sync + 'static {
    /// The config type.
    type Config: Config;
    /// The extension type.
    type Extension: Extension;
    /// The type name operators write in the collector config (`^[a-zA-Z][0-9a-zA-Z_]{0,62}$`).
    const TYPE: &'static str;
    /// How stable the extension is.
    const STABILITY: Stability;

    /// Creates an extension. Must have no side effects: the collector also creates components
    /// just to validate a config.
    fn create(
        &self,
        settings: &CreateSettings,
        config: Self::Config,
    ) -> Result<Self::Extension, Error>;
}

// The bridge's side: the erased factory and instance of this kind.

/// A extension factory as the type-erased [`Factory`](crate::Factory) holds it.
pub(crate) struct AsExtension<F>(pub(crate) F);
/// A created extension, type-erased.
struct ExtensionInstance<E>(E);

impl<F: ExtensionFactory> KindOf for AsExtension<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Extension;
    const TYPE: &'static str = F::TYPE;
    const STABILITY: Stability = F::STABILITY;
    const SIGNALS: Signals = Signals::NONE;
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        Ok(instance(ExtensionInstance(
            self.0.create(settings, config)?,
        )))
    }
}

impl<E: Extension> ErasedInstance for ExtensionInstance<E> {
    delegate_lifecycle!();
    fn process<'a>(
        &'a self,
        _ctx: &'a Context,
        signal: Signal,
        _bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
        no_data_path(Kind::Extension, signal)
    }
}
