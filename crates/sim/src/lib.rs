//! # corridor-sim
//!
//! Corridor's discrete-event simulation: a small, general kernel and the models built on
//! it.
//!
//! - [`kernel`]: the future-event list ordered by (time, sequence), so ties are
//!   deterministic; the [`kernel::Model`] trait and [`kernel::run`].
//! - [`rng`]: one seeded random stream per replication and per stochastic source (common
//!   random numbers across scenarios; the same results whatever the thread count).
//! - [`resource`]: servers with a FIFO queue and time-weighted statistics.
//! - [`stats`]: Welford tallies, time averages, log-bucketed histograms (quantiles in fixed
//!   memory), batch means and confidence intervals.
//! - [`ops`], [`ops_input`]: the corridor operations model (demand, routes, timetabled
//!   departures with capacity, capacity-limited nodes, weather closures) and its inputs.
//! - [`fuzzing`]: entry points of the fuzz targets (`fuzz/`) and of the test replaying
//!   their saved inputs.
//! - [`models`]: M/M/c and a sail-when-full batch server (checked against Erlang C and
//!   (K−1)/(2λ)), and the reference corridor of `shared/bench/des`.
//!
//! Architecture Invariant: no printing, no async runtime, no allocation per event in the
//! hot loop (events are small `Copy` values; buffers are reused).

pub mod fuzzing;
pub mod kernel;
pub mod models;
pub mod ops;
pub mod ops_input;
pub mod resource;
pub mod rng;
pub mod stats;
