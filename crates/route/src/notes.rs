//! What a result assumes and leaves out, as data: every `route` and `compare` result
//! carries these notes (the CLI prints them under its tables and puts them in its JSON),
//! and a comparison gets a one-sentence verdict made from its rows and constraints.

use crate::plan::{CompareRow, Route};
use crate::quote::CostCategory;
use crate::search::Constraints;
use corridor_model::Network;
use serde::Serialize;

/// One assumption or limit of a result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Note {
    /// Stable id (`space_on_next_departure`, `terminal_to_terminal`, `cost_basis`,
    /// `cargo_weight`, `tariff_year`, `border_fees`, `default_size`, `ranking`).
    pub id: &'static str,
    /// The note in words.
    pub text: String,
}

/// The cargo figures a result rests on and whether the user gave them.
#[derive(Clone, Copy, Debug)]
pub struct Basis {
    /// Size of the shipment, TEU.
    pub teu: f64,
    /// False when no size was given and `teu` is the default.
    pub size_given: bool,
    /// Cargo per TEU used for the emissions, tonnes.
    pub tonnes_per_teu: f64,
    /// True when the user set `tonnes_per_teu` (else it is the dataset's).
    pub tonnes_given: bool,
}

/// A whole number of dollars with thousands separators: `$7,800`.
pub fn dollars(x: f64) -> String {
    let neg = x < 0.0;
    format!("{}${}", if neg { "-" } else { "" }, thousands(x.abs()))
}

