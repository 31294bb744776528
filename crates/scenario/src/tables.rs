//! The network as editable tables: the dataset's own files (the texts `network export
//! --format csv` writes), changed row by row, then loaded by the model's loader. So the
//! network at a date passes exactly the checks of a loaded one (ranges, references, gauges,
//! connectivity) and a problem is found by the same code with the same words.

use crate::Table;
use crate::scenario::CapacityFigure;
use corridor_model::dist::{Distribution, TimeSpec};
use corridor_model::network::{Network, Schedule};
use corridor_model::units::{Payload, Tariff};
use corridor_model::{export, fields};
use std::collections::HashMap;

/// One CSV table of a dataset.
#[derive(Clone, Debug)]
pub(crate) struct CsvTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    index: HashMap<String, usize>,
}

impl CsvTable {
    fn parse(text: &str) -> CsvTable {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let header: Vec<String> = rdr
            .headers()
            .expect("the exported table has a header")
            .iter()
            .map(String::from)
            .collect();
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| {
                r.expect("the exported table is valid CSV")
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        let index = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r[0].clone(), i))
            .collect();
        CsvTable {
            header,
            rows,
            index,
        }
    }

    /// The column's index.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The row of an id.
    pub fn row(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The value of a row's field.
    pub fn get(&self, row: usize, col: &str) -> &str {
        self.col(col)
            .map(|c| self.rows[row][c].as_str())
            .unwrap_or("")
    }

    fn set(&mut self, row: usize, col: &str, value: String) {
        if let Some(c) = self.col(col) {
            self.rows[row][c] = value;
        }
    }

    fn push(&mut self, fields: &[(String, String)]) {
        let mut row = vec![String::new(); self.header.len()];
        for (k, v) in fields {
            if let Some(c) = self.col(k) {
                row[c] = v.clone();
            }
        }
        self.index.insert(row[0].clone(), self.rows.len());
        self.rows.push(row);
    }

    fn retain(&mut self, keep: impl Fn(&[String]) -> bool) {
        self.rows.retain(|r| keep(r));
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r[0].clone(), i))
            .collect();
    }

    /// The table as CSV text, and the id of the row on each physical line (header: none).
    fn text(&self) -> (String, Vec<Option<String>>) {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(&self.header).expect("writing to memory");
        let mut lines = vec![None];
        for r in &self.rows {
            w.write_record(r).expect("writing to memory");
            // A field holding line breaks spans several lines.
            let extra: usize = r.iter().map(|f| f.matches('\n').count()).sum();
            for _ in 0..=extra {
                lines.push(Some(r[0].clone()));
            }
        }
        let text = String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8");
        (text, lines)
    }
}

/// A dataset as tables: `dataset.toml` as a TOML table, the five CSV files as rows.
#[derive(Clone, Debug)]
pub(crate) struct Tables {
    pub meta: toml::Table,
    /// sources, nodes, links, services, emissions, tariffs (the order of the loader's
    /// files, less `dataset.toml`).
    pub csv: Vec<CsvTable>,
}

/// Index of `tariffs.csv` (dated tariffs, rows keyed by link) in [`Tables::csv`].
const DATED_TARIFFS: usize = 5;

/// Rows whose line a loader message names, per file of the dataset.
pub(crate) type LineMaps = Vec<Vec<Option<String>>>;

impl Tables {
    /// The tables of a network.
    pub fn of(net: &Network) -> Tables {
        let texts = export::to_dataset_texts(net);
        let meta: toml::Table =
            toml::from_str(&texts[0].1).expect("the exported dataset.toml parses");
        let csv = texts[1..].iter().map(|(_, t)| CsvTable::parse(t)).collect();
        Tables { meta, csv }
    }

    /// The table of a kind.
    pub fn table(&self, t: Table) -> &CsvTable {
        &self.csv[t.index()]
    }

    fn table_mut(&mut self, t: Table) -> &mut CsvTable {
        &mut self.csv[t.index()]
    }

