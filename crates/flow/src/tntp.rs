//! Reading and writing the TNTP text formats of the "Transportation Networks for Research"
//! collection (Bar-Gera's test networks: Sioux Falls, Anaheim, Chicago-Sketch, …).
//!
//! - [`parse_net`]: `_net.tntp`, the links and their volume-delay parameters.
//! - [`parse_trips`]: `_trips.tntp`, the origin–destination demand.
//! - [`parse_flow`]: `_flow.tntp`, link flows (the collection's best-known solutions).
//! - [`write_flow`] / [`format_flow`]: link flows in the `_flow.tntp` layout.
//! - [`read_text`]: a file's text with a size cap, refusing non-regular files.
//!
//! The parsers take the text and the file name to use in messages, so they need no file
//! system. Every problem is reported as a [`Diagnostic`] naming the file, the 1-based
//! line, the column (the field's position in the row) and the field; the parsers never
//! panic, whatever the bytes (a property test feeds them random and spliced input).
//!
//! Node numbers are kept as in the file (1-based). [`crate::assign::Network::from_tntp`]
//! and [`crate::assign::DemandClass::from_tntp`] turn them into an assignment problem.
//!
//! # Format notes
//! - Metadata lines `<TAG> value` come first and end with `<END OF METADATA>`; unknown
//!   tags are kept in [`TntpNetwork::metadata`]. Lines starting with `~` are comments;
//!   rows end with `;`.
//! - Nodes numbered below `<FIRST THRU NODE>` are zones: paths may start or end there but
//!   not pass through.
//! - `b` is the BPR α and `power` the BPR β, per link.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::Path;

use corridor_model::diag::{Diagnostic, LoadErrors};

use crate::diag::{Collector, diagnostic, single};

/// The default cap of [`read_text`]: 512 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// The columns of a `_net.tntp` link row, in order.
pub const NET_COLUMNS: [&str; 10] = [
    "init_node",
    "term_node",
    "capacity",
    "length",
    "free_flow_time",
    "b",
    "power",
    "speed",
    "toll",
    "link_type",
];

/// One link row of a `_net.tntp` file.
#[derive(Clone, Debug, PartialEq)]
pub struct TntpLink {
    /// Tail node (1-based, as in the file).
    pub init_node: u32,
    /// Head node (1-based).
    pub term_node: u32,
    /// Capacity (vehicles per unit of time), ≥ 0.
    pub capacity: f64,
    /// Length, ≥ 0.
    pub length: f64,
    /// Free-flow travel time, ≥ 0.
    pub free_flow_time: f64,
    /// BPR α ("B" in the collection), ≥ 0.
    pub b: f64,
    /// BPR β ("Power"), ≥ 0.
    pub power: f64,
    /// Speed limit (informative).
    pub speed: f64,
    /// Toll.
    pub toll: f64,
    /// Link type (informative).
    pub link_type: i64,
    /// Line of the row in the file.
    pub line: u64,
}

/// A parsed `_net.tntp` file.
#[derive(Clone, Debug, PartialEq)]
pub struct TntpNetwork {
    /// File name used in messages.
    pub file: String,
    /// `<NUMBER OF ZONES>`: nodes `1..=zones` are the zones.
    pub zones: u32,
    /// `<NUMBER OF NODES>`.
    pub nodes: u32,
    /// `<FIRST THRU NODE>`: nodes below it may not be passed through.
    pub first_thru_node: u32,
    /// The links, in file order.
    pub links: Vec<TntpLink>,
    /// Every metadata tag and value, in file order (including the four above).
    pub metadata: Vec<(String, String)>,
}

/// One `destination : flow` entry of a `_trips.tntp` file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TripEntry {
    /// Origin zone (1-based).
    pub origin: u32,
    /// Destination zone (1-based).
    pub destination: u32,
    /// Demand, ≥ 0.
    pub flow: f64,
    /// Line of the entry in the file.
    pub line: u64,
    /// Column (1-based character position) of the entry's destination.
    pub column: usize,
}

/// A parsed `_trips.tntp` file.
#[derive(Clone, Debug, PartialEq)]
pub struct TntpTrips {
    /// File name used in messages.
    pub file: String,
    /// `<NUMBER OF ZONES>`.
    pub zones: u32,
    /// Line of `<NUMBER OF ZONES>`.
    pub zones_line: u64,
    /// `<TOTAL OD FLOW>`, when given (not checked against the entries: several files of
    /// the collection round it).
    pub total_od_flow: Option<f64>,
    /// The entries in file order, intra-zonal and zero ones included.
    pub entries: Vec<TripEntry>,
    /// Every metadata tag and value, in file order.
    pub metadata: Vec<(String, String)>,
}

