//! Loading and validating a dataset from text: `dataset.toml`, `sources.csv`,
//! `nodes.csv`, `links.csv`, `services.csv`, `emissions.csv`, and the optional
//! `tariffs.csv` (dated tariffs).
//!
//! Every problem in every file is collected (not only the first) as a [`Diagnostic`]
//! naming the file, line, column and field, what was found, what was expected, and a
//! hint. No input makes the loader panic. The pieces, each usable on its own by other
//! readers of user files:
//!
//! - [`crate::read`]: bounded reading and physical line counting;
//! - [`crate::table`]: the generic CSV table reader (header checks, rows with positions);
//! - [`crate::fields`] and [`crate::dist`]: field parsers, with [`crate::ranges`];
//! - `meta` (`dataset.toml`), `rows` (one reader per table), `checks` (checks of the
//!   network as a whole: connectivity, emission factors for every mode).

mod checks;
mod meta;
mod rows;
mod tariffs;

pub use tariffs::TARIFFS;

use crate::diag::{Diagnostic, LoadErrors, Sink};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::keyindex::KeyIndex;
use crate::network::*;
pub use crate::read::Input;
use crate::read::{DATASET_TABLE, SETTINGS, read_all};
use crate::table::{Table, read_table};
use crate::units::Tonnes;
use std::any::Any;
use std::borrow::Cow;
use std::path::Path;

/// The files of a dataset, in load order.
pub const FILES: [&str; 7] = [
    "dataset.toml",
    "sources.csv",
    "nodes.csv",
    "links.csv",
    "services.csv",
    "emissions.csv",
    "tariffs.csv",
];

/// Files of [`FILES`] a dataset may leave out (`tariffs.csv`: no dated tariffs).
pub const OPTIONAL: [&str; 1] = ["tariffs.csv"];

/// Whether file `i` of [`FILES`] may be missing.
pub fn is_optional(i: usize) -> bool {
    OPTIONAL.contains(&FILES[i])
}

/// A dataset to load: its files and the label used in messages.
#[derive(Clone, Debug)]
pub struct DatasetInput {
    /// Prefix of file names in messages, e.g. `data` → `data/links.csv`.
    pub label: String,
    /// The files, in the order of [`FILES`].
    pub files: [Input; 7],
}

impl DatasetInput {
    /// The dataset in directory `dir`.
    pub fn dir(dir: &Path) -> DatasetInput {
        DatasetInput {
            label: dir.display().to_string().trim_end_matches('/').to_string(),
            files: FILES.map(|f| Input::path(&dir.join(f))),
        }
    }

    /// A dataset from in-memory texts, by file name; files not given are missing.
    pub fn texts(label: &str, texts: &[(&str, Vec<u8>)]) -> DatasetInput {
        let files = FILES.map(|f| match texts.iter().find(|(n, _)| *n == f) {
            Some((_, b)) => Input::Bytes(Cow::Owned(b.clone())),
            None => Input::Missing,
        });
        DatasetInput {
            label: label.to_string(),
            files,
        }
    }

    /// The name of file `i` in messages.
    pub fn file_label(&self, i: usize) -> String {
        format!("{}/{}", self.label, FILES[i])
    }
}

/// A network that loaded, with the warnings its files gave (legal but suspicious input,
/// printed as `warning: FILE:LINE: …`).
#[derive(Debug)]
pub struct Loaded {
    /// The network.
    pub network: Network,
    /// The warnings, in file order.
    pub warnings: Vec<Diagnostic>,
}

/// Load and validate a dataset. Returns every problem found if it is not valid; the
/// warnings of a valid dataset are dropped (see [`load_with_warnings`]).
pub fn load(input: &DatasetInput) -> Result<Network, LoadErrors> {
    load_with_warnings(input).map(|l| l.network)
}

/// Load and validate a dataset, keeping its warnings.
pub fn load_with_warnings(input: &DatasetInput) -> Result<Loaded, LoadErrors> {
    let mut sink = Sink::default();
    let mut l = Loader::default();
    let file = input.file_label(0);
    let meta_text = match read_all(&input.files[0], SETTINGS) {
        Ok(t) => Some(t),
        Err(e) => {
            let hint = match &e {
                crate::read::TextError::Read(crate::read::ReadError::NotFound) => {
                    Some(missing_hint())
                }
                other => other.hint(),
            };
            sink.push(Diagnostic::at(&file, e.line(), e.to_string()).maybe_hint(hint));
            None
        }
    };
    let toml_meta = meta_text
        .as_deref()
        .and_then(|t| l.parse_meta(&mut sink, &file, t));
    l.table_read[0] = toml_meta.is_some();
    for i in 1..FILES.len() {
        l.read_file(input, i, &mut sink);
        if i == 1 {
            if let (Some(text), Some(m)) = (meta_text.as_deref(), toml_meta.as_ref()) {
                l.resolve_passages(&mut sink, &file, text, m);
            }
        }
    }
    l.check_emission_coverage(&mut sink, &input.file_label(5));
    l.check_tariff_overlaps(&mut sink);
    if let (Some(text), Some(m)) = (meta_text.as_deref(), toml_meta.as_ref()) {
        l.check_cargo(&mut sink, &file, text, m);
        l.check_connectivity(&mut sink, &file, text, m);
    }
    l.finish(sink, toml_meta)
}

