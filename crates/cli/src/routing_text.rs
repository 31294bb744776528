//! The text and CSV of `corridor route` and `corridor compare`: tables that fit the width
//! (short corridor keys with a legend, the chain of places on its own wrapped line), the
//! legs and the cost breakdown of `--explain`, the verdict and the notes under the tables.

use crate::layout::{Table, wrap};
use corridor_model::Network;
use corridor_route::notes::Note;
use corridor_route::places::chain_text;
use corridor_route::plan::{CompareRow, Route};
use corridor_route::quote::CostCategory;

/// How to lay out: the width (`None` with `--wide`: one line per row, today's layout).
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// The network the results come from.
    pub net: &'a Network,
    /// Width to fit, or none.
    pub width: Option<usize>,
}

impl View<'_> {
    fn wrap(&self, text: &str, first: &str, indent: &str) -> String {
        wrap(text, self.width.unwrap_or(usize::MAX), first, indent)
    }
}

const ROUTE_COLS: [&str; 10] = [
    "P50 D",
    "P90 D",
    "COST USD",
    "USD/FEU",
    "USD/TEU",
    "CO2e WTW KG",
    "TTW KG",
    "ON TIME",
    "TRANSSHIP",
    "BORDERS",
];

/// A route's cells in the summary tables.
fn route_cells(r: &Route) -> Vec<String> {
    vec![
        format!("{:.1}", r.p50_days),
        format!("{:.1}", r.p90_days),
        format!("{:.0}", r.cost_usd),
        format!("{:.0}", r.cost_usd_per_feu),
        format!("{:.0}", r.cost_usd_per_teu),
        format!("{:.0}", r.co2e_wtw_kg),
        format!("{:.0}", r.co2e_ttw_kg),
        format!("{:.0}%", r.reliability * 100.0),
        r.transshipments.to_string(),
        r.border_crossings.to_string(),
    ]
}

fn corridor_of(r: &Route) -> String {
    if r.corridors.is_empty() {
        "mixed".into()
    } else {
        r.corridors.join("+")
    }
}

/// The ranked routes of `corridor route`.
pub fn route_table(v: View, routes: &[Route]) -> String {
    let mut headers = vec!["#", "CORRIDOR"];
    headers.extend(ROUTE_COLS);
    let mut t = Table::new(&headers).detail("VIA", "via");
    for (i, r) in routes.iter().enumerate() {
        let mut cells = vec![(i + 1).to_string(), corridor_of(r)];
        cells.extend(route_cells(r));
        t.row(cells, Some(chain_text(&r.places)));
    }
    t.render(v.width)
}

/// The corridors of `corridor compare`, one row each.
pub fn compare_table(v: View, rows: &[CompareRow]) -> String {
    let mut headers = vec!["CORRIDOR"];
    headers.extend(ROUTE_COLS);
    let mut t = Table::new(&headers).detail("VIA", "via");
    for x in rows {
        // Today's layout names the corridor in full; the fitted one by key, with a legend.
        let name = if v.width.is_none() {
            x.corridor_name.clone()
        } else {
            x.corridor.clone()
        };
        match &x.route {
            Some(r) => {
                let mut cells = vec![name];
                cells.extend(route_cells(r));
                t.row(cells, Some(chain_text(&r.places)));
            }
            // The first clause; `--explain` lists the excluded links.
            None => t.span_row(
                name,
                match (x.reason_summary.as_deref().unwrap_or(""), x.excluded_links) {
                    (why, 0) => format!("no route: {why}"),
                    (why, n) => {
                        format!("no route: {why} ({n} links excluded; --explain lists them)")
                    }
                },
            ),
        }
    }
    t.render(v.width)
}