impl TntpTrips {
    /// Sum of all entries.
    pub fn total(&self) -> f64 {
        self.entries.iter().map(|e| e.flow).sum()
    }

    /// Sum of the intra-zonal entries (origin = destination).
    pub fn intrazonal(&self) -> f64 {
        self.entries
            .iter()
            .filter(|e| e.origin == e.destination)
            .map(|e| e.flow)
            .sum()
    }
}

/// One row of a `_flow.tntp` file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowRecord {
    /// Tail node (1-based).
    pub from: u32,
    /// Head node (1-based).
    pub to: u32,
    /// Link volume.
    pub volume: f64,
    /// Link cost, when the file has the column.
    pub cost: Option<f64>,
    /// Line of the row.
    pub line: u64,
}

/// Why [`write_flow`] failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The volume or cost slice is not one value per link.
    #[error("{what} has {got} values for {links} links")]
    LengthMismatch {
        /// `"volumes"` or `"costs"`.
        what: &'static str,
        /// Values given.
        got: usize,
        /// Links in the network.
        links: usize,
    },
    /// The writer failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Lines of `text`, numbered from 1, without line terminators.
fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix('\r').unwrap_or(l)))
}

/// A metadata line `<TAG> value`, or `None` when `line` does not start with `<`.
fn metadata_tag(line: &str) -> Option<Result<(&str, &str), ()>> {
    let t = line.trim_start();
    let rest = t.strip_prefix('<')?;
    Some(match rest.find('>') {
        Some(end) => Ok((rest[..end].trim(), rest[end + 1..].trim())),
        None => Err(()),
    })
}

/// The fields of a table row: the text before the first `;` (or the end), split at
/// whitespace, each with its 1-based column.
fn row_fields(line: &str) -> (Vec<&str>, &str) {
    let (body, after) = match line.find(';') {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, ""),
    };
    (body.split_whitespace().collect(), after)
}

/// Reads the metadata block. Returns the tags and the index (into the line list) of the
/// first line after `<END OF METADATA>`.
struct Metadata {
    tags: Vec<(String, String, u64)>,
    body_start: usize,
}

fn read_metadata(file: &str, all: &[(u64, &str)], errs: &mut Collector) -> Option<Metadata> {
    let mut tags = Vec::new();
    for (i, &(no, line)) in all.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('~') {
            continue;
        }
        match metadata_tag(t) {
            Some(Ok((tag, value))) => {
                if tag.eq_ignore_ascii_case("END OF METADATA") {
                    return Some(Metadata {
                        tags,
                        body_start: i + 1,
                    });
                }
                tags.push((tag.to_ascii_uppercase(), value.to_string(), no));
            }
            Some(Err(())) => errs.push(diagnostic(
                file,
                Some(no),
                Some(1),
                None,
                format!("metadata tag `{}` has no closing `>`", clip(t)),
                Some("metadata lines look like `<NUMBER OF NODES> 24`"),
            )),
            None => {
                errs.push(diagnostic(
                    file,
                    Some(no),
                    Some(1),
                    None,
                    format!(
                        "expected a metadata line like `<NUMBER OF NODES> 24` or `<END OF METADATA>`, found `{}`",
                        clip(t)
                    ),
                    Some("TNTP files start with metadata tags and end them with `<END OF METADATA>`"),
                ));
                return None;
            }
        }
    }
    errs.push(diagnostic(
        file,
        all.last().map(|l| l.0),
        None,
        None,
        "the file ends before `<END OF METADATA>`",
        Some("add the line `<END OF METADATA>` after the metadata tags"),
    ));
    None
}

/// At most 60 characters of `s`, for quoting input in messages.
fn clip(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(57).collect();
        c.push_str("...");
        c
    }
}