fn missing_hint() -> String {
    let required: Vec<&str> = FILES
        .iter()
        .copied()
        .filter(|f| !OPTIONAL.contains(f))
        .collect();
    format!(
        "a dataset directory holds {} (and optionally {})",
        required.join(", "),
        OPTIONAL.join(", ")
    )
}

/// The state of one load: everything read so far, indexed for the references of later
/// tables.
#[derive(Default)]
struct Loader {
    corridors: Vec<Corridor>,
    sources: Vec<Source>,
    source_by_key: FxHashMap<String, SourceId>,
    citations: Vec<Vec<SourceId>>,
    cite_by_list: FxHashMap<Vec<SourceId>, Cite>,
    country_lists: Vec<Vec<Country>>,
    countries_by_list: FxHashMap<Vec<Country>, CountryList>,
    passages: Vec<Passage>,
    /// Interned passage lists; the first is the empty list.
    passage_lists: Vec<Vec<PassageId>>,
    nodes: Vec<Option<Node>>,
    node_keys: Vec<String>,
    node_lines: Vec<u64>,
    node_index: KeyIndex,
    links: Vec<Option<Link>>,
    link_lines: Vec<u64>,
    link_keys: Vec<String>,
    link_index: KeyIndex,
    services: Vec<Option<Service>>,
    service_by_key: FxHashMap<String, u64>,
    origins: Vec<NodeId>,
    destinations: Vec<NodeId>,
    emission_factors: Vec<Option<EmissionFactor>>,
    tonnes_per_teu: Option<Sourced<Tonnes>>,
    link_waypoints: Vec<LinkWaypoints>,
    /// Rows of `tariffs.csv` with their lines.
    tariffs: Vec<(crate::tariffs::DatedTariff, Diagnostic)>,
    /// Whether each file could be read (header valid); references into a table that could
    /// not be read are not reported as unknown, which would only be noise.
    table_read: [bool; 7],
    /// Parsed values of recently seen field texts, per field: most data repeats the same
    /// few expressions (`by_speed(…)`, `0.61 USD/FEU-km`), so each is parsed once. A cached
    /// value carries the notes its parser gave, reported again for every row.
    value_cache: FxHashMap<&'static str, FxHashMap<Box<str>, Box<dyn Any>>>,
    cite_cache: FxHashMap<Box<str>, Cite>,
    countries_cache: FxHashMap<Box<str>, CountryList>,
    /// Ids of rows dropped whole (wrong field count, bad UTF-8), per table: references to
    /// them are not reported again as unknown.
    dropped: [FxHashSet<String>; 7],
}

/// The dataset's tables.
pub const SOURCES: Table = Table {
    columns: &["id", "kind", "title", "year", "url", "note"],
    required: &["id", "kind", "title"],
    any_of: &[],
};
/// `nodes.csv`.
pub const NODES: Table = Table {
    columns: &[
        "id",
        "name",
        "aliases",
        "country",
        "kind",
        "lat",
        "lon",
        "coord_src",
        "gauges",
        "dwell",
        "dwell_src",
        "handling",
        "handling_src",
        "capacity",
        "capacity_src",
        "note",
    ],
    required: &["id", "name", "country", "kind", "lat", "lon", "coord_src"],
    any_of: &[],
};
/// `links.csv`.
pub const LINKS: Table = Table {
    columns: &[
        "id",
        "from",
        "to",
        "mode",
        "gauge",
        "traction",
        "traction_src",
        "countries",
        "corridors",
        "passages",
        "passages_src",
        "distance",
        "distance_src",
        "time",
        "time_src",
        "capacity",
        "capacity_src",
        "tariff",
        "tariff_src",
        "waypoints",
        "waypoints_src",
        "note",
    ],
    required: &[
        "id",
        "from",
        "to",
        "mode",
        "countries",
        "distance",
        "distance_src",
        "time",
        "time_src",
    ],
    any_of: &[],
};
/// `emissions.csv`.
pub const EMISSIONS: Table = Table {
    columns: &[
        "id",
        "mode",
        "traction",
        "service_kind",
        "ttw",
        "ttw_src",
        "wtw",
        "wtw_src",
        "note",
    ],
    required: &["id", "mode", "ttw", "ttw_src", "wtw", "wtw_src"],
    any_of: &[],
};
/// `services.csv`.
pub const SERVICES: Table = Table {
    columns: &[
        "id",
        "link",
        "direction",
        "kind",
        "operator",
        "schedule",
        "schedule_src",
        "payload",
        "payload_src",
        "rule",
        "max_hold",
        "max_hold_src",
        "note",
    ],
    required: &[
        "id",
        "link",
        "kind",
        "schedule",
        "schedule_src",
        "payload",
        "payload_src",
        "rule",
    ],
    any_of: &[],
};

