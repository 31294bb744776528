//! The tables of `corridor scenario` (terminal text and tidy CSV), at most 120 columns.

use crate::table::render;
use corridor_scenario::Scenario;
use corridor_scenario::compare::Comparison;
use corridor_scenario::run::ScenarioRun;
use corridor_scenario::scenario::{Change, Status};
use corridor_scenario::timeline::ProjectTimeline;

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", 100.0 * x)
}

fn int(x: f64) -> String {
    format!("{x:.0}")
}

fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:+.decimals$}");
    // No "−0" or "+0.0" noise.
    if s.trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        format!("{:.decimals$}", 0.0)
    } else {
        s
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Planned => "planned",
        Status::UnderConstruction => "building",
        Status::Complete => "complete",
        Status::Delayed => "delayed",
        Status::Cancelled => "cancelled",
    }
}

/// `scenario list`.
pub fn list(all: &[Scenario]) -> String {
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                format!("{}–{}", s.first_year, s.last_year),
                s.projects.len().to_string(),
                s.interventions.len().to_string(),
                cut(&s.title, 61),
            ]
        })
        .collect();
    let mut out = format!(
        "{} embedded scenarios (data/scenarios/; projects from data/projects.toml):\n\n",
        all.len()
    );
    out.push_str(&render(
        &["NAME", "YEARS", "PROJECTS", "INTERVENTIONS", "TITLE"],
        &rows,
    ));
    out.push_str("\nMore: corridor scenario show NAME · corridor scenario run NAME · corridor scenario compare baseline NAME\nYour own: copy examples/scenarios/my-scenario.toml and pass its path instead of a NAME.\n");
    out
}

fn effects(changes: &[corridor_scenario::scenario::Located]) -> String {
    let mut v: Vec<String> = changes.iter().map(|c| c.change.describe()).collect();
    if v.len() > 2 {
        let n = v.len() - 2;
        v.truncate(2);
        v.push(format!("+{n} more"));
    }
    v.join("; ")
}

/// `scenario projects`.
pub fn projects(s: &Scenario) -> String {
    let rows: Vec<Vec<String>> = s
        .projects
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                status(p.status).into(),
                p.expected_date.clone().unwrap_or_else(|| "—".into()),
                p.requires_ids.join(", "),
                cut(&effects(&p.changes), 60),
            ]
        })
        .collect();
    let mut out = format!("{} project cards in the pipeline:\n\n", s.projects.len());
    out.push_str(&render(
        &[
            "ID",
            "STATUS",
            "EXPECTED",
            "REQUIRES",
            "CHANGES WHEN COMPLETE",
        ],
        &rows,
    ));
    out.push_str("\nA scenario names the cards it includes (projects = [\"alat-phase-2\", …]); `corridor scenario show NAME` lists each in full.\n");
    out
}

/// `scenario show --json`.
pub fn show_json(s: &Scenario) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "schema": "corridor.scenario",
        "schema_version": 1,
        "name": s.name,
        "title": s.title,
        "description": s.description,
        "file": s.file,
        "years": [s.first_year, s.last_year],
        "projects": s.projects,
        "interventions": s.interventions,
        "demand": s.demand,
        "run": s.run,
    }))
    .expect("serialises")
        + "\n"
}

fn change_lines(out: &mut String, changes: &[corridor_scenario::scenario::Located]) {
    for c in changes {
        let src = match &c.change {
            Change::Set { src, .. } | Change::Scale { src, .. } => format!(" [{src}]"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "    - {}{src} (line {})\n",
            c.change.describe(),
            c.line
        ));
    }
}

