//! The receiver: an OTLP/HTTP server started by `start` and drained by `shutdown`.

use std::net::SocketAddr;
use std::sync::Arc;

use otelbridge::CancellationToken;
use otelbridge::tokio::sync::{Mutex, Semaphore};
use otelbridge::{Config, Context, Error, ErrorKind, Next, Receiver};

use crate::config::OtlpHttpConfig;
use crate::handler::Shared;
use crate::in_flight::InFlight;
use crate::metrics::Metrics;
use crate::server::{DEFAULT_SHUTDOWN_TIMEOUT, Server};

/// The `otlphttp_rs` receiver. The collector gets it through [`crate::factory`]; Rust code can
/// also build one directly with [`OtlpHttpReceiver::new`] and drive it through [`Receiver`].
#[derive(Debug)]
pub struct OtlpHttpReceiver {
    config: OtlpHttpConfig,
    next: Next,
    metrics: Metrics,
    // A tokio lock: `start` holds it while binding, so two starts cannot race.
    server: Mutex<Option<Server>>,
}

impl OtlpHttpReceiver {
    /// Validates `config` and keeps `next`. Opens nothing: that is [`Receiver::start`]'s job.
    pub fn new(config: OtlpHttpConfig, next: Next) -> Result<OtlpHttpReceiver, Error> {
        config
            .validate()
            .map_err(|err| Error::new(ErrorKind::InvalidConfig, err.to_string()))?;
        Ok(OtlpHttpReceiver {
            config,
            next,
            metrics: Metrics::new(),
            server: Mutex::new(None),
        })
    }

    /// The address the receiver listens on while started (the real port when the endpoint's is
    /// 0), or `None` when it is not.
    pub async fn local_addr(&self) -> Option<SocketAddr> {
        self.server.lock().await.as_ref().map(Server::local_addr)
    }
}

impl Receiver for OtlpHttpReceiver {
    async fn start(&self, _ctx: &Context) -> Result<(), Error> {
        let mut server = self.server.lock().await;
        if server.is_some() {
            return Err(Error::permanent(
                "the OTLP/HTTP receiver is already started; shut it down before starting it again",
            ));
        }
        let places = self
            .config
            .max_concurrent_requests
            .min(Semaphore::MAX_PERMITS);
        let shared = Arc::new(Shared {
            next: self.next.clone(),
            include_metadata: self.config.include_metadata,
            max_body: self.config.max_request_body_size,
            read_timeout: self.config.read_timeout,
            places: Semaphore::new(places),
            places_total: places,
            stopping: CancellationToken::new(),
            metrics: self.metrics,
            in_flight: InFlight::default(),
            abort: CancellationToken::new(),
        });
        let started =
            Server::start(&self.config.endpoint, self.config.bind_address(), shared).await?;
        tracing::info!(
            endpoint = %self.config.endpoint,
            address = %started.local_addr(),
            "OTLP/HTTP receiver listening"
        );
        *server = Some(started);
        Ok(())
    }

    async fn shutdown(&self, ctx: &Context) -> Result<(), Error> {
        let Some(server) = self.server.lock().await.take() else {
            return Ok(());
        };
        // Never wait forever: a stalled client or pipeline must not hold the collector up.
        let limit = ctx.remaining().unwrap_or(DEFAULT_SHUTDOWN_TIMEOUT);
        let stopped = server.shutdown(limit).await;
        match &stopped {
            Ok(()) => tracing::info!("OTLP/HTTP receiver stopped"),
            Err(err) => tracing::warn!(error = %err, "OTLP/HTTP receiver stopped"),
        }
        stopped
    }
}