    /// The six files' texts, and for each the row id of each of its lines.
    pub fn texts(&self) -> (Vec<(&'static str, Vec<u8>)>, LineMaps) {
        let mut out = vec![(
            corridor_model::load::FILES[0],
            toml::to_string(&self.meta).expect("TOML").into_bytes(),
        )];
        let mut maps = vec![Vec::new()];
        for (i, t) in self.csv.iter().enumerate() {
            let (text, lines) = t.text();
            out.push((corridor_model::load::FILES[i + 1], text.into_bytes()));
            maps.push(lines);
        }
        (out, maps)
    }

    /// Set a field (and its `_src` column, when a source is given). A link's tariff set
    /// by a change holds on every date: the link's dated tariffs go.
    pub fn set(&mut self, t: Table, id: &str, col: &str, value: &str, src: Option<&str>) {
        if (t, col) == (Table::Links, "tariff") {
            self.drop_dated_tariffs(|link| link == id);
        }
        self.set_field(t, id, col, value, src);
    }

    /// Set a field (and its `_src` column, when a source is given), nothing else.
    pub fn set_field(&mut self, t: Table, id: &str, col: &str, value: &str, src: Option<&str>) {
        let table = self.table_mut(t);
        if let Some(r) = table.row(id) {
            table.set(r, col, value.to_string());
            if let Some(s) = src {
                let src_col = if col == "lat" || col == "lon" {
                    "coord_src".to_string()
                } else {
                    format!("{col}_src")
                };
                table.set(r, &src_col, s.to_string());
            }
        }
    }

    /// Add a row.
    pub fn add(&mut self, t: Table, row: &[(String, String)]) {
        self.table_mut(t).push(row);
    }

    /// Close links, nodes, services, the links crossing countries and the lanes using
    /// passages, with what depends on them (a closed node's links, a closed link's
    /// services; a closed node leaves the connectivity lists).
    pub fn close(
        &mut self,
        links: &[String],
        nodes: &[String],
        services: &[String],
        countries: &[String],
        passages: &[String],
    ) {
        let nodes_t = self.table(Table::Nodes);
        let (nc, ncountry) = (0, nodes_t.col("country").expect("column"));
        let mut closed_nodes: Vec<String> = nodes.to_vec();
        for r in &nodes_t.rows {
            if countries.iter().any(|c| *c == r[ncountry]) {
                closed_nodes.push(r[nc].clone());
            }
        }
        let links_t = self.table(Table::Links);
        let (lf, lt, lc, lp) = (
            links_t.col("from").expect("column"),
            links_t.col("to").expect("column"),
            links_t.col("countries").expect("column"),
            links_t.col("passages").expect("column"),
        );
        let mut closed_links: Vec<String> = links.to_vec();
        for r in &links_t.rows {
            let crosses = r[lc]
                .split([';', ' '])
                .any(|c| countries.iter().any(|x| x == c));
            let passes = r[lp]
                .split([';', ' '])
                .any(|p| passages.iter().any(|x| x == p));
            let at = closed_nodes.iter().any(|n| *n == r[lf] || *n == r[lt]);
            if crosses || passes || at {
                closed_links.push(r[0].clone());
            }
        }
        let services_t = self.table(Table::Services);
        let sl = services_t.col("link").expect("column");
        let mut closed_services: Vec<String> = services.to_vec();
        for r in &services_t.rows {
            if closed_links.iter().any(|l| *l == r[sl]) {
                closed_services.push(r[0].clone());
            }
        }
        self.table_mut(Table::Services)
            .retain(|r| !closed_services.contains(&r[0]));
        self.table_mut(Table::Links)
            .retain(|r| !closed_links.contains(&r[0]));
        self.drop_dated_tariffs(|link| closed_links.iter().any(|l| l == link));
        self.table_mut(Table::Nodes)
            .retain(|r| !closed_nodes.contains(&r[0]));
        if let Some(toml::Value::Table(c)) = self.meta.get_mut("connectivity") {
            for key in ["origins", "destinations"] {
                if let Some(toml::Value::Array(a)) = c.get_mut(key) {
                    a.retain(|v| {
                        v.as_str()
                            .is_none_or(|s| !closed_nodes.iter().any(|n| n == s))
                    });
                }
            }
        }
    }

    /// Remove the dated tariffs of the links `gone` names.
    fn drop_dated_tariffs(&mut self, gone: impl Fn(&str) -> bool) {
        if let Some(t) = self.csv.get_mut(DATED_TARIFFS) {
            t.retain(|r| !gone(&r[0]));
        }
    }

    /// Scale the dated tariffs of `link` by `f` (as its own tariff is scaled), citing
    /// `src` beside their sources.
    pub fn scale_dated_tariffs(&mut self, link: &str, f: f64, src: &str) -> Result<(), String> {
        let Some(t) = self.csv.get_mut(DATED_TARIFFS) else {
            return Ok(());
        };
        let (tc, sc) = (t.col("tariff"), t.col("tariff_src"));
        let (Some(tc), Some(sc)) = (tc, sc) else {
            return Ok(());
        };
        for r in t.rows.iter_mut().filter(|r| r[0] == link) {
            r[tc] = scaled("tariff", &r[tc], f).map_err(|e| format!("{link} tariff: {e}"))?;
            if !src.is_empty() {
                r[sc] = format!("{};{src}", r[sc]);
            }
        }
        Ok(())
    }

    /// The mode of a link row.
    pub fn link_mode(&self, link: &str) -> Option<String> {
        let t = self.table(Table::Links);
        t.row(link).map(|r| t.get(r, "mode").to_string())
    }
}

/// The sources of a figure scaled by a change citing `src` (empty: none): its old sources
/// `old` and the change's. A capacity of two figures (`150000 TEU/yr; 15 Mt/yr`) has a
/// `;`-separated group of sources per figure, and both figures scale: each group gains `src`.
pub(crate) fn scaled_sources(field: &str, text: &str, old: &str, src: &str) -> Option<String> {
    let groups = if field == "capacity" && text.contains(';') {
        2
    } else {
        1
    };
    match (old.is_empty(), src.is_empty()) {
        (_, true) => None,
        (true, false) => Some(vec![src; groups].join("; ")),
        (false, false) if groups == 2 => Some(
            old.split(';')
                .map(|g| format!("{} {src}", g.trim()))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (false, false) => Some(format!("{old};{src}")),
    }
}

/// A capacity's text with only its `figure` (units or tonnes) scaled by `f`; `None` when it
/// has no such figure.
pub(crate) fn scaled_figure(
    text: &str,
    figure: CapacityFigure,
    f: f64,
) -> Result<Option<String>, String> {
    let caps = fields::capacities(text).map_err(|e| e.message)?;
    if !caps.iter().any(|c| figure.is(c)) {
        return Ok(None);
    }
    Ok(Some(
        caps.iter()
            .map(|c| {
                let k = if figure.is(c) { f } else { 1.0 };
                format!("{} {}", c.amount() * k, c.unit_str())
            })
            .collect::<Vec<_>>()
            .join("; "),
    ))
}

/// The sources of a capacity whose `figure` alone a change citing `src` scaled: the group of
/// that figure gains `src` (a capacity of one figure: its sources do), the other keeps its own.
pub(crate) fn figure_sources(
    text: &str,
    figure: CapacityFigure,
    old: &str,
    src: &str,
) -> Option<String> {
    let caps = fields::capacities(text).ok()?;
    if caps.len() < 2 {
        return scaled_sources("capacity", text, old, src);
    }
    if src.is_empty() {
        return None;
    }
    let groups: Vec<&str> = old.split(';').map(str::trim).collect();
    Some(
        caps.iter()
            .enumerate()
            .map(|(i, c)| {
                let g = groups.get(i).copied().unwrap_or("");
                match (figure.is(c), g.is_empty()) {
                    (true, true) => src.to_string(),
                    (true, false) => format!("{g} {src}"),
                    (false, _) => g.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// A figure's text scaled by `f`, in its field's own form: a capacity, payload, tariff or
/// handling charge keeps its unit; a timetable's frequency is multiplied (its headway
/// divided); a distribution of times is stretched (`dwell`, `time`, `max_hold`).
pub(crate) fn scaled(field: &str, text: &str, f: f64) -> Result<String, String> {
    let bad = |e: corridor_model::dist::SpecError| e.message;
    Ok(match field {
        // Each of a node's capacities (`150000 TEU/yr; 15 Mt/yr`) is scaled.
        "capacity" => fields::capacities(text)
            .map_err(bad)?
            .iter()
            .map(|c| format!("{} {}", c.amount() * f, c.unit_str()))
            .collect::<Vec<_>>()
            .join("; "),
        "payload" => match fields::payload(text).map_err(bad)? {
            Payload::Teu(v) => format!("{} TEU", v * f),
            Payload::Wagons(v) => format!("{} wagons", v * f),
            Payload::Tonnes(v) => format!("{} t", v * f),
        },
        "tariff" => match fields::tariff(text).map_err(bad)? {
            Tariff::PerFeu(v) => format!("{} USD/FEU", v * f),
            Tariff::PerFeuKm(v) => format!("{} USD/FEU-km", v * f),
        },
        "handling" => format!("{} USD/FEU", fields::handling(text).map_err(bad)?.0 * f),
        "max_hold" => format!("{}h", fields::max_hold(text).map_err(bad)?.0 * f),
        "schedule" => {
            if f <= 0.0 {
                return Err(
                    "a timetable's frequency can only be scaled by a positive factor".into(),
                );
            }
            match fields::schedule(text).map_err(bad)? {
                Schedule::Every { headway, offset } => {
                    let m = (offset.0 * 60.0).round() as u32;
                    format!(
                        "every({}h; {:02}:{:02})",
                        headway.0 / f,
                        (m / 60) % 24,
                        m % 60
                    )
                }
                s @ Schedule::Weekly { .. } => format!("every({}h)", 168.0 / (s.per_week() * f)),
            }
        }
        "dwell" => stretch(&Distribution::parse(text).map_err(bad)?, f).to_string(),
        "time" => match TimeSpec::parse(text).map_err(bad)? {
            TimeSpec::Dist { dist } => stretch(&dist, f).to_string(),
            TimeSpec::BySpeed { p50, p90 } => {
                format!("by_speed(p50={}km/d; p90={}km/d)", p50.0 / f, p90.0 / f)
            }
        },
        other => {
            return Err(format!(
                "`{other}` cannot be scaled; scalable fields are {}",
                SCALABLE.join(", ")
            ));
        }
    })
}

/// Fields a `scale` change may name.
pub(crate) const SCALABLE: &[&str] = &[
    "capacity", "payload", "tariff", "handling", "max_hold", "schedule", "dwell", "time",
];

fn stretch(d: &Distribution, f: f64) -> Distribution {
    use corridor_model::units::Hours;
    match d {
        Distribution::Fixed { value } => Distribution::Fixed {
            value: Hours(value.0 * f),
        },
        Distribution::Triangular { min, mode, max } => Distribution::Triangular {
            min: Hours(min.0 * f),
            mode: Hours(mode.0 * f),
            max: Hours(max.0 * f),
        },
        Distribution::LogNormal { p50, p90 } => Distribution::LogNormal {
            p50: Hours(p50.0 * f),
            p90: Hours(p90.0 * f),
        },
        Distribution::Empirical { points } => Distribution::Empirical {
            points: points.iter().map(|(v, w)| (Hours(v.0 * f), *w)).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_scale_in_their_own_units() {
        assert_eq!(
            scaled("capacity", "150000 TEU/yr", 2.0).unwrap(),
            "300000 TEU/yr"
        );
        assert_eq!(
            scaled("capacity", "150000 TEU/yr; 15 Mt/yr", 2.0).unwrap(),
            "300000 TEU/yr; 30 Mt/yr"
        );
        assert_eq!(scaled("payload", "54 wagons", 0.75).unwrap(), "40.5 wagons");
        assert_eq!(
            scaled("schedule", "every(12h)", 1.5).unwrap(),
            "every(8h; 00:00)"
        );
        assert_eq!(
            scaled("schedule", "weekly(Mon 08:00; Thu 20:00)", 2.0).unwrap(),
            "every(42h)"
        );
        assert_eq!(
            scaled("dwell", "lognormal(p50=20h; p90=60h)", 0.5).unwrap(),
            "lognormal(p50=10h, p90=30h)"
        );
        assert_eq!(
            scaled("time", "by_speed(p50=700km/d; p90=500km/d)", 0.5).unwrap(),
            "by_speed(p50=1400km/d; p90=1000km/d)"
        );
        assert!(
            scaled("name", "x", 2.0)
                .unwrap_err()
                .contains("cannot be scaled")
        );
    }

    #[test]
    fn tables_round_trip_to_the_same_network() {
        let net = corridor_model::embedded::network().unwrap();
        let (texts, maps) = Tables::of(&net).texts();
        let again =
            corridor_model::load(&corridor_model::DatasetInput::texts("t", &texts)).unwrap();
        assert!(again == net);
        assert_eq!(maps[3][1].as_deref(), Some(net.links[0].key.as_str()));
    }
}