/// A required integer tag; `None` (with a diagnostic) when missing or malformed.
fn int_tag(
    file: &str,
    md: &Metadata,
    tag: &str,
    last_line: u64,
    errs: &mut Collector,
) -> Option<(u32, u64)> {
    let Some((_, value, line)) = md.tags.iter().find(|(t, _, _)| t == tag) else {
        errs.push(diagnostic(
            file,
            Some(last_line),
            None,
            Some(tag),
            format!("the metadata has no `<{tag}>` tag"),
            Some("add it before `<END OF METADATA>`"),
        ));
        return None;
    };
    match value.parse::<u32>() {
        Ok(v) => Some((v, *line)),
        Err(_) => {
            errs.push(diagnostic(
                file,
                Some(*line),
                None,
                Some(tag),
                format!("expected a whole number, found `{}`", clip(value)),
                None,
            ));
            None
        }
    }
}

fn parse_node(s: &str) -> Option<u32> {
    s.parse::<u32>().ok()
}

fn parse_number(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    // Refuse `inf`, `NaN` and friends: Rust's parser accepts them, TNTP never means them.
    if !bytes
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses a `_net.tntp` file.
///
/// # Arguments
/// * `text`: the file's contents.
/// * `file`: the name to use in messages.
///
/// # Errors
/// Every problem found (up to a per-file cap): missing or malformed metadata, a row with
/// too few or too many fields, a field that is not a number, a node outside
/// `1..=<NUMBER OF NODES>`, a negative capacity, length, free-flow time, `b` or `power`,
/// and a link count different from `<NUMBER OF LINKS>`.
///
/// # Example
/// ```
/// let text = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n\
///             <NUMBER OF LINKS> 1\n<END OF METADATA>\n\
///             ~ init term cap len fft b power speed toll type ;\n\
///             1 3 100 1 2 0.15 4 0 0 1 ;\n";
/// let net = corridor_flow::tntp::parse_net(text, "tiny_net.tntp").unwrap();
/// assert_eq!(net.links[0].free_flow_time, 2.0);
/// ```
pub fn parse_net(text: &str, file: &str) -> Result<TntpNetwork, LoadErrors> {
    let all: Vec<(u64, &str)> = lines(text).collect();
    let last_line = all.last().map_or(1, |l| l.0);
    let mut errs = Collector::default();
    let Some(md) = read_metadata(file, &all, &mut errs) else {
        return Err(errs.finish(()).unwrap_err());
    };
    let zones = int_tag(file, &md, "NUMBER OF ZONES", last_line, &mut errs);
    let nodes = int_tag(file, &md, "NUMBER OF NODES", last_line, &mut errs);
    let first_thru = int_tag(file, &md, "FIRST THRU NODE", last_line, &mut errs);
    let n_links = int_tag(file, &md, "NUMBER OF LINKS", last_line, &mut errs);
    let (Some((zones, zones_line)), Some((nodes, _)), Some((first_thru, ft_line)), Some(n_links)) =
        (zones, nodes, first_thru, n_links)
    else {
        return Err(errs.finish(()).unwrap_err());
    };
    if zones > nodes {
        errs.push(diagnostic(
            file,
            Some(zones_line),
            None,
            Some("NUMBER OF ZONES"),
            format!("{zones} zones but only {nodes} nodes"),
            Some("zones are the nodes numbered 1 to <NUMBER OF ZONES>"),
        ));
    }
    if first_thru == 0 || first_thru > nodes.saturating_add(1) {
        errs.push(diagnostic(
            file,
            Some(ft_line),
            None,
            Some("FIRST THRU NODE"),
            format!(
                "expected a node number from 1 to {}, found {first_thru}",
                nodes + 1
            ),
            None,
        ));
    }

    let mut links = Vec::with_capacity(n_links.0.min(1 << 24) as usize);
    for &(no, line) in &all[md.body_start..] {
        let t = line.trim();
        if t.is_empty() || t.starts_with('~') {
            continue;
        }
        let (fields, after) = row_fields(line);
        if fields.is_empty() {
            continue;
        }
        if !after.trim().is_empty() && !after.trim_start().starts_with('~') {
            errs.push(diagnostic(
                file,
                Some(no),
                None,
                None,
                format!(
                    "unexpected text `{}` after the row's `;`",
                    clip(after.trim())
                ),
                Some("one link per line, ending with `;`"),
            ));
            continue;
        }
        if fields.len() != NET_COLUMNS.len() {
            let (field, msg) = if fields.len() < NET_COLUMNS.len() {
                (
                    Some(NET_COLUMNS[fields.len()]),
                    format!(
                        "the row has {} fields, expected {}: `{}` is missing",
                        fields.len(),
                        NET_COLUMNS.len(),
                        NET_COLUMNS[fields.len()]
                    ),
                )
            } else {
                (
                    None,
                    format!(
                        "the row has {} fields, expected {}",
                        fields.len(),
                        NET_COLUMNS.len()
                    ),
                )
            };
            errs.push(diagnostic(
                file,
                Some(no),
                Some(fields.len().min(NET_COLUMNS.len()) + 1),
                field,
                msg,
                Some(
                    "columns: init_node term_node capacity length free_flow_time b power speed toll link_type ;",
                ),
            ));
            continue;
        }
        let mut ok = true;
        let mut node = |col: usize, errs: &mut Collector| -> u32 {
            match parse_node(fields[col]) {
                Some(v) if v >= 1 && v <= nodes => v,
                Some(v) => {
                    ok = false;
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(col + 1),
                        Some(NET_COLUMNS[col]),
                        format!("unknown node {v}: nodes are numbered 1 to {nodes}"),
                        Some("check <NUMBER OF NODES> or the row"),
                    ));
                    0
                }
                None => {
                    ok = false;
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(col + 1),
                        Some(NET_COLUMNS[col]),
                        format!("expected a node number, found `{}`", clip(fields[col])),
                        None,
                    ));
                    0
                }
            }
        };
        let init_node = node(0, &mut errs);
        let term_node = node(1, &mut errs);
        let mut num = |col: usize, nonneg: bool, errs: &mut Collector| -> f64 {
            match parse_number(fields[col]) {
                Some(v) if nonneg && v < 0.0 => {
                    ok = false;
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(col + 1),
                        Some(NET_COLUMNS[col]),
                        format!("must not be negative, found {v}"),
                        None,
                    ));
                    0.0
                }
                Some(v) => v,
                None => {
                    ok = false;
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(col + 1),
                        Some(NET_COLUMNS[col]),
                        format!("expected a number, found `{}`", clip(fields[col])),
                        None,
                    ));
                    0.0
                }
            }
        };
        let capacity = num(2, true, &mut errs);
        let length = num(3, true, &mut errs);
        let free_flow_time = num(4, true, &mut errs);
        let b = num(5, true, &mut errs);
        let power = num(6, true, &mut errs);
        let speed = num(7, false, &mut errs);
        let toll = num(8, false, &mut errs);
        let link_type = match parse_number(fields[9]) {
            Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => v as i64,
            _ => {
                ok = false;
                errs.push(diagnostic(
                    file,
                    Some(no),
                    Some(10),
                    Some("link_type"),
                    format!("expected a whole number, found `{}`", clip(fields[9])),
                    None,
                ));
                0
            }
        };
        if ok {
            links.push(TntpLink {
                init_node,
                term_node,
                capacity,
                length,
                free_flow_time,
                b,
                power,
                speed,
                toll,
                link_type,
                line: no,
            });
        } else {
            // Keep counting rows for the link-count check.
            links.push(TntpLink {
                init_node: 0,
                term_node: 0,
                capacity: 0.0,
                length: 0.0,
                free_flow_time: 0.0,
                b: 0.0,
                power: 0.0,
                speed: 0.0,
                toll: 0.0,
                link_type: 0,
                line: no,
            });
        }
    }
    if links.len() != n_links.0 as usize {
        errs.push(diagnostic(
            file,
            Some(n_links.1),
            None,
            Some("NUMBER OF LINKS"),
            format!(
                "the metadata says {} links but the table has {} rows",
                n_links.0,
                links.len()
            ),
            Some("fix <NUMBER OF LINKS> or restore the missing rows"),
        ));
    }
    let metadata = md.tags.into_iter().map(|(t, v, _)| (t, v)).collect();
    errs.finish(TntpNetwork {
        file: file.to_string(),
        zones,
        nodes,
        first_thru_node: first_thru,
        links,
        metadata,
    })
}

