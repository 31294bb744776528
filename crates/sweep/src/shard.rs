//! Running a shard into a results directory, idempotently and resumably.
//!
//! ```text
//! DIR/sweep.json                               what the sweep is (the same from every shard)
//! DIR/variant=v0007/part-1-of-3.parquet        the rows of shard 1's units of variant v0007
//! DIR/_shards/1-of-3/manifest.json             shard 1: units done, versions, dataset, timings
//! DIR/_shards/1-of-3/journal/v0007.jsonl       units finished, while the variant's part is open
//! ```
//!
//! A part at its final name is complete (written to a temporary and renamed); a rerun
//! skips it when its footer names this sweep and the shard's replications of the variant,
//! and rewrites it otherwise. While a part is open, each unit's rows are appended to the
//! variant's journal as the unit finishes (synced at most every [`store::SYNC_EVERY`]), so
//! a shard killed mid-run loses at most the units under way, and a crashed machine those
//! of the last second: the rerun reads the journal (a torn or zeroed tail is cut off) and
//! runs only the rest. Nothing outside this layout is ever written or removed, and a
//! directory that holds anything else, or another sweep, is refused.

use crate::design::Variant;
use crate::exec::{Row, run_unit, variant_scenario};
use crate::plan::Plan;
use crate::store::{self, PartMeta, StoreError, io_err};
use crate::unit::{Shard, Unit, identity, of_shard, scenario_fingerprint, units};
use corridor_scenario::Scenario;
use corridor_scenario::run::RunError;
use corridor_scenario::timeline::Cache;
use corridor_scenario::vary::VaryError;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Why a shard cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Reading or writing the results.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The directory holds files that are not a sweep's.
    #[error(
        "{dir} holds files that are not a Corridor sweep's (no sweep.json): give --out an empty or new directory"
    )]
    NotASweep {
        /// The directory.
        dir: String,
    },
    /// The directory holds another sweep's results.
    #[error(
        "{dir} holds the results of another sweep (`{found}`, identity {found_id:.12}…; this plan is `{name}`, {id:.12}…): a changed plan, base scenario or dataset gives other results, so give --out a new directory"
    )]
    OtherSweep {
        /// The directory.
        dir: String,
        /// The name found.
        found: String,
        /// Its identity.
        found_id: String,
        /// This plan's name.
        name: String,
        /// This sweep's identity.
        id: String,
    },
    /// The directory holds shards of another split.
    #[error(
        "{dir} holds shards of a {found}-way split; run every shard with --shard I/{found}, or give --out a new directory for a {asked}-way split"
    )]
    OtherSplit {
        /// The directory.
        dir: String,
        /// The split found.
        found: u64,
        /// The split asked.
        asked: u64,
    },
    /// A variant's values cannot be set on the scenario.
    #[error("variant {variant}: {error}")]
    Vary {
        /// The variant's key.
        variant: String,
        /// Why.
        error: VaryError,
    },
    /// A unit cannot run.
    #[error("variant {variant}, replication {replication}: {error}")]
    Run {
        /// The variant's key.
        variant: String,
        /// The replication.
        replication: u64,
        /// Why.
        error: Box<RunError>,
    },
}

/// A sweep: a plan bound to its base, its variants and units, and what identifies it.
pub struct Sweep<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The base scenario.
    pub base: &'a Scenario,
    /// The variants.
    pub variants: Vec<Variant>,
    /// Every unit.
    pub units: Vec<Unit>,
    /// [`identity`].
    pub identity: String,
    /// The dataset's hash.
    pub dataset_hash: String,
    /// The Corridor version.
    pub version: String,
}

impl<'a> Sweep<'a> {
    /// The sweep of a plan on its base scenario and dataset.
    pub fn new(plan: &'a Plan, base: &'a Scenario, dataset_hash: &str, version: &str) -> Self {
        let variants = plan.variants();
        let units = units(plan, &variants);
        let identity = identity(plan, &variants, &scenario_fingerprint(base), dataset_hash);
        Sweep {
            plan,
            base,
            variants,
            units,
            identity,
            dataset_hash: dataset_hash.into(),
            version: version.into(),
        }
    }

