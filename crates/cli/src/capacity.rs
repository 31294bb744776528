//! `corridor capacity` and `corridor assign`: the network-flow answers (maximum flow and
//! binding cuts, capacity against demand by year, user equilibrium, TNTP networks).

use crate::Failure;
use crate::scenario::{Base, resolve};
use crate::table::render;
use clap::{Args, Subcommand, ValueEnum};
use corridor_capacity::equilibrium::{Equilibrium, OdFlow, equilibrium};
use corridor_capacity::graph::{Cargo, Groups};
use corridor_capacity::maxcut::{CapacityAnswer, capacity};
use corridor_capacity::saturation::{Saturation, saturation};
use corridor_model::Network;
use corridor_scenario::timeline::{Cache, Draw, InForce};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CargoArg {
    /// Containers, TEU a year.
    Containers,
    /// Conventional wagonload, tonnes a year.
    Wagonload,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CapacityArgs {
    #[command(subcommand)]
    pub sub: Option<CapacitySub>,
    /// Origins: country codes, `EU`, or node ids, comma-separated.
    #[arg(long, default_value = "CN")]
    pub from: String,
    /// Destinations, as --from.
    #[arg(long, default_value = "EU")]
    pub to: String,
    /// Only the links of this corridor (default: each corridor, and all together).
    #[arg(long)]
    pub corridor: Option<String>,
    /// Cargo.
    #[arg(long, value_enum, default_value = "containers")]
    pub cargo: CargoArg,
    /// The network of a scenario (an embedded name or a file) in force on 1 July of --year,
    /// every project at its expected date.
    #[arg(long)]
    pub scenario: Option<String>,
    /// The year of --scenario's network.
    #[arg(long, requires = "scenario")]
    pub year: Option<i32>,
    /// Successive cuts to show (what binds once the previous one is relieved).
    #[arg(long, default_value_t = 3)]
    pub cuts: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum CapacitySub {
    /// For a scenario: each year's capacity per corridor against its demand, and the first
    /// year demand exceeds it (P50/P90 over draws of the projects' completion dates).
    Saturation {
        /// The scenario (an embedded name or a file).
        #[arg(long)]
        scenario: String,
        /// Draws of the completion dates (default: the scenario's replications).
        #[arg(long)]
        draws: Option<u64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct AssignArgs {
    /// A scenario's network and demand in --year (default: the network and demand as they
    /// are).
    #[arg(long, conflicts_with = "tntp")]
    pub scenario: Option<String>,
    /// The year of --scenario.
    #[arg(long, requires = "scenario")]
    pub year: Option<i32>,
    /// A TNTP network and its trips instead: NET TRIPS (`_net.tntp`, `_trips.tntp`).
    #[arg(long, num_args = 2, value_names = ["NET", "TRIPS"])]
    pub tntp: Option<Vec<PathBuf>>,
    /// Target relative gap (TSTT − SPTT) / TSTT.
    #[arg(long, default_value_t = 1e-6)]
    pub gap: f64,
    /// List the origin–destination pairs that use this link (id; TNTP: its 1-based row),
    /// or this capacity-limited node.
    #[arg(long, value_name = "ID")]
    pub select_link: Option<String>,
    /// Write the link flows in TNTP `_flow` format (with --tntp).
    #[arg(long, value_name = "FILE", requires = "tntp")]
    pub out: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn cargo(c: CargoArg) -> Cargo {
    match c {
        CargoArg::Containers => Cargo::Containers,
        CargoArg::Wagonload => Cargo::Wagonload,
    }
}

fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.0}")
    } else {
        "unbounded".into()
    }
}

/// The network of a scenario in force on 1 July of `year` with firm dates.
fn scenario_network(
    name: &str,
    year: Option<i32>,
    base: &Base,
    deny: bool,
) -> Result<(Arc<Network>, corridor_scenario::Scenario, i32), Failure> {
    let s = resolve(name, base, &[], deny)?;
    let y = year.unwrap_or(s.first_year);
    if !(s.first_year..=s.last_year).contains(&y) {
        return Err(Failure::Usage(format!(
            "--year {y} is not within the scenario's horizon {}–{}",
            s.first_year, s.last_year
        )));
    }
    let cache = Cache::new(&s);
    let f = InForce::at(
        &s,
        &Draw::firm(&s),
        corridor_route::time::Instant::from_civil(y, 7, 1, 0.0).0,
    );
    let net = cache.network(&f).map_err(Failure::Invalid)?;
    Ok((net, s, y))
}

/// `corridor capacity`.
pub fn capacity_command(
    a: CapacityArgs,
    net: Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<String, Failure> {
    let base = Base::load(Arc::clone(&net), data, deny)?;
    if let Some(CapacitySub::Saturation {
        scenario,
        draws,
        json,
    }) = a.sub
    {
        let s = resolve(&scenario, &base, &[], deny)?;
        let draws = draws.unwrap_or(s.run.replications.max(20));
        if !(1..=100_000).contains(&draws) {
            return Err(Failure::Usage(
                "--draws must be between 1 and 100000".into(),
            ));
        }
        let r = saturation(&s, draws, s.run.seed).map_err(|e| Failure::Usage(e.to_string()))?;
        if json {
            return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.saturation", "schema_version": 1, "saturation": r})).expect("serialises") + "\n");
        }
        return Ok(saturation_text(&r));
    }
    if a.cuts == 0 || a.cuts > 20 {
        return Err(Failure::Usage("--cuts must be between 1 and 20".into()));
    }
    let (net, label) = match &a.scenario {
        Some(name) => {
            let (n, s, y) = scenario_network(name, a.year, &base, deny)?;
            (
                n,
                format!(
                    "{} in force on 1 July {y} (projects at their expected dates)",
                    s.name
                ),
            )
        }
        None => (Arc::clone(&net), "the network as it is".to_string()),
    };
    let groups = Groups::parse(&net, &a.from, &a.to).map_err(|e| Failure::Usage(e.to_string()))?;
    let cargo = cargo(a.cargo);
    let corridor = match &a.corridor {
        Some(k) => Some(net.corridor_by_key(k).ok_or_else(|| {
            Failure::Usage(format!(
                "unknown corridor `{k}`{}",
                corridor_model::diag::did_you_mean(k, net.corridors.iter().map(|c| c.key.as_str()))
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_else(|| format!(
                        " (corridors: {})",
                        net.corridors
                            .iter()
                            .map(|c| c.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
            ))
        })?),
        None => None,
    };
    let err = |e: corridor_capacity::maxcut::CapacityError| Failure::Usage(e.to_string());
    let whole =
        capacity(&net, &base_params(&base), &groups, cargo, corridor, a.cuts).map_err(err)?;
    let per_corridor: Vec<(String, Result<CapacityAnswer, String>)> = if corridor.is_none() {
        net.corridors
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let id = corridor_model::network::CorridorId(i as u16);
                (
                    c.key.clone(),
                    capacity(&net, &base_params(&base), &groups, cargo, Some(id), 1)
                        .map_err(|e| e.to_string()),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    if a.json {
        let corridors: Vec<serde_json::Value> = per_corridor
            .iter()
            .map(|(k, r)| match r {
                Ok(x) => serde_json::json!({"corridor": k, "max_flow": x.max_flow(), "bottlenecks": x.cuts[0].bottlenecks}),
                Err(e) => serde_json::json!({"corridor": k, "error": e}),
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.capacity", "schema_version": 1, "network": label, "capacity": whole, "corridors": corridors})).expect("serialises") + "\n");
    }
    Ok(capacity_text(&whole, &per_corridor, &label))
}

fn base_params(b: &Base) -> corridor_sim::ops_input::Parsed {
    b.params().clone()
}

fn capacity_text(
    a: &CapacityAnswer,
    per: &[(String, Result<CapacityAnswer, String>)],
    label: &str,
) -> String {
    let unit = &a.unit;
    let mut out = format!(
        "Capacity from {} to {}{} on {label}, {} ({unit}):\n\n",
        a.groups.from,
        a.groups.to,
        a.corridor
            .as_ref()
            .map(|c| format!(" on corridor {c}"))
            .unwrap_or_default(),
        match a.cargo {
            Cargo::Containers => "containers",
            Cargo::Wagonload => "wagonload",
        }
    );
    out.push_str(&format!("Maximum flow: {} {unit}\n", num(a.max_flow())));
    for (i, c) in a.cuts.iter().enumerate() {
        let title = if i == 0 {
            format!("Binding cut ({unit}; relieve one of these and the maximum rises):")
        } else {
            format!(
                "Once the cuts above are relieved: {} {unit}, bound by:",
                num(c.max_flow)
            )
        };
        out.push_str(&format!("\n{title}\n"));
        let rows: Vec<Vec<String>> = c
            .bottlenecks
            .iter()
            .map(|b| {
                vec![
                    cut(&b.name, 46),
                    num(b.capacity),
                    cut(&b.basis, 40),
                    cut(&b.sources.join(";"), 16),
                ]
            })
            .collect();
        out.push_str(&render(&["ELEMENT", "CAPACITY", "BASIS", "SOURCES"], &rows));
    }
    if a.unbounded_after {
        out.push_str("\nRelieving those, nothing further binds: a chain of elements without a stated capacity joins the groups.\n");
    }
    if !per.is_empty() {
        let rows: Vec<Vec<String>> = per
            .iter()
            .map(|(k, r)| match r {
                Ok(x) => vec![
                    k.clone(),
                    num(x.max_flow()),
                    cut(
                        &x.cuts[0]
                            .bottlenecks
                            .iter()
                            .map(|b| b.name.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                        84,
                    ),
                ],
                Err(e) => vec![k.clone(), "—".into(), cut(e, 84)],
            })
            .collect();
        out.push_str(&format!("\nBy corridor (each on its own links, {unit}):\n"));
        out.push_str(&render(&["CORRIDOR", "MAXIMUM", "BINDING"], &rows));
    }
    out.push_str(
        "\nNotes: a node's TEU capacity limits containers, a train capacity every cargo; a line's capacity holds in each\n\
         direction; timetabled services count departures × payload less their mode's mean weather closures; an element\n\
         without a stated capacity is unbounded. One commodity: the flow from any origin to any destination.\n",
    );
    out
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

fn saturation_text(r: &Saturation) -> String {
    let mut out = format!(
        "{}: container capacity against demand by year, {} draws of the projects' completion dates (seed {})\n\n",
        r.scenario, r.draws, r.seed
    );
    let rows: Vec<Vec<String>> = r
        .years
        .iter()
        .map(|y| {
            vec![
                y.year.to_string(),
                y.corridor.clone(),
                num(y.demand_teu),
                num(y.capacity_p50),
                format!("{}–{}", num(y.capacity_p10), num(y.capacity_p90)),
                format!("{:.0} %", 100.0 * y.exceeded_share),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            "YEAR",
            "CORRIDOR",
            "DEMAND TEU",
            "CAPACITY P50",
            "P10–P90",
            "DRAWS OVER",
        ],
        &rows,
    ));
    out.push_str("\nFirst year demand exceeds capacity:\n");
    let rows: Vec<Vec<String>> = r
        .first
        .iter()
        .map(|f| {
            let y = |v: Option<i32>| {
                v.map(|y| y.to_string())
                    .unwrap_or_else(|| "not by the end".into())
            };
            vec![
                f.corridor.clone(),
                y(f.p50),
                y(f.p90),
                format!("{:.0} %", 100.0 * f.share),
            ]
        })
        .collect();
    out.push_str(&render(
        &["CORRIDOR", "P50", "P90", "DRAWS WITHIN THE HORIZON"],
        &rows,
    ));
    out.push_str("\nNotes:\n");
    for n in &r.notes {
        out.push_str(&format!("- {n}\n"));
    }
    out
}

/// `corridor assign`.
pub fn assign_command(
    a: AssignArgs,
    net: Arc<Network>,
    data: Option<&Path>,
    deny: bool,
) -> Result<String, Failure> {
    if !(a.gap.is_finite() && a.gap > 0.0 && a.gap < 1.0) {
        return Err(Failure::Usage(
            "--gap must be above 0 and below 1 (e.g. 1e-6)".into(),
        ));
    }
    if let Some(paths) = &a.tntp {
        return tntp(&a, &paths[0], &paths[1]);
    }
    let base = Base::load(Arc::clone(&net), data, deny)?;
    let (net, flows, label): (Arc<Network>, Vec<OdFlow>, String) = match &a.scenario {
        Some(name) => {
            let (n, s, y) = scenario_network(name, a.year, &base, deny)?;
            let flows = s
                .demand
                .flows_in(y)
                .iter()
                .filter_map(|f| {
                    Some(OdFlow {
                        from: n.node_by_key(&f.from)?,
                        to: n.node_by_key(&f.to)?,
                        teu: f.teu_per_year,
                        tonnes: f.tonnes_per_year,
                    })
                })
                .collect();
            (n, flows, format!("{} in {y}", s.name))
        }
        None => {
            let flows = base
                .params()
                .flows
                .iter()
                .map(|f| OdFlow {
                    from: f.from,
                    to: f.to,
                    teu: f.teu_per_year,
                    tonnes: f.tonnes_per_year,
                })
                .collect();
            (
                Arc::clone(&net),
                flows,
                format!("the network as it is with {}", base.demand_file()),
            )
        }
    };
    let e = equilibrium(&net, base.params(), &flows, a.gap, a.select_link.as_deref())
        .map_err(|e| Failure::Usage(e.to_string()))?;
    if a.json {
        return Ok(serde_json::to_string_pretty(&serde_json::json!({"schema": "corridor.assignment", "schema_version": 1, "network": label, "assignment": e})).expect("serialises") + "\n");
    }
    Ok(equilibrium_text(&e, &label))
}

/// The gap after each iteration (0: the all-or-nothing start), the first eight and the
/// last three.
fn gaps_line(gaps: &[f64]) -> String {
    let shown: Vec<String> = gaps
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 8 || *i + 3 >= gaps.len())
        .map(|(i, g)| format!("{i}: {g:.1e}"))
        .collect();
    shown.join(", ")
}

fn equilibrium_text(e: &Equilibrium, label: &str) -> String {
    let mut out = format!(
        "User equilibrium on {label}: relative gap {:.2e} after {} iterations{}\nGap by iteration: {}\n\n",
        e.relative_gap,
        e.iterations,
        if e.converged {
            ""
        } else {
            " (target not reached)"
        },
        gaps_line(&e.gaps)
    );
    let rows: Vec<Vec<String>> = e
        .loads
        .iter()
        .filter(|l| l.volume_teu > 0.5)
        .take(15)
        .map(|l| {
            vec![
                cut(&l.name, 56),
                num(l.volume_teu),
                l.capacity_teu.map(num).unwrap_or_else(|| "—".into()),
                l.volume_capacity
                    .map(|x| format!("{:.0} %", 100.0 * x))
                    .unwrap_or_else(|| "—".into()),
                format!("{:.1}", l.free_flow_h),
                format!("{:.1}", l.time_h),
            ]
        })
        .collect();
    out.push_str("Most loaded elements (TEU-equivalent a year):\n");
    out.push_str(&render(
        &["ELEMENT", "VOLUME", "CAPACITY", "V/C", "FREE H", "LOADED H"],
        &rows,
    ));
    if let Some((id, pairs)) = &e.selected {
        out.push_str(&format!("\nWho uses {id}:\n"));
        let rows: Vec<Vec<String>> = pairs
            .iter()
            .map(|p| {
                vec![
                    p.class.clone(),
                    p.from.clone(),
                    p.to.clone(),
                    num(p.flow),
                    format!("{:.0} %", 100.0 * p.share),
                ]
            })
            .collect();
        if rows.is_empty() {
            out.push_str("  nobody at equilibrium\n");
        } else {
            out.push_str(&render(
                &["CLASS", "FROM", "TO", "FLOW", "SHARE OF PAIR"],
                &rows,
            ));
        }
    }
    out.push_str("\nNotes:\n");
    for n in &e.notes {
        out.push_str(&format!("- {n}\n"));
    }
    out
}

/// `corridor assign --tntp NET TRIPS`.
fn tntp(a: &AssignArgs, net_path: &Path, trips_path: &Path) -> Result<String, Failure> {
    use corridor_flow::{assign, tntp};
    let limit = corridor_model::read::DATASET_TABLE.bytes;
    let text = |p: &Path| tntp::read_text(p, limit).map_err(Failure::Invalid);
    let nt = text(net_path)?;
    let tt = text(trips_path)?;
    let tnet = tntp::parse_net(&nt, &net_path.display().to_string()).map_err(Failure::Invalid)?;
    let trips =
        tntp::parse_trips(&tt, &trips_path.display().to_string()).map_err(Failure::Invalid)?;
    let anet = assign::Network::from_tntp(&tnet).map_err(Failure::Invalid)?;
    let class = assign::DemandClass::from_tntp("trips", &trips, &tnet).map_err(Failure::Invalid)?;
    let select = match &a.select_link {
        Some(s) => {
            let row: usize = s.parse().map_err(|_| {
                Failure::Usage(format!(
                    "--select-link with --tntp takes the link's 1-based row in {}, found `{s}`",
                    net_path.display()
                ))
            })?;
            if row == 0 || row > tnet.links.len() {
                return Err(Failure::Usage(format!(
                    "--select-link {row}: {} has links 1 to {}",
                    net_path.display(),
                    tnet.links.len()
                )));
            }
            Some(row - 1)
        }
        None => None,
    };
    let config = assign::AssignConfig {
        target_gap: a.gap,
        ..assign::AssignConfig::default()
    };
    let r = assign::assign(&anet, std::slice::from_ref(&class), &config)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(out) = &a.out {
        crate::output::write_file(out, a.force, |w| {
            tntp::write_flow(w, &tnet, &r.link_flows, &r.link_times)
                .map_err(|e| std::io::Error::other(e.to_string()))
        })?;
    }
    let selected = select.map(|li| r.select_link(li));
    if a.json {
        return Ok(serde_json::to_string_pretty(&serde_json::json!({
            "schema": "corridor.tntp_assignment", "schema_version": 1,
            "relative_gap": r.relative_gap, "iterations": r.iterations, "converged": r.converged,
            "gaps": r.history.iter().map(|h| h.relative_gap).collect::<Vec<_>>(),
            "tstt": r.tstt, "sptt": r.sptt,
            "link_flows": r.link_flows, "link_times": r.link_times,
            "selected": selected.as_ref().map(|v| v.iter().map(|s| serde_json::json!({"origin": s.origin + 1, "destination": s.destination + 1, "flow": s.flow, "share": s.share})).collect::<Vec<_>>()),
        })).expect("serialises") + "\n");
    }
    let mut out = format!(
        "User equilibrium of {} ({} nodes, {} links, {:.0} trips): relative gap {:.2e} after {} iterations{}\nGap by iteration: {}\nTSTT {:.6e}, SPTT {:.6e}\n",
        net_path.display(),
        tnet.nodes,
        tnet.links.len(),
        trips.total() - trips.intrazonal(),
        r.relative_gap,
        r.iterations,
        if r.converged {
            ""
        } else {
            " (target not reached)"
        },
        gaps_line(&r.history.iter().map(|h| h.relative_gap).collect::<Vec<_>>()),
        r.tstt,
        r.sptt
    );
    if let Some(out_path) = &a.out {
        out.push_str(&format!("Link flows written to {}\n", out_path.display()));
    }
    if let (Some(li), Some(sel)) = (select, &selected) {
        let l = &tnet.links[li];
        out.push_str(&format!(
            "\nWho uses link {} ({} → {}), flow {:.1}:\n",
            li + 1,
            l.init_node,
            l.term_node,
            r.link_flows[li]
        ));
        let rows: Vec<Vec<String>> = sel
            .iter()
            .take(30)
            .map(|s| {
                vec![
                    (s.origin + 1).to_string(),
                    (s.destination + 1).to_string(),
                    format!("{:.1}", s.flow),
                    format!("{:.1} %", 100.0 * s.share),
                ]
            })
            .collect();
        out.push_str(&render(
            &["ORIGIN", "DESTINATION", "FLOW", "SHARE OF PAIR"],
            &rows,
        ));
        if sel.len() > 30 {
            out.push_str(&format!(
                "… and {} more pairs (--json lists all)\n",
                sel.len() - 30
            ));
        }
    }
    Ok(out)
}
