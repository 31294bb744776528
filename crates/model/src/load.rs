//! Loading and validating a dataset from text: `dataset.toml`, `sources.csv`,
//! `nodes.csv`, `links.csv`, `services.csv`.
//!
//! Every problem in every file is collected (not only the first) as a [`Diagnostic`]
//! naming the file, line, column and field, what was found, what was expected, and a
//! hint. No input makes the loader panic.

use crate::diag::{Diagnostic, LoadErrors, Sink, suggest};
use crate::dist::{
    Distribution, SpecError, TimeSpec, number_with_unit, parse_duration, split_number_unit,
};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::keyindex::KeyIndex;
use crate::network::*;
use crate::units::{
    Capacity, GPerTkm, Hours, KM_PER_NM, Km, Payload, Tariff, Tonnes, Usd, great_circle,
};
use serde::Deserialize;
use std::any::Any;
use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The files of a dataset, in load order.
pub const FILES: [&str; 6] = [
    "dataset.toml",
    "sources.csv",
    "nodes.csv",
    "links.csv",
    "services.csv",
    "emissions.csv",
];

/// Where one file's bytes come from.
#[derive(Clone, Debug)]
pub enum Input {
    /// Bytes in memory (the embedded dataset, tests).
    Bytes(Cow<'static, [u8]>),
    /// A file on disk, streamed while parsing (large datasets never sit in memory whole).
    Path(PathBuf),
    /// The file does not exist.
    Missing,
}

/// A dataset to load: its five files and the label used in messages.
#[derive(Clone, Debug)]
pub struct DatasetInput {
    /// Prefix of file names in messages, e.g. `data` → `data/links.csv`.
    pub label: String,
    /// The files, in the order of [`FILES`].
    pub files: [Input; 6],
}

impl DatasetInput {
    /// The dataset in directory `dir`.
    pub fn dir(dir: &Path) -> DatasetInput {
        let files = FILES.map(|f| {
            let p = dir.join(f);
            if p.is_file() {
                Input::Path(p)
            } else {
                Input::Missing
            }
        });
        DatasetInput {
            label: dir.display().to_string().trim_end_matches('/').to_string(),
            files,
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

    /// Size in bytes of file `i` (0 if unknown), to size tables before reading.
    fn byte_len(&self, i: usize) -> u64 {
        match &self.files[i] {
            Input::Bytes(b) => b.len() as u64,
            Input::Path(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Input::Missing => 0,
        }
    }

    fn file_label(&self, i: usize) -> String {
        format!("{}/{}", self.label, FILES[i])
    }
}

/// Load and validate a dataset. Returns every problem found if it is not valid.
pub fn load(input: &DatasetInput) -> Result<Network, LoadErrors> {
    let mut l = Loader {
        sink: Sink::default(),
        ..Loader::default()
    };
    let meta_text = l.read_text(input, 0);
    let toml_meta = meta_text
        .as_deref()
        .and_then(|t| l.parse_meta(&input.file_label(0), t));
    l.table_read[0] = toml_meta.is_some();
    l.read_sources(input);
    l.read_nodes(input);
    l.read_links(input);
    l.read_services(input);
    l.read_emissions(input);
    if let (Some(text), Some(m)) = (meta_text.as_deref(), toml_meta.as_ref()) {
        l.check_cargo(&input.file_label(0), text, m);
        l.check_connectivity(&input.file_label(0), text, m);
    }
    l.finish(toml_meta)
}

#[derive(Default)]
struct Loader {
    sink: Sink,
    corridors: Vec<Corridor>,
    sources: Vec<Source>,
    source_by_key: FxHashMap<String, SourceId>,
    citations: Vec<Vec<SourceId>>,
    cite_by_list: FxHashMap<Vec<SourceId>, Cite>,
    country_lists: Vec<Vec<Country>>,
    countries_by_list: FxHashMap<Vec<Country>, CountryList>,
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
    /// Whether each CSV table could be read (header valid); references into a table
    /// that could not be read are not reported as unknown, which would only be noise.
    table_read: [bool; 6],
    /// Parsed values of recently seen field texts, per field: most data repeats the same
    /// few expressions (`by_speed(…)`, `0.61 USD/FEU-km`), so each is parsed once.
    value_cache: FxHashMap<&'static str, FxHashMap<Box<str>, Box<dyn Any>>>,
    cite_cache: FxHashMap<Box<str>, Cite>,
    countries_cache: FxHashMap<Box<str>, CountryList>,
    /// Ids of rows dropped whole (wrong field count, bad UTF-8), per table: references to
    /// them are not reported again as unknown.
    dropped: [FxHashSet<String>; 6],
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct TomlMeta {
    name: String,
    version: String,
    description: String,
    #[serde(default)]
    corridor: Vec<TomlCorridor>,
    #[serde(default)]
    connectivity: TomlConnectivity,
    cargo: TomlCargo,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct TomlCargo {
    tonnes_per_teu: f64,
    tonnes_per_teu_src: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct TomlCorridor {
    key: String,
    name: String,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct TomlConnectivity {
    #[serde(default)]
    origins: Vec<String>,
    #[serde(default)]
    destinations: Vec<String>,
}

/// Most columns of any table.
const MAX_COLUMNS: usize = 20;

/// Column layout of one table: the names, and which are required.
pub(crate) struct Table {
    pub(crate) columns: &'static [&'static str],
    required: &'static [&'static str],
}

pub(crate) const SOURCES: Table = Table {
    columns: &["id", "kind", "title", "year", "url", "note"],
    required: &["id", "kind", "title"],
};
pub(crate) const NODES: Table = Table {
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
};
pub(crate) const LINKS: Table = Table {
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
};
pub(crate) const EMISSIONS: Table = Table {
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
};
pub(crate) const SERVICES: Table = Table {
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
};

/// One CSV row being read, with the column map of its table.
struct Row<'a> {
    file: &'a str,
    line: u64,
    /// Trimmed field texts in the table's column order ("" for absent columns).
    vals: &'a [&'a str],
    map: &'a [Option<usize>],
    table: &'a Table,
    errors: Vec<Diagnostic>,
}

impl<'a> Row<'a> {
    #[inline]
    fn col_index(&self, name: &str) -> usize {
        // Column names are string literals: compare addresses first, text second.
        self.table
            .columns
            .iter()
            .position(|c| std::ptr::eq(c.as_ptr(), name.as_ptr()) && c.len() == name.len())
            .or_else(|| self.table.columns.iter().position(|c| *c == name))
            .expect("column declared in its table")
    }
    /// The trimmed text of a field ("" if the column is absent).
    #[inline]
    fn get(&self, name: &str) -> &'a str {
        self.vals[self.col_index(name)]
    }
    fn err(&mut self, name: &str, message: impl Into<String>, hint: Option<String>) {
        let column = self.map[self.col_index(name)].map(|i| i + 1);
        self.errors.push(Diagnostic {
            file: self.file.to_string(),
            line: Some(self.line),
            column,
            field: Some(name.to_string()),
            message: message.into(),
            hint,
        });
    }
    fn spec_err(&mut self, name: &str, e: SpecError) {
        self.err(name, e.message, e.hint);
    }
    /// A required field; records an error and returns None if it is empty.
    fn req(&mut self, name: &str) -> Option<&'a str> {
        let v = self.get(name);
        if v.is_empty() {
            self.err(
                name,
                format!("missing value for `{name}`"),
                Some(format!("every row needs a `{name}`")),
            );
            None
        } else {
            Some(v)
        }
    }
    fn parse_enum<T>(
        &mut self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        all: &[&'static str],
    ) -> Option<T> {
        let v = self.req(name)?;
        match parse(v) {
            Some(x) => Some(x),
            None => {
                let hint = match suggest(v, all.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("expected one of: {}", all.join(", ")),
                };
                self.err(name, format!("unknown {name} `{v}`"), Some(hint));
                None
            }
        }
    }
}

impl Loader {
    fn file_err(
        &mut self,
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.sink.push(Diagnostic {
            file: file.to_string(),
            line,
            column: None,
            field: None,
            message: message.into(),
            hint,
        });
    }

    fn read_text(&mut self, input: &DatasetInput, i: usize) -> Option<String> {
        let file = input.file_label(i);
        let bytes: Cow<'_, [u8]> = match &input.files[i] {
            Input::Bytes(b) => Cow::Borrowed(b),
            Input::Path(p) => match std::fs::read(p) {
                Ok(b) => Cow::Owned(b),
                Err(e) => {
                    self.file_err(&file, None, format!("cannot read the file: {e}"), None);
                    return None;
                }
            },
            Input::Missing => {
                self.file_err(
                    &file,
                    None,
                    "file not found",
                    Some(format!("a dataset directory holds {}", FILES.join(", "))),
                );
                return None;
            }
        };
        match String::from_utf8(bytes.into_owned()) {
            Ok(s) => Some(s),
            Err(e) => {
                let pos = e.utf8_error().valid_up_to();
                let line = e.as_bytes()[..pos].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                self.file_err(
                    &file,
                    Some(line),
                    "the file is not valid UTF-8 text",
                    Some("save it as UTF-8".into()),
                );
                None
            }
        }
    }

    fn parse_meta(&mut self, file: &str, text: &str) -> Option<TomlMeta> {
        let meta: TomlMeta = match toml::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                let line = e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
                let msg = e.message().to_string();
                self.file_err(
                    file,
                    line,
                    msg,
                    Some("see data/dataset.toml of the default dataset for the layout".into()),
                );
                return None;
            }
        };
        for c in &meta.corridor {
            let line = find_line(text, &format!("\"{}\"", c.key));
            if c.key.is_empty()
                || !c
                    .key
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
            {
                self.sink.push(Diagnostic {
                    file: file.into(),
                    line,
                    column: None,
                    field: Some("corridor.key".into()),
                    message: format!(
                        "corridor key `{}` must be lower-case letters, digits and `_`",
                        c.key
                    ),
                    hint: None,
                });
            } else if self.corridors.iter().any(|x| x.key == c.key) {
                self.sink.push(Diagnostic {
                    file: file.into(),
                    line,
                    column: None,
                    field: Some("corridor.key".into()),
                    message: format!("duplicate corridor `{}`", c.key),
                    hint: None,
                });
            } else {
                self.corridors.push(Corridor {
                    key: c.key.clone(),
                    name: c.name.clone(),
                });
            }
        }
        if self.corridors.len() > CorridorSet::MAX {
            self.file_err(
                file,
                None,
                format!(
                    "{} corridors defined; at most {} are supported",
                    self.corridors.len(),
                    CorridorSet::MAX
                ),
                None,
            );
            self.corridors.truncate(CorridorSet::MAX);
        }
        Some(meta)
    }

