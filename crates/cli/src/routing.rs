//! `corridor route` and `corridor compare`: parse the shipment and constraints, call the
//! planner, print tables, JSON or GeoJSON.

use crate::Failure;
use crate::layout::{terminal_width, wrap};
use crate::routing_text::{self as text, View};
use clap::Args;
use corridor_model::Network;
use corridor_route::graph::Graph;
use corridor_route::names::find_node;
use corridor_route::notes::{Basis, Note, notes, verdict};
use corridor_route::options;
use corridor_route::plan::{self, CompareRow, Route, Sampling, Weights};
use corridor_route::search::{Constraints, Shipment};
use corridor_route::season::Season;
use corridor_route::time::Instant;
use serde_json::json;

/// The shipment and the constraints, shared by `route` and `compare`.
#[derive(Args, Debug)]
pub struct ShipmentArgs {
    /// Origin: a node id, name or alias (e.g. Xian, "Xi'an", CN-XIAN).
    #[arg(long)]
    pub from: String,
    /// Destination: a node id, name or alias.
    #[arg(long)]
    pub to: String,
    /// Date the cargo is ready at the origin (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub date: String,
    /// Time of day the cargo is ready (HH:MM, UTC).
    #[arg(long, default_value = "00:00")]
    pub time: String,
    /// Cargo size in TEU (twenty-foot equivalent units).
    #[arg(long, conflicts_with = "feu")]
    pub teu: Option<f64>,
    /// Cargo size in FEU (forty-foot units; 1 FEU = 2 TEU).
    #[arg(long)]
    pub feu: Option<f64>,
    /// Countries to avoid (ISO 3166-1 alpha-2, comma-separated), e.g. RU,IR.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub avoid_country: Vec<String>,
    /// Places to avoid (ids or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "PLACES")]
    pub avoid_node: Vec<String>,
    /// Modes to avoid (comma-separated): rail, road, caspian_ferry, black_sea_ferry, lake_ferry, deep_sea.
    #[arg(long, value_delimiter = ',', value_name = "MODES")]
    pub avoid_mode: Vec<String>,
    /// Sea passages to avoid (comma-separated): suez, bab-el-mandeb, malacca, gibraltar,
    /// cape-of-good-hope, turkish-straits, hormuz (`corridor network show --passages`).
    #[arg(long, value_delimiter = ',', value_name = "PASSAGES")]
    pub avoid_passage: Vec<String>,
    /// Timetabled services to avoid (ids from services.csv, comma-separated), e.g. S-KURYK-ALAT-FERRY.
    #[arg(long, value_delimiter = ',', value_name = "SERVICES")]
    pub avoid_service: Vec<String>,
    /// Places the route must pass, in order (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "PLACES")]
    pub via: Vec<String>,
    /// Longest acceptable door-to-door time, days (planned, median chain).
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub max_days: Option<f64>,
    /// Highest acceptable total cost, USD.
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub max_cost: Option<f64>,
    /// Ranking of the routes: time, cost, co2 or balanced.
    #[arg(long, default_value = "balanced", value_parser = ["time", "cost", "co2", "balanced"])]
    pub prefer: String,
    /// Explicit ranking weights TIME,COST,CO2 (overrides --prefer), e.g. 1,0.5,0.2.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "TIME,COST,CO2",
        allow_hyphen_values = true
    )]
    pub weights: Option<Vec<f64>>,
    /// Value of time of `--prefer balanced`, USD per TEU and day (default 60, the
    /// simulation's route choice: interest and depreciation on ~50,000 USD of goods a TEU).
    #[arg(
        long,
        value_name = "USD",
        allow_negative_numbers = true,
        conflicts_with = "weights"
    )]
    pub value_of_time: Option<f64>,
    /// Carbon price of `--prefer balanced`, USD per tonne of CO2e (default 0, as the
    /// simulation's route choice).
    #[arg(
        long,
        value_name = "USD",
        allow_negative_numbers = true,
        conflicts_with = "weights"
    )]
    pub carbon_price: Option<f64>,
    /// Simulated journeys per route for the P50/P90/P95 times.
    #[arg(long, default_value_t = 4000)]
    pub samples: usize,
    /// Seed of the simulated journeys.
    #[arg(long, default_value_t = 20_260_303)]
    pub seed: u64,
    /// Print JSON (a documented, stable schema) instead of a table.
    #[arg(long, conflicts_with = "geojson")]
    pub json: bool,
    /// Print the routes' legs as GeoJSON lines (to open in QGIS).
    #[arg(long)]
    pub geojson: bool,
    /// List every leg with waiting, travel and dwell times and the sources of its figures,
    /// and each route's cost by category.
    #[arg(long)]
    pub explain: bool,
    /// Print CSV (one row per route or corridor, with the cost by category) instead of a
    /// table; the notes go to standard error.
    #[arg(long, conflicts_with_all = ["json", "geojson", "explain"])]
    pub csv: bool,
    /// Cargo per TEU in tonnes, for the emissions (default: the dataset's, 10 t).
    #[arg(long, value_name = "TONNES")]
    pub tonnes_per_teu: Option<f64>,
    /// One line per row, however wide (today's layout); the default fits the terminal
    /// (`COLUMNS`, else its width, else 120 columns).
    #[arg(long)]
    pub wide: bool,
}