/// Parses a `_trips.tntp` file: `Origin N` blocks of `destination : flow;` entries.
///
/// Intra-zonal entries (origin = destination) are kept; the assignment skips them and
/// reports how much it skipped.
///
/// # Errors
/// Every problem found: missing or malformed metadata, an entry before any `Origin`
/// line, an entry without `:`, a non-number, a negative flow, a zone outside
/// `1..=<NUMBER OF ZONES>` (the "unknown node" error) and a repeated origin–destination
/// pair.
///
/// # Example
/// ```
/// let text = "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 30\n<END OF METADATA>\n\
///             Origin 1\n 1 : 0.0; 2 : 10.0;\nOrigin 2\n 1 : 20.0;\n";
/// let trips = corridor_flow::tntp::parse_trips(text, "tiny_trips.tntp").unwrap();
/// assert_eq!(trips.total(), 30.0);
/// ```
pub fn parse_trips(text: &str, file: &str) -> Result<TntpTrips, LoadErrors> {
    let all: Vec<(u64, &str)> = lines(text).collect();
    let last_line = all.last().map_or(1, |l| l.0);
    let mut errs = Collector::default();
    let Some(md) = read_metadata(file, &all, &mut errs) else {
        return Err(errs.finish(()).unwrap_err());
    };
    let Some((zones, zones_line)) = int_tag(file, &md, "NUMBER OF ZONES", last_line, &mut errs)
    else {
        return Err(errs.finish(()).unwrap_err());
    };
    let total_od_flow = match md.tags.iter().find(|(t, _, _)| t == "TOTAL OD FLOW") {
        None => None,
        Some((_, v, line)) => match parse_number(v) {
            Some(x) => Some(x),
            None => {
                errs.push(diagnostic(
                    file,
                    Some(*line),
                    None,
                    Some("TOTAL OD FLOW"),
                    format!("expected a number, found `{}`", clip(v)),
                    None,
                ));
                None
            }
        },
    };

    let mut entries = Vec::new();
    let mut origin: Option<u32> = None;
    for &(no, line) in &all[md.body_start..] {
        let t = line.trim();
        if t.is_empty() || t.starts_with('~') {
            continue;
        }
        if t.len() >= 6 && t.is_char_boundary(6) && t[..6].eq_ignore_ascii_case("origin") {
            let rest = t[6..].trim().trim_end_matches(';').trim();
            match parse_node(rest) {
                Some(o) if o >= 1 && o <= zones => origin = Some(o),
                Some(o) => {
                    origin = None;
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        None,
                        Some("origin"),
                        format!("unknown zone {o}: zones are numbered 1 to {zones}"),
                        Some("check <NUMBER OF ZONES>"),
                    ));
                }
                None => {
                    origin = None;
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        None,
                        Some("origin"),
                        format!("expected `Origin <zone>`, found `{}`", clip(t)),
                        None,
                    ));
                }
            }
            continue;
        }
        let base = line.as_ptr() as usize;
        for piece in line.split(';') {
            let p = piece.trim();
            if p.is_empty() || p.starts_with('~') {
                continue;
            }
            let column = p.as_ptr() as usize - base + 1;
            let Some(o) = origin else {
                errs.push(diagnostic(
                    file,
                    Some(no),
                    Some(column),
                    Some("origin"),
                    format!("entry `{}` is not inside an `Origin` block", clip(p)),
                    Some("entries follow a line `Origin <zone>`"),
                ));
                break;
            };
            let Some((d, v)) = p.split_once(':') else {
                errs.push(diagnostic(
                    file,
                    Some(no),
                    Some(column),
                    Some("destination"),
                    format!("expected `destination : flow`, found `{}`", clip(p)),
                    None,
                ));
                continue;
            };
            let (d, v) = (d.trim(), v.trim());
            let destination = match parse_node(d) {
                Some(x) if x >= 1 && x <= zones => x,
                Some(x) => {
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(column),
                        Some("destination"),
                        format!("unknown zone {x}: zones are numbered 1 to {zones}"),
                        Some("check <NUMBER OF ZONES>"),
                    ));
                    continue;
                }
                None => {
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(column),
                        Some("destination"),
                        format!("expected a zone number, found `{}`", clip(d)),
                        None,
                    ));
                    continue;
                }
            };
            let flow = match parse_number(v) {
                Some(x) if x >= 0.0 => x,
                Some(x) => {
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(column),
                        Some("flow"),
                        format!("demand must not be negative, found {x}"),
                        None,
                    ));
                    continue;
                }
                None => {
                    errs.push(diagnostic(
                        file,
                        Some(no),
                        Some(column),
                        Some("flow"),
                        format!("expected a number, found `{}`", clip(v)),
                        None,
                    ));
                    continue;
                }
            };
            entries.push(TripEntry {
                origin: o,
                destination,
                flow,
                line: no,
                column,
            });
        }
    }
    // Repeated pairs.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| (entries[i].origin, entries[i].destination, entries[i].line));
    for w in order.windows(2) {
        let (a, b) = (&entries[w[0]], &entries[w[1]]);
        if a.origin == b.origin && a.destination == b.destination {
            errs.push(diagnostic(
                file,
                Some(b.line),
                Some(b.column),
                Some("destination"),
                format!(
                    "demand from zone {} to zone {} is given twice (first on line {})",
                    a.origin, a.destination, a.line
                ),
                Some("give each origin–destination pair once"),
            ));
        }
    }
    let metadata = md.tags.into_iter().map(|(t, v, _)| (t, v)).collect();
    errs.finish(TntpTrips {
        file: file.to_string(),
        zones,
        zones_line,
        total_od_flow,
        entries,
        metadata,
    })
}

