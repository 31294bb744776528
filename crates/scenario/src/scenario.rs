//! A scenario resolved and checked: its projects (from the pipeline and its own cards),
//! interventions, demand and run settings, every id, field and figure checked against the
//! base network by the model's own parsers, every error at the line of its key with a
//! suggestion for a misspelt id. The network at a date is built by [`crate::timeline`].

use crate::Table;
use crate::delay::Slip;
use crate::demand::{Demand, FlowSpec, GrowthRule};
use crate::file::*;
use crate::tables::{SCALABLE, Tables, figure_sources, scaled, scaled_figure, scaled_sources};
use corridor_model::diag::{Diagnostic, LoadErrors, Sink, did_you_mean};
use corridor_model::network::{Country, Mode, Network};
use corridor_model::read::line_of_offset;
use corridor_model::{dist, fields};
use corridor_route::time::Instant;
use corridor_sim::ops_input::Parsed;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::Arc;
use toml::Spanned;

/// Where a project stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Announced, not started.
    Planned,
    /// Being built.
    UnderConstruction,
    /// In service.
    Complete,
    /// Behind its schedule, not under construction.
    Delayed,
    /// Abandoned: never completes.
    Cancelled,
}

impl Status {
    const NAMES: &'static [&'static str] = &[
        "planned",
        "under_construction",
        "complete",
        "delayed",
        "cancelled",
    ];
    fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "planned" => Status::Planned,
            "under_construction" => Status::UnderConstruction,
            "complete" => Status::Complete,
            "delayed" => Status::Delayed,
            "cancelled" => Status::Cancelled,
            _ => return None,
        })
    }
    /// The word used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::UnderConstruction => "under_construction",
            Status::Complete => "complete",
            Status::Delayed => "delayed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// Which of a node's or link's capacities a scale multiplies: the one in units (TEU,
/// trains, wagons) or the one in tonnes (`capacity = "150000 TEU/yr; 15 Mt/yr"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityFigure {
    /// TEU, trains or wagons.
    Units,
    /// Tonnes (Mt/yr).
    Tonnes,
}

impl CapacityFigure {
    /// The names a scenario file writes.
    pub const NAMES: &'static [&'static str] = &["units", "tonnes"];
    fn parse(s: &str) -> Option<CapacityFigure> {
        match s {
            "units" => Some(CapacityFigure::Units),
            "tonnes" => Some(CapacityFigure::Tonnes),
            _ => None,
        }
    }
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            CapacityFigure::Units => "units",
            CapacityFigure::Tonnes => "tonnes",
        }
    }
    /// Is `c` this figure?
    pub fn is(self, c: &corridor_model::units::Capacity) -> bool {
        c.is_tonnage() == (self == CapacityFigure::Tonnes)
    }
}

/// One change to the network, checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Set a field of a row (and its source).
    Set {
        /// `nodes`, `links` or `services`.
        #[serde(serialize_with = "table_name")]
        table: Table,
        /// The row's id.
        id: String,
        /// The column.
        field: String,
        /// The new text.
        value: String,
        /// Its sources.
        src: String,
    },
    /// Multiply a figure of a row, or of every service or link of a mode.
    Scale {
        /// The rows: one row, or a mode's.
        #[serde(serialize_with = "table_name")]
        table: Table,
        /// The row's id (`None`: every row of `mode`).
        id: Option<String>,
        /// The mode, for a mode's rows.
        mode: Option<String>,
        /// The column.
        field: String,
        /// Of a capacity, the figure scaled (`None`: each it has).
        #[serde(skip_serializing_if = "Option::is_none")]
        figure: Option<CapacityFigure>,
        /// The factor.
        factor: f64,
        /// Its sources.
        src: String,
    },
    /// Add a row.
    Add {
        /// The table.
        #[serde(serialize_with = "table_name")]
        table: Table,
        /// (column, text).
        row: Vec<(String, String)>,
    },
    /// Close rows, and what depends on them.
    Close {
        /// Link ids.
        links: Vec<String>,
        /// Node ids.
        nodes: Vec<String>,
        /// Service ids.
        services: Vec<String>,
        /// Countries (ISO codes): every link crossing them and node in them.
        countries: Vec<String>,
        /// Passage keys: every sea lane through them.
        passages: Vec<String>,
    },
}

fn table_name<S: serde::Serializer>(t: &Table, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.name())
}

impl Change {
    /// In words, for timelines and reports.
    pub fn describe(&self) -> String {
        match self {
            Change::Set {
                id, field, value, ..
            } => format!("{id} {field} = {value}"),
            Change::Scale {
                id,
                mode,
                field,
                figure,
                factor,
                ..
            } => {
                format!(
                    "{} {field}{} × {factor}",
                    id.clone()
                        .or_else(|| mode.as_ref().map(|m| format!("every {m}")))
                        .unwrap_or_default(),
                    figure
                        .map(|f| format!(" ({})", f.name()))
                        .unwrap_or_default()
                )
            }
            Change::Add { table, row } => {
                format!(
                    "adds {} {}",
                    table.name().trim_end_matches('s'),
                    row.iter()
                        .find(|(k, _)| k == "id")
                        .map(|x| x.1.as_str())
                        .unwrap_or("")
                )
            }
            Change::Close {
                links,
                nodes,
                services,
                countries,
                passages,
            } => {
                let all: Vec<String> = links
                    .iter()
                    .chain(nodes)
                    .chain(services)
                    .chain(countries)
                    .chain(passages)
                    .cloned()
                    .collect();
                format!("closes {}", all.join(", "))
            }
        }
    }
}

/// A change with where it is written.
#[derive(Clone, Debug, Serialize)]
pub struct Located {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// File and line.
    #[serde(skip)]
    pub file: String,
    /// See `file`.
    pub line: u64,
}

/// A project, from a card.
#[derive(Clone, Debug, Serialize)]
pub struct Project {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Countries it is in.
    pub countries: Vec<String>,
    /// Who builds it.
    pub owner: String,
    /// Budget, USD.
    pub budget_usd: Option<f64>,
    /// Where it stands.
    pub status: Status,
    /// Completion first announced (hours since the epoch).
    #[serde(skip)]
    pub announced: Option<f64>,
    /// Completion now expected (or achieved).
    #[serde(skip)]
    pub expected: Option<f64>,
    /// Expected completion, ISO date.
    pub expected_date: Option<String>,
    /// First announced completion, ISO date.
    pub announced_date: Option<String>,
    /// Projects it needs first (indices into the scenario's projects).
    #[serde(skip)]
    pub requires: Vec<usize>,
    /// Their ids.
    pub requires_ids: Vec<String>,
    /// How its completion slips.
    pub slip: Slip,
    /// Its sources.
    pub src: String,
    /// A note.
    pub note: String,
    /// The changes it brings when complete.
    pub changes: Vec<Located>,
    /// File and line of its card.
    #[serde(skip)]
    pub file: String,
    /// See `file`.
    pub line: u64,
}