    /// Read a CSV table, calling `row` for each record.
    fn read_csv(
        &mut self,
        input: &DatasetInput,
        i: usize,
        table: &'static Table,
        mut row: impl FnMut(&mut Self, &mut Row<'_>),
    ) {
        let file = input.file_label(i);
        let reader: Box<dyn Read> = match &input.files[i] {
            Input::Bytes(b) => Box::new(std::io::Cursor::new(b.clone())),
            Input::Path(p) => match std::fs::File::open(p) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    self.file_err(&file, None, format!("cannot read the file: {e}"), None);
                    return;
                }
            },
            Input::Missing => {
                self.file_err(
                    &file,
                    None,
                    "file not found",
                    Some(format!("a dataset directory holds {}", FILES.join(", "))),
                );
                return;
            }
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let mut raw = csv::ByteRecord::new();
        // Header.
        let header = loop {
            match rdr.read_byte_record(&mut raw) {
                Ok(true) if raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) => continue,
                Ok(true) => break csv::StringRecord::from_byte_record_lossy(raw.clone()),
                Ok(false) => {
                    self.file_err(
                        &file,
                        None,
                        "the file is empty",
                        Some(format!(
                            "the first line names the columns: {}",
                            table.columns.join(",")
                        )),
                    );
                    return;
                }
                Err(e) => {
                    self.csv_error(&file, e);
                    return;
                }
            }
        };
        let header_line = raw.position().map(|p| p.line()).unwrap_or(1);
        let mut map = vec![None; table.columns.len()];
        let mut ok = true;
        for (idx, name) in header.iter().enumerate() {
            let name = name.trim();
            match table.columns.iter().position(|c| *c == name) {
                Some(ci) if map[ci].is_some() => {
                    self.sink.push(Diagnostic {
                        file: file.clone(),
                        line: Some(header_line),
                        column: Some(idx + 1),
                        field: Some(name.into()),
                        message: format!("column `{name}` appears twice"),
                        hint: None,
                    });
                    ok = false;
                }
                Some(ci) => map[ci] = Some(idx),
                None => {
                    let hint = match suggest(name, table.columns.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("columns are: {}", table.columns.join(", ")),
                    };
                    self.sink.push(Diagnostic {
                        file: file.clone(),
                        line: Some(header_line),
                        column: Some(idx + 1),
                        field: Some(name.into()),
                        message: format!("unknown column `{name}`"),
                        hint: Some(hint),
                    });
                    ok = false;
                }
            }
        }
        for req in table.required {
            let ci = table
                .columns
                .iter()
                .position(|c| c == req)
                .expect("required column is declared");
            if map[ci].is_none() {
                self.sink.push(Diagnostic {
                    file: file.clone(),
                    line: Some(header_line),
                    column: None,
                    field: Some((*req).into()),
                    message: format!("missing required column `{req}`"),
                    hint: Some(format!(
                        "the header must name: {}",
                        table.required.join(", ")
                    )),
                });
                ok = false;
            }
        }
        if !ok {
            return;
        }
        self.table_read[i] = true;
        let width = header.len();
        let id_col = map[0];
        loop {
            match rdr.read_byte_record(&mut raw) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.csv_error(&file, e);
                    break;
                }
            }
            if raw.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            let line = raw.position().map(|p| p.line()).unwrap_or(0);
            // One UTF-8 check for the whole row; fields are then sliced out of it.
            let whole = std::str::from_utf8(raw.as_slice()).ok();
            let field_str = |c: usize| match whole {
                Some(w) => raw.range(c).and_then(|r| w.get(r)),
                None => raw.get(c).and_then(|f| std::str::from_utf8(f).ok()),
            };
            let bad_utf8: Vec<usize> = (0..raw.len()).filter(|&c| field_str(c).is_none()).collect();
            if raw.len() != width || !bad_utf8.is_empty() {
                if let Some(id) = id_col.and_then(|c| raw.get(c)) {
                    self.dropped[i].insert(String::from_utf8_lossy(id).trim().to_string());
                }
                if raw.len() != width {
                    self.sink.push(Diagnostic {
                        file: file.clone(),
                        line: Some(line),
                        column: None,
                        field: None,
                        message: format!("row has {} fields, the header has {width}", raw.len()),
                        hint: Some("a field containing a comma must be quoted: \"a, b\"".into()),
                    });
                }
                for c in bad_utf8 {
                    let field = header.get(c).map(|h| h.trim().to_string());
                    self.sink.push(Diagnostic {
                        file: file.clone(),
                        line: Some(line),
                        column: Some(c + 1),
                        field,
                        message: "the field is not valid UTF-8 text".into(),
                        hint: Some("save the file as UTF-8".into()),
                    });
                }
                continue;
            }
            let mut vals = [""; MAX_COLUMNS];
            for (ci, m) in map.iter().enumerate() {
                if let Some(f) = m.and_then(field_str) {
                    vals[ci] = f.trim();
                }
            }
            let mut r = Row {
                file: &file,
                line,
                vals: &vals[..map.len()],
                map: &map,
                table,
                errors: Vec::new(),
            };
            row(self, &mut r);
            for d in r.errors {
                self.sink.push(d);
            }
        }
    }

    fn csv_error(&mut self, file: &str, e: csv::Error) {
        let line = e.position().map(|p| p.line());
        let (msg, hint) = match e.kind() {
            csv::ErrorKind::Utf8 { .. } => (
                "the row is not valid UTF-8 text".to_string(),
                Some("save the file as UTF-8".to_string()),
            ),
            csv::ErrorKind::Io(err) => (format!("cannot read the file: {err}"), None),
            _ => (format!("malformed CSV: {e}"), None),
        };
        self.file_err(file, line, msg, hint);
    }

    /// Parse a `*_src` field into an interned citation.
    fn cite(&mut self, r: &mut Row<'_>, field: &str) -> Option<Cite> {
        let text = r.get(field);
        if text.is_empty() {
            r.err(field, format!("missing source for this figure (`{field}` is empty)"), Some("every figure names its source id from sources.csv, or an estimate id (E-…) whose note says why".into()));
            return None;
        }
        if let Some(&c) = self.cite_cache.get(text) {
            return Some(c);
        }
        let mut ids = Vec::new();
        let mut ok = true;
        for key in text
            .split([';', ',', ' '])
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            match self.source_by_key.get(key) {
                Some(&id) => ids.push(id),
                None if !self.table_read[1] || self.dropped[1].contains(key) => ok = false,
                None => {
                    let hint = suggest(key, self.sources.iter().map(|s| s.key.as_str()))
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some("add it to sources.csv".into()));
                    r.err(field, format!("unknown source `{key}`"), hint);
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        ids.sort_unstable();
        ids.dedup();
        let c = match self.cite_by_list.get(&ids) {
            Some(&c) => c,
            None => {
                let c = Cite(self.citations.len() as u32);
                self.citations.push(ids.clone());
                self.cite_by_list.insert(ids, c);
                c
            }
        };
        if self.cite_cache.len() < CACHE_CAP {
            self.cite_cache.insert(text.into(), c);
        }
        Some(c)
    }

    /// A value with its source column. Outer `None`: an error was recorded.
    fn sourced<T: Clone + 'static>(
        &mut self,
        r: &mut Row<'_>,
        field: &'static str,
        src: &str,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, SpecError>,
    ) -> Option<Option<Sourced<T>>> {
        let text = r.get(field);
        if text.is_empty() {
            if required {
                r.req(field);
                return None;
            }
            if !r.get(src).is_empty() {
                r.err(
                    src,
                    format!("`{src}` is set but `{field}` is empty"),
                    Some(format!("give the `{field}` value or clear `{src}`")),
                );
                return None;
            }
            return Some(None);
        }
        let cache = self.value_cache.entry(field).or_default();
        let value = match cache.get(text).and_then(|v| v.downcast_ref::<T>()) {
            Some(v) => Some(v.clone()),
            None => match parse(text) {
                Ok(v) => {
                    if cache.len() < CACHE_CAP {
                        cache.insert(text.into(), Box::new(v.clone()));
                    }
                    Some(v)
                }
                Err(e) => {
                    r.spec_err(field, e);
                    None
                }
            },
        };
        let cite = self.cite(r, src);
        match (value, cite) {
            (Some(value), Some(cite)) => Some(Some(Sourced { value, cite })),
            _ => None,
        }
    }

    fn read_sources(&mut self, input: &DatasetInput) {
        self.read_csv(input, 1, &SOURCES, |l, r| {
            let key = r.req("id");
            if let Some(k) = key {
                if !valid_key(k) {
                    r.err("id", format!("source id `{k}` has characters other than letters, digits, `-`, `_` and `.`"), None);
                }
            }
            let kind = r.parse_enum("kind", SourceKind::parse, SourceKind::NAMES);
            let title = r.req("title");
            let year = match r.get("year") {
                "" => Some(None),
                y => match y.parse::<u16>() {
                    Ok(v) if (1800..=2100).contains(&v) => Some(Some(v)),
                    _ => {
                        r.err("year", format!("`{y}` is not a year"), Some("a year is four digits, e.g. 2024, or empty when unknown".into()));
                        None
                    }
                },
            };
            let note = r.get("note");
            if matches!(kind, Some(SourceKind::Estimate | SourceKind::Derived)) && note.is_empty() {
                r.err("note", "an estimate or derived figure must say why or how in `note`", Some("write the reasoning, e.g. `distance ÷ 700 km/day (operations §4b)`".into()));
            }
            let (Some(key), Some(kind), Some(title), Some(year)) = (key, kind, title, year) else { return };
            if let Some(&first) = l.source_by_key.get(key) {
                let _ = first;
                r.err("id", format!("duplicate source id `{key}`"), Some("each source id appears once".into()));
                return;
            }
            // Registered even if the row has errors, so that citing it is not reported too.
            let id = SourceId(l.sources.len() as u32);
            l.source_by_key.insert(key.to_string(), id);
            l.sources.push(Source { key: key.into(), kind, title: title.into(), year, url: r.get("url").into(), note: note.into() });
        });
    }

    fn read_nodes(&mut self, input: &DatasetInput) {
        // Rows are about 70 bytes; reserving up front saves re-copying a large table.
        let rows = (input.byte_len(2) / 70) as usize;
        self.nodes.reserve(rows);
        self.node_keys.reserve(rows);
        self.node_lines.reserve(rows);
        self.node_index = KeyIndex::with_capacity(rows);
        self.read_csv(input, 2, &NODES, |l, r| {
            let key = r.req("id");
            if let Some(k) = key {
                if !valid_key(k) {
                    r.err("id", format!("node id `{k}` has characters other than letters, digits, `-`, `_` and `.`"), Some("ids look like `KZ-AKTAU`".into()));
                }
            }
            let name = r.req("name");
            let country = r.req("country").and_then(|c| match Country::parse(c) {
                Some(x) => Some(x),
                None => {
                    let hint = if Country::parse(&c.to_uppercase()).is_some() { format!("did you mean `{}`?", c.to_uppercase()) } else { "write the ISO 3166-1 alpha-2 code, e.g. KZ, AZ, GE, TR".into() };
                    r.err("country", format!("`{c}` is not an ISO 3166-1 alpha-2 country code"), Some(hint));
                    None
                }
            });
            let kind = r.parse_enum("kind", NodeKind::parse, NodeKind::NAMES);
            let lat = coordinate(r, "lat", 90.0);
            let lon = coordinate(r, "lon", 180.0);
            let coord_cite = l.cite(r, "coord_src");
            let mut gauges = Vec::new();
            for g in r.get("gauges").split([';', '/', ' ']).map(str::trim).filter(|g| !g.is_empty()) {
                match Gauge::parse(g.strip_suffix("mm").unwrap_or(g)) {
                    Some(x) if !gauges.contains(&x) => gauges.push(x),
                    Some(_) => {}
                    None => r.err("gauges", format!("unknown gauge `{g}`"), Some("gauges are 1435 and 1520 (mm), separated by `;`".into())),
                }
            }
            gauges.sort();
            let dwell = l.sourced(r, "dwell", "dwell_src", false, Distribution::parse);
            let handling = l.sourced(r, "handling", "handling_src", false, parse_money_per_feu);
            let capacity = l.sourced(r, "capacity", "capacity_src", false, parse_capacity);
            let aliases = r.get("aliases").split(';').map(str::trim).filter(|a| !a.is_empty()).map(String::from).collect();
            let Some(key) = key else { return };
            // One probe finds a duplicate or files the new key (as for links).
            let id = NodeId(l.nodes.len() as u32);
            l.node_keys.push(key.to_string());
            let keys = &l.node_keys;
            if let Err(first) = l.node_index.insert_new(key, id.0, |i| &keys[i as usize]) {
                l.node_keys.pop();
                let first = l.node_lines[first as usize];
                r.err("id", format!("duplicate node id `{key}` (first defined on line {first})"), Some("each node id appears once".into()));
                return;
            }
            l.node_lines.push(r.line);
            let node = match (name, country, kind, lat, lon, coord_cite, dwell, handling, capacity) {
                (Some(name), Some(country), Some(kind), Some(lat), Some(lon), Some(cite), Some(dwell), Some(handling), Some(capacity)) if r.errors.is_empty() => Some(Node {
                    // The key lives in `node_keys` until `finish` moves it here.
                    key: String::new(),
                    name: name.into(),
                    aliases,
                    country,
                    kind,
                    coord: Sourced { value: (lat, lon), cite },
                    gauges,
                    dwell,
                    handling,
                    capacity,
                    note: r.get("note").into(),
                }),
                _ => None,
            };
            l.nodes.push(node);
        });
    }

    fn node_id(&self, key: &str) -> Option<NodeId> {
        self.node_index
            .get(key, |i| &self.node_keys[i as usize])
            .map(NodeId)
    }

    fn link_id(&self, key: &str) -> Option<LinkId> {
        self.link_index
            .get(key, |i| &self.link_keys[i as usize])
            .map(LinkId)
    }

    fn node_ref(&self, r: &mut Row<'_>, field: &str) -> Option<NodeId> {
        let v = r.req(field)?;
        match self.node_id(v) {
            Some(id) => Some(id),
            None if !self.table_read[2] || self.dropped[2].contains(v) => None,
            None => {
                let hint = suggest(v, self.node_keys.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some("node ids are defined in nodes.csv".into()));
                r.err(field, format!("unknown node `{v}`"), hint);
                None
            }
        }
    }

    fn read_links(&mut self, input: &DatasetInput) {
        let modes = Mode::NAMES;
        let rows = (input.byte_len(3) / 120) as usize;
        self.links.reserve(rows);
        self.link_keys.reserve(rows);
        self.link_lines.reserve(rows);
        self.link_index = KeyIndex::with_capacity(rows);
        self.read_csv(input, 3, &LINKS, |l, r| {
            let key = r.req("id");
            if let Some(k) = key {
                if !valid_key(k) {
                    r.err("id", format!("link id `{k}` has characters other than letters, digits, `-`, `_` and `.`"), None);
                }
            }
            let from = l.node_ref(r, "from");
            let to = l.node_ref(r, "to");
            let mode = r.parse_enum("mode", Mode::parse, modes);
            let gauge = match (mode, r.get("gauge")) {
                (Some(Mode::Rail), "") => {
                    r.err("gauge", "missing gauge for a rail link", Some("write 1435 or 1520".into()));
                    None
                }
                (Some(Mode::Rail), g) => match Gauge::parse(g.strip_suffix("mm").unwrap_or(g)) {
                    Some(x) => Some(Some(x)),
                    None => {
                        r.err("gauge", format!("unknown gauge `{g}`"), Some("write 1435 or 1520".into()));
                        None
                    }
                },
                (Some(m), g) if !g.is_empty() => {
                    r.err("gauge", format!("a {m} link has no gauge, found `{g}`"), Some("leave `gauge` empty for links that are not rail".into()));
                    None
                }
                _ => Some(None),
            };
            let traction = l.sourced(r, "traction", "traction_src", false, |t| {
                Traction::parse(t).ok_or_else(|| SpecError { message: format!("unknown traction `{t}`"), hint: Some("write electric or diesel".into()) })
            });
            if let (Some(Some(t)), Some(m)) = (&traction, mode) {
                if m != Mode::Rail {
                    r.err("traction", format!("traction `{}` given for a {m} link", t.value), Some("traction applies to rail links only".into()));
                }
            }
            let countries_text = r.get("countries");
            let cached_countries = l.countries_cache.get(countries_text).copied();
            let mut countries = Vec::new();
            let mut countries_ok = true;
            let to_parse = if cached_countries.is_some() { "" } else { countries_text };
            for c in to_parse.split([';', ' ']).map(str::trim).filter(|c| !c.is_empty()) {
                match Country::parse(c) {
                    Some(x) => countries.push(x),
                    None => {
                        r.err("countries", format!("`{c}` is not an ISO 3166-1 alpha-2 country code"), Some("list the countries crossed in order, e.g. KZ;RU;BY".into()));
                        countries_ok = false;
                    }
                }
            }
            if cached_countries.is_none() && countries.is_empty() && countries_ok {
                r.req("countries");
                countries_ok = false;
            }
            let country_list = match cached_countries {
                Some(c) => Some(c),
                None if countries_ok => {
                    let c = l.intern_countries(countries);
                    if l.countries_cache.len() < CACHE_CAP {
                        l.countries_cache.insert(countries_text.into(), c);
                    }
                    Some(c)
                }
                None => None,
            };
            let mut corridors = CorridorSet::default();
            for c in r.get("corridors").split([';', ' ']).map(str::trim).filter(|c| !c.is_empty()) {
                match l.corridors.iter().position(|x| x.key == c) {
                    Some(i) => corridors.insert(CorridorId(i as u16)),
                    None if !l.table_read[0] => {}
                    None => {
                        let hint = suggest(c, l.corridors.iter().map(|x| x.key.as_str())).map(|s| format!("did you mean `{s}`?")).unwrap_or_else(|| "corridors are declared in dataset.toml".into());
                        r.err("corridors", format!("unknown corridor `{c}`"), Some(hint));
                    }
                }
            }
            let distance = l.sourced(r, "distance", "distance_src", true, parse_distance);
            if let Some(Some(d)) = &distance {
                if d.value.0 <= 0.0 {
                    r.err("distance", "distance must be positive", None);
                }
            }
            let time = l.sourced(r, "time", "time_src", true, TimeSpec::parse);
            let capacity = l.sourced(r, "capacity", "capacity_src", false, parse_capacity);
            let tariff = l.sourced(r, "tariff", "tariff_src", false, parse_tariff);
            let waypoints = l.sourced(r, "waypoints", "waypoints_src", false, parse_waypoints);
            let Some(key) = key else { return };
            let id = LinkId(l.links.len() as u32);
            l.link_keys.push(key.to_string());
            let keys = &l.link_keys;
            if let Err(first) = l.link_index.insert_new(key, id.0, |i| &keys[i as usize]) {
                l.link_keys.pop();
                let first = l.link_lines[first as usize];
                r.err("id", format!("duplicate link id `{key}` (first defined on line {first})"), Some("each link id appears once".into()));
                return;
            }
            l.link_lines.push(r.line);
            let link = match (from, to, mode, gauge, traction, distance, time, capacity, tariff) {
                (Some(from), Some(to), Some(mode), Some(gauge), Some(traction), Some(Some(distance)), Some(Some(time)), Some(capacity), Some(tariff)) if r.errors.is_empty() && country_list.is_some() => {
                    let countries = country_list.expect("checked by the guard");
                    Some(Link {
                        // The key lives in `link_keys` until `finish` moves it here.
                        key: String::new(),
                        from,
                        to,
                        mode,
                        gauge,
                        traction,
                        countries,
                        corridors,
                        distance,
                        time_spec: time.value,
                        time_cite: time.cite,
                        capacity,
                        tariff,
                        note: r.get("note").into(),
                    })
                }
                _ => None,
            };
            if let Some(link) = &link {
                l.check_link(r, link);
            }
            if let (Some(_), Some(Some(w))) = (&link, waypoints) {
                l.link_waypoints.push((id, w.value, w.cite));
            }
            l.links.push(link);
        });
    }

    fn intern_countries(&mut self, list: Vec<Country>) -> CountryList {
        if let Some(&c) = self.countries_by_list.get(&list) {
            return c;
        }
        let c = CountryList(self.country_lists.len() as u32);
        self.country_lists.push(list.clone());
        self.countries_by_list.insert(list, c);
        c
    }

    /// Checks that need both ends of a link.
    fn check_link(&self, r: &mut Row<'_>, link: &Link) {
        let (Some(a), Some(b)) = (&self.nodes[link.from.idx()], &self.nodes[link.to.idx()]) else {
            return;
        };
        let (ak, bk) = (
            &self.node_keys[link.from.idx()],
            &self.node_keys[link.to.idx()],
        );
        if link.from == link.to {
            r.err("to", format!("link joins `{}` to itself", ak), None);
            return;
        }
        let countries = &self.country_lists[link.countries.0 as usize];
        if countries.first() != Some(&a.country) {
            r.err(
                "countries",
                format!(
                    "countries start with {}, but `from` node `{}` is in {}",
                    countries[0], ak, a.country
                ),
                Some("list the countries in order from `from` to `to`".into()),
            );
        }
        if countries.last() != Some(&b.country) {
            r.err(
                "countries",
                format!(
                    "countries end with {}, but `to` node `{}` is in {}",
                    countries[countries.len() - 1],
                    bk,
                    b.country
                ),
                Some("list the countries in order from `from` to `to`".into()),
            );
        }
        if let Some(g) = link.gauge {
            for (n, nk) in [(a, ak), (b, bk)] {
                if !n.gauges.contains(&g) {
                    let has = if n.gauges.is_empty() {
                        "no rail gauge".to_string()
                    } else {
                        format!(
                            "only {} mm track",
                            n.gauges
                                .iter()
                                .map(|x| x.as_str())
                                .collect::<Vec<_>>()
                                .join("/")
                        )
                    };
                    r.err("gauge", format!("{g} mm rail link ends at `{}`, which has {has}", nk), Some("put a gauge_change node between them, add the gauge to the node's `gauges`, or fix the link's gauge".into()));
                }
            }
        }
        if link.mode.is_water() {
            for (n, nk) in [(a, ak), (b, bk)] {
                if n.kind != NodeKind::Seaport {
                    r.err(
                        "mode",
                        format!(
                            "{} link calls at `{}`, which is a {} (not a seaport)",
                            link.mode, nk, n.kind
                        ),
                        Some("ships and ferries call at nodes of kind seaport".into()),
                    );
                }
            }
        }
        let gc = great_circle(a.lat(), a.lon(), b.lat(), b.lon());
        if link.distance.value.0 < gc.0 * 0.95 - 5.0 {
            r.err("distance", format!("distance {} km is shorter than the great-circle distance {:.0} km between `{}` and `{}`", link.distance.value.0, gc.0, ak, bk), Some("check the distance's unit (km or nm) and the nodes' coordinates".into()));
        }
    }

    fn read_services(&mut self, input: &DatasetInput) {
        self.read_csv(input, 4, &SERVICES, |l, r| {
            let key = r.req("id");
            let link = r.req("link").and_then(|v| match l.link_id(v) {
                Some(id) => Some(id),
                None if !l.table_read[3] || l.dropped[3].contains(v) => None,
                None => {
                    let hint = suggest(v, l.link_keys.iter().map(String::as_str)).map(|s| format!("did you mean `{s}`?")).or_else(|| Some("a service runs on a link defined in links.csv".into()));
                    r.err("link", format!("unknown link `{v}`: the service runs on a link that does not exist"), hint);
                    None
                }
            });
            let direction = match r.get("direction") {
                "" => Some(Direction::Both),
                d => match Direction::parse(d) {
                    Some(x) => Some(x),
                    None => {
                        r.err("direction", format!("unknown direction `{d}`"), Some(format!("expected one of: {}", Direction::expected())));
                        None
                    }
                },
            };
            let kind = r.parse_enum("kind", ServiceKind::parse, ServiceKind::NAMES);
            let schedule = l.sourced(r, "schedule", "schedule_src", true, parse_schedule);
            let payload = l.sourced(r, "payload", "payload_src", true, parse_payload);
            let rule = r.parse_enum("rule", DepartureRule::parse, DepartureRule::NAMES);
            let max_hold = l.sourced(r, "max_hold", "max_hold_src", false, parse_duration);
            if rule == Some(DepartureRule::WhenFull) && matches!(max_hold, Some(None)) {
                r.err("max_hold", "a when_full service needs `max_hold`", Some("the longest a departure waits to fill, e.g. 72h".into()));
            }
            if let (Some(Some(p)), Some(Some(s))) = (&payload, &schedule) {
                if matches!(p.value, Payload::Teu(v) | Payload::Wagons(v) | Payload::Tonnes(v) if v <= 0.0) {
                    r.err("payload", "payload must be positive", None);
                }
                let _ = s;
            }
            let Some(key) = key else { return };
            if let Some(first) = l.service_by_key.get(key) {
                r.err("id", format!("duplicate service id `{key}` (first defined on line {first})"), None);
                return;
            }
            l.service_by_key.insert(key.to_string(), r.line);
            let svc = match (link, direction, kind, schedule, payload, rule, max_hold) {
                (Some(link), Some(direction), Some(kind), Some(Some(schedule)), Some(Some(payload)), Some(rule), Some(max_hold)) if r.errors.is_empty() => Some(Service {
                    key: key.into(),
                    link,
                    direction,
                    kind,
                    operator: r.get("operator").into(),
                    schedule_text: r.get("schedule").into(),
                    schedule,
                    payload,
                    rule,
                    max_hold,
                    note: r.get("note").into(),
                }),
                _ => None,
            };
            l.services.push(svc);
        });
    }

    fn read_emissions(&mut self, input: &DatasetInput) {
        let modes = Mode::NAMES;
        let mut seen: Vec<(Mode, Option<Traction>, Option<ServiceKind>, u64)> = Vec::new();
        self.read_csv(input, 5, &EMISSIONS, |l, r| {
            let key = r.req("id");
            let mode = r.parse_enum("mode", Mode::parse, modes);
            let traction = match r.get("traction") {
                "" => Some(None),
                t => match Traction::parse(t) {
                    Some(x) => Some(Some(x)),
                    None => {
                        r.err("traction", format!("unknown traction `{t}`"), Some("write electric or diesel, or leave it empty for any".into()));
                        None
                    }
                },
            };
            let service = match r.get("service_kind") {
                "" => Some(None),
                k => match ServiceKind::parse(k) {
                    Some(x) => Some(Some(x)),
                    None => {
                        r.err("service_kind", format!("unknown service kind `{k}`"), Some(format!("expected one of: {}, or empty for any", ServiceKind::expected())));
                        None
                    }
                },
            };
            let ttw = l.sourced(r, "ttw", "ttw_src", true, parse_intensity);
            let wtw = l.sourced(r, "wtw", "wtw_src", true, parse_intensity);
            if let (Some(Some(t)), Some(Some(w))) = (&ttw, &wtw) {
                if w.value.0 < t.value.0 {
                    r.err("wtw", format!("well-to-wheel {} is below tank-to-wheel {}", w.value, t.value), Some("well-to-wheel includes tank-to-wheel plus fuel or power production, so wtw ≥ ttw".into()));
                }
            }
            let (Some(key), Some(mode), Some(traction), Some(service)) = (key, mode, traction, service) else { return };
            if let Some(first) = seen.iter().find(|x| (x.0, x.1, x.2) == (mode, traction, service)) {
                r.err("mode", format!("a factor for this mode, traction and service kind is already defined on line {}", first.3), Some("keep one row per combination".into()));
                return;
            }
            seen.push((mode, traction, service, r.line));
            let f = match (ttw, wtw) {
                (Some(Some(ttw)), Some(Some(wtw))) if r.errors.is_empty() => Some(EmissionFactor { key: key.into(), mode, traction, service, ttw, wtw, note: r.get("note").into() }),
                _ => None,
            };
            l.emission_factors.push(f);
        });
        // Every mode the network uses needs a default factor that matches any leg of it.
        if self.table_read[5] && self.emission_factors.iter().all(Option::is_some) {
            let file = input.file_label(5);
            let mut missing: Vec<(Mode, usize)> = Vec::new();
            for (i, link) in self.links.iter().enumerate() {
                let Some(link) = link else { continue };
                let covered =
                    self.emission_factors.iter().flatten().any(|f| {
                        f.mode == link.mode && f.traction.is_none() && f.service.is_none()
                    });
                if !covered && !missing.iter().any(|m| m.0 == link.mode) {
                    missing.push((link.mode, i));
                }
            }
            for (m, i) in missing {
                let (key, line) = (&self.link_keys[i], self.link_lines[i]);
                self.file_err(&file, None, format!("no emission factor for mode `{m}`, which links use (first: `{key}` on line {line} of links.csv)"), Some(format!("add a row with mode {m} and empty traction and service_kind: the default for every {m} leg")));
            }
        }
    }

    fn check_cargo(&mut self, file: &str, text: &str, meta: &TomlMeta) {
        let line = find_line(text, "tonnes_per_teu");
        let v = meta.cargo.tonnes_per_teu;
        if !(v.is_finite() && v > 0.0 && v <= 40.0) {
            self.sink.push(Diagnostic {
                file: file.into(),
                line,
                column: None,
                field: Some("cargo.tonnes_per_teu".into()),
                message: format!("tonnes of cargo per TEU must be between 0 and 40, found {v}"),
                hint: Some("a loaded TEU carries about 10 t of cargo".into()),
            });
            return;
        }
        let key = meta.cargo.tonnes_per_teu_src.trim();
        match self.source_by_key.get(key) {
            Some(&id) => {
                let c = match self.cite_by_list.get(&vec![id]) {
                    Some(&c) => c,
                    None => {
                        let c = Cite(self.citations.len() as u32);
                        self.citations.push(vec![id]);
                        self.cite_by_list.insert(vec![id], c);
                        c
                    }
                };
                self.tonnes_per_teu = Some(Sourced {
                    value: Tonnes(v),
                    cite: c,
                });
            }
            None if !self.table_read[1] => {}
            None => self.sink.push(Diagnostic {
                file: file.into(),
                line,
                column: None,
                field: Some("cargo.tonnes_per_teu_src".into()),
                message: format!("unknown source `{key}`"),
                hint: Some("name a source id from sources.csv".into()),
            }),
        }
    }

    fn check_connectivity(&mut self, file: &str, text: &str, meta: &TomlMeta) {
        let resolve = |l: &mut Loader, keys: &[String], field: &str| -> Vec<(NodeId, String)> {
            let mut out = Vec::new();
            for k in keys {
                match l.node_id(k) {
                    Some(id) => out.push((id, k.clone())),
                    None => {
                        let hint = suggest(k, l.node_keys.iter().map(String::as_str))
                            .map(|s| format!("did you mean `{s}`?"));
                        l.sink.push(Diagnostic {
                            file: file.into(),
                            line: find_line(text, &format!("\"{k}\"")),
                            column: None,
                            field: Some(format!("connectivity.{field}")),
                            message: format!("unknown node `{k}`"),
                            hint,
                        });
                    }
                }
            }
            out
        };
        let origins = resolve(self, &meta.connectivity.origins, "origins");
        let destinations = resolve(self, &meta.connectivity.destinations, "destinations");
        self.origins = origins.iter().map(|o| o.0).collect();
        self.destinations = destinations.iter().map(|o| o.0).collect();
        // Only meaningful when every node and link loaded: a link row with an error would
        // otherwise show up a second time as a missing connection.
        let complete = self.table_read[2]
            && self.table_read[3]
            && self.dropped[2].is_empty()
            && self.dropped[3].is_empty()
            && self.nodes.iter().all(Option::is_some)
            && self.links.iter().all(Option::is_some);
        if !complete {
            return;
        }
        // Components over the links that loaded (links are travelled both ways).
        let n = self.nodes.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn root(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                p[x as usize] = p[p[x as usize] as usize];
                x = p[x as usize];
            }
            x
        }
        for link in self.links.iter().flatten() {
            let (a, b) = (root(&mut parent, link.from.0), root(&mut parent, link.to.0));
            if a != b {
                parent[a as usize] = b;
            }
        }
        for (o, ok) in &origins {
            for (d, dk) in &destinations {
                if root(&mut parent, o.0) != root(&mut parent, d.0) {
                    let size = (0..n as u32)
                        .filter(|&x| root(&mut parent, x) == root(&mut parent, o.0))
                        .count();
                    self.sink.push(Diagnostic {
                        file: file.into(),
                        line: find_line(text, &format!("\"{ok}\"")),
                        column: None,
                        field: Some("connectivity.origins".into()),
                        message: format!("origin `{ok}` cannot reach destination `{dk}`: no chain of links joins them"),
                        hint: Some(format!("`{ok}` is in a part of the network with {size} node{}; add the missing link in links.csv", if size == 1 { "" } else { "s" })),
                    });
                }
            }
        }
    }

    fn finish(self, meta: Option<TomlMeta>) -> Result<Network, LoadErrors> {
        if !self.sink.is_empty() {
            return Err(self.sink.into_errors());
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
            origins,
            destinations,
            emission_factors,
            tonnes_per_teu,
            link_waypoints,
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
                name: meta.name,
                version: meta.version,
                description: meta.description,
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
            node_index,
            link_index,
            waypoints: link_waypoints,
        };
        Ok(Network::assemble(parts))
    }
}