/// A whole number with thousands separators: `7,800`, `-12,500`.
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    if x < 0.0 && digits != "0" {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn num(x: f64) -> String {
    corridor_model::ranges::num(x)
}

/// The notes of a result made of `routes` (every route shown).
pub fn notes(net: &Network, from: &str, to: &str, b: &Basis, routes: &[&Route]) -> Vec<Note> {
    let mut v = Vec::new();
    if !b.size_given {
        v.push(Note {
            id: "default_size",
            text: format!(
                "No --teu or --feu was given: the figures are for {} TEU ({} FEU).",
                num(b.teu),
                num(b.teu / 2.0)
            ),
        });
    }
    let mut services: Vec<&str> = Vec::new();
    for l in routes.iter().flat_map(|r| &r.legs) {
        if let Some(s) = l.service.as_deref().filter(|s| !services.contains(s)) {
            services.push(s);
        }
    }
    let on = if services.is_empty() {
        String::new()
    } else {
        format!(" ({})", services.join(", "))
    };
    v.push(Note {
        id: "space_on_next_departure",
        text: format!(
            "Times assume space on the next departure of every timetabled service{on} and no queue at any terminal: P90 understates the waits of busy seasons (multi-day Caspian queues); `corridor simulate` models the queues."
        ),
    });
    v.push(Note {
        id: "terminal_to_terminal",
        text: format!(
            "Terminal to terminal, {from} to {to}: no trucking at either end; customs brokerage, insurance and demurrage are not in the cost."
        ),
    });
    v.push(Note {
        id: "cost_basis",
        text: format!(
            "COST is for the whole shipment of {} TEU ({} FEU); USD/FEU and USD/TEU divide it by the containers. The tariffs are per FEU, and a TEU pays half an FEU.",
            num(b.teu),
            num(b.teu / 2.0)
        ),
    });
    v.push(Note {
        id: "cargo_weight",
        text: format!(
            "Emissions count {} t of cargo per TEU ({}), {} t for the shipment.",
            num(b.tonnes_per_teu),
            if b.tonnes_given {
                "--tonnes-per-teu".to_string()
            } else {
                let src = &net.source(net.cited(net.meta.tonnes_per_teu.cite)[0]).key;
                format!("the dataset's figure, source {src}; set it with --tonnes-per-teu")
            },
            num(b.tonnes_per_teu * b.teu)
        ),
    });
    if let Some(n) = tariff_year(net, routes) {
        v.push(n);
    }
    let borders: u32 = routes.iter().map(|r| r.border_crossings).sum();
    let fees: f64 = routes
        .iter()
        .flat_map(|r| &r.cost_breakdown)
        .filter(|l| l.category == CostCategory::BorderFees)
        .map(|l| l.usd)
        .sum();
    if borders > 0 && fees == 0.0 {
        v.push(Note {
            id: "border_fees",
            text: "The dataset holds no border fees: borders are crossed at no charge beyond the tariffs and handling.".into(),
        });
    }
    v
}

/// The years of a source: its own, else those of the sources its note cites as `[S…]`.
/// How the routes are ranked: the generalised cost of `balanced` in words (with its
/// parameters and their source), or the weights on the scaled criteria.
pub fn ranking(w: &crate::plan::Weights) -> Note {
    let text = match w.generalised {
        Some(g) => format!(
            "Ranked by generalised cost: price + {} USD per TEU-day × door-to-door days + {} USD per t CO2e (the simulation's route choice, source E-LOGIT; --value-of-time and --carbon-price change them).",
            num(g.usd_per_teu_day),
            num(g.usd_per_t_co2e)
        ),
        None => format!(
            "Ranked by weights {} (time), {} (cost), {} (CO2e) on each figure scaled from the best to the worst route compared.",
            num(w.time),
            num(w.cost),
            num(w.co2)
        ),
    };
    Note {
        id: "ranking",
        text,
    }
}

fn years(net: &Network, key: &str) -> (Option<u16>, Vec<u16>) {
    let Some(s) = net.sources.iter().find(|s| s.key == key) else {
        return (None, vec![]);
    };
    if s.year.is_some() {
        return (s.year, vec![]);
    }
    let mut cited = Vec::new();
    for part in s.note.split('[').skip(1) {
        let Some((inner, _)) = part.split_once(']') else {
            continue;
        };
        for k in inner.split([',', ';', ' ']).filter(|k| !k.is_empty()) {
            if let Some(y) = net.sources.iter().find(|x| x.key == k).and_then(|x| x.year) {
                cited.push(y);
            }
        }
    }
    (None, cited)
}

/// When the tariffs and handling charges of the routes date from.
fn tariff_year(net: &Network, routes: &[&Route]) -> Option<Note> {
    let mut keys: Vec<&str> = Vec::new();
    for l in routes.iter().flat_map(|r| &r.cost_breakdown) {
        for k in &l.sources {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty() {
        return None;
    }
    let (mut own, mut basis, mut undated) = (Vec::new(), Vec::new(), 0);
    for k in &keys {
        match years(net, k) {
            (Some(y), _) => own.push(y),
            (None, c) => {
                undated += 1;
                basis.extend(c);
            }
        }
    }
    let span = |ys: &[u16]| {
        let (lo, hi) = (ys.iter().min(), ys.iter().max());
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo == hi => lo.to_string(),
            (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
            _ => String::new(),
        }
    };
    let mut dated: Vec<String> = Vec::new();
    for l in routes.iter().flat_map(|r| &r.legs) {
        if let Some(t) = &l.tariff_in_force {
            let d = format!("{} at {t}", l.link);
            if !dated.contains(&d) {
                dated.push(d);
            }
        }
    }
    let lead = if dated.is_empty() {
        String::new()
    } else {
        format!(
            "Priced at the dated tariffs in force on the shipment's date: {}; the other links at their own tariffs. ",
            dated.join("; ")
        )
    };
    let text = if undated == 0 {
        format!("Tariffs of {} (the year of their sources).", span(&own))
    } else {
        let all: Vec<u16> = own.iter().chain(&basis).copied().collect();
        let basis_years = if all.is_empty() {
            "none of their sources gives a year".to_string()
        } else {
            format!(
                "the figures they rest on date from {}, so rates of different years are mixed",
                span(&all)
            )
        };
        format!(
            "{} no year: {basis_years}; {undated} of the {} tariff and handling sources used are undated estimates or derived figures (`corridor network sources --long` gives their basis).",
            if lead.is_empty() {
                "The tariffs carry"
            } else {
                "The links' own tariffs carry"
            },
            keys.len()
        )
    };
    Some(Note {
        id: "tariff_year",
        text: lead + &text,
    })
}

/// The constraints in words: `without RU`, `via Poti`, `within 20 d`.
fn constraint_words(net: &Network, c: &Constraints) -> Vec<String> {
    let mut w = Vec::new();
    let mut without: Vec<String> = c.avoid_countries.iter().map(|x| x.to_string()).collect();
    without.extend(
        c.avoid_passages
            .iter()
            .map(|p| net.passages[p.idx()].name.clone()),
    );
    without.extend(
        c.avoid_nodes
            .iter()
            .map(|n| crate::places::short_name(net, *n)),
    );
    without.extend(c.avoid_modes.iter().map(|m| m.to_string()));
    without.extend(c.avoid_services.iter().map(|s| net.service(*s).key.clone()));
    if !without.is_empty() {
        w.push(format!("without {}", without.join(", ")));
    }
    if !c.via.is_empty() {
        let v: Vec<String> = c
            .via
            .iter()
            .map(|n| crate::places::short_name(net, *n))
            .collect();
        w.push(format!("via {}", v.join(", ")));
    }
    if let Some(h) = c.max_hours {
        w.push(format!("within {} d", num(h / 24.0)));
    }
    if let Some(m) = c.max_cost {
        w.push(format!("within {}", dollars(m)));
    }
    w
}

/// Why a removed corridor's route breaks the constraints: `crosses RU`, `passes Suez Canal`.
fn breaks(net: &Network, row: &CompareRow, c: &Constraints) -> String {
    let Some(alt) = &row.without_constraints else {
        return "has no route".into();
    };
    let mut why = Vec::new();
    let crossed: Vec<String> = c
        .avoid_countries
        .iter()
        .map(|x| x.to_string())
        .filter(|x| alt.countries.contains(x))
        .collect();
    if !crossed.is_empty() {
        why.push(format!("crosses {}", crossed.join(", ")));
    }
    for p in &c.avoid_passages {
        let p = &net.passages[p.idx()];
        if alt.passages.contains(&p.key) {
            why.push(format!("passes {}", p.name));
        }
    }
    for n in &c.avoid_nodes {
        if alt.nodes.contains(&net.node(*n).key) {
            why.push(format!("passes {}", crate::places::short_name(net, *n)));
        }
    }
    for m in &c.avoid_modes {
        if alt.modes.contains(&m.to_string()) {
            why.push(format!("goes by {m}"));
        }
    }
    if c.max_cost.is_some_and(|m| alt.cost_usd > m) {
        why.push(format!("costs {}", dollars(alt.cost_usd)));
    }
    if why.is_empty() {
        why.push(if row.removed_by.is_empty() {
            "is removed by the combination of the constraints".to_string()
        } else {
            format!("is removed by {}", row.removed_by.join(", "))
        });
    }
    why.join(" and ")
}

/// The verdict of a comparison in one sentence, made from its rows and constraints: the
/// fastest corridor that meets them, the cheapest if it is another, and the fastest
/// corridor the constraints removed if it would have been faster.
pub fn verdict(net: &Network, rows: &[CompareRow], c: &Constraints) -> String {
    let words = constraint_words(net, c);
    let cond = if words.is_empty() {
        String::new()
    } else {
        format!(" {}", words.join(", "))
    };
    let avail: Vec<(&CompareRow, &Route)> = rows
        .iter()
        .filter_map(|r| r.route.as_ref().map(|x| (r, x)))
        .collect();
    let by = |f: fn(&Route) -> f64| {
        avail
            .iter()
            .min_by(|a, b| f(a.1).total_cmp(&f(b.1)))
            .copied()
    };
    let Some((fr, fast)) = by(|r| r.p50_days) else {
        return format!("No corridor has a route{cond}.");
    };
    let (cr, cheap) = by(|r| r.cost_usd).expect("one route at least");
    let mut s = format!(
        "Fastest{cond}: {}, {:.1} d P50, {}/FEU",
        fr.corridor_name,
        fast.p50_days,
        dollars(fast.cost_usd_per_feu)
    );
    if cr.corridor != fr.corridor && cheap.cost_usd < fast.cost_usd {
        s.push_str(&format!(
            "; cheapest: {}, {}/FEU, {:.1} d slower",
            cr.corridor_name,
            dollars(cheap.cost_usd_per_feu),
            cheap.p50_days - fast.p50_days
        ));
    }
    let removed = rows
        .iter()
        .filter(|r| r.route.is_none())
        .filter_map(|r| r.without_constraints.as_ref().map(|a| (r, a)))
        .filter(|(_, a)| a.p50_days < fast.p50_days)
        .min_by(|a, b| a.1.p50_days.total_cmp(&b.1.p50_days));
    if let Some((r, a)) = removed {
        s.push_str(&format!(
            "; {} would be {:.1} d faster but {}",
            r.corridor_name,
            fast.p50_days - a.p50_days,
            breaks(net, r, c)
        ));
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn dollars_have_thousands_separators() {
        assert_eq!(super::dollars(7800.0), "$7,800");
        assert_eq!(super::dollars(999.4), "$999");
        assert_eq!(super::dollars(1_234_567.0), "$1,234,567");
        assert_eq!(super::dollars(0.0), "$0");
    }
}