/// A dated intervention.
#[derive(Clone, Debug, Serialize)]
pub struct Intervention {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// In force from (hours since the epoch).
    #[serde(skip)]
    pub from: f64,
    /// In force until, exclusive (`None`: to the end).
    #[serde(skip)]
    pub until: Option<f64>,
    /// ISO dates.
    pub from_date: String,
    /// Last day in force.
    pub to_date: Option<String>,
    /// Its sources.
    pub src: String,
    /// A note.
    pub note: String,
    /// Its changes.
    pub changes: Vec<Located>,
    /// File and line.
    #[serde(skip)]
    pub file: String,
    /// See `file`.
    pub line: u64,
}

/// How a scenario runs by default.
#[derive(Clone, Debug, Serialize)]
pub struct RunSettings {
    /// Replications (over project delays and operations).
    pub replications: u64,
    /// Seed.
    pub seed: u64,
    /// Warm-up days before the first year (with its network and demand).
    pub warmup_days: f64,
}

/// A scenario, checked against its base network.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Its key.
    pub name: String,
    /// One line.
    pub title: String,
    /// A paragraph.
    pub description: String,
    /// The file it was read from, as named in messages.
    pub file: String,
    /// First and last simulated years.
    pub first_year: i32,
    /// See `first_year`.
    pub last_year: i32,
    /// Its projects.
    pub projects: Vec<Project>,
    /// Its interventions.
    pub interventions: Vec<Intervention>,
    /// Its demand.
    pub demand: Demand,
    /// Run settings.
    pub run: RunSettings,
    /// The base network.
    pub base: Arc<Network>,
    /// The simulation's parameters (units, weather, breakdowns, route choice, calibration).
    pub params: Parsed,
    /// The base network's tables, with the scenario's sources added.
    pub(crate) tables: Tables,
}

/// Reads a demand table a scenario names by path: the flows, or the errors.
pub type DemandReader<'a> =
    &'a dyn Fn(&str) -> Result<Vec<corridor_sim::ops_input::Flow>, LoadErrors>;

/// What a scenario is resolved against.
pub struct Context<'a> {
    /// The base network.
    pub base: Arc<Network>,
    /// The simulation parameters, whose flows are the base demand table's.
    pub params: &'a Parsed,
    /// The name of the base demand table (for messages).
    pub demand_file: &'a str,
    /// Project pipeline files: (name in messages, text).
    pub pipelines: &'a [(String, String)],
    /// A demand table a scenario names by path, read by the caller: (path as written) →
    /// the parsed flows, or the errors. `None`: paths are not allowed (embedded scenarios).
    pub demand_table: Option<DemandReader<'a>>,
}

/// Checks a value naming source ids (reports unknown ones).
type CheckSrc<'x> = &'x dyn Fn(&mut Sink, &At, &Spanned<String>, &str);

/// Positions in one TOML text.
struct At<'a> {
    file: &'a str,
    text: &'a str,
}

impl At<'_> {
    fn line<T>(&self, v: &Spanned<T>) -> u64 {
        line_of_offset(self.text.as_bytes(), v.span().start)
    }
    fn err<T>(
        &self,
        sink: &mut Sink,
        v: &Spanned<T>,
        field: &str,
        msg: impl Into<String>,
        hint: Option<String>,
    ) {
        sink.push(
            Diagnostic::at(self.file, Some(self.line(v)), msg)
                .field(field)
                .maybe_hint(hint),
        );
    }
}

fn date(at: &At, sink: &mut Sink, v: &Spanned<String>, field: &str) -> Option<f64> {
    match Instant::parse(v.get_ref(), None) {
        Ok(i) => Some(i.0),
        Err(e) => {
            at.err(sink, v, field, e, None);
            None
        }
    }
}

fn iso(h: f64) -> String {
    Instant(h).iso()[..10].to_string()
}

/// The text of a TOML value in a table cell.
fn cell(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Does a value parse as its column's figure? (Columns without a parser here are checked
/// by the loader when the network is built.)
fn check_value(table: Table, field: &str, v: &str) -> Result<(), String> {
    let e = |x: dist::SpecError| {
        let mut m = x.message;
        if let Some(h) = x.hint {
            m.push_str(&format!(" ({h})"));
        }
        m
    };
    match (table, field) {
        (_, "capacity") => fields::capacities(v).map(|_| ()).map_err(e),
        (Table::Nodes, "dwell") => dist::Distribution::parse(v).map(|_| ()).map_err(e),
        (Table::Nodes, "handling") => fields::handling(v).map(|_| ()).map_err(e),
        (Table::Links, "tariff") => fields::tariff(v).map(|_| ()).map_err(e),
        (Table::Links, "distance") => fields::distance(v).map(|_| ()).map_err(e),
        (Table::Links, "time") => dist::TimeSpec::parse(v).map(|_| ()).map_err(e),
        (Table::Links, "waypoints") => fields::waypoints(v).map(|_| ()).map_err(e),
        (Table::Services, "schedule") => fields::schedule(v).map(|_| ()).map_err(e),
        (Table::Services, "payload") => fields::payload(v).map(|_| ()).map_err(e),
        (Table::Services, "max_hold") => fields::max_hold(v).map(|_| ()).map_err(e),
        (Table::Emissions, "ttw" | "wtw") => fields::intensity(v).map(|_| ()).map_err(e),
        _ => Ok(()),
    }
}

/// A figure column is one with a `_src` column (coordinates: `coord_src`).
fn src_column(table: Table, field: &str) -> Option<String> {
    let cols = table.columns();
    if field == "lat" || field == "lon" {
        return cols.contains(&"coord_src").then(|| "coord_src".into());
    }
    let s = format!("{field}_src");
    cols.contains(&s.as_str()).then_some(s)
}

/// The ids a scenario's changes may name: those of the base network, and those rows added
/// by a given owner.
struct Known<'a> {
    tables: &'a Tables,
    /// (table, id, owner) of added rows; owner: project index, or usize::MAX - i for
    /// intervention i.
    added: Vec<(Table, String, usize)>,
}

const INTERVENTION: usize = usize::MAX / 2;

impl Known<'_> {
    fn exists(&self, t: Table, id: &str, owner: usize, allowed: &dyn Fn(usize) -> bool) -> bool {
        self.tables.table(t).row(id).is_some()
            || self
                .added
                .iter()
                .any(|(tt, i, o)| *tt == t && i == id && (*o == owner || allowed(*o)))
    }
    fn ids(&self, t: Table) -> Vec<String> {
        self.tables
            .table(t)
            .rows
            .iter()
            .map(|r| r[0].clone())
            .chain(self.added.iter().filter(|x| x.0 == t).map(|x| x.1.clone()))
            .collect()
    }
}