/// Most distinct texts remembered per field by the parse caches (bounded, so a column of
/// all-different values costs no more memory than a few kilobytes).
const CACHE_CAP: usize = 4096;

fn valid_key(k: &str) -> bool {
    k.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn find_line(text: &str, needle: &str) -> Option<u64> {
    text.find(needle)
        .map(|pos| text[..pos].matches('\n').count() as u64 + 1)
}

fn coordinate(r: &mut Row<'_>, field: &str, limit: f64) -> Option<f64> {
    let v = r.req(field)?;
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= limit => Some(x),
        Ok(x) if x.is_finite() => {
            r.err(
                field,
                format!("impossible coordinate {x}: {field} must lie within ±{limit}°"),
                Some(if field == "lat" {
                    "latitude and longitude swapped?".into()
                } else {
                    "degrees east are positive, west negative".into()
                }),
            );
            None
        }
        _ => {
            r.err(
                field,
                format!("`{v}` is not a number"),
                Some(format!("{field} is in decimal degrees, e.g. 43.60")),
            );
            None
        }
    }
}

fn parse_distance(text: &str) -> Result<Km, SpecError> {
    let (v, unit) = number_with_unit(text, "a distance")?;
    let num = split_number_unit(text).0;
    match unit {
        "km" => Ok(Km(v)),
        "nm" => Ok(Km(v * KM_PER_NM)),
        "" => Err(SpecError {
            message: format!("distance `{text}` has no unit"),
            hint: Some(format!("write {num} km or {num} nm")),
        }),
        u => Err(SpecError {
            message: format!("unknown distance unit `{u}`"),
            hint: Some("distances are in km or nm (nautical miles)".into()),
        }),
    }
}

