//! What a simulation report assumes, as data (the notes of `route` and `compare` are the
//! same type): the CLI prints them under its report and puts them in its JSON.

use super::plan::Plan;
use super::report::Report;
use super::stability::{MATERIAL_GROWTH, SATURATED_UTILISATION};
use corridor_model::ranges::num;
use corridor_route::notes::Note;
use corridor_route::time::Instant;

fn note(id: &'static str, text: String) -> Note {
    Note { id, text }
}

/// The notes of report `r` of `plan`.
pub(crate) fn notes(plan: &Plan, r: &Report) -> Vec<Note> {
    let p = &plan.params;
    let mut v = Vec::new();
    v.push(note(
        "replications",
        if r.replications > 1 {
            format!(
                "Figures are means over {} replications (seed {}); [lo, hi] is the 95 % confidence interval of that mean over replications (Student t), not the spread of single shipments: P50/P90/P95 are quantiles of single containers' door-to-door days.",
                r.replications, r.seed
            )
        } else {
            format!(
                "One replication (seed {}): no confidence intervals; run --replications 20 for them.",
                r.seed
            )
        },
    ));
    v.push(note(
        "window",
        format!(
            "Measured: {} days from {} after {} warm-up days that are not measured; yearly figures scale the window to 365 days.",
            num(plan.days),
            &Instant(plan.warm_end()).iso()[..10],
            num(plan.warmup_days)
        ),
    ));
    v.push(note(
        "terminal_to_terminal",
        "Door-to-door days run from the origin terminal to the destination terminal: no trucking at either end.".into(),
    ));
    v.push(note(
        "cargo_units",
        format!(
            "Containers move as FEU (2 TEU); tonnages put {} t in a TEU (dataset.toml's tonnes_per_teu); wagonload moves in wagons of {} t, each taking {} TEU of a ferry, train or node (simulation.toml), which is how TEU-equivalents count a wagon.",
            num(plan.tonnes_per_teu),
            num(p.tonnes_per_wagon),
            num(p.teu_per_wagon)
        ),
    ));
    let factors: Vec<f64> = plan.epochs.iter().map(|e| e.demand_factor).collect();
    let factor = factors[0];
    let pinned = |m: &str| {
        plan.epochs[0]
            .shares
            .iter()
            .filter(|s| s.method == m)
            .count()
    };
    if factors.iter().all(|f| *f == factor) {
        v.push(note(
            "demand",
            format!(
                "Demand: every volume of the table × {}; {} flows pinned to a corridor (a pinned row its whole volume, grown or not; a `share:` row up to its table volume, what grows above it choosing), {} choosing their corridor by the capacity-restrained logit.",
                num(factor),
                pinned("pinned"),
                pinned("logit"),
            ),
        ));
    }
    let years: Vec<String> = {
        let mut y: Vec<i32> = p.calibration.iter().map(|c| c.year).collect();
        y.sort_unstable();
        y.dedup();
        y.iter().map(|y| y.to_string()).collect()
    };
    v.push(note(
        "calibration",
        if r.calibration.is_empty() {
            format!(
                "No observation for this case: calibration.csv holds published figures of {} at the observed demand (demand factor 1); this run is {} at × {}.",
                if years.is_empty() { "no year".to_string() } else { years.join(", ") },
                Instant(plan.start).year(),
                num(factor)
            )
        } else {
            "Simulated against observed: each published figure is compared with the same measure simulated (cargo carried, scaled to a year).".into()
        },
    ));
    v.push(note(
        "stability",
        format!(
            "The verdict reads the trend of the backlog over the measured window: unstable when the TEU in the system grow, with 95 % confidence, by at least {} % of what arrives a day; saturated when the backlog does not grow but a resource is at {} % utilisation or more.",
            num(MATERIAL_GROWTH * 100.0),
            num(SATURATED_UTILISATION * 100.0)
        ),
    ));
    v
}
