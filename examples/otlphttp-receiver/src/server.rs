//! The HTTP server: a listener, an accept loop, one hyper connection task per client, and the
//! drain that lets in-flight requests finish at shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use otelbridge::CancellationToken;
use otelbridge::{Error, runtime};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::handler::{self, Shared};

/// How long shutdown waits for in-flight requests when its context has no deadline.
pub(crate) const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait after a failed accept (out of file descriptors, say) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// A listening server.
#[derive(Debug)]
pub(crate) struct Server {
    local_addr: SocketAddr,
    stop: CancellationToken,
    accepting: JoinHandle<GracefulShutdown>,
    shared: Arc<Shared>,
}

impl Server {
    /// Binds `address` (the config's `endpoint`) and starts accepting; returns once listening.
    pub(crate) async fn start(
        endpoint: &str,
        address: String,
        shared: Arc<Shared>,
    ) -> Result<Server, Error> {
        let listening = |err: &dyn std::fmt::Display| {
            Error::permanent(format!("listening on {endpoint}: {err}"))
        };
        let listener = TcpListener::bind(address)
            .await
            .map_err(|err| listening(&err))?;
        let local_addr = listener.local_addr().map_err(|err| listening(&err))?;
        let stop = CancellationToken::new();
        let accepting = runtime::spawn(accept(listener, Arc::clone(&shared), stop.clone()));
        Ok(Server {
            local_addr,
            stop,
            accepting,
            shared,
        })
    }

    /// The address the server listens on.
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting and closes the listener, cuts short the bodies still arriving (their
    /// clients get `503`), then waits (at most `limit`) until every open connection has
    /// finished its in-flight request. Past the limit, the connections left are closed without
    /// an answer and the error says how many requests they were serving.
    pub(crate) async fn shutdown(self, limit: Duration) -> Result<(), Error> {
        let Server {
            stop,
            accepting,
            shared,
            ..
        } = self;
        // However this ends (even dropped by the caller), nothing keeps running afterwards.
        let _abort = shared.abort.clone().drop_guard();
        stop.cancel();
        shared.stopping.cancel();
        let drain = async {
            // The accept loop closes the listener before it returns.
            let connections = accepting
                .await
                .map_err(|err| Error::permanent(format!("the accept loop failed: {err}")))?;
            connections.shutdown().await;
            Ok(())
        };
        let Ok(drained) = tokio::time::timeout(limit, drain).await else {
            let requests = match shared.in_flight.count() {
                // Only connections that never sent a whole request: nothing was accepted.
                0 => return Ok(()),
                1 => "1 request was".to_owned(),
                n => format!("{n} requests were"),
            };
            return Err(Error::deadline_exceeded(format!(
                "{requests} still in flight when the shutdown deadline passed ({}); \
                 their connections were closed without an answer",
                otelbridge::duration::format(limit)
            )));
        };
        drained
    }
}

/// Accepts connections until `stop`, serving each on the shared runtime; then closes the
/// listener and hands back what tells the open connections to finish.
async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    stop: CancellationToken,
) -> GracefulShutdown {
    let connections = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(shared.read_timeout)
        // A client may shut its write side after the request and wait for the answer (Go's
        // receiver answers it); without this, hyper drops the request unanswered at that EOF.
        .half_close(true);
    loop {
        let accepted = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                tracing::warn!(error = %err, "accepting a connection failed");
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                }
            }
        };
        // Answers are small and awaited by the client: do not let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let for_requests = Arc::clone(&shared);
        let service =
            service_fn(move |request| handler::handle(Arc::clone(&for_requests), peer, request));
        let connection = connections.watch(http.serve_connection(TokioIo::new(stream), service));
        let abort = shared.abort.clone();
        otelbridge::runtime::spawn(async move {
            tokio::select! {
                biased;
                () = abort.cancelled() => {}
                served = connection => {
                    if let Err(err) = served {
                        tracing::debug!(%peer, error = %err, "an OTLP/HTTP connection failed");
                    }
                }
            }
        });
    }
    // Closing the listener frees the port for whoever binds it next.
    drop(listener);
    connections
}