struct Resolved {
    shipment: Shipment,
    /// The cargo figures the results rest on.
    basis: Basis,
    constraints: Constraints,
    weights: Weights,
    sampling: Sampling,
    /// Options that are legal but change nothing (an avoided country no link crosses).
    warnings: Vec<String>,
}

fn usage(m: impl Into<String>) -> Failure {
    Failure::Usage(m.into())
}

fn resolve(net: &Network, a: &ShipmentArgs) -> Result<Resolved, Failure> {
    let place = |q: &str| find_node(net, q).map_err(|e| usage(e.to_string()));
    let from = place(&a.from)?;
    let to = place(&a.to)?;
    if from == to {
        return Err(usage("--from and --to are the same place"));
    }
    let ready = Instant::parse(&a.date, Some(&a.time)).map_err(usage)?.0;
    let size_given = a.teu.is_some() || a.feu.is_some();
    let teu = options::cargo_teu(a.teu, a.feu).map_err(|e| usage(e.to_string()))?;
    let mut warnings = Vec::new();
    let mut note = |flag: &str, u: Option<options::Unused>| {
        if let Some(u) = u {
            warnings.push(format!("{flag} {u}"));
        }
    };
    let mut avoid_countries = Vec::new();
    for c in &a.avoid_country {
        let (code, unused) = options::country(net, c).map_err(|e| usage(e.to_string()))?;
        note(&format!("--avoid-country {code}:"), unused);
        avoid_countries.push(code);
    }
    let mut avoid_modes = Vec::new();
    for m in &a.avoid_mode {
        let (mode, unused) = options::mode(net, m).map_err(|e| usage(e.to_string()))?;
        note(&format!("--avoid-mode {mode}:"), unused);
        avoid_modes.push(mode);
    }
    let mut avoid_passages = Vec::new();
    for p in &a.avoid_passage {
        let (id, unused) = options::passage(net, p).map_err(|e| usage(e.to_string()))?;
        note("--avoid-passage", unused);
        avoid_passages.push(id);
    }
    let avoid_services = a
        .avoid_service
        .iter()
        .map(|id| options::service(net, id).map_err(|e| usage(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let avoid_nodes = a
        .avoid_node
        .iter()
        .map(|q| place(q))
        .collect::<Result<Vec<_>, _>>()?;
    let via = a
        .via
        .iter()
        .map(|q| place(q))
        .collect::<Result<Vec<_>, _>>()?;
    if avoid_nodes.contains(&from) || avoid_nodes.contains(&to) {
        return Err(usage("--avoid-node names the origin or the destination"));
    }
    for &n in &avoid_nodes {
        note("--avoid-node", options::unused_node(net, n));
    }
    if via.len() > options::MAX_VIA {
        return Err(usage(format!("at most {} --via places", options::MAX_VIA)));
    }
    for (flag, v) in [("--max-days", a.max_days), ("--max-cost", a.max_cost)] {
        options::positive(v).map_err(|e| usage(format!("{flag} {e}")))?;
    }
    let weights = match &a.weights {
        Some(w) => options::weights(w).map_err(|e| usage(format!("--weights {e}")))?,
        None => options::prefer(&a.prefer).map_err(|e| usage(e.to_string()))?,
    };
    let weights = match weights.generalised {
        Some(_) => Weights {
            generalised: Some(
                options::generalised(a.value_of_time, a.carbon_price)
                    .map_err(|e| usage(format!("--value-of-time/--carbon-price: {e}")))?,
            ),
            ..weights
        },
        None if a.value_of_time.is_some() || a.carbon_price.is_some() => {
            return Err(usage(format!(
                "--value-of-time and --carbon-price set the generalised cost of --prefer balanced, not of --prefer {}",
                a.prefer
            )));
        }
        None => weights,
    };
    if a.samples == 0 || a.samples > 1_000_000 {
        return Err(usage("--samples must be between 1 and 1000000"));
    }
    Ok(Resolved {
        basis: Basis {
            teu,
            size_given,
            tonnes_per_teu: net.meta.tonnes_per_teu.value.0,
            tonnes_given: a.tonnes_per_teu.is_some(),
        },
        shipment: Shipment {
            from,
            to,
            ready,
            teu,
        },
        constraints: Constraints {
            avoid_countries,
            avoid_nodes,
            avoid_modes,
            via,
            max_hours: a.max_days.map(|d| d * 24.0),
            max_cost: a.max_cost,
            corridor: None,
            avoid_service_kinds: Vec::new(),
            avoid_services,
            avoid_passages,
        },
        weights,
        sampling: Sampling {
            samples: a.samples,
            seed: a.seed,
        },
        warnings,
    })
}

/// Print the warnings about the options (or fail with `--deny-warnings`).
fn option_warnings(r: &Resolved, deny_warnings: bool) -> Result<(), Failure> {
    if deny_warnings && !r.warnings.is_empty() {
        return Err(usage(format!(
            "{} (--deny-warnings)",
            r.warnings.join("; ")
        )));
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

fn title(v: View, r: &Resolved) -> String {
    let (s, b) = (&r.shipment, &r.basis);
    let net = v.net;
    let num = corridor_model::ranges::num;
    let size = format!("{} TEU ({} FEU)", num(s.teu), num(s.teu / 2.0));
    let size = if b.size_given {
        size
    } else {
        format!("{size} by default: no --teu or --feu given")
    };
    let mut out = wrap(
        &format!(
            "{} → {}, ready {}",
            net.node(s.from).name,
            net.node(s.to).name,
            Instant(s.ready)
        ),
        v.width.unwrap_or(usize::MAX),
        "",
        "  ",
    );
    out.push_str(&wrap(
        &format!(
            "Cargo: {size}; {} t at {} t per TEU",
            num(s.teu * b.tonnes_per_teu),
            num(b.tonnes_per_teu)
        ),
        v.width.unwrap_or(usize::MAX),
        "",
        "  ",
    ));
    out
}

fn legs_geojson(routes: &[(&str, &Route)], net: &Network) -> serde_json::Value {
    let mut features = Vec::new();
    for (label, r) in routes {
        for (i, l) in r.legs.iter().enumerate() {
            let link = net.link_by_key(&l.link).expect("leg links exist");
            let reversed = net.node(net.link(link).from).key != l.from;
            let coords: Vec<[f64; 2]> = net
                .geometry(link, reversed)
                .into_iter()
                .map(|(lat, lon)| [lon, lat])
                .collect();
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {"route": label, "leg": i + 1, "from": l.from, "to": l.to, "mode": l.mode, "link": l.link,
                    "service": l.service, "departure": l.departure, "arrival": l.arrival, "countries": l.countries.join(";"),
                    "distance_km": l.distance_km, "co2e_wtw_kg": l.co2e_wtw_kg, "cost_usd": l.cost_usd},
            }));
        }
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// The network with the user's cargo per TEU, when `--tonnes-per-teu` is given (the search
/// reads it from the network's metadata).
fn with_tonnes(net: &Network, a: &ShipmentArgs) -> Result<Option<Network>, Failure> {
    let Some(t) = a.tonnes_per_teu else {
        return Ok(None);
    };
    let t = corridor_model::ranges::TONNES_PER_TEU
        .check(t)
        .map_err(|e| usage(format!("--tonnes-per-teu: {}", e.message)))?;
    let mut n = net.clone();
    n.meta.tonnes_per_teu.value = corridor_model::units::Tonnes(t);
    Ok(Some(n))
}

fn view<'n>(net: &'n Network, a: &ShipmentArgs) -> View<'n> {
    View {
        net,
        width: (!a.wide).then(terminal_width),
    }
}

fn note_list(net: &Network, r: &Resolved, routes: &[&Route], seasons: &[Season]) -> Vec<Note> {
    let s = &r.shipment;
    let mut ns = notes(
        net,
        &net.node(s.from).name,
        &net.node(s.to).name,
        &r.basis,
        routes,
    );
    let modes: Vec<corridor_model::network::Mode> = routes
        .iter()
        .flat_map(|x| &x.legs)
        .filter_map(|l| corridor_model::network::Mode::parse(&l.mode))
        .collect();
    ns.extend(corridor_route::season::note(seasons, s.ready, &modes));
    ns.push(corridor_route::notes::ranking(&r.weights));
    ns
}

/// With `--csv` the notes go to standard error, so the CSV stays a table.
fn csv_notes(ns: &[Note]) {
    for n in ns {
        eprintln!("note: {}", n.text);
    }
}

/// `corridor route`: every Pareto-optimal route, ranked.
pub fn route(
    net: &Network,
    a: &ShipmentArgs,
    seasons: &[Season],
    deny_warnings: bool,
) -> Result<String, Failure> {
    let owned = with_tonnes(net, a)?;
    let net = owned.as_ref().unwrap_or(net);
    let r = resolve(net, a)?;
    option_warnings(&r, deny_warnings)?;
    let g = Graph::new(net).with_seasons(seasons.to_vec());
    let routes = plan::plan(&g, &r.shipment, &r.constraints, r.weights, r.sampling)
        .map_err(|why| Failure::NoRoute(format!("no route from {} to {}: {why}", a.from, a.to)))?;
    let ns = note_list(net, &r, &routes.iter().collect::<Vec<_>>(), seasons);
    if a.json {
        return Ok(serde_json::to_string_pretty(&json!({"schema": "corridor.route", "schema_version": 1, "shipment": shipment_json(net, &r), "notes": ns, "routes": routes})).expect("routes serialise") + "\n");
    }
    if a.csv {
        csv_notes(&ns);
        return Ok(text::route_csv(
            &routes,
            r.shipment.teu,
            r.basis.tonnes_per_teu,
        ));
    }
    if a.geojson {
        let labelled: Vec<(String, &Route)> = routes
            .iter()
            .enumerate()
            .map(|(i, x)| (format!("route {}", i + 1), x))
            .collect();
        let refs: Vec<(&str, &Route)> = labelled.iter().map(|(l, x)| (l.as_str(), *x)).collect();
        return Ok(serde_json::to_string_pretty(&legs_geojson(&refs, net))
            .expect("GeoJSON serialises")
            + "\n");
    }
    let v = view(net, a);
    let mut out = title(v, &r);
    out.push_str(&format!(
        "{} Pareto-optimal route{} (time, cost, CO2e), ranked by {}\n\n",
        routes.len(),
        if routes.len() == 1 { "" } else { "s" },
        weights_text(a)
    ));
    out.push_str(&text::route_table(v, &routes));
    if a.explain {
        for (i, x) in routes.iter().enumerate() {
            out.push_str(&text::explain(
                v,
                &format!(
                    "Route {} ({})",
                    i + 1,
                    if x.corridors.is_empty() {
                        "mixed".to_string()
                    } else {
                        x.corridors.join("+")
                    }
                ),
                x,
            ));
        }
    }
    let keys: Vec<String> = routes.iter().map(|x| x.corridors.join("+")).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    out.push_str(&text::footer(v, &keys, &ns));
    Ok(out)
}

fn weights_text(a: &ShipmentArgs) -> String {
    match &a.weights {
        Some(w) => format!("weights time {} / cost {} / CO2e {}", w[0], w[1], w[2]),
        None => format!("preference `{}`", a.prefer),
    }
}

fn shipment_json(net: &Network, r: &Resolved) -> serde_json::Value {
    let s = &r.shipment;
    json!({
        "from": net.node(s.from).key, "to": net.node(s.to).key, "ready": Instant(s.ready).iso(), "teu": s.teu,
        "feu": s.teu / 2.0, "size_defaulted": !r.basis.size_given,
        "tonnes": s.teu * r.basis.tonnes_per_teu, "tonnes_per_teu": r.basis.tonnes_per_teu,
        "avoid_countries": r.constraints.avoid_countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "avoid_nodes": r.constraints.avoid_nodes.iter().map(|n| net.node(*n).key.as_str()).collect::<Vec<_>>(),
        "avoid_modes": r.constraints.avoid_modes.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "avoid_passages": r.constraints.avoid_passages.iter().map(|p| net.passages[p.idx()].key.as_str()).collect::<Vec<_>>(),
        "via": r.constraints.via.iter().map(|n| net.node(*n).key.as_str()).collect::<Vec<_>>(),
        "max_days": r.constraints.max_hours.map(|h| h / 24.0), "max_cost_usd": r.constraints.max_cost,
        "weights": r.weights, "samples": r.sampling.samples, "seed": r.sampling.seed,
    })
}

/// `corridor compare`: the best route of each corridor, side by side.
pub fn compare(
    net: &Network,
    a: &ShipmentArgs,
    seasons: &[Season],
    deny_warnings: bool,
) -> Result<String, Failure> {
    let owned = with_tonnes(net, a)?;
    let net = owned.as_ref().unwrap_or(net);
    let r = resolve(net, a)?;
    option_warnings(&r, deny_warnings)?;
    let g = Graph::new(net).with_seasons(seasons.to_vec());
    let rows: Vec<CompareRow> =
        plan::compare(&g, &r.shipment, &r.constraints, r.weights, r.sampling);
    let shown: Vec<&Route> = rows.iter().filter_map(|x| x.route.as_ref()).collect();
    let ns = note_list(net, &r, &shown, seasons);
    let summary = verdict(net, &rows, &r.constraints);
    if a.json {
        return Ok(serde_json::to_string_pretty(&json!({"schema": "corridor.compare", "schema_version": 1, "shipment": shipment_json(net, &r), "summary": summary, "notes": ns, "rows": rows})).expect("rows serialise") + "\n");
    }
    if a.csv {
        eprintln!("summary: {summary}");
        csv_notes(&ns);
        return Ok(text::compare_csv(
            &rows,
            r.shipment.teu,
            r.basis.tonnes_per_teu,
        ));
    }
    if a.geojson {
        let refs: Vec<(&str, &Route)> = rows
            .iter()
            .filter_map(|x| x.route.as_ref().map(|r| (x.corridor.as_str(), r)))
            .collect();
        return Ok(serde_json::to_string_pretty(&legs_geojson(&refs, net))
            .expect("GeoJSON serialises")
            + "\n");
    }
    let v = view(net, a);
    let mut out = title(v, &r);
    out.push_str(&format!(
        "Best route per corridor, ranked within each corridor by {}\n\n",
        weights_text(a)
    ));
    out.push_str(&text::compare_table(v, &rows));
    out.push('\n');
    out.push_str(&wrap(&summary, v.width.unwrap_or(usize::MAX), "", "  "));
    if a.explain {
        for x in rows.iter().filter(|x| x.route.is_none()) {
            out.push_str(&wrap(
                &format!(
                    "{}: no route: {}",
                    x.corridor,
                    x.reason.as_deref().unwrap_or("")
                ),
                v.width.unwrap_or(usize::MAX),
                "\n",
                "  ",
            ));
        }
        for x in rows.iter() {
            if let Some(rt) = &x.route {
                out.push_str(&text::explain(v, &x.corridor, rt));
            }
        }
    }
    // Today's layout names the corridors in full: no legend needed.
    let keys: Vec<&str> = if a.wide {
        Vec::new()
    } else {
        rows.iter().map(|x| x.corridor.as_str()).collect()
    };
    out.push_str(&text::footer(v, &keys, &ns));
    Ok(out)
}