/// Parses a `_flow.tntp` file: an optional header line (`From To Volume Cost`), then one
/// row per link with 3 or 4 numbers (the cost is optional). Metadata and `~` lines are
/// skipped.
///
/// # Errors
/// A row with too few or too many fields, a non-number, or a node number that is not a
/// positive whole number.
pub fn parse_flow(text: &str, file: &str) -> Result<Vec<FlowRecord>, LoadErrors> {
    const COLS: [&str; 4] = ["from", "to", "volume", "cost"];
    let mut errs = Collector::default();
    let mut out = Vec::new();
    let mut seen_row = false;
    for (no, line) in lines(text) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('~') || t.starts_with('<') {
            continue;
        }
        let (fields, _) = row_fields(line);
        if fields.is_empty() {
            continue;
        }
        if !seen_row && fields[0].eq_ignore_ascii_case("from") {
            seen_row = true;
            continue;
        }
        seen_row = true;
        if fields.len() < 3 || fields.len() > 4 {
            errs.push(diagnostic(
                file,
                Some(no),
                Some(fields.len().min(3) + 1),
                Some(COLS[fields.len().min(3)]),
                format!("the row has {} fields, expected 3 or 4", fields.len()),
                Some("columns: From To Volume [Cost]"),
            ));
            continue;
        }
        let mut ok = true;
        let mut node = |col: usize, errs: &mut Collector| match parse_node(fields[col]) {
            Some(v) if v >= 1 => v,
            _ => {
                ok = false;
                errs.push(diagnostic(
                    file,
                    Some(no),
                    Some(col + 1),
                    Some(COLS[col]),
                    format!("expected a node number, found `{}`", clip(fields[col])),
                    None,
                ));
                0
            }
        };
        let from = node(0, &mut errs);
        let to = node(1, &mut errs);
        let mut num = |col: usize, errs: &mut Collector| match parse_number(fields[col]) {
            Some(v) => v,
            None => {
                ok = false;
                errs.push(diagnostic(
                    file,
                    Some(no),
                    Some(col + 1),
                    Some(COLS[col]),
                    format!("expected a number, found `{}`", clip(fields[col])),
                    None,
                ));
                0.0
            }
        };
        let volume = num(2, &mut errs);
        let cost = (fields.len() == 4).then(|| num(3, &mut errs));
        if ok {
            out.push(FlowRecord {
                from,
                to,
                volume,
                cost,
                line: no,
            });
        }
    }
    errs.finish(out)
}