impl Scenario {
    /// Read a scenario file against its context. Returns the scenario and its warnings, or
    /// every problem found (in the scenario file and the pipelines), each at its line.
    pub fn parse(
        file: &str,
        text: &str,
        ctx: &Context,
    ) -> Result<(Scenario, Vec<Diagnostic>), LoadErrors> {
        let mut sink = Sink::default();
        let at = At { file, text };
        let toml_error = |sink: &mut Sink, file: &str, text: &str, e: toml::de::Error| {
            let line = e.span().map(|s| line_of_offset(text.as_bytes(), s.start));
            sink.push(
                Diagnostic::at(file, line, e.message().trim_end().to_string())
                    .hint("see examples/scenarios/my-scenario.toml for the layout"),
            );
        };
        let doc: ScenarioToml = match toml::from_str(text) {
            Ok(d) => d,
            Err(e) => {
                toml_error(&mut sink, file, text, e);
                return Err(sink.into_errors());
            }
        };
        // The pipelines' cards, then the scenario's own (which override by id).
        let mut cards: Vec<(ProjectToml, usize)> = Vec::new();
        let mut pipeline_sources: Vec<(SourceToml, usize)> = Vec::new();
        let mut pipes: Vec<PipelineToml> = Vec::new();
        for (pi, (pname, ptext)) in ctx.pipelines.iter().enumerate() {
            match toml::from_str::<PipelineToml>(ptext) {
                Ok(p) => {
                    for c in &p.project {
                        cards.push((c.clone(), pi));
                    }
                    for s in &p.source {
                        pipeline_sources.push((s.clone(), pi));
                    }
                    pipes.push(p);
                }
                Err(e) => toml_error(&mut sink, pname, ptext, e),
            }
        }
        let own = ctx.pipelines.len();
        // Sources: the dataset's, the pipelines', the scenario's.
        let mut tables = Tables::of(&ctx.base);
        let mut source_ids: Vec<String> = ctx.base.sources.iter().map(|s| s.key.clone()).collect();
        let srcs: Vec<(SourceToml, usize)> = pipeline_sources
            .into_iter()
            .chain(doc.source.iter().map(|s| (s.clone(), own)))
            .collect();
        for (s, origin) in &srcs {
            let (sf, st) = origin_text(ctx, *origin, file, text);
            let sat = At { file: sf, text: st };
            let id = s.id.get_ref();
            if source_ids.iter().any(|k| k == id) {
                // The same source in several files of a run is fine when it is the same.
                if *origin != own && ctx.base.sources.iter().all(|x| x.key != *id) {
                    continue;
                }
                sat.err(
                    &mut sink,
                    &s.id,
                    "source.id",
                    format!("source `{id}` is already defined"),
                    Some("each source id appears once (the dataset's sources.csv included)".into()),
                );
                continue;
            }
            source_ids.push(id.clone());
            tables.add(
                Table::Sources,
                &[
                    ("id".into(), id.clone()),
                    ("kind".into(), s.kind.get_ref().clone()),
                    ("title".into(), s.title.get_ref().clone()),
                    (
                        "year".into(),
                        s.year
                            .as_ref()
                            .map(|y| y.get_ref().to_string())
                            .unwrap_or_default(),
                    ),
                    ("url".into(), s.url.clone().unwrap_or_default()),
                    ("note".into(), s.note.clone().unwrap_or_default()),
                ],
            );
        }
        let check_src = |sink: &mut Sink, at: &At, v: &Spanned<String>, field: &str| {
            for key in v
                .get_ref()
                .split([';', ',', ' '])
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                if !source_ids.iter().any(|k| k == key) {
                    at.err(sink, v, field, format!("unknown source `{key}`"), did_you_mean(key, source_ids.iter().map(String::as_str)).or_else(|| Some("add it to the dataset's sources.csv or as a [[source]] of the scenario".into())));
                }
            }
            if v.get_ref().trim().is_empty() {
                at.err(
                    sink,
                    v,
                    field,
                    "missing source",
                    Some("every figure names its source ids".into()),
                );
            }
        };

        // Years.
        let years = doc.years.get_ref();
        let (first_year, last_year) = match years.as_slice() {
            [a, b] if (1971..=2199).contains(a) && (1971..=2199).contains(b) && a <= b => {
                (*a as i32, *b as i32)
            }
            _ => {
                at.err(&mut sink, &doc.years, "years", format!("expected the first and last simulated years, e.g. [2025, 2030], from 1971 to 2199, found {years:?}"), None);
                (2025, 2025)
            }
        };

        // Projects: the scenario's selection from the pipelines, plus its own cards.
        let mut selected: Vec<(ProjectToml, usize)> = Vec::new();
        for id in &doc.projects {
            match cards.iter().rev().find(|(c, _)| c.id.get_ref() == id.get_ref()) {
                Some(c) => {
                    if selected.iter().any(|(s, _)| s.id.get_ref() == id.get_ref()) {
                        at.err(&mut sink, id, "projects", format!("project `{}` is listed twice", id.get_ref()), None);
                    } else {
                        selected.push(c.clone());
                    }
                }
                None => at.err(&mut sink, id, "projects", format!("unknown project `{}`", id.get_ref()), did_you_mean(id.get_ref(), cards.iter().map(|(c, _)| c.id.get_ref().as_str())).or_else(|| Some("projects are cards of the pipeline (`corridor scenario projects`) or [[project]] tables of the scenario".into()))),
            }
        }
        for c in &doc.project {
            match selected
                .iter_mut()
                .find(|(s, _)| s.id.get_ref() == c.id.get_ref())
            {
                // The scenario's card overrides the pipeline's: what it gives replaces.
                Some(s) => s.0 = merge_card(&s.0, c),
                None => selected.push((c.clone(), own)),
            }
        }
        let project_ids: Vec<String> = selected
            .iter()
            .map(|(c, _)| c.id.get_ref().clone())
            .collect();

        // Every row a change adds, by owner, for the checks of later changes.
        let mut known = Known {
            tables: &tables,
            added: Vec::new(),
        };
        for (pi, (c, _)) in selected.iter().enumerate() {
            for ch in &c.change {
                if let Some(add) = &ch.add {
                    if let (Some(t), Some(id)) = (
                        Table::parse(add.get_ref().table.get_ref()),
                        add.get_ref().row.get("id"),
                    ) {
                        known.added.push((t, cell(id.get_ref()), pi));
                    }
                }
            }
        }
        for (ii, iv) in doc.intervention.iter().enumerate() {
            for ch in &iv.change {
                if let Some(add) = &ch.add {
                    if let (Some(t), Some(id)) = (
                        Table::parse(add.get_ref().table.get_ref()),
                        add.get_ref().row.get("id"),
                    ) {
                        known.added.push((t, cell(id.get_ref()), INTERVENTION + ii));
                    }
                }
            }
        }

        // Requires, for the checks of changes: transitive.
        let mut requires: Vec<Vec<usize>> = Vec::new();
        for (c, origin) in &selected {
            let (pf, pt) = origin_text(ctx, *origin, file, text);
            let pat = At { file: pf, text: pt };
            let mut v = Vec::new();
            for r in &c.requires {
                match project_ids.iter().position(|p| p == r.get_ref()) {
                    Some(i) => v.push(i),
                    None => pat.err(
                        &mut sink,
                        r,
                        "requires",
                        format!(
                            "project `{}` requires `{}`, which is not in the scenario",
                            c.id.get_ref(),
                            r.get_ref()
                        ),
                        Some(format!(
                            "add `{}` to the scenario's projects, or remove the prerequisite",
                            r.get_ref()
                        )),
                    ),
                }
            }
            requires.push(v);
        }
        let closure = transitive(&requires);
        for (i, reqs) in closure.iter().enumerate() {
            if reqs.contains(&i) {
                let (c, origin) = &selected[i];
                let (pf, pt) = origin_text(ctx, *origin, file, text);
                At { file: pf, text: pt }.err(
                    &mut sink,
                    &c.id,
                    "requires",
                    format!(
                        "project `{}` requires itself through its prerequisites",
                        c.id.get_ref()
                    ),
                    None,
                );
            }
        }

