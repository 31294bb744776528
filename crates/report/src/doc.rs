//! A report as data: sections of paragraphs, figures (the SVG map and charts) and tables,
//! each figure and table with its source. `html` and `md` write the same document.

use crate::charts;
use crate::geo::View;
use crate::map::{self, MapOptions, Overlay, corridor_name, year_flows};
use crate::svg::num;
use crate::view::{Comparison, Run};
use corridor_model::Network;

/// One block of a section.
pub enum Block {
    /// A paragraph of plain text.
    Para(String),
    /// A figure: file stem (for Markdown), the SVG, its caption and source.
    Figure {
        /// File stem, e.g. `map`.
        name: String,
        /// The SVG document.
        svg: String,
        /// What it shows.
        caption: String,
    },
    /// A table: caption, header, rows, and the source of its figures.
    Table {
        /// What it shows.
        caption: String,
        /// Column headings, with units.
        head: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<String>>,
        /// Where its figures come from.
        source: String,
    },
    /// A list of items.
    List(Vec<String>),
}

/// A section.
pub struct Section {
    /// Heading.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// What a report is about and where it comes from.
pub struct Meta {
    /// The Corridor version.
    pub version: String,
    /// The dataset's hash (SHA-256 of its files).
    pub dataset_hash: String,
    /// The command or request that made it.
    pub made_by: String,
}

/// The report.
pub struct Doc {
    /// Title.
    pub title: String,
    /// Lines under the title.
    pub subtitle: Vec<String>,
    /// The sections.
    pub sections: Vec<Section>,
}

fn run_source(r: &Run) -> String {
    format!(
        "Corridor scenario run of `{}` ({} replications, seed {}, years {}–{}{}); inputs from the dataset's sources listed under Sources",
        r.scenario,
        r.replications,
        r.seed,
        r.first_year,
        r.last_year,
        if r.firm {
            ", every project at its expected date"
        } else {
            ""
        }
    )
}

fn ci(m: &crate::view::Metric) -> String {
    match m.ci95 {
        Some([a, b]) => format!("{} ({}–{})", num(m.mean, 0), num(a, 0), num(b, 0)),
        None => num(m.mean, 0),
    }
}

fn corridor_table(net: &Network, r: &Run) -> Block {
    let mut rows = Vec::new();
    for y in &r.years {
        for c in &y.corridors {
            rows.push(vec![
                y.year.to_string(),
                corridor_name(net, &c.corridor).to_string(),
                ci(&c.teu_offered),
                ci(&c.teu_delivered),
                num(c.p50_days, 1),
                num(c.p90_days, 1),
                num(c.cost_usd_per_teu, 0),
                num(c.co2e_kg_per_teu, 0),
            ]);
        }
    }
    Block::Table {
        caption: format!("Corridors by year — {}", r.scenario),
        head: [
            "Year",
            "Corridor",
            "Offered, TEU (95 % CI)",
            "Delivered, TEU (95 % CI)",
            "Median days",
            "90th pct. days",
            "USD per TEU",
            "kg CO2e per TEU",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        source: run_source(r),
    }
}

fn bottleneck_table(net: &Network, r: &Run) -> Option<Block> {
    let y = r.years.last()?;
    let rows = y
        .resources
        .iter()
        .take(12)
        .map(|x| {
            vec![
                charts::resource_label(net, &x.name, &x.kind),
                match x.kind.as_str() {
                    "node" => "place",
                    "node_tonnes" => "place (tonnes)",
                    "line_tonnes" => "line (tonnes)",
                    _ => "service departures",
                }
                .into(),
                num(x.utilisation.mean * 100.0, 1),
                num(x.mean_queue_teu.mean, 1),
                x.mean_wait_h
                    .as_ref()
                    .map(|m| num(m.mean, 1))
                    .unwrap_or_else(|| "–".into()),
                num(x.throughput_teu.mean, 0),
            ]
        })
        .collect();
    Some(Block::Table {
        caption: format!("The busiest resources in {} — {}", y.year, r.scenario),
        head: [
            "Resource",
            "Kind",
            "Capacity used, %",
            "Mean queue, TEU",
            "Mean wait, h",
            "Through, TEU a year",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        source: run_source(r),
    })
}

fn project_table(r: &Run) -> Block {
    let rows = r
        .projects
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.status.replace('_', " "),
                p.expected.clone().unwrap_or_else(|| "–".into()),
                p.p50
                    .clone()
                    .unwrap_or_else(|| "not within the draws".into()),
                p.p90
                    .clone()
                    .unwrap_or_else(|| "not within the draws".into()),
                charts::slip_risk(p)
                    .map(|s| num(s * 100.0, 0))
                    .unwrap_or_else(|| "–".into()),
                p.effects.join("; "),
            ]
        })
        .collect();
    Block::Table {
        caption: format!("Projects — {}", r.scenario),
        head: [
            "Project",
            "Status",
            "Expected",
            "Median completion",
            "90th pct. completion",
            "Slip risk, %",
            "What it changes",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        source: format!(
            "{}; project cards of data/projects.toml (their sources in the cards)",
            run_source(r)
        ),
    }
}

fn run_section(net: &Network, r: &Run) -> Section {
    let mut blocks = vec![Block::Para(format!("{}: {}.", r.scenario, r.title))];
    if let Some(y) = r.years.last() {
        let f = year_flows(net, y);
        blocks.push(Block::Figure {
            name: format!("{}-map", r.scenario),
            svg: map::map(
                net,
                &MapOptions {
                    view: View::EURASIA,
                    overlay: Overlay::Flows(&f),
                    title: &format!("The network in {} — {}", y.year, r.scenario),
                },
            ),
            caption: format!(
                "The network in {} — {}. Line width: {}. Source: {}.",
                y.year,
                r.scenario,
                f.what,
                run_source(r)
            ),
        });
        blocks.push(Block::Figure {
            name: format!("{}-map-middle", r.scenario),
            svg: map::map(net, &MapOptions { view: View::MIDDLE, overlay: Overlay::Flows(&f), title: &format!("The Black Sea, the Caucasus and the Caspian in {} — {}", y.year, r.scenario) }),
            caption: format!("Detail of the map above: the Black Sea, the Caucasus and the Caspian in {}. Source: {}.", y.year, run_source(r)),
        });
        blocks.push(Block::Figure {
            name: format!("{}-bottlenecks", r.scenario),
            svg: charts::bottlenecks(net, &r.scenario, y, 10),
            caption: format!(
                "The ten busiest resources in {}. Source: {}.",
                y.year,
                run_source(r)
            ),
        });
    }
    blocks.push(Block::Figure {
        name: format!("{}-transit", r.scenario),
        svg: charts::transit(net, r),
        caption: format!(
            "Door-to-door days of the containers delivered each year, by corridor. Source: {}.",
            run_source(r)
        ),
    });
    blocks.push(Block::Figure {
        name: format!("{}-backlog", r.scenario),
        svg: charts::backlog(&[r]),
        caption: format!(
            "Cargo in the system at each year's end. Source: {}.",
            run_source(r)
        ),
    });
    blocks.push(corridor_table(net, r));
    blocks.extend(bottleneck_table(net, r));
    if !r.projects.is_empty() {
        blocks.push(Block::Figure {
            name: format!("{}-pipeline", r.scenario),
            svg: charts::pipeline(r),
            caption: format!(
                "Each project's expected completion and its completion over the draws. Source: {}.",
                run_source(r)
            ),
        });
        blocks.push(project_table(r));
    }
    Section {
        title: format!("Scenario {}", r.scenario),
        blocks,
    }
}

/// The comparison's tables: by year and corridor, the attribution, what differs.
fn comparison_tables(net: &Network, c: &Comparison, src: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let rows = c
        .years
        .iter()
        .flat_map(|y| y.corridors.iter().map(move |d| (y.year, d)))
        .map(|(year, d)| {
            vec![
                year.to_string(),
                corridor_name(net, &d.corridor).to_string(),
                num(d.teu[0], 0),
                num(d.teu[1], 0),
                crate::svg::signed(d.teu[1] - d.teu[0], 0),
                num(d.p50_days[0], 1),
                num(d.p50_days[1], 1),
            ]
        })
        .collect();
    blocks.push(Block::Table {
        caption: format!("{} against {}, by year and corridor", c.b, c.a),
        head: vec![
            "Year".into(),
            "Corridor".into(),
            format!("{}, TEU", c.a),
            format!("{}, TEU", c.b),
            "Change, TEU".into(),
            format!("{}, median days", c.a),
            format!("{}, median days", c.b),
        ],
        rows,
        source: src.to_string(),
    });
    let why = c
        .explained
        .iter()
        .map(|e| {
            vec![
                e.year.to_string(),
                corridor_name(net, &e.corridor).to_string(),
                crate::svg::signed(e.teu, 0),
                e.contributions
                    .iter()
                    .map(|x| format!("{} {}", x.item, crate::svg::signed(x.teu, 0)))
                    .collect::<Vec<_>>()
                    .join("; "),
                crate::svg::signed(e.interaction_teu, 0),
            ]
        })
        .collect();
    blocks.push(Block::Table {
        caption: "What explains each difference (one item removed at a time)".into(),
        head: [
            "Year",
            "Corridor",
            "Change, TEU",
            "Items, TEU each",
            "Interactions, TEU",
        ]
        .map(String::from)
        .to_vec(),
        rows: why,
        source: src.to_string(),
    });
    blocks.push(Block::List(
        c.differences
            .iter()
            .map(|d| {
                format!(
                    "{} `{}` ({}): {}{}",
                    d.kind,
                    d.id,
                    d.name,
                    d.how,
                    if d.in_force {
                        ""
                    } else {
                        "; never in force in these years"
                    }
                )
            })
            .collect(),
    ));
    blocks
}

fn comparison_section(net: &Network, c: &Comparison) -> Section {
    let [a, b] = &c.runs_a_b;
    let src = format!(
        "Corridor comparison of `{}` and `{}` ({} replications, seed {}, common random numbers; {})",
        c.a, c.b, c.replications, c.seed, c.method
    );
    let mut blocks = Vec::new();
    if let (Some(ya), Some(yb)) = (a.years.last(), b.years.last()) {
        let (fa, fb) = (year_flows(net, ya), year_flows(net, yb));
        blocks.push(Block::Figure {
            name: "compare-map".into(),
            svg: map::map(net, &MapOptions { view: View::EURASIA, overlay: Overlay::Compare(&fa, &fb, &c.a, &c.b), title: &format!("{} against {} in {}", c.b, c.a, yb.year) }),
            caption: format!("{} against {} in {}: line width the larger of the two, colour the change. {}. Source: {src}.", c.b, c.a, yb.year, fa.what),
        });
    }
    blocks.push(Block::Figure {
        name: "compare-deltas".into(),
        svg: charts::deltas(net, c),
        caption: format!("Containers delivered, B − A. Source: {src}."),
    });
    blocks.push(Block::Figure {
        name: "compare-backlog".into(),
        svg: charts::backlog(&[a, b]),
        caption: format!("Backlog of both scenarios. Source: {src}."),
    });
    blocks.extend(comparison_tables(net, c, &src));
    Section {
        title: format!("{} against {}", c.b, c.a),
        blocks,
    }
}

fn assumptions(r: &Run, c: Option<&Comparison>) -> Section {
    let mut items = vec![
        format!("Method: {}", if r.method.is_empty() { "replications of the corridor operations model" } else { &r.method }),
        format!("{} replications, seed {}, {} days of warm-up before {}.", r.replications, r.seed, num(r.warmup_days, 0), r.first_year),
        if r.firm { "Every project at its expected date (no slips).".into() } else { "Project completions drawn from each project's slip distribution, per replication.".into() },
        "Figures are means over replications; 95 % confidence intervals in brackets where there are two or more.".into(),
        "Transit times are door to door, terminal to terminal, of the containers delivered in the year.".into(),
        "Map line widths show the TEU carried by the timetabled services the simulation tracks on each link (links without a tracked service are drawn thin).".into(),
    ];
    if r.stuck_units > 0 {
        items.push(format!(
            "{} units were still in the system long after they should have arrived.",
            num(r.stuck_units as f64, 0)
        ));
    }
    if let Some(c) = c {
        items.push(format!("Comparison: {}", c.method));
    }
    Section {
        title: "Assumptions".into(),
        blocks: vec![Block::List(items)],
    }
}

fn sources(net: &Network) -> Section {
    let counts = net.source_use_counts();
    let rows = net
        .sources
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| {
            vec![
                s.key.clone(),
                s.title.clone(),
                s.year.map(|y| y.to_string()).unwrap_or_else(|| "–".into()),
                s.url.clone(),
                n.to_string(),
            ]
        })
        .collect();
    Section {
        title: "Sources".into(),
        blocks: vec![
            Block::Para(format!(
                "Every input figure of the dataset `{}` (version {}) cites at least one of these sources; `corridor network sources --long` gives the reasoning of each estimate. Every result figure above is computed by Corridor from these inputs, as each caption says.",
                net.meta.name, net.meta.version
            )),
            Block::Table {
                caption: "The dataset's sources".into(),
                head: [
                    "Key",
                    "Title",
                    "Year",
                    "Address (copy to open)",
                    "Figures citing it",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                source: "the dataset's sources.csv".into(),
            },
        ],
    }
}

/// The report of a run, and of its comparison with another.
pub fn build(net: &Network, run: &Run, compare: Option<&Comparison>, meta: &Meta) -> Doc {
    let title = match compare {
        Some(c) => format!("Corridor report: {} against {}", c.b, c.a),
        None => format!("Corridor report: {}", run.scenario),
    };
    let mut sections = vec![run_section(net, run)];
    if let Some(c) = compare {
        sections.push(comparison_section(net, c));
    }
    sections.push(assumptions(run, compare));
    sections.push(sources(net));
    Doc {
        title,
        subtitle: vec![
            format!("Made by Corridor {} with `{}`.", meta.version, meta.made_by),
            format!(
                "Dataset `{}` version {}, SHA-256 {}.",
                net.meta.name, net.meta.version, meta.dataset_hash
            ),
        ],
        sections,
    }
}