    /// `sweep.json`: the same text from every shard.
    pub fn description(&self) -> String {
        let variants: Vec<_> = self
            .variants
            .iter()
            .map(|v| {
                let values: serde_json::Map<String, serde_json::Value> = self
                    .plan
                    .axes
                    .iter()
                    .zip(&v.levels)
                    .map(|(a, l)| (a.column.clone(), l.text.clone().into()))
                    .collect();
                serde_json::json!({"key": v.key, "values": values, "replications": v.replications})
            })
            .collect();
        let axes: Vec<_> = self
            .plan
            .axes
            .iter()
            .map(|a| serde_json::json!({"column": a.column, "param": a.key}))
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "schema": "corridor.sweep", "schema_version": 1,
            "name": self.plan.name, "title": self.plan.title, "scenario": self.plan.scenario,
            "identity": self.identity, "dataset_hash": self.dataset_hash,
            "units": self.units.len(), "axes": axes, "variants": variants,
        }))
        .expect("serialises")
            + "\n"
    }
}

/// A shard's record, `manifest.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// `corridor.sweep_shard`.
    pub schema: String,
    /// The sweep's name and identity.
    pub sweep: String,
    /// See `sweep`.
    pub identity: String,
    /// The shard.
    pub shard: String,
    /// `running` or `complete`.
    pub status: String,
    /// Units of the shard.
    pub units: u64,
    /// Units done (complete parts, journals and this run).
    pub units_done: u64,
    /// Units found complete in parts, and found in journals, before this run.
    pub units_skipped: u64,
    /// See `units_skipped`.
    pub units_resumed: u64,
    /// Units this run simulated.
    pub units_run: u64,
    /// Parts written, and skipped as complete.
    pub parts_written: u64,
    /// See `parts_written`.
    pub parts_skipped: u64,
    /// Corridor's version and the dataset's hash.
    pub corridor_version: String,
    /// See `corridor_version`.
    pub dataset_hash: String,
    /// Worker threads.
    pub threads: usize,
    /// Seconds since 1970 at the start and end.
    pub started_unix: u64,
    /// See `started_unix`.
    pub finished_unix: Option<u64>,
    /// Wall-clock seconds of this run.
    pub elapsed_s: f64,
    /// Mean and longest seconds of a unit this run simulated.
    pub unit_mean_s: f64,
    /// See `unit_mean_s`.
    pub unit_max_s: f64,
}

/// The part of a variant written by a shard.
pub fn part_path(dir: &Path, v: &Variant, shard: Shard) -> PathBuf {
    dir.join(format!("variant={}", v.key))
        .join(format!("part-{}.parquet", shard.name()))
}

fn shard_dir(dir: &Path, shard: Shard) -> PathBuf {
    dir.join("_shards").join(shard.name())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The split of a part's or shard directory's name (`part-1-of-3.parquet`, `1-of-3`).
fn split_of(name: &str) -> Option<u64> {
    let stem = name
        .trim_start_matches("part-")
        .trim_end_matches(".parquet");
    let (i, n) = stem.split_once("-of-")?;
    i.parse::<u64>().ok()?;
    n.parse().ok()
}

/// Check (or start) the results directory: this sweep's, or new.
fn prepare(sw: &Sweep, dir: &Path, shard: Shard) -> Result<(), SweepError> {
    let d = dir.display().to_string();
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let desc_path = dir.join("sweep.json");
    // Shards started at once race to describe the directory: one that finds no
    // `sweep.json` but sees another shard's files reads the description again (it is
    // written atomically, before any other file), once.
    let mut read = fs::read_to_string(&desc_path);
    if read.is_err()
        && fs::read_dir(dir)
            .map_err(io_err(dir))?
            .flatten()
            .any(|e| matches!(e.file_name().to_str(), Some("sweep.json" | "_shards")))
    {
        read = fs::read_to_string(&desc_path);
    }
    match read {
        Ok(text) => {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let found_id = v["identity"].as_str().unwrap_or("").to_string();
            if found_id != sw.identity {
                return Err(SweepError::OtherSweep {
                    dir: d,
                    found: v["name"].as_str().unwrap_or("?").into(),
                    found_id,
                    name: sw.plan.name.clone(),
                    id: sw.identity.clone(),
                });
            }
        }
        Err(_) => {
            let foreign = fs::read_dir(dir).map_err(io_err(dir))?.flatten().any(|e| {
                !e.file_name()
                    .to_string_lossy()
                    .starts_with(".sweep.json.tmp-")
            });
            if foreign {
                return Err(SweepError::NotASweep { dir: d });
            }
            let text = sw.description();
            store::atomic_write(&desc_path, |f| {
                std::io::Write::write_all(f, text.as_bytes()).map_err(io_err(&desc_path))
            })?;
        }
    }
    let shards = dir.join("_shards");
    if let Ok(rd) = fs::read_dir(&shards) {
        for e in rd.flatten() {
            if let Some(n) = split_of(&e.file_name().to_string_lossy()) {
                if n != shard.count {
                    return Err(SweepError::OtherSplit {
                        dir: d,
                        found: n,
                        asked: shard.count,
                    });
                }
            }
        }
    }
    fs::create_dir_all(shard_dir(dir, shard).join("journal"))
        .map_err(io_err(&shard_dir(dir, shard)))?;
    Ok(())
}

/// What a shard's run did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The manifest written.
    pub manifest: Manifest,
    /// Where.
    pub manifest_path: PathBuf,
}

