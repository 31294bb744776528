//! Work units: a unit is one replication of one variant. Units are numbered variant by
//! variant; shard `I` of `N` takes every unit whose number is ≡ I (mod N). A unit's seed
//! is a hash of what it is — the plan's name, the variant's parameter values and the
//! replication's number — never of where or when it runs, so the results do not depend on
//! the split, the order or the thread count.

use crate::design::Variant;
use crate::plan::Plan;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A shard: `index` of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// From 0.
    pub index: u64,
    /// At least 1.
    pub count: u64,
}

impl Shard {
    /// The whole sweep in one shard.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Its name in file names: `0-of-3`.
    pub fn name(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }
}

/// One unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unit {
    /// Its number in the sweep.
    pub number: u64,
    /// The variant's index.
    pub variant: usize,
    /// The replication, from 0.
    pub replication: u64,
    /// Its seed (63 bits, so it fits a signed 64-bit column).
    pub seed: u64,
}

/// The seed of a unit: SHA-256 of its identity, 63 bits.
pub fn seed(plan: &Plan, v: &Variant, replication: u64) -> u64 {
    let mut h = Sha256::new();
    h.update(b"corridor.sweep.unit.v1\0");
    h.update(plan.name.as_bytes());
    for (a, l) in plan.axes.iter().zip(&v.levels) {
        h.update(b"\0");
        h.update(a.key.as_bytes());
        h.update(b"=");
        h.update(l.text.as_bytes());
    }
    h.update(b"\0replication=");
    h.update(replication.to_string().as_bytes());
    let d = h.finalize();
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes")) & (u64::MAX >> 1)
}

/// Every unit of the sweep, in order.
pub fn units(plan: &Plan, variants: &[Variant]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut number = 0;
    for v in variants {
        for r in 0..v.replications {
            out.push(Unit {
                number,
                variant: v.index,
                replication: r,
                seed: seed(plan, v, r),
            });
            number += 1;
        }
    }
    out
}

/// The units of a shard.
pub fn of_shard(all: &[Unit], shard: Shard) -> Vec<Unit> {
    all.iter()
        .filter(|u| u.number % shard.count == shard.index)
        .cloned()
        .collect()
}

/// The identity of a sweep: its name, base scenario (as resolved: projects,
/// interventions, demand, run settings), the dataset's hash, and every variant with its
/// values and replications. A directory holds the results of one identity only.
pub fn identity(plan: &Plan, variants: &[Variant], scenario: &str, dataset_hash: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"corridor.sweep.identity.v1\0");
    h.update(plan.name.as_bytes());
    h.update(b"\0");
    h.update(scenario.as_bytes());
    h.update(b"\0");
    h.update(dataset_hash.as_bytes());
    for a in &plan.axes {
        h.update(b"\0axis=");
        h.update(a.key.as_bytes());
        h.update(b":");
        h.update(a.column.as_bytes());
    }
    for v in variants {
        h.update(b"\0");
        h.update(v.key.as_bytes());
        for l in &v.levels {
            h.update(b"|");
            h.update(l.text.as_bytes());
        }
        h.update(format!("|r={}", v.replications).as_bytes());
    }
    hex(&h.finalize())
}

/// Lower-case hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The resolved scenario as text, for the sweep's identity.
pub fn scenario_fingerprint(s: &corridor_scenario::Scenario) -> String {
    serde_json::json!({
        "name": s.name,
        "years": [s.first_year, s.last_year],
        "projects": s.projects,
        "interventions": s.interventions,
        "demand": s.demand,
        "run": s.run,
    })
    .to_string()
}

/// SHA-256 of a dataset as exported plus its parameter files (the server's recipe, so
/// the two name the same data alike).
pub fn dataset_hash(
    net: &corridor_model::Network,
    parameter_files: &[&[u8]],
) -> std::io::Result<String> {
    let mut h = Sha256::new();
    for i in 0..corridor_model::load::FILES.len() {
        let mut buf = Vec::new();
        corridor_model::export::write_dataset_file(net, i, &mut buf)?;
        h.update((buf.len() as u64).to_le_bytes());
        h.update(&buf);
    }
    for t in parameter_files {
        h.update((t.len() as u64).to_le_bytes());
        h.update(t);
    }
    Ok(hex(&h.finalize()))
}
