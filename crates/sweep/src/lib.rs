//! # corridor-sweep
//!
//! Sweeps: many variants of a scenario, with replications on top of each, run as
//! independent work units on one machine or a cluster the user already has.
//!
//! - [`plan`]: the sweep plan (TOML) read and bound to its base scenario, every problem at
//!   its file, line and key;
//! - [`design`]: the variants an axis set gives (full factorial, Latin hypercube);
//! - [`unit`]: work units (variant, replication), their seeds (a hash of what they are),
//!   shards, the sweep's identity and the dataset's hash;
//! - [`exec`]: a variant as the base scenario with its values set
//!   (`corridor_scenario::vary`), a unit as one replication of it, tidy rows;
//! - [`store`]: Hive-partitioned Parquet parts, written whole and renamed;
//! - [`shard`]: a shard's run: complete parts skipped, units journalled as they finish so a
//!   killed shard resumes, `manifest.json`;
//! - [`summary`]: mean, confidence interval and percentiles per variant and metric, and the
//!   DuckDB query that computes the same;
//! - [`cluster`]: a Slurm job-array script and a Kubernetes Indexed Job manifest that run
//!   the same command, the shard from the engine's task index.
//!
//! Architecture Invariant: depends on `scenario` (never the reverse); a variant is made by
//! the scenario's own API, never by editing its text. Its only I/O is the results
//! directory it is given; it prints nothing.

pub mod cluster;
pub mod design;
pub mod exec;
pub mod plan;
pub mod shard;
pub mod store;
pub mod summary;
pub mod unit;

pub use plan::{Plan, PlanFile, bind};
pub use shard::{Sweep, SweepError, run_shard};
pub use unit::Shard;
