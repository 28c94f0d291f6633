//! Receivers: components at the start of a pipeline that bring data in from outside.

use std::future::Future;

use crate::factory::{
    BoxFuture, ErasedInstance, Instance, KindOf, ProcessOutcome, delegate_lifecycle, instance,
    no_data_path,
};
use crate::{Config, Context, CreateSettings, Error, Next, Signals, Stability};
use crate::{Kind, Signal};

/// A receiver instance. The collector creates one per receiver id, whatever the number of
/// pipelines it feeds: [`Next::signals`] says which signals they consume.
///
/// The receiver does its own I/O on the shared tokio runtime: [`Receiver::start`] binds sockets
/// and spawns the work with [`crate::runtime::spawn`], then returns. Each batch it accepts goes
/// to the pipelines through the [`Next`] it was created with; awaiting the send is the
/// backpressure, and the send's error is what the receiver should answer its client.
pub trait Receiver: Send + Sync + 'static {
    /// Starts intake: binds, listens or begins polling, and returns once it is ready.
    fn start(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;

    /// Stops intake first, then waits (within `ctx`'s deadline) until every batch already
    /// accepted has been sent and answered, so nothing the receiver acknowledged is lost.
    fn shutdown(&self, ctx: &Context) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Makes receivers of one type from their config.
pub trait ReceiverFactory: Send + Sync + 'static {
    /// The config type.
    type Config: Config;
    /// The receiver type.
    type Receiver: Receiver;
    /// The type name operators write in the collector config (`^[a-zA-Z][0-9a-zA-Z_]{0,62}$`).
    const TYPE: &'static str;
    /// How stable the receiver is.
    const STABILITY: Stability;
    /// The signals the receiver can produce.
    const SIGNALS: Signals;

    /// Creates a receiver that sends to `next`. Must have no side effects (no sockets or threads):
    /// the collector also creates components just to validate a config. Bind in
    /// [`Receiver::start`].
    fn create(
        &self,
        settings: &CreateSettings,
        config: Self::Config,
        next: Next,
    ) -> Result<Self::Receiver, Error>;
}

// The bridge's side: the erased factory and instance of this kind.

/// A receiver factory as the type-erased [`Factory`](crate::Factory) holds it.
pub(crate) struct AsReceiver<F>(pub(crate) F);
/// A created receiver, type-erased.
struct ReceiverInstance<R>(R);

impl<F: ReceiverFactory> KindOf for AsReceiver<F> {
    type Config = F::Config;
    const KIND: Kind = Kind::Receiver;
    const TYPE: &'static str = F::TYPE;
    const STABILITY: Stability = F::STABILITY;
    const SIGNALS: Signals = F::SIGNALS;
    fn build(&self, settings: &CreateSettings, config: F::Config) -> Result<Instance, Error> {
        let next = settings.take_next(Kind::Receiver)?;
        Ok(instance(ReceiverInstance(
            self.0.create(settings, config, next)?,
        )))
    }
}

impl<R: Receiver> ErasedInstance for ReceiverInstance<R> {
    delegate_lifecycle!();
    fn process<'a>(
        &'a self,
        _ctx: &'a Context,
        signal: Signal,
        _bytes: &'a [u8],
    ) -> BoxFuture<'a, Result<ProcessOutcome, Error>> {
        no_data_path(Kind::Receiver, signal)
    }
}