/// Link flows in the `_flow.tntp` layout: a `From To Volume Cost` header, then one row
/// per link of `network`, tab-separated, with numbers in Rust's shortest round-trip form
/// (so [`parse_flow`] reads back exactly the same `f64`s).
///
/// # Errors
/// [`WriteError::LengthMismatch`] when `volumes` or `costs` is not one value per link.
pub fn format_flow(
    network: &TntpNetwork,
    volumes: &[f64],
    costs: &[f64],
) -> Result<String, WriteError> {
    check_lengths(network, volumes, costs)?;
    let mut s = String::with_capacity(48 * (network.links.len() + 1));
    s.push_str("From \tTo \tVolume \tCost \n");
    for (i, l) in network.links.iter().enumerate() {
        let _ = writeln!(
            s,
            "{} \t{} \t{:?} \t{:?} ",
            l.init_node, l.term_node, volumes[i], costs[i]
        );
    }
    Ok(s)
}

/// Writes [`format_flow`]'s text to `out`.
///
/// # Errors
/// [`WriteError::LengthMismatch`], or [`WriteError::Io`] from the writer.
pub fn write_flow(
    mut out: impl Write,
    network: &TntpNetwork,
    volumes: &[f64],
    costs: &[f64],
) -> Result<(), WriteError> {
    let s = format_flow(network, volumes, costs)?;
    out.write_all(s.as_bytes())?;
    Ok(())
}