struct Counters {
    done: AtomicU64,
    resumed: AtomicU64,
    run: AtomicU64,
    written: AtomicU64,
    skipped_parts: AtomicU64,
    unit_ns: AtomicU64,
    unit_max_ns: AtomicU64,
    failed: AtomicBool,
}

/// Run the units of `shard` into `dir`. `progress(done, total)` is called as units
/// finish (complete parts count at once).
pub fn run_shard(
    sw: &Sweep,
    dir: &Path,
    shard: Shard,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Outcome, SweepError> {
    let started = Instant::now();
    let started_unix = now();
    prepare(sw, dir, shard)?;
    let mine = of_shard(&sw.units, shard);
    let total = mine.len() as u64;
    let c = Counters {
        done: AtomicU64::new(0),
        resumed: AtomicU64::new(0),
        run: AtomicU64::new(0),
        written: AtomicU64::new(0),
        skipped_parts: AtomicU64::new(0),
        unit_ns: AtomicU64::new(0),
        unit_max_ns: AtomicU64::new(0),
        failed: AtomicBool::new(false),
    };
    let mut work: Vec<(&Variant, Vec<Unit>)> = Vec::new();
    for v in &sw.variants {
        let us: Vec<Unit> = mine
            .iter()
            .filter(|u| u.variant == v.index)
            .cloned()
            .collect();
        if !us.is_empty() {
            work.push((v, us));
        }
    }
    let manifest = |status: &str, finished: Option<u64>| {
        let ran = c.run.load(Ordering::Relaxed);
        let done = c.done.load(Ordering::Relaxed);
        let resumed = c.resumed.load(Ordering::Relaxed);
        Manifest {
            schema: "corridor.sweep_shard".into(),
            sweep: sw.plan.name.clone(),
            identity: sw.identity.clone(),
            shard: shard.name(),
            status: status.into(),
            units: total,
            units_done: done,
            units_skipped: done - ran - resumed,
            units_resumed: resumed,
            units_run: ran,
            parts_written: c.written.load(Ordering::Relaxed),
            parts_skipped: c.skipped_parts.load(Ordering::Relaxed),
            corridor_version: sw.version.clone(),
            dataset_hash: sw.dataset_hash.clone(),
            threads: rayon::current_num_threads(),
            started_unix,
            finished_unix: finished,
            elapsed_s: started.elapsed().as_secs_f64(),
            unit_mean_s: if ran > 0 {
                c.unit_ns.load(Ordering::Relaxed) as f64 / ran as f64 / 1e9
            } else {
                0.0
            },
            unit_max_s: c.unit_max_ns.load(Ordering::Relaxed) as f64 / 1e9,
        }
    };
    let mpath = shard_dir(dir, shard).join("manifest.json");
    write_manifest(&mpath, &manifest("running", None))?;
    progress(0, total);
    work.par_iter()
        .map(|(v, us)| {
            variant_part(sw, dir, shard, v, us, &c, &|| {
                progress(c.done.load(Ordering::Relaxed), total)
            })
        })
        .collect::<Result<Vec<()>, SweepError>>()?;
    let m = manifest("complete", Some(now()));
    write_manifest(&mpath, &m)?;
    Ok(Outcome {
        manifest: m,
        manifest_path: mpath,
    })
}

fn write_manifest(path: &Path, m: &Manifest) -> Result<(), StoreError> {
    let text = serde_json::to_string_pretty(m).expect("serialises") + "\n";
    store::atomic_write(path, |f| {
        std::io::Write::write_all(f, text.as_bytes()).map_err(io_err(path))
    })
}

/// A journal line: one unit's rows.
#[derive(Serialize, Deserialize)]
struct Entry {
    replication: u64,
    seed: u64,
    /// (metric, scope, year, the value's bits: exact, whatever a JSON reader's rounding).
    rows: Vec<(String, String, i32, u64)>,
}

impl Entry {
    fn new(u: &Unit, rows: &[Row]) -> Entry {
        Entry {
            replication: u.replication,
            seed: u.seed,
            rows: rows
                .iter()
                .map(|r| (r.metric.clone(), r.scope.clone(), r.year, r.value.to_bits()))
                .collect(),
        }
    }
    fn rows(self) -> Vec<Row> {
        self.rows
            .into_iter()
            .map(|(metric, scope, year, bits)| Row {
                metric,
                scope,
                year,
                value: f64::from_bits(bits),
            })
            .collect()
    }
}

/// A unit and its rows.
type Done = (Unit, Vec<Row>);

/// The units a journal holds, its torn tail cut off; the file open for appending.
fn open_journal(path: &Path, units: &[Unit]) -> Result<(File, Vec<Done>), StoreError> {
    let mut f = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(io_err(path))?;
    let mut text = String::new();
    f.read_to_string(&mut text).map_err(io_err(path))?;
    let mut good = 0;
    let mut found = Vec::new();
    for line in text.split_inclusive('\n') {
        let Some(body) = line.strip_suffix('\n') else {
            break;
        };
        let Ok(e) = serde_json::from_str::<Entry>(body) else {
            break;
        };
        if let Some(u) = units
            .iter()
            .find(|u| u.replication == e.replication && u.seed == e.seed)
        {
            if !found.iter().any(|(x, _): &Done| x == u) {
                found.push((u.clone(), e.rows()));
            }
        }
        good += line.len();
    }
    if good < text.len() {
        f.set_len(good as u64).map_err(io_err(path))?;
        f.seek(SeekFrom::End(0)).map_err(io_err(path))?;
    }
    Ok((f, found))
}

fn variant_part(
    sw: &Sweep,
    dir: &Path,
    shard: Shard,
    v: &Variant,
    units: &[Unit],
    c: &Counters,
    tick: &(dyn Fn() + Sync),
) -> Result<(), SweepError> {
    if c.failed.load(Ordering::Relaxed) {
        return Ok(());
    }
    let path = part_path(dir, v, shard);
    let meta = PartMeta {
        identity: sw.identity.clone(),
        variant: v.key.clone(),
        shard: shard.name(),
        replications: units.iter().map(|u| u.replication).collect(),
        corridor_version: sw.version.clone(),
    };
    if path.exists()
        && matches!(store::read_meta(&path), Ok(Some(m)) if m.identity == meta.identity && m.replications == meta.replications)
    {
        c.done.fetch_add(units.len() as u64, Ordering::Relaxed);
        c.skipped_parts.fetch_add(1, Ordering::Relaxed);
        tick();
        return Ok(());
    }
    let parent = path.parent().expect("in a variant directory");
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    let _ = fs::remove_file(store::temp_name(&path));
    let jpath = shard_dir(dir, shard)
        .join("journal")
        .join(format!("{}.jsonl", v.key));
    let (journal, found) = open_journal(&jpath, units)?;
    c.resumed.fetch_add(found.len() as u64, Ordering::Relaxed);
    c.done.fetch_add(found.len() as u64, Ordering::Relaxed);
    tick();
    let pending: Vec<&Unit> = units
        .iter()
        .filter(|u| !found.iter().any(|(x, _)| x == *u))
        .collect();
    let done = Mutex::new(found);
    if !pending.is_empty() {
        let s = variant_scenario(sw.base, sw.plan, v).map_err(|error| SweepError::Vary {
            variant: v.key.clone(),
            error,
        })?;
        let cache = Cache::new(&s);
        let journal = Mutex::new(store::Journal::new(journal));
        pending.par_iter().try_for_each(|u| {
            if c.failed.load(Ordering::Relaxed) {
                return Ok(());
            }
            let t = Instant::now();
            let rows = run_unit(&cache, u).map_err(|error| {
                c.failed.store(true, Ordering::Relaxed);
                SweepError::Run {
                    variant: v.key.clone(),
                    replication: u.replication,
                    error: Box::new(error),
                }
            })?;
            let ns = t.elapsed().as_nanos() as u64;
            let line = serde_json::to_string(&Entry::new(u, &rows)).expect("serialises");
            journal
                .lock()
                .expect("not poisoned")
                .append(&jpath, &line)?;
            done.lock()
                .expect("not poisoned")
                .push(((*u).clone(), rows));
            c.unit_ns.fetch_add(ns, Ordering::Relaxed);
            c.unit_max_ns.fetch_max(ns, Ordering::Relaxed);
            c.run.fetch_add(1, Ordering::Relaxed);
            c.done.fetch_add(1, Ordering::Relaxed);
            tick();
            Ok::<(), SweepError>(())
        })?;
    }
    if c.failed.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut all = done.into_inner().expect("not poisoned");
    all.sort_by_key(|(u, _)| u.replication);
    store::write_part(&path, &sw.plan.axes, v, &all, &meta)?;
    c.written.fetch_add(1, Ordering::Relaxed);
    fs::remove_file(&jpath).map_err(io_err(&jpath))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_journal_line_is_cut_off_and_the_rest_kept() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("v0000.jsonl");
        let units: Vec<Unit> = (0..3)
            .map(|r| Unit {
                number: r,
                variant: 0,
                replication: r,
                seed: 100 + r,
            })
            .collect();
        let row = |v: f64| Row {
            metric: "m".into(),
            scope: "all".into(),
            year: 2025,
            value: v,
        };
        let line = |u: &Unit, v: f64| serde_json::to_string(&Entry::new(u, &[row(v)])).unwrap();
        // Two whole lines (0.1 + 0.2 keeps its last bit), then a line cut mid-write.
        let text = format!(
            "{}\n{}\n{}",
            line(&units[0], 0.1 + 0.2),
            line(&units[2], 7.0),
            &line(&units[1], 1.0)[..10]
        );
        std::fs::write(&path, &text).unwrap();
        let (f, found) = open_journal(&path, &units).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].1[0].value.to_bits(), (0.1f64 + 0.2).to_bits());
        assert_eq!(found[1].0.replication, 2);
        let kept = std::fs::read_to_string(&path).unwrap();
        assert!(kept.ends_with('\n') && kept.lines().count() == 2, "{kept}");
        // Appending continues after the whole lines.
        let mut j = store::Journal::new(f);
        j.append(&path, &line(&units[1], 1.0)).unwrap();
        drop(j);
        let (_, found) = open_journal(&path, &units).unwrap();
        assert_eq!(found.len(), 3);
        // A machine that crashed before a sync may leave the tail as zeros: cut off too.
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("\0\0\0\0\n\0\0");
        std::fs::write(&path, &text).unwrap();
        let (_, found) = open_journal(&path, &units).unwrap();
        assert_eq!(found.len(), 3);
        assert!(std::fs::read_to_string(&path).unwrap().ends_with("}\n"));
        // A line of another sweep's unit (another seed) is not taken.
        let stranger = Unit {
            seed: 999,
            ..units[0].clone()
        };
        let (_, found) = open_journal(&path, &[stranger]).unwrap();
        assert!(found.is_empty());
    }
}