/// The legs of a route and its cost by category.
pub fn explain(v: View, title: &str, r: &Route) -> String {
    let mut out = v.wrap(
        &format!(
            "{title}: planned {:.1} d (arrives {}), P50 {:.1} d, P90 {:.1} d, P95 {:.1} d",
            r.planned_days,
            r.arrive.replace('T', " ").replace('Z', " UTC"),
            r.p50_days,
            r.p90_days,
            r.p95_days
        ),
        "\n",
        "  ",
    );
    let mut t = Table::new(&[
        "LEG",
        "MODE",
        "DEPARTS (UTC)",
        "WAIT H",
        "TRAVEL H",
        "DWELL H",
        "KM",
        "USD",
        "CO2e KG",
    ])
    .detail("SOURCES", "");
    for l in &r.legs {
        let src = |x: &[String]| {
            if x.is_empty() {
                "—".to_string()
            } else {
                x.join(";")
            }
        };
        let sources = format!(
            "dist {}; time {}; timetable {}; dwell {}; tariff {}; CO2e {}",
            src(&l.sources.distance),
            src(&l.sources.time),
            src(&l.sources.schedule),
            src(&l.sources.dwell),
            src(&l.sources.tariff),
            src(&l.sources.emissions)
        );
        // Today's layout names the service beside the mode; the fitted one on the sources line.
        let (mode, detail) = match (&l.service, v.width) {
            (Some(s), None) => (format!("{} ({s})", l.mode), sources),
            (Some(s), Some(_)) => (l.mode.clone(), format!("service {s}; {sources}")),
            (None, _) => (l.mode.clone(), sources),
        };
        t.row(
            vec![
                format!("{} → {}", l.from, l.to),
                mode,
                l.departure
                    .replace('T', " ")
                    .trim_end_matches('Z')
                    .to_string(),
                format!("{:.1}", l.wait_h),
                format!("{:.1}", l.travel_h),
                format!("{:.1}", l.dwell_h),
                format!("{:.0}", l.distance_km),
                format!("{:.0}", l.cost_usd),
                format!("{:.0}", l.co2e_wtw_kg),
            ],
            Some(detail),
        );
    }
    out.push_str(&t.render(v.width));
    out.push('\n');
    out.push_str(&cost_table(v, r));
    out
}

/// A route's cost by category: every category it pays, then the total; each column sums
/// exactly to its total.
pub fn cost_table(v: View, r: &Route) -> String {
    let mut t = Table::new(&["COST", "USD", "USD/FEU", "USD/TEU"]).detail("SOURCES", "sources");
    for l in r
        .cost_breakdown
        .iter()
        .filter(|l| l.usd != 0.0 || l.usd_per_teu != 0.0)
    {
        t.row(
            vec![
                l.label.to_string(),
                format!("{:.0}", l.usd),
                format!("{:.0}", l.usd_per_feu),
                format!("{:.0}", l.usd_per_teu),
            ],
            Some(l.sources.join(";")),
        );
    }
    t.row(
        vec![
            "total".into(),
            format!("{:.0}", r.cost_usd),
            format!("{:.0}", r.cost_usd_per_feu),
            format!("{:.0}", r.cost_usd_per_teu),
        ],
        None,
    );
    t.render(v.width)
}

/// The legend of the corridor keys shown, the columns' meaning and the notes.
pub fn footer(v: View, corridors: &[&str], notes: &[Note]) -> String {
    let mut out = String::new();
    let shown: Vec<_> = v
        .net
        .corridors
        .iter()
        .filter(|c| corridors.iter().any(|k| k.split('+').any(|x| x == c.key)))
        .collect();
    if !shown.is_empty() {
        out.push_str("\nCorridors:\n");
        let w = shown
            .iter()
            .map(|c| c.key.chars().count())
            .max()
            .unwrap_or(0);
        for c in shown {
            let head = format!("  {:<w$}  ", c.key, w = w);
            let pad = " ".repeat(head.chars().count());
            out.push_str(&v.wrap(&c.name, &head, &pad));
        }
    }
    out.push('\n');
    for text in [
        "VIA: the places on the way (borders, gauge changes, ports, terminals, hubs, changes of mode); `~` marks a crossing by sea or ferry.",
        "P50/P90: door-to-door days from simulating every dwell, travel time and timetable wait; ON TIME: share arriving within 10 % of the planned time.",
        "CO2e per ISO 14083 (well-to-wheel and tank-to-wheel) from the dataset's emission intensities; `corridor network sources` lists the sources.",
    ] {
        out.push_str(&v.wrap(text, "", "  "));
    }
    if !notes.is_empty() {
        out.push_str("\nNotes:\n");
        for n in notes {
            out.push_str(&v.wrap(&n.text, "- ", "  "));
        }
    }
    out
}