fn parse_capacity(text: &str) -> Result<Capacity, SpecError> {
    let (v, unit) = number_with_unit(text, "a capacity")?;
    Ok(match unit {
        "Mt/yr" => Capacity::MtPerYear(v),
        "TEU/yr" => Capacity::TeuPerYear(v),
        "TEU/d" => Capacity::TeuPerDay(v),
        "trains/d" => Capacity::TrainsPerDay(v),
        "trains/yr" => Capacity::TrainsPerYear(v),
        "wagons/d" => Capacity::WagonsPerDay(v),
        u => {
            let hint = match suggest(u, Capacity::UNITS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("units are {}", Capacity::UNITS.join(", ")),
            };
            return Err(SpecError {
                message: format!("unknown capacity unit `{u}`"),
                hint: Some(hint),
            });
        }
    })
}

fn parse_payload(text: &str) -> Result<Payload, SpecError> {
    let (v, unit) = number_with_unit(text, "a payload")?;
    Ok(match unit {
        "TEU" => Payload::Teu(v),
        "FEU" => Payload::Teu(v * 2.0),
        "wagons" => Payload::Wagons(v),
        "t" => Payload::Tonnes(v),
        u => {
            return Err(SpecError {
                message: format!("unknown payload unit `{u}`"),
                hint: Some(format!("units are {}", Payload::UNITS.join(", "))),
            });
        }
    })
}