        let mut projects = Vec::new();
        for (pi, (c, origin)) in selected.iter().enumerate() {
            let (pf, pt) = origin_text(ctx, *origin, file, text);
            let pat = At { file: pf, text: pt };
            let status = match &c.status {
                Some(s) => match Status::parse(s.get_ref()) {
                    Some(x) => x,
                    None => {
                        pat.err(
                            &mut sink,
                            s,
                            "status",
                            format!("unknown status `{}`", s.get_ref()),
                            did_you_mean(s.get_ref(), Status::NAMES.iter().copied()).or_else(
                                || Some(format!("statuses are {}", Status::NAMES.join(", "))),
                            ),
                        );
                        Status::Planned
                    }
                },
                None => {
                    pat.err(
                        &mut sink,
                        &c.id,
                        "status",
                        format!("project `{}` has no status", c.id.get_ref()),
                        Some(format!("statuses are {}", Status::NAMES.join(", "))),
                    );
                    Status::Planned
                }
            };
            let expected = c
                .expected
                .as_ref()
                .and_then(|d| date(&pat, &mut sink, d, "expected"));
            let announced = c
                .announced
                .as_ref()
                .and_then(|d| date(&pat, &mut sink, d, "announced"));
            if expected.is_none() && c.expected.is_none() && status != Status::Cancelled {
                pat.err(&mut sink, &c.id, "expected", format!("project `{}` has no expected completion date", c.id.get_ref()), Some("write expected = \"YYYY-MM-DD\" (for a complete project, when it completed)".into()));
            }
            let slip = match &c.delay {
                None => Slip::default_for(status),
                Some(d) if d.get_ref() == "none" => Slip::None,
                Some(d) => match dist::Distribution::parse(d.get_ref()) {
                    Ok(dist) => Slip::Days { dist },
                    Err(e) => {
                        pat.err(&mut sink, d, "delay", e.message, Some("write the slip as a distribution of days, e.g. tri(0d; 180d; 720d), or \"none\"".into()));
                        Slip::None
                    }
                },
            };
            let src = match &c.src {
                Some(s) => {
                    check_src(&mut sink, &pat, s, "src");
                    s.get_ref().clone()
                }
                None => {
                    pat.err(
                        &mut sink,
                        &c.id,
                        "src",
                        format!("project `{}` names no source", c.id.get_ref()),
                        Some("every project card names its sources (src = \"S…\")".into()),
                    );
                    String::new()
                }
            };
            for k in &c.countries {
                if Country::parse(k.get_ref()).is_none() {
                    pat.err(
                        &mut sink,
                        k,
                        "countries",
                        format!(
                            "`{}` is not an ISO 3166-1 alpha-2 country code",
                            k.get_ref()
                        ),
                        None,
                    );
                }
            }
            let reqs = &closure[pi];
            let changes = c
                .change
                .iter()
                .filter_map(|ch| {
                    change(
                        &pat,
                        &mut sink,
                        ch,
                        pi,
                        &known,
                        &|o| reqs.contains(&o),
                        &src,
                        &ctx.base,
                        &check_src,
                    )
                })
                .collect();
            for r in &c.conflicts {
                if let Some(j) = project_ids.iter().position(|p| p == r.get_ref()) {
                    let (c2, o2) = &selected[j];
                    let (f2, t2) = origin_text(ctx, *o2, file, text);
                    let l2 = At { file: f2, text: t2 }.line(&c2.id);
                    pat.err(&mut sink, r, "conflicts", format!("projects `{}` and `{}` conflict and cannot both be in a scenario (`{}` is at {f2}:{l2})", c.id.get_ref(), c2.id.get_ref(), c2.id.get_ref()), Some("leave one of them out".into()));
                }
            }
            projects.push(Project {
                id: c.id.get_ref().clone(),
                name: c.name.clone().unwrap_or_else(|| c.id.get_ref().clone()),
                countries: c.countries.iter().map(|k| k.get_ref().clone()).collect(),
                owner: c.owner.clone().unwrap_or_default(),
                budget_usd: c.budget_usd.as_ref().map(|b| *b.get_ref()),
                status,
                announced,
                expected,
                expected_date: expected.map(iso),
                announced_date: announced.map(iso),
                requires: requires[pi].clone(),
                requires_ids: c.requires.iter().map(|r| r.get_ref().clone()).collect(),
                slip,
                src,
                note: c.note.clone().unwrap_or_default(),
                changes,
                file: pf.to_string(),
                line: pat.line(&c.id),
            });
        }
        same_field_conflicts(&mut sink, &projects, &closure);

        let mut interventions = Vec::new();
        for (ii, iv) in doc.intervention.iter().enumerate() {
            let from = date(&at, &mut sink, &iv.from, "from").unwrap_or(0.0);
            let until = iv
                .to
                .as_ref()
                .and_then(|d| date(&at, &mut sink, d, "to"))
                .map(|h| h + 24.0);
            if until.is_some_and(|u| u <= from) {
                at.err(
                    &mut sink,
                    iv.to.as_ref().expect("given"),
                    "to",
                    "the intervention ends before it starts",
                    None,
                );
            }
            let src = match &iv.src {
                Some(s) => {
                    check_src(&mut sink, &at, s, "src");
                    s.get_ref().clone()
                }
                None => String::new(),
            };
            let changes: Vec<Located> = iv
                .change
                .iter()
                .filter_map(|ch| {
                    change(
                        &at,
                        &mut sink,
                        ch,
                        INTERVENTION + ii,
                        &known,
                        &|_| false,
                        &src,
                        &ctx.base,
                        &check_src,
                    )
                })
                .collect();
            if iv.change.is_empty() {
                at.err(
                    &mut sink,
                    &iv.id,
                    "change",
                    format!(
                        "intervention `{}` has no [[intervention.change]]",
                        iv.id.get_ref()
                    ),
                    None,
                );
            }
            if interventions
                .iter()
                .any(|x: &Intervention| x.id == *iv.id.get_ref())
                || project_ids.contains(iv.id.get_ref())
            {
                at.err(
                    &mut sink,
                    &iv.id,
                    "id",
                    format!(
                        "`{}` is already the id of a project or intervention",
                        iv.id.get_ref()
                    ),
                    None,
                );
            }
            interventions.push(Intervention {
                id: iv.id.get_ref().clone(),
                name: iv.name.clone().unwrap_or_else(|| iv.id.get_ref().clone()),
                from,
                until,
                from_date: iso(from),
                to_date: iv.to.as_ref().map(|d| d.get_ref().clone()),
                src,
                note: iv.note.clone().unwrap_or_default(),
                changes,
                file: file.to_string(),
                line: at.line(&iv.id),
            });
        }