/// `scenario show`.
pub fn show(s: &Scenario) -> String {
    let mut out = format!("{} — {}\n{}\n\n", s.name, s.title, s.file);
    if !s.description.is_empty() {
        out.push_str(&wrap(&s.description, 100));
        out.push('\n');
    }
    out.push_str(&format!(
        "Years {}–{}; runs {} replications (seed {}) after {} warm-up days\n\n",
        s.first_year, s.last_year, s.run.replications, s.run.seed, s.run.warmup_days
    ));
    out.push_str(&format!("Projects ({}):\n", s.projects.len()));
    for p in &s.projects {
        out.push_str(&format!(
            "  {} — {} [{}]\n    {}; expected {}{}; {}{}\n",
            p.id,
            p.name,
            p.src,
            p.status.as_str().replace('_', " "),
            p.expected_date.as_deref().unwrap_or("—"),
            p.announced_date
                .as_ref()
                .filter(|a| Some(*a) != p.expected_date.as_ref())
                .map(|a| format!(" (first announced {a})"))
                .unwrap_or_default(),
            p.slip.describe(),
            if p.requires_ids.is_empty() {
                String::new()
            } else {
                format!("; requires {}", p.requires_ids.join(", "))
            }
        ));
        change_lines(&mut out, &p.changes);
    }
    out.push_str(&format!("\nInterventions ({}):\n", s.interventions.len()));
    for i in &s.interventions {
        out.push_str(&format!(
            "  {} — {} [{}]\n    from {}{}\n",
            i.id,
            i.name,
            i.src,
            i.from_date,
            i.to_date
                .as_ref()
                .map(|t| format!(" to {t}"))
                .unwrap_or_else(|| " to the end".into())
        ));
        change_lines(&mut out, &i.changes);
    }
    let d = &s.demand;
    out.push_str(&format!(
        "\nDemand: {} flows (base year {}), growth {} a year unless a rule says otherwise\n",
        d.flows.len(),
        d.base_year,
        pct(d.default_rate)
    ));
    for r in &d.rules {
        let scope: Vec<String> = [
            r.corridor.as_ref().map(|c| format!("corridor {c}")),
            r.from.as_ref().map(|c| format!("from {c}")),
            r.to.as_ref().map(|c| format!("to {c}")),
            r.years.map(|(a, b)| format!("{a}–{b}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.push_str(&format!(
            "  rule: {} {:+.1} % a year [{}]\n",
            scope.join(", "),
            100.0 * r.rate,
            r.src
        ));
    }
    let rows: Vec<Vec<String>> = (s.first_year..=s.last_year)
        .map(|y| {
            let f = d.flows_in(y);
            vec![
                y.to_string(),
                int(f.iter().map(|x| x.teu_per_year).sum()),
                int(f.iter().map(|x| x.tonnes_per_year).sum()),
                f.len().to_string(),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&render(
        &["YEAR", "CONTAINERS TEU", "WAGONLOAD T", "FLOWS"],
        &rows,
    ));
    out
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + w.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Year columns that fit: at most ten.
fn year_columns(first: i32, last: i32) -> Vec<i32> {
    (first..=last).take(10).collect()
}

/// `scenario timeline`.
pub fn timeline(s: &Scenario, t: &[ProjectTimeline], draws: u64) -> String {
    let mut out = format!(
        "{} — projects by year, {} draws of their completion dates (seed {})\n\n",
        s.name, draws, s.run.seed
    );
    if t.is_empty() {
        out.push_str("No projects.\n");
    } else {
        let ys = year_columns(s.first_year, s.last_year);
        let mut headers: Vec<String> = ["PROJECT", "STATUS", "EXPECTED", "P50", "P90"]
            .map(String::from)
            .to_vec();
        headers.extend(ys.iter().map(|y| y.to_string()));
        let rows: Vec<Vec<String>> = t
            .iter()
            .zip(&s.projects)
            .map(|(p, full)| {
                let mut r = vec![
                    cut(&p.id, 26),
                    status(full.status).into(),
                    p.expected.clone().unwrap_or_else(|| "—".into()),
                    p.p50
                        .as_deref()
                        .map(|d| d[..7].to_string())
                        .unwrap_or_else(|| "never".into()),
                    p.p90
                        .as_deref()
                        .map(|d| d[..7].to_string())
                        .unwrap_or_else(|| "never".into()),
                ];
                r.extend(ys.iter().map(|y| {
                    let share = p
                        .ready_by
                        .iter()
                        .find(|x| x.0 == *y)
                        .map(|x| x.1)
                        .unwrap_or(0.0);
                    if share == 0.0 {
                        "·".to_string()
                    } else {
                        format!("{:.0}%", 100.0 * share)
                    }
                }));
                r
            })
            .collect();
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        out.push_str(&render(&h, &rows));
        out.push_str("\nYEAR columns: share of draws in which the project is complete by 31 December (· none). P50/P90: completion month.\n\n");
        for (p, full) in t.iter().zip(&s.projects) {
            out.push_str(&format!("{} — {}; {}\n", p.id, full.name, p.slip));
            for e in &p.effects {
                out.push_str(&format!("    - {e}\n"));
            }
        }
    }
    if !s.interventions.is_empty() {
        out.push_str("\nInterventions:\n");
        for i in &s.interventions {
            out.push_str(&format!(
                "  {} — {}: from {}{}\n",
                i.id,
                i.name,
                i.from_date,
                i.to_date
                    .as_ref()
                    .map(|t| format!(" to {t}"))
                    .unwrap_or_else(|| " to the end".into())
            ));
            for c in &i.changes {
                out.push_str(&format!("    - {}\n", c.change.describe()));
            }
        }
    }
    out
}

/// `scenario run`.
pub fn run(s: &Scenario, r: &ScenarioRun) -> String {
    let mut out = format!("{} — {}\n", r.scenario, r.title);
    out.push_str(&format!(
        "{}–{}, {} replications (seed {}){}, after {} warm-up days; figures are means over replications\n\n",
        r.first_year,
        r.last_year,
        r.replications,
        r.seed,
        if r.firm { " with firm project dates" } else { " over project delays and operations" },
        r.warmup_days
    ));
    if !r.without.is_empty() {
        out.push_str(&format!("Left out: {}\n\n", r.without.join(", ")));
    }
    // Year by year.
    let rows: Vec<Vec<String>> = r
        .years
        .iter()
        .map(|y| {
            let delivered: f64 = y.kpis.corridors.iter().map(|c| c.teu_delivered.mean).sum();
            let top = y.kpis.resources.first();
            let in_force: Vec<String> = y
                .in_force
                .iter()
                .map(|x| {
                    if x.share > 0.995 {
                        x.id.clone()
                    } else {
                        format!("{} {:.0}%", x.id, 100.0 * x.share)
                    }
                })
                .collect();
            vec![
                y.kpis.year.to_string(),
                int(y.demand_teu),
                int(delivered),
                int(y.kpis.backlog_teu.mean),
                signed(y.kpis.backlog_growth_teu_per_day, 0),
                top.map(|t| format!("{} {}", cut(&t.name, 24), pct(t.utilisation.mean)))
                    .unwrap_or_default(),
                cut(&in_force.join(", "), 40),
            ]
        })
        .collect();
    out.push_str("By year (containers, TEU a year):\n");
    out.push_str(&render(
        &[
            "YEAR",
            "DEMAND",
            "DELIVERED",
            "BACKLOG",
            "BACKLOG/DAY",
            "TOP BOTTLENECK",
            "IN FORCE (SHARE OF YEAR)",
        ],
        &rows,
    ));
    // Corridors.
    let mut rows = Vec::new();
    for y in &r.years {
        for c in &y.kpis.corridors {
            rows.push(vec![
                y.kpis.year.to_string(),
                c.corridor.clone(),
                int(c.teu_offered.mean),
                int(c.teu_delivered.mean),
                if c.teu_offered.mean > 0.0 {
                    pct(c.teu_delivered.mean / c.teu_offered.mean)
                } else {
                    "—".into()
                },
                int(c.tonnes_delivered.mean),
                format!("{:.1}", c.p50_days),
                format!("{:.1}", c.p90_days),
                int(c.cost_usd_per_teu),
                int(c.co2e_kg_per_teu),
            ]);
        }
    }
    out.push_str("\nBy corridor (DELIVERED/OFFERED: containers delivered in the year over those starting on its routes):\n");
    out.push_str(&render(
        &[
            "YEAR",
            "CORRIDOR",
            "OFFERED TEU",
            "DELIVERED TEU",
            "SHARE",
            "WAGONLOAD T",
            "P50 D",
            "P90 D",
            "USD/TEU",
            "KG CO2e/TEU",
        ],
        &rows,
    ));
    // Bottlenecks.
    let mut rows = Vec::new();
    for y in &r.years {
        for b in y.kpis.resources.iter().take(3) {
            rows.push(vec![
                y.kpis.year.to_string(),
                cut(&b.name, 28),
                b.kind.clone(),
                pct(b.utilisation.mean),
                int(b.mean_queue_teu.mean),
                format!("{:.1}", b.mean_wait_h.mean),
                cut(&b.corridors.join(", "), 34),
            ]);
        }
    }
    out.push_str("\nTop bottlenecks by year (utilisation × mean wait):\n");
    out.push_str(&render(
        &[
            "YEAR",
            "RESOURCE",
            "KIND",
            "UTILISATION",
            "QUEUE TEU",
            "WAIT H",
            "CORRIDORS",
        ],
        &rows,
    ));
    // Saturation.
    out.push('\n');
    if r.saturation.is_empty() {
        out.push_str(&format!(
            "Saturation: none — every corridor delivers at least {:.0} % of what it is offered in every year to {}.\n",
            100.0 * (1.0 - corridor_scenario::run::SATURATION_SHORTFALL),
            r.last_year
        ));
    } else {
        for x in &r.saturation {
            out.push_str(&format!(
                "Saturation: {} from {}: offered {} TEU, delivered {} ({}); its backlog grows every year from then on{}.\n",
                x.corridor,
                x.year,
                int(x.offered_teu),
                int(x.delivered_teu),
                pct(x.delivered_teu / x.offered_teu.max(1.0)),
                x.bottleneck.as_ref().map(|b| format!("; bottleneck {b} ({} used)", pct(x.bottleneck_utilisation))).unwrap_or_default()
            ));
        }
    }
    // Projects.
    if !r.projects.is_empty() {
        let ys = year_columns(r.first_year, r.last_year);
        let mut headers: Vec<String> = vec!["PROJECT".into(), "P50".into(), "P90".into()];
        headers.extend(ys.iter().map(|y| y.to_string()));
        let rows: Vec<Vec<String>> = r
            .projects
            .iter()
            .map(|p| {
                let mut row = vec![
                    cut(&p.id, 26),
                    p.p50
                        .as_deref()
                        .map(|d| d[..7].to_string())
                        .unwrap_or_else(|| "never".into()),
                    p.p90
                        .as_deref()
                        .map(|d| d[..7].to_string())
                        .unwrap_or_else(|| "never".into()),
                ];
                row.extend(ys.iter().map(|y| {
                    let share = p
                        .ready_by
                        .iter()
                        .find(|x| x.0 == *y)
                        .map(|x| x.1)
                        .unwrap_or(0.0);
                    if share == 0.0 {
                        "·".to_string()
                    } else {
                        format!("{:.0}%", 100.0 * share)
                    }
                }));
                row
            })
            .collect();
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        out.push_str("\nProjects: share of replications complete by 31 December (P50/P90: completion month):\n");
        out.push_str(&render(&h, &rows));
    }
    // Notes.
    let mut notes = Vec::new();
    if r.stuck_units > 0 {
        notes.push(format!(
            "WARNING: {} units (over all replications) were generated 90 days or more before the end and never delivered: a backlog that does not clear, not cargo in transit",
            r.stuck_units
        ));
    }
    for (y, n) in &r.flow_notes {
        notes.push(format!("{y}: {}: {}", n.flow, n.note));
    }
    notes.push(format!(
        "{} distinct networks and {} compiled epochs served the replications",
        r.networks_built, r.epochs_compiled
    ));
    notes.push(wrap_note(&r.method));
    out.push_str("\nNotes:\n");
    for n in notes {
        out.push_str(&format!("- {n}\n"));
    }
    let _ = s;
    out
}

fn wrap_note(s: &str) -> String {
    wrap(s, 110).trim_end().replace('\n', "\n  ")
}

fn ci(m: &corridor_sim::ops::Metric) -> [f64; 2] {
    m.ci95.unwrap_or([f64::NAN; 2])
}

fn num(v: f64) -> String {
    if v.is_finite() {
        v.to_string()
    } else {
        String::new()
    }
}

/// `scenario run --csv`: year, metric, scope, mean and interval.
pub fn run_csv(r: &ScenarioRun) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["year", "metric", "scope", "mean", "ci95_lo", "ci95_hi"])
        .expect("writing to memory");
    let mut put = |y: i32, metric: &str, scope: &str, mean: f64, ci: [f64; 2]| {
        w.write_record([
            &y.to_string(),
            metric,
            scope,
            &num(mean),
            &num(ci[0]),
            &num(ci[1]),
        ])
        .expect("writing to memory");
    };
    let none = [f64::NAN, f64::NAN];
    for y in &r.years {
        let k = &y.kpis;
        put(k.year, "demand_teu", "all", y.demand_teu, none);
        put(k.year, "demand_tonnes", "all", y.demand_tonnes, none);
        put(
            k.year,
            "backlog_teu",
            "all",
            k.backlog_teu.mean,
            ci(&k.backlog_teu),
        );
        put(
            k.year,
            "backlog_growth_teu_per_day",
            "all",
            k.backlog_growth_teu_per_day,
            none,
        );
        for c in &k.corridors {
            put(
                k.year,
                "teu_offered",
                &c.corridor,
                c.teu_offered.mean,
                ci(&c.teu_offered),
            );
            put(
                k.year,
                "teu_delivered",
                &c.corridor,
                c.teu_delivered.mean,
                ci(&c.teu_delivered),
            );
            put(
                k.year,
                "tonnes_delivered",
                &c.corridor,
                c.tonnes_delivered.mean,
                ci(&c.tonnes_delivered),
            );
            put(k.year, "p50_days", &c.corridor, c.p50_days, none);
            put(k.year, "p90_days", &c.corridor, c.p90_days, none);
            put(
                k.year,
                "cost_usd_per_teu",
                &c.corridor,
                c.cost_usd_per_teu,
                none,
            );
            put(
                k.year,
                "co2e_kg_per_teu",
                &c.corridor,
                c.co2e_kg_per_teu,
                none,
            );
        }
        for b in &k.resources {
            put(
                k.year,
                "utilisation",
                &b.name,
                b.utilisation.mean,
                ci(&b.utilisation),
            );
            put(
                k.year,
                "mean_queue_teu",
                &b.name,
                b.mean_queue_teu.mean,
                ci(&b.mean_queue_teu),
            );
            put(
                k.year,
                "mean_wait_h",
                &b.name,
                b.mean_wait_h.mean,
                ci(&b.mean_wait_h),
            );
            put(
                k.year,
                "throughput_teu",
                &b.name,
                b.throughput_teu.mean,
                ci(&b.throughput_teu),
            );
        }
        for f in &y.in_force {
            put(k.year, "in_force_share", &f.id, f.share, none);
        }
    }
    for p in &r.projects {
        for (y, share) in &p.ready_by {
            put(*y, "ready_by_share", &p.id, *share, none);
        }
    }
    for x in &r.saturation {
        put(
            x.year,
            "saturation_offered_teu",
            &x.corridor,
            x.offered_teu,
            none,
        );
        put(
            x.year,
            "saturation_delivered_teu",
            &x.corridor,
            x.delivered_teu,
            none,
        );
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8")
}

/// `scenario compare`.
pub fn compare(c: &Comparison) -> String {
    let mut out = format!(
        "{} (A) against {} (B), {}–{}, {} replications each (seed {})\n\n",
        c.a, c.b, c.first_year, c.last_year, c.replications, c.seed
    );
    let mut rows = Vec::new();
    for y in &c.years {
        for k in &y.corridors {
            rows.push(vec![
                y.year.to_string(),
                k.corridor.clone(),
                int(k.teu[0]),
                int(k.teu[1]),
                signed(k.teu[1] - k.teu[0], 0),
                format!("{:.1}", k.p50_days[0]),
                format!("{:.1}", k.p50_days[1]),
                signed(k.p50_days[1] - k.p50_days[0], 1),
                signed(k.cost_usd_per_teu[1] - k.cost_usd_per_teu[0], 0),
                signed(k.co2e_kg_per_teu[1] - k.co2e_kg_per_teu[0], 0),
            ]);
        }
    }
    out.push_str("Containers delivered and door-to-door days by corridor (Δ = B − A):\n");
    out.push_str(&render(
        &[
            "YEAR",
            "CORRIDOR",
            "TEU A",
            "TEU B",
            "Δ TEU",
            "P50 A",
            "P50 B",
            "Δ P50 D",
            "Δ USD/TEU",
            "Δ KG CO2e/TEU",
        ],
        &rows,
    ));
    let rows: Vec<Vec<String>> = c
        .years
        .iter()
        .map(|y| {
            let b = |i: usize| {
                y.bottleneck[i]
                    .as_ref()
                    .map(|(n, u)| format!("{} {}", cut(n, 26), pct(*u)))
                    .unwrap_or_default()
            };
            vec![
                y.year.to_string(),
                int(y.backlog_teu[0]),
                int(y.backlog_teu[1]),
                b(0),
                b(1),
            ]
        })
        .collect();
    out.push_str("\nBacklog at year end (TEU-equivalent) and the top bottleneck:\n");
    out.push_str(&render(
        &[
            "YEAR",
            "BACKLOG A",
            "BACKLOG B",
            "TOP BOTTLENECK A",
            "TOP BOTTLENECK B",
        ],
        &rows,
    ));
    let saturation = |r: &ScenarioRun| -> String {
        if r.saturation.is_empty() {
            "none".into()
        } else {
            r.saturation
                .iter()
                .map(|x| format!("{} from {}", x.corridor, x.year))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    out.push_str(&format!(
        "\nSaturation: A {}; B {}\n",
        saturation(&c.runs_a_b[0]),
        saturation(&c.runs_a_b[1])
    ));
    if c.differences.is_empty() && c.explained.is_empty() {
        out.push_str("\nThe scenarios differ only in their randomness: nothing to attribute.\n");
        return out;
    }
    out.push_str("\nWhat differs:\n");
    let kind = |d: &corridor_scenario::compare::Difference| {
        serde_json::to_value(d.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    };
    for d in c.differences.iter().filter(|d| d.in_force) {
        out.push_str(&format!(
            "  {} ({}, {}): {}\n",
            d.id,
            kind(d),
            d.how,
            cut(&d.name, 70)
        ));
    }
    let idle: Vec<&str> = c
        .differences
        .iter()
        .filter(|d| !d.in_force)
        .map(|d| d.id.as_str())
        .collect();
    if !idle.is_empty() {
        out.push_str(&wrap_note(&format!(
            "  Not in force by 31 December {} in any replication (no effect, not re-run): {}",
            c.last_year,
            idle.join(", ")
        )));
        out.push('\n');
    }
    if c.differences.is_empty() {
        out.push_str("  (attribution skipped: --no-attribution)\n");
    } else {
        out.push_str("\nWhat explains each difference (contributions to B − A, largest first):\n");
        for e in &c.explained {
            out.push_str(&format!(
                "  {} {}: Δ {} TEU, Δ P50 {} d\n",
                e.year,
                e.corridor,
                signed(e.teu, 0),
                signed(e.p50_days, 1)
            ));
            let mut parts: Vec<String> = e
                .contributions
                .iter()
                .take(4)
                .map(|k| {
                    format!(
                        "{} {} TEU, {} d",
                        k.item,
                        signed(k.teu, 0),
                        signed(k.p50_days, 1)
                    )
                })
                .collect();
            if e.interaction_teu.abs() >= 100.0 || e.interaction_p50_days.abs() >= 0.1 {
                parts.push(format!(
                    "interaction {} TEU, {} d",
                    signed(e.interaction_teu, 0),
                    signed(e.interaction_p50_days, 1)
                ));
            }
            if parts.is_empty() {
                parts.push("no single item".into());
            }
            out.push_str("      ");
            out.push_str(
                &wrap(&parts.join("; "), 110)
                    .trim_end()
                    .replace('\n', "\n      "),
            );
            out.push('\n');
        }
    }
    out.push_str(&format!("\nMethod: {}\n", wrap_note(&c.method)));
    out
}

/// `scenario compare --csv`.
pub fn compare_csv(c: &Comparison) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["year", "metric", "scope", "a", "b", "b_minus_a"])
        .expect("writing to memory");
    for y in &c.years {
        for k in &y.corridors {
            for (m, v) in [
                ("teu_delivered", k.teu),
                ("tonnes_delivered", k.tonnes),
                ("p50_days", k.p50_days),
                ("p90_days", k.p90_days),
                ("cost_usd_per_teu", k.cost_usd_per_teu),
                ("co2e_kg_per_teu", k.co2e_kg_per_teu),
            ] {
                w.write_record([
                    &y.year.to_string(),
                    m,
                    &k.corridor,
                    &num(v[0]),
                    &num(v[1]),
                    &num(v[1] - v[0]),
                ])
                .expect("writing to memory");
            }
        }
        w.write_record([
            &y.year.to_string(),
            "backlog_teu",
            "all",
            &num(y.backlog_teu[0]),
            &num(y.backlog_teu[1]),
            &num(y.backlog_teu[1] - y.backlog_teu[0]),
        ])
        .expect("writing to memory");
    }
    for e in &c.explained {
        for k in &e.contributions {
            w.write_record([
                &e.year.to_string(),
                "contribution_teu",
                &format!("{}>{}", e.corridor, k.item),
                "",
                "",
                &num(k.teu),
            ])
            .expect("writing to memory");
            w.write_record([
                &e.year.to_string(),
                "contribution_p50_days",
                &format!("{}>{}", e.corridor, k.item),
                "",
                "",
                &num(k.p50_days),
            ])
            .expect("writing to memory");
        }
        w.write_record([
            &e.year.to_string(),
            "interaction_teu",
            &e.corridor,
            "",
            "",
            &num(e.interaction_teu),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8")
}