fn parse_tariff(text: &str) -> Result<Tariff, SpecError> {
    let (v, unit) = number_with_unit(text, "a tariff")?;
    Ok(match unit {
        "USD/FEU" => Tariff::PerFeu(v),
        "USD/TEU" => Tariff::PerFeu(v * 2.0),
        "USD/FEU-km" => Tariff::PerFeuKm(v),
        "USD/TEU-km" => Tariff::PerFeuKm(v * 2.0),
        u => {
            let hint = match suggest(u, Tariff::UNITS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("units are {}", Tariff::UNITS.join(", ")),
            };
            return Err(SpecError {
                message: format!("unknown tariff unit `{u}`"),
                hint: Some(hint),
            });
        }
    })
}

/// Parse `lat lon; lat lon; …` (decimal degrees) into points along a link.
fn parse_waypoints(text: &str) -> Result<Vec<(f64, f64)>, SpecError> {
    let mut v = Vec::new();
    for (i, p) in text
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let bad = || {
            SpecError { message: format!("waypoint {} `{p}` is not `lat lon`", i + 1), hint: Some("write waypoints as `lat lon; lat lon`, in decimal degrees, e.g. `1.25 103.8; 12.6 43.3`".into()) }
        };
        let mut it = p.split_whitespace();
        let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        let (lat, lon): (f64, f64) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return Err(SpecError {
                message: format!(
                    "impossible waypoint {} `{p}`: latitude must lie within ±90°, longitude within ±180°",
                    i + 1
                ),
                hint: Some("latitude first, then longitude".into()),
            });
        }
        v.push((lat, lon));
    }
    Ok(v)
}