impl Loader {
    /// Read one CSV table of the dataset with its row reader.
    fn read_file(&mut self, input: &DatasetInput, i: usize, sink: &mut Sink) {
        let file = input.file_label(i);
        let table = match i {
            1 => &SOURCES,
            2 => &NODES,
            3 => &LINKS,
            4 => &SERVICES,
            5 => &EMISSIONS,
            _ => &TARIFFS,
        };
        if is_optional(i) && matches!(input.files[i], Input::Missing) {
            self.table_read[i] = true;
            return;
        }
        let bytes = input.files[i].byte_len();
        match i {
            2 => self.reserve_nodes(bytes),
            3 => self.reserve_links(bytes),
            _ => {}
        }
        let mut emissions_seen = Vec::new();
        let outcome = read_table(
            &input.files[i],
            &file,
            DATASET_TABLE,
            table,
            Some(missing_hint()),
            sink,
            |r| match i {
                1 => self.read_source(r),
                2 => self.read_node(r),
                3 => self.read_link(r),
                4 => self.read_service(r),
                5 => self.read_emission(r, &mut emissions_seen),
                _ => self.read_tariff(r),
            },
        );
        self.table_read[i] = outcome.complete;
        self.dropped[i] = outcome.dropped;
    }

    fn finish(self, sink: Sink, meta: Option<meta::TomlMeta>) -> Result<Loaded, LoadErrors> {
        let (errors, warnings) = sink.into_parts();
        if !errors.diagnostics.is_empty() || errors.suppressed > 0 {
            return Err(errors);
        }
        let meta = meta.expect("no diagnostics means dataset.toml parsed");
        let Loader {
            mut nodes,
            mut links,
            node_keys,
            link_keys,
            node_index,
            link_index,
            services,
            sources,
            corridors,
            citations,
            country_lists,
            passages,
            mut passage_lists,
            origins,
            destinations,
            emission_factors,
            tonnes_per_teu,
            link_waypoints,
            tariffs,
            ..
        } = self;
        for (n, k) in nodes.iter_mut().zip(node_keys) {
            n.as_mut()
                .expect("no diagnostics means every node parsed")
                .key = k;
        }
        for (l, k) in links.iter_mut().zip(link_keys) {
            l.as_mut()
                .expect("no diagnostics means every link parsed")
                .key = k;
        }
        let parts = Parts {
            meta: Meta {
                name: meta.name.into_inner(),
                version: meta.version.into_inner(),
                description: meta.description.into_inner(),
                origins,
                destinations,
                tonnes_per_teu: tonnes_per_teu
                    .expect("no diagnostics means the cargo section was checked"),
            },
            nodes: nodes
                .into_iter()
                .map(|n| n.expect("no diagnostics means every node parsed"))
                .collect(),
            links: links
                .into_iter()
                .map(|n| n.expect("no diagnostics means every link parsed"))
                .collect(),
            services: services
                .into_iter()
                .map(|n| n.expect("no diagnostics means every service parsed"))
                .collect(),
            sources,
            corridors,
            emission_factors: emission_factors
                .into_iter()
                .map(|f| f.expect("no diagnostics means every factor parsed"))
                .collect(),
            citations,
            country_lists,
            passages,
            passage_lists: {
                if passage_lists.is_empty() {
                    passage_lists.push(Vec::new());
                }
                passage_lists
            },
            node_index,
            link_index,
            waypoints: link_waypoints,
            tariffs: tariffs.into_iter().map(|(t, _)| t).collect(),
        };
        Ok(Loaded {
            network: Network::assemble(parts),
            warnings,
        })
    }
}

/// Most distinct texts remembered per field by the parse caches (bounded, so a column of
/// all-different values costs no more memory than a few kilobytes).
const CACHE_CAP: usize = 4096;

fn valid_key(k: &str) -> bool {
    k.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A line break in a name a person reads (other control characters are refused by the
/// table reader): legal, but it garbles tables.
fn has_control(s: &str) -> bool {
    s.contains(['\n', '\r'])
}