        let added_nodes: Vec<String> = known
            .added
            .iter()
            .filter(|x| x.0 == Table::Nodes)
            .map(|x| x.1.clone())
            .collect();
        let demand = demand(
            &at,
            &mut sink,
            doc.demand.as_ref(),
            ctx,
            first_year,
            &added_nodes,
            &check_src,
        );
        let run = RunSettings {
            replications: doc
                .run
                .as_ref()
                .and_then(|r| r.replications.as_ref())
                .map(|r| {
                    let v = *r.get_ref();
                    if !(1..=10_000).contains(&v) {
                        at.err(
                            &mut sink,
                            r,
                            "run.replications",
                            format!("expected 1 to 10000 replications, found {v}"),
                            None,
                        );
                    }
                    v.clamp(1, 10_000) as u64
                })
                .unwrap_or(20),
            seed: doc
                .run
                .as_ref()
                .and_then(|r| r.seed.as_ref())
                .map(|s| *s.get_ref() as u64)
                .unwrap_or(42),
            warmup_days: doc
                .run
                .as_ref()
                .and_then(|r| r.warmup_days.as_ref())
                .map(|w| {
                    let v = *w.get_ref();
                    if !(0.0..=365.0).contains(&v) {
                        at.err(
                            &mut sink,
                            w,
                            "run.warmup_days",
                            format!("expected 0 to 365 days of warm-up, found {v}"),
                            None,
                        );
                    }
                    v.clamp(0.0, 365.0)
                })
                .unwrap_or(60.0),
        };
        let name = doc.name.get_ref().clone();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            at.err(
                &mut sink,
                &doc.name,
                "name",
                format!("scenario name `{name}` must be lower-case letters, digits and `-`"),
                None,
            );
        }
        let (errors, warnings) = sink.into_parts();
        if !errors.diagnostics.is_empty() || errors.suppressed > 0 {
            return Err(errors);
        }
        Ok((
            Scenario {
                name,
                title: doc.title.unwrap_or_default(),
                description: doc.description.unwrap_or_default(),
                file: file.to_string(),
                first_year,
                last_year,
                projects,
                interventions,
                demand,
                run,
                base: Arc::clone(&ctx.base),
                params: ctx.params.clone(),
                tables,
            },
            warnings,
        ))
    }

    /// A project by id.
    pub fn project(&self, id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.id == id)
    }
}

/// The file and text a card or source came from.
fn origin_text<'a>(
    ctx: &'a Context,
    origin: usize,
    file: &'a str,
    text: &'a str,
) -> (&'a str, &'a str) {
    match ctx.pipelines.get(origin) {
        Some((f, t)) => (f.as_str(), t.as_str()),
        None => (file, text),
    }
}

/// A scenario's card over the pipeline's of the same id: what it gives replaces.
fn merge_card(base: &ProjectToml, over: &ProjectToml) -> ProjectToml {
    let mut m = base.clone();
    if over.name.is_some() {
        m.name = over.name.clone();
    }
    if over.status.is_some() {
        m.status = over.status.clone();
    }
    if over.expected.is_some() {
        m.expected = over.expected.clone();
    }
    if over.announced.is_some() {
        m.announced = over.announced.clone();
    }
    if over.delay.is_some() {
        m.delay = over.delay.clone();
    }
    if !over.requires.is_empty() {
        m.requires = over.requires.clone();
    }
    if !over.change.is_empty() {
        m.change = over.change.clone();
    }
    if over.src.is_some() {
        m.src = over.src.clone();
    }
    m
}

/// The transitive closure of the prerequisite relation.
fn transitive(requires: &[Vec<usize>]) -> Vec<BTreeSet<usize>> {
    (0..requires.len())
        .map(|i| {
            let mut seen = BTreeSet::new();
            let mut stack = requires[i].clone();
            while let Some(j) = stack.pop() {
                if seen.insert(j) {
                    stack.extend(requires[j].iter().copied());
                }
            }
            seen
        })
        .collect()
}