fn check_lengths(network: &TntpNetwork, volumes: &[f64], costs: &[f64]) -> Result<(), WriteError> {
    let links = network.links.len();
    if volumes.len() != links {
        return Err(WriteError::LengthMismatch {
            what: "volumes",
            got: volumes.len(),
            links,
        });
    }
    if costs.len() != links {
        return Err(WriteError::LengthMismatch {
            what: "costs",
            got: costs.len(),
            links,
        });
    }
    Ok(())
}

/// Reads a text file of at most `max_bytes` bytes (see [`DEFAULT_MAX_FILE_BYTES`]).
///
/// Refuses, before reading, anything that is not a regular file (a directory,
/// `/dev/zero`, a pipe) and a file larger than the cap; refuses text that is not UTF-8,
/// naming the line of the first bad byte.
///
/// # Errors
/// A [`LoadErrors`] with one [`Diagnostic`] naming the file.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, LoadErrors> {
    let name = path.display().to_string();
    let fail =
        |msg: String, hint: Option<&str>| single(diagnostic(&name, None, None, None, msg, hint));
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}"), None))?;
    if !meta.is_file() {
        return Err(fail(
            "not a regular file".to_string(),
            Some("give the path of a TNTP text file"),
        ));
    }
    if meta.len() > max_bytes {
        return Err(fail(
            format!(
                "the file has {} bytes, more than the cap of {max_bytes}",
                meta.len()
            ),
            Some("raise the cap if the file is really this large"),
        ));
    }
    let f = std::fs::File::open(path).map_err(|e| fail(format!("cannot open: {e}"), None))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` guards against a file that grows while it is read.
    f.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read: {e}"), None))?;
    if bytes.len() as u64 > max_bytes {
        return Err(fail(
            format!("the file grew past the cap of {max_bytes} bytes while being read"),
            None,
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        single(diagnostic(
            &name,
            Some(line),
            None,
            None,
            format!("the file is not UTF-8 text (bad byte at offset {at})"),
            Some("TNTP files are plain ASCII"),
        ))
    })
}

/// The diagnostic for a trips zone that the network does not have (used by
/// [`crate::assign::DemandClass::from_tntp`]).
pub(crate) fn unknown_zone(trips: &TntpTrips, e: &TripEntry, net: &TntpNetwork) -> Diagnostic {
    let (field, zone) = if e.origin > net.zones {
        ("origin", e.origin)
    } else {
        ("destination", e.destination)
    };
    diagnostic(
        &trips.file,
        Some(e.line),
        Some(e.column),
        Some(field),
        format!(
            "unknown zone {zone}: the network {} has zones 1 to {}",
            net.file, net.zones
        ),
        Some("the trips and net files must describe the same zones"),
    )
}

/// The diagnostic for trips whose zone count exceeds the network's.
pub(crate) fn zone_count_mismatch(trips: &TntpTrips, net: &TntpNetwork) -> Diagnostic {
    diagnostic(
        &trips.file,
        Some(trips.zones_line),
        None,
        Some("NUMBER OF ZONES"),
        format!(
            "{} zones, but the network {} has {}",
            trips.zones, net.file, net.zones
        ),
        Some("the trips and net files must describe the same zones"),
    )
}

/// The diagnostic for a network link that the assignment refuses.
pub(crate) fn bad_link(net: &TntpNetwork, link: &TntpLink, field: &str, msg: String) -> Diagnostic {
    let column = NET_COLUMNS.iter().position(|c| *c == field).map(|c| c + 1);
    diagnostic(&net.file, Some(link.line), column, Some(field), msg, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n<NUMBER OF LINKS> 2\n<END OF METADATA>\n~ init term ;\n\t1\t3\t100\t1\t2\t0.15\t4\t0\t0\t1\t;\n\t3\t2\t100\t1\t2\t0.15\t4\t0\t0\t1\t;\n";

    #[test]
    fn reads_a_small_net() {
        let n = parse_net(NET, "n.tntp").unwrap();
        assert_eq!((n.zones, n.nodes, n.first_thru_node), (2, 3, 3));
        assert_eq!(n.links.len(), 2);
        assert_eq!(n.links[1].line, 8);
    }

    fn first(e: LoadErrors) -> Diagnostic {
        e.diagnostics.into_iter().next().unwrap()
    }

    #[test]
    fn wrong_link_count_names_the_tag() {
        let bad = NET.replace("<NUMBER OF LINKS> 2", "<NUMBER OF LINKS> 3");
        let d = first(parse_net(&bad, "n.tntp").unwrap_err());
        assert_eq!(d.line, Some(4));
        assert_eq!(d.field.as_deref(), Some("NUMBER OF LINKS"));
        assert!(d.message.contains("says 3 links but the table has 2"));
    }

    #[test]
    fn missing_field_negative_capacity_and_non_number() {
        let bad = NET.replace("\t0.15\t4\t0\t0\t1\t;\n\t3", "\t0.15\t4\t0\t0\t;\n\t3");
        let d = first(parse_net(&bad, "n.tntp").unwrap_err());
        assert_eq!((d.line, d.field.as_deref()), (Some(7), Some("link_type")));
        let bad = NET.replace("\t3\t2\t100", "\t3\t2\t-100");
        let d = first(parse_net(&bad, "n.tntp").unwrap_err());
        assert_eq!(
            (d.line, d.column, d.field.as_deref()),
            (Some(8), Some(3), Some("capacity"))
        );
        let bad = NET.replace("\t3\t2\t100\t1\t2", "\t3\t2\t100\t1\tfast");
        let d = first(parse_net(&bad, "n.tntp").unwrap_err());
        assert_eq!(
            (d.line, d.field.as_deref()),
            (Some(8), Some("free_flow_time"))
        );
        let bad = NET.replace("\t3\t2\t100", "\t3\t9\t100");
        let d = first(parse_net(&bad, "n.tntp").unwrap_err());
        assert_eq!((d.line, d.field.as_deref()), (Some(8), Some("term_node")));
        assert!(d.message.contains("unknown node 9"));
        let bad = NET.replace("\t3\t2\t100", "\t3\t2\tinf");
        assert!(parse_net(&bad, "n.tntp").is_err());
    }

    #[test]
    fn trips_errors() {
        let ok = "<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n 1 : 5; 2 : 10;\n";
        let t = parse_trips(ok, "t.tntp").unwrap();
        assert_eq!((t.total(), t.intrazonal()), (15.0, 5.0));
        let d = first(parse_trips(&ok.replace("2 : 10", "3 : 10"), "t.tntp").unwrap_err());
        assert_eq!((d.line, d.field.as_deref()), (Some(4), Some("destination")));
        assert_eq!(d.column, Some(9));
        let d = first(parse_trips(&ok.replace("2 : 10", "2 : x"), "t.tntp").unwrap_err());
        assert_eq!(d.field.as_deref(), Some("flow"));
        let d = first(parse_trips(&ok.replace("2 : 10", "1 : 10"), "t.tntp").unwrap_err());
        assert!(d.message.contains("given twice"));
        let d = first(parse_trips(&ok.replace("Origin 1\n", ""), "t.tntp").unwrap_err());
        assert!(d.message.contains("not inside an `Origin` block"));
    }

    #[test]
    fn flow_round_trip() {
        let n = parse_net(NET, "n.tntp").unwrap();
        let v = [1.0 / 3.0, 12345.678901234567];
        let c = [2.5, 0.1 + 0.2];
        let s = format_flow(&n, &v, &c).unwrap();
        let back = parse_flow(&s, "f.tntp").unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].volume, v[0]);
        assert_eq!(back[1].cost, Some(c[1]));
        assert_eq!((back[1].from, back[1].to), (3, 2));
        assert!(matches!(
            format_flow(&n, &v[..1], &c),
            Err(WriteError::LengthMismatch { .. })
        ));
    }

    #[test]
    fn read_text_refuses_devices_and_big_files() {
        let e = read_text(Path::new("/dev/zero"), DEFAULT_MAX_FILE_BYTES).unwrap_err();
        assert!(e.diagnostics[0].message.contains("not a regular file"));
        let e = read_text(Path::new("/nonexistent/x_net.tntp"), 10).unwrap_err();
        assert!(e.diagnostics[0].message.contains("cannot read"));
        let me = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        assert!(read_text(Path::new(me), 1 << 20).is_ok());
        let e = read_text(Path::new(me), 10).unwrap_err();
        assert!(e.diagnostics[0].message.contains("more than the cap"));
    }
}
