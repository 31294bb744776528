//! # corridor-server
//!
//! Corridor's HTTP API (`corridor serve`): the network as GeoJSON, routes and the corridor
//! comparison, scenarios (the embedded ones and scenarios saved in SQLite, edited with a
//! version per edit), simulations, scenario runs and comparisons as background jobs with
//! progress over server-sent events, capacity and assignment; the OpenAPI 3 document at
//! `/api/openapi.json`, generated from the handlers.
//!
//! [`app`] builds the whole [`axum::Router`] from an [`AppState`], one router per resource
//! (`api::*`), so tests call it with `tower::ServiceExt::oneshot` and no socket; [`serve`]
//! binds it and shuts down gracefully on Ctrl-C or SIGTERM.
//!
//! Architecture Invariant: no business logic here. Every answer comes from a library call
//! (`corridor_route`, `corridor_sim`, `corridor_scenario`, `corridor_capacity`) on the
//! network loaded at start; no request-supplied path ever reaches the file system (a saved
//! scenario is text in the database, and it may not name a demand table by path).

pub mod api;
pub mod base;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod routing;
pub mod security;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use base::Base;
use db::Db;
use error::ApiError;
use jobs::{JobLimits, Jobs};
use security::Security;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The Corridor version results record.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The limits of a server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body, bytes.
    pub body_bytes: usize,
    /// Longest query string, bytes.
    pub query_bytes: usize,
    /// A request that takes longer is answered 408 (server-sent event streams excepted).
    pub request_timeout: Duration,
    /// Route, capacity and assignment requests computed at once; more wait their turn up
    /// to [`COMPUTE_WAIT`], then get 503.
    pub computations: usize,
    /// The job system's limits.
    pub jobs: JobLimits,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 1 << 20,
            query_bytes: 4096,
            request_timeout: Duration::from_secs(60),
            computations: 4,
            jobs: JobLimits {
                queue: 8,
                workers: 1,
                per_client: 2,
                threads: 0,
                lower_priority: true,
            },
        }
    }
}

/// How to start a server.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address to bind.
    pub bind: SocketAddr,
    /// The dataset directory (default: the embedded dataset).
    pub data: Option<PathBuf>,
    /// The database file (created on first start).
    pub db: PathBuf,
    /// The access token (required off loopback).
    pub token: Option<String>,
    /// The limits.
    pub limits: Limits,
}

/// Why a server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The dataset or its parameters are invalid.
    #[error("{0}")]
    Base(#[from] base::BaseError),
    /// The database cannot be opened or migrated.
    #[error("the database: {0}")]
    Db(#[from] db::DbError),
    /// The access configuration.
    #[error("{0}")]
    Security(#[from] security::SecurityError),
    /// The job system.
    #[error("the job system: {0}")]
    Jobs(ApiError),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
}

/// How long a request waits for a computation slot before it is answered 503: short
/// bursts queue (a load of route queries is served, not refused), a server that stays
/// saturated says so.
pub const COMPUTE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

struct Inner {
    base: Base,
    db: Arc<Db>,
    jobs: Arc<Jobs>,
    security: Security,
    limits: Limits,
    computations: tokio::sync::Semaphore,
}

/// What every handler shares: the base, the database, the jobs, the access rule.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// A state from its parts; starts the job workers on the current Tokio runtime.
    pub fn new(
        base: Base,
        db: Db,
        security: Security,
        limits: Limits,
    ) -> Result<AppState, StartError> {
        let db = Arc::new(db);
        let jobs = Arc::new(
            Jobs::new(Arc::clone(&db), base.dataset_hash.clone(), limits.jobs)
                .map_err(StartError::Jobs)?,
        );
        jobs.start(limits.jobs.workers);
        Ok(AppState(Arc::new(Inner {
            base,
            db,
            jobs,
            security,
            computations: tokio::sync::Semaphore::new(limits.computations.max(1)),
            limits,
        })))
    }

    /// The state of a configuration: the dataset loaded, the database opened.
    pub fn open(config: &Config) -> Result<AppState, StartError> {
        let security = Security::new(config.bind, config.token.clone())?;
        let base = Base::load(config.data.as_deref())?;
        let db = Db::open(&config.db)?;
        AppState::new(base, db, security, config.limits)
    }

    /// The base.
    pub fn base(&self) -> &Base {
        &self.0.base
    }

    /// The routing graph of the base's network and its remembered place lookups, made on
    /// the first route query.
    pub fn routing(&self) -> &'static routing::Routing {
        let base = &self.0.base;
        routing::of(&base.net, || {
            base.params
                .weather
                .iter()
                .map(|w| w.season(&base.simulation_file))
                .collect()
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.0.db
    }

    /// The jobs.
    pub fn jobs(&self) -> &Jobs {
        &self.0.jobs
    }

    /// The access rule.
    pub fn security(&self) -> &Security {
        &self.0.security
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }

    /// Run a computation on a blocking thread, at most `computations` at once: a request
    /// past that waits its turn, first come first served, for up to [`COMPUTE_WAIT`] (503
    /// past that); a panic in it is a 500 that says nothing of it.
    pub async fn compute<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let busy = || {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy with other computations; try again shortly",
            )
        };
        let _permit = tokio::time::timeout(COMPUTE_WAIT, self.0.computations.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| ApiError::internal(format!("computation failed: {e}")))?
    }
}

/// The whole API.
pub fn app(state: AppState) -> Router {
    let limits = *state.limits();
    api::router(state)
        .layer(axum::middleware::from_fn_with_state(
            limits.query_bytes,
            api::limit_query,
        ))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            api::panic_response,
        ))
}

/// Serve `config` until Ctrl-C or SIGTERM, then finish the requests under way.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let state = AppState::open(&config)?;
    for w in &state.base().warnings {
        eprintln!("warning: {w}");
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|error| StartError::Bind {
            addr: config.bind,
            error,
        })?;
    let addr = listener.local_addr().unwrap_or(config.bind);
    eprintln!(
        "corridor serve: listening on http://{addr} (database {}, dataset {}, writes {})",
        config.db.display(),
        &state.base().dataset_hash[..12],
        if state.security().required() {
            "need the access token"
        } else {
            "open on loopback"
        }
    );
    let router = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stopping.send(true);
    });
    // Requests under way finish; a connection still open (an event stream) after the
    // grace period is closed with the process.
    let grace = async {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
        eprintln!("corridor serve: connections still open after {SHUTDOWN_GRACE:?}: closing them");
    };
    let r = tokio::select! {
        r = std::future::IntoFuture::into_future(server) => r.map_err(|error| StartError::Bind {
            addr: config.bind,
            error,
        }),
        _ = grace => Ok(()),
    };
    state.jobs().stop_all();
    r
}

/// How long a shutdown waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("corridor serve: shutting down");
}

/// [`serve`] on a runtime of its own (for the `corridor serve` command).
pub fn serve_blocking(config: Config) -> Result<(), StartError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| StartError::Bind {
            addr: config.bind,
            error,
        })?;
    let r = rt.block_on(serve(config));
    // A job's replication under way finishes on its blocking thread, up to this long.
    rt.shutdown_timeout(SHUTDOWN_GRACE);
    r
}