/// Two projects (neither requiring the other) that set the same field of the same row:
/// which one wins would depend on which completes first.
fn same_field_conflicts(sink: &mut Sink, projects: &[Project], closure: &[BTreeSet<usize>]) {
    for (i, a) in projects.iter().enumerate() {
        for (j, b) in projects.iter().enumerate().skip(i + 1) {
            if closure[i].contains(&j) || closure[j].contains(&i) {
                continue;
            }
            for ca in &a.changes {
                for cb in &b.changes {
                    if let (
                        Change::Set {
                            table: ta,
                            id: ia,
                            field: fa,
                            ..
                        },
                        Change::Set {
                            table: tb,
                            id: ib,
                            field: fb,
                            ..
                        },
                    ) = (&ca.change, &cb.change)
                    {
                        if ta == tb && ia == ib && fa == fb {
                            sink.push(
                                Diagnostic::at(&cb.file, Some(cb.line), format!(
                                    "projects `{}` and `{}` both set {} of `{ia}` (`{}` at {}:{}): the result would depend on which completes first",
                                    b.id, a.id, fa, a.id, ca.file, ca.line
                                ))
                                .field("set")
                                .hint(format!("make one require the other (`requires = [\"{}\"]`: it applies after), or declare them in conflict", a.id)),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// One change of a card or intervention, checked. `owner` identifies who adds rows;
/// `allowed(o)`: rows added by owner `o` may be named (a prerequisite's).
#[allow(clippy::too_many_arguments)]
fn change(
    at: &At,
    sink: &mut Sink,
    ch: &ChangeToml,
    owner: usize,
    known: &Known,
    allowed: &dyn Fn(usize) -> bool,
    default_src: &str,
    base: &Network,
    check_src: CheckSrc,
) -> Option<Located> {
    let given = [
        ch.set.is_some(),
        ch.scale.is_some(),
        ch.add.is_some(),
        ch.close.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    let line_of = |span: std::ops::Range<usize>| line_of_offset(at.text.as_bytes(), span.start);
    if given != 1 {
        // No span for the table itself: the nearest given key's, else none.
        let line = ch
            .set
            .as_ref()
            .map(|s| line_of(s.span()))
            .or(ch.scale.as_ref().map(|s| line_of(s.span())))
            .or(ch.add.as_ref().map(|s| line_of(s.span())))
            .or(ch.close.as_ref().map(|s| line_of(s.span())));
        sink.push(
            Diagnostic::at(
                at.file,
                line,
                format!(
                    "a change gives {given} of set, scale, add and close; it gives exactly one"
                ),
            )
            .field("change"),
        );
        return None;
    }
    let row_target = |sink: &mut Sink,
                      node: &Option<Spanned<String>>,
                      link: &Option<Spanned<String>>,
                      service: &Option<Spanned<String>>,
                      key: &str|
     -> Option<(Table, String)> {
        let targets: Vec<(Table, &Spanned<String>)> = [
            (Table::Nodes, node),
            (Table::Links, link),
            (Table::Services, service),
        ]
        .into_iter()
        .filter_map(|(t, v)| v.as_ref().map(|v| (t, v)))
        .collect();
        match targets.as_slice() {
            [(t, v)] => {
                if known.exists(*t, v.get_ref(), owner, allowed) {
                    Some((*t, v.get_ref().clone()))
                } else {
                    let ids = known.ids(*t);
                    let hint = did_you_mean(v.get_ref(), ids.iter().map(String::as_str))
                        .unwrap_or_else(|| {
                            if known
                                .added
                                .iter()
                                .any(|(tt, i, _)| tt == t && i == v.get_ref())
                            {
                                "another project adds it: add that project to `requires`".into()
                            } else {
                                format!(
                                    "{} ids are in the dataset's {}.csv",
                                    t.name().trim_end_matches('s'),
                                    t.name()
                                )
                            }
                        });
                    at.err(
                        sink,
                        v,
                        &format!("{key}.{}", t.name().trim_end_matches('s')),
                        format!(
                            "unknown {} `{}`",
                            t.name().trim_end_matches('s'),
                            v.get_ref()
                        ),
                        Some(hint),
                    );
                    None
                }
            }
            _ => None,
        }
    };
    let figure_src = |sink: &mut Sink,
                      table: Table,
                      field: &str,
                      src: &Option<Spanned<String>>,
                      key: &str,
                      span: std::ops::Range<usize>|
     -> String {
        match src {
            Some(s) => {
                check_src(sink, at, s, &format!("{key}.src"));
                s.get_ref().clone()
            }
            None if src_column(table, field).is_some() && default_src.is_empty() => {
                sink.push(
                    Diagnostic::at(
                        at.file,
                        Some(line_of(span)),
                        format!("`{field}` is a figure: the change needs its source"),
                    )
                    .field(format!("{key}.src"))
                    .hint("write src = \"S…\" (or give the project or intervention a src)"),
                );
                String::new()
            }
            None => default_src.to_string(),
        }
    };
    let change = if let Some(set) = &ch.set {
        let s = set.get_ref();
        let Some((table, id)) = row_target(sink, &s.node, &s.link, &s.service, "set") else {
            if [&s.node, &s.link, &s.service]
                .iter()
                .filter(|x| x.is_some())
                .count()
                != 1
            {
                sink.push(
                    Diagnostic::at(
                        at.file,
                        Some(line_of(set.span())),
                        "a set change names one node, link or service",
                    )
                    .field("set"),
                );
            }
            return None;
        };
        let field = s.field.get_ref();
        if !table.columns().contains(&field.as_str()) || field == "id" || field.ends_with("_src") {
            at.err(
                sink,
                &s.field,
                "set.field",
                format!(
                    "`{field}` is not a field a change can set in {}.csv",
                    table.name()
                ),
                did_you_mean(field, table.columns().iter().copied()),
            );
            return None;
        }
        let value = cell(s.value.get_ref());
        if let Err(e) = check_value(table, field, &value) {
            at.err(sink, &s.value, "set.value", e, None);
            return None;
        }
        let src = figure_src(sink, table, field, &s.src, "set", set.span());
        Change::Set {
            table,
            id,
            field: field.clone(),
            value,
            src,
        }
    } else if let Some(sc) = &ch.scale {
        let s = sc.get_ref();
        let field = s.field.get_ref();
        if !SCALABLE.contains(&field.as_str()) {
            at.err(
                sink,
                &s.field,
                "scale.field",
                format!("`{field}` cannot be scaled"),
                Some(format!("scalable fields are {}", SCALABLE.join(", "))),
            );
            return None;
        }
        let figure = match &s.figure {
            None => None,
            Some(f) if field != "capacity" => {
                at.err(
                    sink,
                    f,
                    "scale.figure",
                    format!("`figure` picks one of a capacity's figures; `{field}` has one"),
                    Some("leave `figure` out, or scale field = \"capacity\"".into()),
                );
                return None;
            }
            Some(f) => match CapacityFigure::parse(f.get_ref()) {
                Some(x) => Some(x),
                None => {
                    at.err(
                        sink,
                        f,
                        "scale.figure",
                        format!("unknown figure `{}`", f.get_ref()),
                        Some(format!(
                            "`units` (TEU, trains or wagons) or `tonnes` (Mt/yr); {}",
                            "leave it out to scale both"
                        )),
                    );
                    return None;
                }
            },
        };
        let factor = *s.factor.get_ref();
        if !(factor.is_finite() && factor > 0.0 && factor <= 1000.0) {
            at.err(
                sink,
                &s.factor,
                "scale.factor",
                format!("expected a factor above 0 and at most 1000, found {factor}"),
                None,
            );
            return None;
        }
        let (table, id, mode) = match &s.mode {
            Some(m) => {
                if Mode::parse(m.get_ref()).is_none() {
                    at.err(
                        sink,
                        m,
                        "scale.mode",
                        format!("unknown mode `{}`", m.get_ref()),
                        did_you_mean(m.get_ref(), Mode::NAMES.iter().copied()),
                    );
                    return None;
                }
                let table = if ["payload", "schedule", "max_hold"].contains(&field.as_str()) {
                    Table::Services
                } else {
                    Table::Links
                };
                (table, None, Some(m.get_ref().clone()))
            }
            None => {
                let (t, id) = row_target(sink, &s.node, &s.link, &s.service, "scale")?;
                (t, Some(id), None)
            }
        };
        if !table.columns().contains(&field.as_str()) {
            at.err(
                sink,
                &s.field,
                "scale.field",
                format!("{}.csv has no field `{field}`", table.name()),
                None,
            );
            return None;
        }
        let src = figure_src(sink, table, field, &s.src, "scale", sc.span());
        Change::Scale {
            table,
            id,
            mode,
            field: field.clone(),
            figure,
            factor,
            src,
        }
    } else if let Some(add) = &ch.add {
        let a = add.get_ref();
        let Some(table) = Table::parse(a.table.get_ref()) else {
            at.err(
                sink,
                &a.table,
                "add.table",
                format!("unknown table `{}`", a.table.get_ref()),
                did_you_mean(
                    a.table.get_ref(),
                    ["nodes", "links", "services", "emissions", "sources"],
                )
                .or_else(|| Some("tables are nodes, links, services, emissions".into())),
            );
            return None;
        };
        let mut row = Vec::new();
        let mut ok = true;
        for (k, v) in &a.row {
            if !table.columns().contains(&k.as_str()) {
                at.err(
                    sink,
                    v,
                    "add.row",
                    format!("{}.csv has no column `{k}`", table.name()),
                    did_you_mean(k, table.columns().iter().copied())
                        .or_else(|| Some(format!("columns are {}", table.columns().join(", ")))),
                );
                ok = false;
                continue;
            }
            let text = cell(v.get_ref());
            if let Err(e) = check_value(table, k, &text) {
                at.err(sink, v, &format!("add.row.{k}"), e, None);
                ok = false;
            }
            row.push((k.clone(), text));
        }
        // A figure without its source column takes the owner's.
        for (k, _) in row.clone() {
            if let Some(sc) = src_column(table, &k) {
                if !row.iter().any(|(c, _)| *c == sc) {
                    if default_src.is_empty() {
                        sink.push(
                            Diagnostic::at(
                                at.file,
                                Some(line_of(add.span())),
                                format!("`{k}` is a figure: the row needs `{sc}`"),
                            )
                            .field("add.row"),
                        );
                        ok = false;
                    } else {
                        row.push((sc, default_src.to_string()));
                    }
                }
            }
        }
        let Some(id) = row.iter().find(|(k, _)| k == "id").map(|x| x.1.clone()) else {
            sink.push(
                Diagnostic::at(
                    at.file,
                    Some(line_of(add.span())),
                    "an added row needs an `id`",
                )
                .field("add.row.id"),
            );
            return None;
        };
        if known.tables.table(table).row(&id).is_some() {
            sink.push(
                Diagnostic::at(
                    at.file,
                    Some(line_of(add.span())),
                    format!(
                        "{} `{id}` already exists in the dataset",
                        table.name().trim_end_matches('s')
                    ),
                )
                .field("add.row.id")
                .hint("give the new row another id, or change the existing one with set"),
            );
            return None;
        }
        if !ok {
            return None;
        }
        Change::Add { table, row }
    } else {
        let close = ch.close.as_ref().expect("one change given");
        let c = close.get_ref();
        let mut ok = true;
        let mut ids = |v: &[Spanned<String>], t: Table, field: &str| -> Vec<String> {
            let mut out = Vec::new();
            for x in v {
                if known.exists(t, x.get_ref(), owner, allowed) {
                    out.push(x.get_ref().clone());
                } else {
                    let all = known.ids(t);
                    at.err(
                        sink,
                        x,
                        field,
                        format!(
                            "unknown {} `{}`",
                            t.name().trim_end_matches('s'),
                            x.get_ref()
                        ),
                        did_you_mean(x.get_ref(), all.iter().map(String::as_str)),
                    );
                    ok = false;
                }
            }
            out
        };
        let links = ids(&c.links, Table::Links, "close.links");
        let nodes = ids(&c.nodes, Table::Nodes, "close.nodes");
        let services = ids(&c.services, Table::Services, "close.services");
        let mut countries = Vec::new();
        for x in &c.countries {
            if Country::parse(x.get_ref()).is_some() {
                countries.push(x.get_ref().clone());
            } else {
                at.err(
                    sink,
                    x,
                    "close.countries",
                    format!(
                        "`{}` is not an ISO 3166-1 alpha-2 country code",
                        x.get_ref()
                    ),
                    None,
                );
                ok = false;
            }
        }
        let mut passages = Vec::new();
        for x in &c.passages {
            if base.passage_by_key(x.get_ref()).is_some() {
                passages.push(x.get_ref().clone());
            } else {
                at.err(
                    sink,
                    x,
                    "close.passages",
                    format!("unknown passage `{}`", x.get_ref()),
                    did_you_mean(x.get_ref(), base.passages.iter().map(|p| p.key.as_str())),
                );
                ok = false;
            }
        }
        if links.len() + nodes.len() + services.len() + countries.len() + passages.len() == 0 && ok
        {
            sink.push(
                Diagnostic::at(
                    at.file,
                    Some(line_of(close.span())),
                    "a close change names nothing to close",
                )
                .field("close"),
            );
            return None;
        }
        if !ok {
            return None;
        }
        Change::Close {
            links,
            nodes,
            services,
            countries,
            passages,
        }
    };
    let span = ch
        .set
        .as_ref()
        .map(|s| s.span())
        .or(ch.scale.as_ref().map(|s| s.span()))
        .or(ch.add.as_ref().map(|s| s.span()))
        .or(ch.close.as_ref().map(|s| s.span()))
        .expect("one change given");
    Some(Located {
        change,
        file: at.file.to_string(),
        line: line_of(span),
    })
}

/// The demand of a scenario: the base table (the dataset's observed flows unless it names
/// its own), growth rules and the flows it adds.
fn demand(
    at: &At,
    sink: &mut Sink,
    d: Option<&DemandToml>,
    ctx: &Context,
    first_year: i32,
    added_nodes: &[String],
    check_src: CheckSrc,
) -> Demand {
    let base_year = d
        .and_then(|d| d.base_year.as_ref())
        .map(|y| *y.get_ref() as i32)
        .unwrap_or(2024);
    let flows_of = |fs: &[corridor_sim::ops_input::Flow], file: &str| -> Vec<FlowSpec> {
        fs.iter()
            .map(|f| FlowSpec {
                from: ctx.base.node(f.from).key.clone(),
                to: ctx.base.node(f.to).key.clone(),
                teu_per_year: f.teu_per_year,
                tonnes_per_year: f.tonnes_per_year,
                corridor: f
                    .corridor
                    .map(|c| ctx.base.corridors[c.0 as usize].key.clone()),
                share: f.share_base.is_some(),
                first_year: base_year,
                note: String::new(),
                file: file.to_string(),
                line: f.line,
            })
            .collect()
    };
    let mut flows = match d.and_then(|d| d.table.as_ref()) {
        Some(t) if t.get_ref() != "embedded" => match ctx.demand_table {
            Some(read) => match read(t.get_ref()) {
                Ok(fs) => flows_of(&fs, t.get_ref()),
                Err(e) => {
                    for x in e.diagnostics {
                        sink.push(x);
                    }
                    Vec::new()
                }
            },
            None => {
                at.err(
                    sink,
                    t,
                    "demand.table",
                    "an embedded scenario uses the embedded demand table",
                    None,
                );
                Vec::new()
            }
        },
        _ => flows_of(&ctx.params.flows, ctx.demand_file),
    };
    if base_year > first_year {
        if let Some(y) = d.and_then(|d| d.base_year.as_ref()) {
            at.err(
                sink,
                y,
                "demand.base_year",
                format!("the base year {base_year} is after the first simulated year {first_year}"),
                None,
            );
        }
    }
    let default_rate = match d.and_then(|d| d.growth.as_ref()) {
        Some(g) => {
            let v = *g.get_ref();
            if !(-0.5..=1.0).contains(&v) {
                at.err(
                    sink,
                    g,
                    "demand.growth",
                    format!(
                        "expected a growth a year from -0.5 to 1.0 (−50 % to +100 %), found {v}"
                    ),
                    None,
                );
            }
            if v != 0.0 {
                match d.and_then(|d| d.growth_src.as_ref()) {
                    Some(s) => check_src(sink, at, s, "demand.growth_src"),
                    None => at.err(
                        sink,
                        g,
                        "demand.growth",
                        "a growth rate is a figure: give growth_src",
                        None,
                    ),
                }
            }
            v
        }
        None => 0.0,
    };
    let node = |sink: &mut Sink, v: &Spanned<String>, field: &str| {
        if ctx.base.node_by_key(v.get_ref()).is_none() && !added_nodes.contains(v.get_ref()) {
            at.err(
                sink,
                v,
                field,
                format!("unknown node `{}`", v.get_ref()),
                did_you_mean(v.get_ref(), ctx.base.nodes.iter().map(|n| n.key.as_str())),
            );
        }
    };
    let corridor = |sink: &mut Sink, v: &Spanned<String>, field: &str| {
        if ctx.base.corridor_by_key(v.get_ref()).is_none() {
            at.err(
                sink,
                v,
                field,
                format!("unknown corridor `{}`", v.get_ref()),
                did_you_mean(
                    v.get_ref(),
                    ctx.base.corridors.iter().map(|c| c.key.as_str()),
                ),
            );
        }
    };
    let mut rules = Vec::new();
    for r in d.map(|d| d.rule.as_slice()).unwrap_or(&[]) {
        if let Some(c) = &r.corridor {
            corridor(sink, c, "demand.rule.corridor");
        }
        if let Some(x) = &r.from {
            node(sink, x, "demand.rule.from");
        }
        if let Some(x) = &r.to {
            node(sink, x, "demand.rule.to");
        }
        let rate = *r.rate.get_ref();
        if !(-0.5..=1.0).contains(&rate) {
            at.err(
                sink,
                &r.rate,
                "demand.rule.rate",
                format!("expected a growth a year from -0.5 to 1.0, found {rate}"),
                None,
            );
        }
        check_src(sink, at, &r.src, "demand.rule.src");
        let years = r.years.as_ref().and_then(|y| match y.get_ref().as_slice() {
            [a, b] if a <= b => Some((*a as i32, *b as i32)),
            _ => {
                at.err(
                    sink,
                    y,
                    "demand.rule.years",
                    "expected the first and last year the rule applies, e.g. [2026, 2030]",
                    None,
                );
                None
            }
        });
        rules.push(GrowthRule {
            corridor: r.corridor.as_ref().map(|x| x.get_ref().clone()),
            from: r.from.as_ref().map(|x| x.get_ref().clone()),
            to: r.to.as_ref().map(|x| x.get_ref().clone()),
            years,
            rate,
            src: r.src.get_ref().clone(),
        });
    }
    for f in d.map(|d| d.flow.as_slice()).unwrap_or(&[]) {
        node(sink, &f.from, "demand.flow.from");
        node(sink, &f.to, "demand.flow.to");
        if let Some(c) = &f.corridor {
            corridor(sink, c, "demand.flow.corridor");
        }
        check_src(sink, at, &f.src, "demand.flow.src");
        let teu = f.teu_per_year.as_ref().map(|v| *v.get_ref()).unwrap_or(0.0);
        let tonnes = f
            .tonnes_per_year
            .as_ref()
            .map(|v| *v.get_ref())
            .unwrap_or(0.0);
        let rteu = corridor_model::ranges::DEMAND_TEU_YEAR;
        let rt = corridor_model::ranges::DEMAND_TONNES_YEAR;
        if let Some(v) = &f.teu_per_year {
            if let Err(e) = rteu.check(*v.get_ref()) {
                at.err(sink, v, "demand.flow.teu_per_year", e.message, e.hint);
            }
        }
        if let Some(v) = &f.tonnes_per_year {
            if let Err(e) = rt.check(*v.get_ref()) {
                at.err(sink, v, "demand.flow.tonnes_per_year", e.message, e.hint);
            }
        }
        if (teu > 0.0) == (tonnes > 0.0) {
            at.err(
                sink,
                &f.from,
                "demand.flow",
                "a flow gives either teu_per_year (containers) or tonnes_per_year (wagonload)",
                None,
            );
        }
        flows.push(FlowSpec {
            from: f.from.get_ref().clone(),
            to: f.to.get_ref().clone(),
            teu_per_year: teu,
            tonnes_per_year: tonnes,
            corridor: f.corridor.as_ref().map(|c| c.get_ref().clone()),
            share: false,
            first_year: f
                .first_year
                .as_ref()
                .map(|y| *y.get_ref() as i32)
                .unwrap_or(first_year),
            note: f.note.clone().unwrap_or_default(),
            file: at.file.to_string(),
            line: at.line(&f.from),
        });
    }
    Demand {
        base_year,
        flows,
        default_rate,
        rules,
    }
}

/// Apply one checked change to tables (rows it names that are absent at this date are left
/// alone: a project's row is there once its prerequisites are).
pub(crate) fn apply(t: &mut Tables, c: &Change, scale_pass: bool) -> Result<(), String> {
    match c {
        Change::Set {
            table,
            id,
            field,
            value,
            src,
        } if !scale_pass => {
            let s = if src.is_empty() {
                None
            } else {
                Some(src.as_str())
            };
            t.set(*table, id, field, value, s);
            Ok(())
        }
        Change::Add { table, row } if !scale_pass => {
            t.add(*table, row);
            Ok(())
        }
        Change::Close {
            links,
            nodes,
            services,
            countries,
            passages,
        } if !scale_pass => {
            t.close(links, nodes, services, countries, passages);
            Ok(())
        }
        Change::Scale {
            table,
            id,
            mode,
            field,
            figure,
            factor,
            src,
        } if scale_pass => {
            let rows: Vec<String> = match (id, mode) {
                (Some(id), _) => vec![id.clone()],
                (None, Some(m)) => {
                    let tab = t.table(*table);
                    tab.rows
                        .iter()
                        .filter(|r| match table {
                            Table::Services => {
                                let link = &r[tab.col("link").expect("column")];
                                t.link_mode(link).as_deref() == Some(m.as_str())
                            }
                            _ => tab.col("mode").is_some_and(|c| r[c] == *m),
                        })
                        .map(|r| r[0].clone())
                        .collect()
                }
                (None, None) => Vec::new(),
            };
            for id in rows {
                let tab = t.table(*table);
                let Some(r) = tab.row(&id) else { continue };
                let text = tab.get(r, field).to_string();
                if text.is_empty() {
                    continue;
                }
                let (v, cited) = match figure {
                    Some(fig) => {
                        let Some(v) = scaled_figure(&text, *fig, *factor)
                            .map_err(|e| format!("{id} {field}: {e}"))?
                        else {
                            // A mode's row without the figure is left; a named row is an
                            // error (the scenario promised a change).
                            if mode.is_some() {
                                continue;
                            }
                            return Err(format!(
                                "{id} capacity `{text}` has no figure in {}, so its {} figure cannot be scaled",
                                match fig {
                                    CapacityFigure::Units => "TEU, trains or wagons",
                                    CapacityFigure::Tonnes => "tonnes",
                                },
                                fig.name()
                            ));
                        };
                        let old = tab.get(r, &format!("{field}_src")).to_string();
                        (v, figure_sources(&text, *fig, &old, src))
                    }
                    None => {
                        let v = scaled(field, &text, *factor)
                            .map_err(|e| format!("{id} {field}: {e}"))?;
                        let old = tab.get(r, &format!("{field}_src")).to_string();
                        (v, scaled_sources(field, &text, &old, src))
                    }
                };
                if (*table, field.as_str()) == (Table::Links, "tariff") {
                    t.scale_dated_tariffs(&id, *factor, src)?;
                    t.set_field(*table, &id, field, &v, cited.as_deref());
                } else {
                    t.set(*table, &id, field, &v, cited.as_deref());
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The ids of every project card of some pipelines, in order (a card of a later file
/// replaces one of the same id).
pub fn pipeline_ids(pipelines: &[(String, String)]) -> Result<Vec<String>, LoadErrors> {
    let mut sink = Sink::default();
    let mut ids: Vec<String> = Vec::new();
    for (name, text) in pipelines {
        match toml::from_str::<PipelineToml>(text) {
            Ok(p) => {
                for c in p.project {
                    if !ids.contains(c.id.get_ref()) {
                        ids.push(c.id.get_ref().clone());
                    }
                }
            }
            Err(e) => {
                let line = e.span().map(|s| line_of_offset(text.as_bytes(), s.start));
                sink.push(Diagnostic::at(
                    name,
                    line,
                    e.message().trim_end().to_string(),
                ));
            }
        }
    }
    let (errors, _) = sink.into_parts();
    if errors.diagnostics.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}