fn parse_intensity(text: &str) -> Result<GPerTkm, SpecError> {
    let (v, unit) = number_with_unit(text, "an emission intensity")?;
    match unit {
        "g/tkm" => Ok(GPerTkm(v)),
        "kg/tkm" => Ok(GPerTkm(v * 1000.0)),
        u => Err(SpecError {
            message: format!("unknown emission-intensity unit `{u}`"),
            hint: Some("write grams of CO2e per tonne-km, e.g. 27.79 g/tkm".into()),
        }),
    }
}

fn parse_money_per_feu(text: &str) -> Result<Usd, SpecError> {
    match parse_tariff(text)? {
        Tariff::PerFeu(v) => Ok(Usd(v)),
        Tariff::PerFeuKm(_) => Err(SpecError {
            message: "a handling charge is per container, not per km".into(),
            hint: Some("write e.g. 175 USD/FEU".into()),
        }),
    }
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn parse_clock(t: &str) -> Result<Hours, SpecError> {
    let bad = || SpecError {
        message: format!("`{t}` is not a time of day"),
        hint: Some("write times as HH:MM (UTC), e.g. 08:00".into()),
    };
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(Hours(h as f64 + m as f64 / 60.0))
}

/// Parse a timetable: `daily(08:00, 20:00)`, `weekly(Mon 08:00, Thu 20:00)` or
/// `every(12h, 06:00)` (headway, first departure on Monday).
pub fn parse_schedule(text: &str) -> Result<Schedule, SpecError> {
    let forms = "daily(08:00), weekly(Mon 08:00, Thu 20:00) or every(12h, 06:00)";
    let t = text.trim();
    let (name, inner) = match (t.find('('), t.ends_with(')')) {
        (Some(i), true) => (t[..i].trim(), &t[i + 1..t.len() - 1]),
        _ => {
            return Err(SpecError {
                message: format!("`{t}` is not a timetable"),
                hint: Some(format!("write {forms}")),
            });
        }
    };
    let args: Vec<&str> = inner
        .split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    if args.is_empty() {
        return Err(SpecError {
            message: format!("{name}() needs at least one departure"),
            hint: Some(format!("write {forms}")),
        });
    }
    match name {
        "daily" => {
            let mut times = Vec::new();
            for a in &args {
                let c = parse_clock(a)?;
                for d in 0..7 {
                    times.push(Hours(d as f64 * 24.0 + c.0));
                }
            }
            Ok(weekly(times))
        }
        "weekly" => {
            let mut times = Vec::new();
            for a in &args {
                let (day, clock) = a.split_once(' ').ok_or_else(|| SpecError {
                    message: format!("`{a}` is not a day and time"),
                    hint: Some("write e.g. Mon 08:00".into()),
                })?;
                let d = day.trim().to_lowercase();
                let di = DAYS
                    .iter()
                    .position(|x| d.starts_with(x))
                    .ok_or_else(|| SpecError {
                        message: format!("unknown day `{}`", day.trim()),
                        hint: Some("days are Mon, Tue, Wed, Thu, Fri, Sat, Sun".into()),
                    })?;
                times.push(Hours(di as f64 * 24.0 + parse_clock(clock.trim())?.0));
            }
            Ok(weekly(times))
        }
        "every" => {
            if args.len() > 2 {
                return Err(SpecError {
                    message: "every() takes a headway and an optional first departure".into(),
                    hint: Some("write every(12h) or every(12h, 06:00)".into()),
                });
            }
            let headway = parse_duration(args[0])?;
            if headway.0 <= 0.0 {
                return Err(SpecError {
                    message: "the headway must be positive".into(),
                    hint: None,
                });
            }
            let offset = if args.len() == 2 {
                parse_clock(args[1])?
            } else {
                Hours::ZERO
            };
            Ok(Schedule::Every {
                headway,
                offset: Hours(offset.0 % headway.0),
            })
        }
        other => Err(SpecError {
            message: format!("unknown timetable `{other}`"),
            hint: Some(format!("write {forms}")),
        }),
    }
}

fn weekly(mut times: Vec<Hours>) -> Schedule {
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    times.dedup();
    Schedule::Weekly { times }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(
            parse_schedule("weekly(Thu 20:00, Mon 08:00)").unwrap(),
            Schedule::Weekly {
                times: vec![Hours(8.0), Hours(92.0)]
            }
        );
        match parse_schedule("daily(08:00)").unwrap() {
            Schedule::Weekly { times } => assert_eq!(times.len(), 7),
            s => panic!("{s:?}"),
        }
        assert_eq!(
            parse_schedule("every(12h, 18:00)").unwrap(),
            Schedule::Every {
                headway: Hours(12.0),
                offset: Hours(6.0)
            }
        );
        assert!(
            parse_schedule("weekly(Funday 08:00)")
                .unwrap_err()
                .message
                .contains("unknown day")
        );
        assert!(parse_schedule("daily(25:00)").is_err());
        assert!(parse_schedule("hourly").is_err());
    }

    #[test]
    fn units() {
        assert_eq!(parse_distance("10 nm").unwrap(), Km(18.52));
        assert!(
            parse_distance("10 miles")
                .unwrap_err()
                .message
                .contains("unknown distance unit")
        );
        assert_eq!(parse_capacity("5 Mt/yr").unwrap(), Capacity::MtPerYear(5.0));
        assert_eq!(parse_payload("55 FEU").unwrap(), Payload::Teu(110.0));
        assert_eq!(
            parse_tariff("0.12 USD/TEU-km").unwrap(),
            Tariff::PerFeuKm(0.24)
        );
        assert!(
            parse_capacity("5 Mt/year")
                .unwrap_err()
                .hint
                .unwrap()
                .contains("Mt/yr")
        );
    }
}
