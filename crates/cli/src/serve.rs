//! `corridor serve`: the HTTP API (crate `corridor-server`) on an address, with the
//! database of saved scenarios and results.

use crate::Failure;
use clap::Args;
use corridor_server::security::{TOKEN_ENV, token_from};
use corridor_server::{Config, Limits, StartError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Options of `corridor serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The address to listen on. Anything but loopback needs the access token.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub bind: SocketAddr,
    /// The SQLite database of saved scenarios and job results (created on first start).
    #[arg(long, default_value = "corridor.db", value_name = "FILE")]
    pub db: PathBuf,
    /// A file holding the access token (else the CORRIDOR_TOKEN environment variable).
    /// Never give the token itself on the command line: `ps` shows it to every user.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Jobs (simulations, scenario runs, comparisons) one client may have queued or running.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub jobs_per_client: usize,
    /// Jobs waiting beyond the one running; past that a submission gets 503.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub queue: usize,
}

/// Serve until Ctrl-C or SIGTERM.
pub fn serve(a: ServeArgs, data: Option<&Path>) -> Result<(), Failure> {
    if !(1..=64).contains(&a.jobs_per_client) || a.queue > 1000 {
        return Err(Failure::Usage(
            "--jobs-per-client must be between 1 and 64 and --queue at most 1000".into(),
        ));
    }
    let token = token_from(std::env::var(TOKEN_ENV).ok(), a.token_file.as_deref())
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let mut limits = Limits::default();
    limits.jobs.per_client = a.jobs_per_client;
    limits.jobs.queue = a.queue;
    let config = Config {
        bind: a.bind,
        data: data.map(Path::to_path_buf),
        db: a.db,
        token,
        limits,
    };
    corridor_server::serve_blocking(config).map_err(|e| match e {
        StartError::Base(corridor_server::base::BaseError::Invalid(errors)) => {
            Failure::Invalid(errors)
        }
        StartError::Base(other) => Failure::Usage(other.to_string()),
        StartError::Security(e) => Failure::Usage(e.to_string()),
        StartError::Bind { .. } | StartError::Db(_) => Failure::Io(e.to_string()),
        StartError::Jobs(_) => Failure::Internal(e.to_string()),
    })
}
