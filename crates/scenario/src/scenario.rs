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

mod change;
mod demand_spec;

pub(crate) use change::apply;
use change::change;
use demand_spec::demand;

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