/// The CSV columns of a route (after the columns that say which route it is).
fn route_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "p50_days",
        "p90_days",
        "p95_days",
        "planned_days",
        "mean_days",
        "on_time",
        "cost_usd",
        "cost_usd_per_feu",
        "cost_usd_per_teu",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(CostCategory::ALL.iter().map(|c| format!("{}_usd", c.key())));
    h.extend(
        [
            "co2e_wtw_kg",
            "co2e_ttw_kg",
            "co2e_wtw_kg_per_teu",
            "transshipments",
            "border_crossings",
            "countries",
            "passages",
            "via",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

fn route_record(r: &Route) -> Vec<String> {
    let mut v = vec![
        r.p50_days.to_string(),
        r.p90_days.to_string(),
        r.p95_days.to_string(),
        r.planned_days.to_string(),
        r.mean_days.to_string(),
        r.reliability.to_string(),
        r.cost_usd.to_string(),
        r.cost_usd_per_feu.to_string(),
        r.cost_usd_per_teu.to_string(),
    ];
    v.extend(r.cost_breakdown.iter().map(|l| l.usd.to_string()));
    v.extend([
        r.co2e_wtw_kg.to_string(),
        r.co2e_ttw_kg.to_string(),
        r.co2e_wtw_kg_per_teu.to_string(),
        r.transshipments.to_string(),
        r.border_crossings.to_string(),
        r.countries.join(";"),
        r.passages.join(";"),
        r.places
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
    ]);
    v
}

fn csv_text(header: Vec<String>, records: Vec<Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).expect("writing to memory");
    for r in records {
        w.write_record(&r).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 fields")
}

/// `corridor route --csv`: one row per route, ranked, with the shipment's size.
pub fn route_csv(routes: &[Route], teu: f64, tonnes_per_teu: f64) -> String {
    let mut h: Vec<String> = vec!["rank".into(), "corridors".into()];
    h.extend(route_header());
    h.extend(["teu".into(), "tonnes_per_teu".into()]);
    let rows = routes
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = vec![(i + 1).to_string(), r.corridors.join(";")];
            v.extend(route_record(r));
            v.extend([teu.to_string(), tonnes_per_teu.to_string()]);
            v
        })
        .collect();
    csv_text(h, rows)
}

/// `corridor compare --csv`: one row per corridor; a corridor without a route has its
/// reason and empty figures.
pub fn compare_csv(rows: &[CompareRow], teu: f64, tonnes_per_teu: f64) -> String {
    let mut h: Vec<String> = ["corridor", "corridor_name", "available", "reason"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let n = route_header().len();
    h.extend(route_header());
    h.extend(["teu".into(), "tonnes_per_teu".into()]);
    let records = rows
        .iter()
        .map(|x| {
            let mut v = vec![
                x.corridor.clone(),
                x.corridor_name.clone(),
                x.available.to_string(),
                x.reason.clone().unwrap_or_default(),
            ];
            match &x.route {
                Some(r) => v.extend(route_record(r)),
                None => v.extend(std::iter::repeat_n(String::new(), n)),
            }
            v.extend([teu.to_string(), tonnes_per_teu.to_string()]);
            v
        })
        .collect();
    csv_text(h, records)
}
