//! The network: nodes, links, scheduled services and sources, with dense ids and a
//! compact (CSR) adjacency built once after loading.
//!
//! Architecture Invariant: a [`Network`] is immutable and valid once built. Every id
//! resolves, every number is finite and in range, rail gauges match at both ends of every
//! rail link. Algorithms never re-check.

use crate::dist::{Distribution, TimeSpec};
use crate::keyindex::KeyIndex;
use crate::units::{Capacity, GPerTkm, Hours, Km, Payload, Tariff, Tonnes, Usd};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident, $label:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);
        impl $name {
            /// The index into the network's table.
            #[inline]
            pub fn idx(self) -> usize {
                self.0 as usize
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($label, " #{}"), self.0)
            }
        }
    };
}

dense_id!(
    /// Dense index of a node.
    NodeId, "node");
dense_id!(
    /// Dense index of a link.
    LinkId, "link");
dense_id!(
    /// Dense index of a scheduled service.
    ServiceId, "service");
dense_id!(
    /// Dense index of a source in the sources table.
    SourceId, "source");
dense_id!(
    /// Dense index of a sea passage (a strait or canal, or a cape a lane rounds).
    PassageId, "passage");

/// An ISO 3166-1 alpha-2 country code (validated against the standard's list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country(pub [u8; 2]);

impl Country {
    /// The code as text, e.g. `"KZ"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
    /// Parse an upper-case alpha-2 code that ISO 3166-1 assigns.
    pub fn parse(s: &str) -> Option<Country> {
        let b = s.as_bytes();
        if b.len() == 2 && b.iter().all(u8::is_ascii_uppercase) && crate::iso::is_assigned(s) {
            Some(Country([b[0], b[1]]))
        } else {
            None
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Country::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not an ISO 3166-1 alpha-2 code"))
        })
    }
}

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The data-file spellings, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// The spelling used in data files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parse the data-file spelling.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
            /// The accepted spellings, comma-separated, for error messages.
            pub fn expected() -> String {
                [$($text),+].join(", ")
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What a node is.
    NodeKind {
        /// An inland container terminal where trains are formed or broken up.
        InlandTerminal = "inland_terminal",
        /// A dry port: an inland terminal with customs and port functions.
        DryPort = "dry_port",
        /// A border crossing point (BCP) without a change of gauge.
        BorderCrossing = "border_crossing",
        /// A station where containers are moved between 1520 mm and 1435 mm trains.
        GaugeChange = "gauge_change",
        /// A sea or lake port.
        Seaport = "seaport",
        /// A rail hub where trains are re-formed or change locomotives.
        Hub = "hub",
        /// A junction passed by trains, kept to shape routes.
        Junction = "junction",
    }
);

text_enum!(
    /// How a link is travelled.
    Mode {
        /// Railway (with a gauge).
        Rail = "rail",
        /// Road haulage.
        Road = "road",
        /// Caspian Sea rail ferry, Ro-Ro or container feeder.
        CaspianFerry = "caspian_ferry",
        /// Black Sea ferry or container feeder.
        BlackSeaFerry = "black_sea_ferry",
        /// Lake train ferry (Lake Van).
        LakeFerry = "lake_ferry",
        /// Deep-sea container shipping.
        DeepSea = "deep_sea",
    }
);

impl Mode {
    /// True for the modes that cross water.
    pub fn is_water(self) -> bool {
        !matches!(self, Mode::Rail | Mode::Road)
    }
}

text_enum!(
    /// Track gauge of a railway.
    Gauge {
        /// Standard gauge (China, Türkiye, Iran, EU).
        Standard = "1435",
        /// Russian gauge (Kazakhstan, Russia, Belarus, Azerbaijan, Georgia, Turkmenistan).
        Broad = "1520",
    }
);

text_enum!(
    /// What pulls the train (matters for emissions).
    Traction {
        /// Electric locomotives.
        Electric = "electric",
        /// Diesel locomotives.
        Diesel = "diesel",
    }
);

text_enum!(
    /// What kind of scheduled service a departure belongs to.
    ServiceKind {
        /// A block train.
        BlockTrain = "block_train",
        /// A rail ferry or Ro-Pax carrying wagons.
        Ferry = "ferry",
        /// A short-sea container feeder ship.
        Feeder = "feeder",
        /// A deep-sea liner service.
        Liner = "liner",
        /// A time window on a shared line (e.g. Marmaray's night freight window).
        Window = "window",
    }
);

text_enum!(
    /// When a departure leaves.
    DepartureRule {
        /// At its scheduled time, full or not.
        Fixed = "fixed",
        /// As soon as it is full, or at the latest after `max_hold` from its scheduled time.
        WhenFull = "when_full",
    }
);

text_enum!(
    /// Which way a service runs over its link.
    Direction {
        /// From the link's `from` to its `to`.
        Forward = "forward",
        /// From the link's `to` to its `from`.
        Backward = "backward",
        /// Both ways, with the same timetable.
        Both = "both",
    }
);

text_enum!(
    /// What kind of evidence a source is.
    SourceKind {
        /// A published document or article.
        Published = "published",
        /// An aggregator, blog or transcription of a primary source.
        Secondary = "secondary",
        /// A traveller or forum report: behaviour, not statistics.
        Anecdotal = "anecdotal",
        /// Arithmetic on sourced figures; the note gives the method.
        Derived = "derived",
        /// Our own estimate; the note gives the reasoning.
        Estimate = "estimate",
    }
);

/// Index of an interned list of sources (see [`Network::cited`]). Many figures share the
/// same citation, so a figure stores this 4-byte index instead of its own list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cite(pub u32);

/// A figure and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The figure.
    pub value: T,
    /// The sources it rests on (at least one).
    pub cite: Cite,
}

/// Points (lat, lon) along a link between its end nodes, with their sources.
pub type LinkWaypoints = (LinkId, Vec<(f64, f64)>, Cite);

/// Index of an interned list of passages (see [`Network::passages_of`]); 0 is the empty
/// list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PassageList(pub u32);

/// A chokepoint of sea lanes: a strait, a canal, or a cape a lane rounds (Suez,
/// Bab-el-Mandeb, Malacca, Gibraltar, the Turkish Straits, the Cape of Good Hope).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Key used in data files and options, e.g. `suez`.
    pub key: String,
    /// Human name.
    pub name: String,
    /// Sources of the passage's definition.
    pub cite: Cite,
}

/// Index of an interned list of countries (see [`Network::countries`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CountryList(pub u32);

/// A set of corridors, as a bitmask over [`CorridorId`] (at most 64 corridors).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CorridorSet(pub u64);

impl CorridorSet {
    /// Maximum number of corridors a dataset may define.
    pub const MAX: usize = 64;
    /// True if the set holds `c`.
    pub fn contains(self, c: CorridorId) -> bool {
        self.0 & (1u64 << c.0) != 0
    }
    /// Add `c` to the set.
    pub fn insert(&mut self, c: CorridorId) {
        self.0 |= 1u64 << c.0;
    }
    /// The corridors in the set, in id order.
    pub fn iter(self) -> impl Iterator<Item = CorridorId> {
        (0..64u16)
            .filter(move |i| self.0 & (1u64 << i) != 0)
            .map(CorridorId)
    }
}

/// An entry of the sources table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Short id used in data files, e.g. `S70` or `E-SPEED-KZ`.
    pub key: String,
    /// What kind of evidence.
    pub kind: SourceKind,
    /// Title and outlet as published (or the estimate's name).
    pub title: String,
    /// Publication year, where known.
    pub year: Option<u16>,
    /// Where to find it.
    pub url: String,
    /// For estimates and derived figures: the reasoning or method.
    pub note: String,
}

/// The throughput capacities of a node or a link: at most one counted in units (TEU,
/// trains or wagons) and one in tonnes (Mt/yr), each with its own sources. A port that
/// publishes 15 Mt and 150,000 TEU a year has both, written `150000 TEU/yr; 15 Mt/yr`
/// with `capacity_src` `S47; S43`; each limits its own cargo (a TEU capacity containers,
/// a train or wagon capacity all trains, a tonnage capacity all cargo by weight).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Capacities {
    /// In TEU, trains or wagons (never [`Capacity::MtPerYear`]).
    pub units: Option<Sourced<Capacity>>,
    /// In tonnes (always [`Capacity::MtPerYear`]).
    pub tonnes: Option<Sourced<Capacity>>,
}

impl Capacities {
    /// One capacity, filed under its class.
    pub fn one(c: Sourced<Capacity>) -> Capacities {
        let mut out = Capacities::default();
        out.set(c);
        out
    }
    /// File `c` under its class, replacing the one there.
    pub fn set(&mut self, c: Sourced<Capacity>) {
        if c.value.is_tonnage() {
            self.tonnes = Some(c);
        } else {
            self.units = Some(c);
        }
    }
    /// Neither capacity is given.
    pub fn is_empty(&self) -> bool {
        self.units.is_none() && self.tonnes.is_none()
    }
    /// The capacities given: the one in units first, then the one in tonnes.
    pub fn iter(&self) -> impl Iterator<Item = Sourced<Capacity>> + '_ {
        self.units.iter().chain(self.tonnes.iter()).copied()
    }
    /// The capacity in units, without its sources.
    pub fn units_value(&self) -> Option<Capacity> {
        self.units.map(|c| c.value)
    }
    /// The tonnage capacity in Mt/yr.
    pub fn mt_per_year(&self) -> Option<f64> {
        self.tonnes.map(|c| c.value.amount())
    }
}

/// A place in the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Stable text id, e.g. `KZ-AKTAU`.
    pub key: String,
    /// Human name.
    pub name: String,
    /// Other names people use (for look-ups).
    pub aliases: Vec<String>,
    /// Country the node lies in.
    pub country: Country,
    /// What the node is.
    pub kind: NodeKind,
    /// Latitude and longitude in degrees (WGS 84).
    pub coord: Sourced<(f64, f64)>,
    /// Rail gauges present (empty for a node without rail).
    pub gauges: Vec<Gauge>,
    /// Dwell or handling time of a container passing through.
    pub dwell: Option<Sourced<Distribution>>,
    /// Handling charge per FEU passing through.
    pub handling: Option<Sourced<Usd>>,
    /// Throughput capacities (in units and in tonnes, each with its sources).
    pub capacity: Capacities,
    /// Free-text note.
    pub note: String,
}

impl Node {
    /// Latitude in degrees.
    pub fn lat(&self) -> f64 {
        self.coord.value.0
    }
    /// Longitude in degrees.
    pub fn lon(&self) -> f64 {
        self.coord.value.1
    }
}

/// A connection between two nodes. Links are travelled both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Stable text id.
    pub key: String,
    /// One end.
    pub from: NodeId,
    /// The other end.
    pub to: NodeId,
    /// How the link is travelled.
    pub mode: Mode,
    /// Track gauge (rail only).
    pub gauge: Option<Gauge>,
    /// Traction (rail only).
    pub traction: Option<Sourced<Traction>>,
    /// Countries crossed, in order from `from` to `to` (see [`Network::countries`]).
    pub countries: CountryList,
    /// Corridors the link belongs to.
    pub corridors: CorridorSet,
    /// Sea passages the link uses, in travel order from `from` to `to` (see
    /// [`Network::passages_of`]).
    pub passages: PassageList,
    /// Sources of the passage list (none when it is empty).
    pub passages_cite: Option<Cite>,
    /// Length.
    pub distance: Sourced<Km>,
    /// Travel time as written in the data (distribution or section speeds).
    pub time_spec: TimeSpec,
    /// Sources of the travel time.
    pub time_cite: Cite,
    /// Throughput capacities (in units and in tonnes, each with its sources).
    pub capacity: Capacities,
    /// Price per FEU.
    pub tariff: Option<Sourced<Tariff>>,
    /// Free-text note.
    pub note: String,
}

impl Link {
    /// Travel-time distribution, resolved from `time_spec` and the distance (computed on
    /// demand: storing it would cost 32 bytes per link for a value two divisions away).
    pub fn time(&self) -> Distribution {
        self.time_spec.resolve(self.distance.value.0)
    }
    /// Median travel time.
    pub fn p50_time(&self) -> Hours {
        self.time().p50()
    }
    /// Price of moving one FEU over the whole link.
    pub fn price_per_feu(&self) -> Option<Usd> {
        self.tariff
            .as_ref()
            .map(|t| t.value.per_feu(self.distance.value))
    }
}

/// Departure times of a service, in hours since Monday 00:00 UTC.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Schedule {
    /// Every `headway`, starting at `offset` after Monday 00:00.
    Every {
        /// Time between departures.
        headway: Hours,
        /// First departure after Monday 00:00.
        offset: Hours,
    },
    /// Fixed departures each week (hours since Monday 00:00, sorted, < 168).
    Weekly {
        /// Departure times within the week.
        times: Vec<Hours>,
    },
}

/// Hours in a week.
pub const WEEK_H: f64 = 168.0;

impl Schedule {
    /// The first departure at or after `t` (hours since a Monday 00:00).
    pub fn next_departure(&self, t: Hours) -> Hours {
        match self {
            Schedule::Every { headway, offset } => {
                let k = ((t.0 - offset.0) / headway.0).ceil();
                Hours(offset.0 + k * headway.0)
            }
            Schedule::Weekly { times } => {
                let week = (t.0 / WEEK_H).floor();
                let within = t.0 - week * WEEK_H;
                for x in times {
                    if x.0 >= within {
                        return Hours(week * WEEK_H + x.0);
                    }
                }
                Hours((week + 1.0) * WEEK_H + times[0].0)
            }
        }
    }
    /// Departures per week.
    pub fn per_week(&self) -> f64 {
        match self {
            Schedule::Every { headway, .. } => WEEK_H / headway.0,
            Schedule::Weekly { times } => times.len() as f64,
        }
    }
}

/// A scheduled service (ferry, block train, liner) on one link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Stable text id.
    pub key: String,
    /// The link it runs on.
    pub link: LinkId,
    /// Which way it runs.
    pub direction: Direction,
    /// What it is.
    pub kind: ServiceKind,
    /// Operator, where known.
    pub operator: String,
    /// When it departs.
    pub schedule: Sourced<Schedule>,
    /// The schedule as written in the data file.
    pub schedule_text: String,
    /// What one departure carries.
    pub payload: Sourced<Payload>,
    /// When a departure leaves.
    pub rule: DepartureRule,
    /// Longest wait after the scheduled time for a `when_full` departure.
    pub max_hold: Option<Sourced<Hours>>,
    /// Free-text note.
    pub note: String,
}

/// A default emission intensity (ISO 14083 / GLEC), for a mode and optionally a traction
/// or a kind of service; the most specific row that matches a leg applies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmissionFactor {
    /// Stable text id.
    pub key: String,
    /// Mode it applies to.
    pub mode: Mode,
    /// Only for this traction (rail), if given.
    pub traction: Option<Traction>,
    /// Only for this kind of service (e.g. ferry vs feeder), if given.
    pub service: Option<ServiceKind>,
    /// Tank-to-wheel intensity (direct emissions of the vehicle).
    pub ttw: Sourced<GPerTkm>,
    /// Well-to-wheel intensity (including fuel or electricity production; ≥ `ttw`).
    pub wtw: Sourced<GPerTkm>,
    /// Free-text note.
    pub note: String,
}

/// Dense index of a corridor in the dataset's corridor table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CorridorId(pub u16);

/// A named corridor (e.g. the Middle Corridor via the Caspian and BTK).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Corridor {
    /// Key used in data files, e.g. `middle_btk`.
    pub key: String,
    /// Human name.
    pub name: String,
}

/// Dataset-level facts from `dataset.toml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Dataset name.
    pub name: String,
    /// Dataset version.
    pub version: String,
    /// One-paragraph description.
    pub description: String,
    /// Origins that must reach every destination.
    pub origins: Vec<NodeId>,
    /// Destinations every origin must reach.
    pub destinations: Vec<NodeId>,
    /// Mass of cargo per TEU, for tonne-kilometres (emissions).
    pub tonnes_per_teu: Sourced<Tonnes>,
}

/// One directed traversal of a link, as stored in the adjacency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    /// The node reached.
    pub head: NodeId,
    /// The link travelled.
    pub link: LinkId,
    /// True when the link is travelled from its `to` to its `from`.
    pub reversed: bool,
}

/// The whole network. Immutable and valid once built (see the module docs).
#[derive(Clone, Debug)]
pub struct Network {
    /// Dataset facts.
    pub meta: Meta,
    /// Nodes, indexed by [`NodeId`].
    pub nodes: Vec<Node>,
    /// Links, indexed by [`LinkId`].
    pub links: Vec<Link>,
    /// Services, indexed by [`ServiceId`].
    pub services: Vec<Service>,
    /// Sources, indexed by [`SourceId`].
    pub sources: Vec<Source>,
    /// Corridors, indexed by [`CorridorId`].
    pub corridors: Vec<Corridor>,
    /// Default emission intensities.
    pub emission_factors: Vec<EmissionFactor>,
    /// Interned citation lists, indexed by [`Cite`].
    pub citations: Vec<Vec<SourceId>>,
    /// Interned country lists, indexed by [`CountryList`].
    pub country_lists: Vec<Vec<Country>>,
    /// Sea passages, indexed by [`PassageId`].
    pub passages: Vec<Passage>,
    /// Interned passage lists, indexed by [`PassageList`] (the first is empty).
    pub passage_lists: Vec<Vec<PassageId>>,
    /// CSR offsets: the arcs leaving node `n` are `arcs[offsets[n]..offsets[n + 1]]`.
    offsets: Vec<u32>,
    arcs: Vec<Arc>,
    /// Services per link, CSR as well.
    svc_offsets: Vec<u32>,
    svc_ids: Vec<ServiceId>,
    node_index: KeyIndex,
    link_index: KeyIndex,
    /// Points along links (see [`Network::geometry`]), sorted by link.
    pub waypoints: Vec<LinkWaypoints>,
    /// Dated tariffs (`tariffs.csv`), in file order; see [`Network::tariff_on`].
    pub tariffs: Vec<crate::tariffs::DatedTariff>,
    /// CSR offsets per link into `tariff_index`.
    pub(crate) tariff_offsets: Vec<u32>,
    /// Indices into `tariffs`, by link and first day.
    pub(crate) tariff_index: Vec<u32>,
}

/// Two networks are equal when their data are; the adjacency and the key indices are
/// derived from the data (and an index's table size depends on how it was filled).
impl PartialEq for Network {
    fn eq(&self, o: &Network) -> bool {
        self.meta == o.meta
            && self.nodes == o.nodes
            && self.links == o.links
            && self.services == o.services
            && self.sources == o.sources
            && self.corridors == o.corridors
            && self.emission_factors == o.emission_factors
            && self.citations == o.citations
            && self.country_lists == o.country_lists
            && self.passages == o.passages
            && self.passage_lists == o.passage_lists
            && self.waypoints == o.waypoints
            && self.tariffs == o.tariffs
    }
}

/// The parts a loader hands to [`Network::assemble`].
pub(crate) struct Parts {
    pub meta: Meta,
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
    pub services: Vec<Service>,
    pub sources: Vec<Source>,
    pub corridors: Vec<Corridor>,
    pub emission_factors: Vec<EmissionFactor>,
    pub citations: Vec<Vec<SourceId>>,
    pub country_lists: Vec<Vec<Country>>,
    pub passages: Vec<Passage>,
    pub passage_lists: Vec<Vec<PassageId>>,
    /// Index of `nodes` by key (built over the same rows).
    pub node_index: KeyIndex,
    /// Index of `links` by key (built over the same rows).
    pub link_index: KeyIndex,
    /// Points along links between their end nodes, sorted by link.
    pub waypoints: Vec<LinkWaypoints>,
    /// Dated tariffs, in file order.
    pub tariffs: Vec<crate::tariffs::DatedTariff>,
}

impl Network {
    /// Assemble a network from validated parts and build its adjacency. The loader is
    /// the only caller: it has checked every invariant.
    pub(crate) fn assemble(parts: Parts) -> Network {
        let Parts {
            meta,
            nodes,
            links,
            services,
            sources,
            corridors,
            emission_factors,
            citations,
            country_lists,
            passages,
            passage_lists,
            node_index,
            link_index,
            waypoints,
            tariffs,
        } = parts;
        // `tariffs` stays in file order (an export writes it back as read); the per-link
        // index lists each link's rows by first day.
        let mut tariff_index: Vec<u32> = (0..tariffs.len() as u32).collect();
        tariff_index.sort_by_key(|&i| {
            let t = &tariffs[i as usize];
            (t.link, t.valid_from)
        });
        let mut tariff_offsets = vec![0u32; links.len() + 1];
        for t in &tariffs {
            tariff_offsets[t.link.idx() + 1] += 1;
        }
        for i in 0..links.len() {
            tariff_offsets[i + 1] += tariff_offsets[i];
        }
        let n = nodes.len();
        let mut deg = vec![0u32; n + 1];
        for l in &links {
            deg[l.from.idx()] += 1;
            deg[l.to.idx()] += 1;
        }
        let mut offsets = vec![0u32; n + 1];
        for i in 0..n {
            offsets[i + 1] = offsets[i] + deg[i];
        }
        let mut fill = offsets.clone();
        let dummy = Arc {
            head: NodeId(0),
            link: LinkId(0),
            reversed: false,
        };
        let mut arcs = vec![dummy; offsets[n] as usize];
        for (i, l) in links.iter().enumerate() {
            let id = LinkId(i as u32);
            let a = &mut fill[l.from.idx()];
            arcs[*a as usize] = Arc {
                head: l.to,
                link: id,
                reversed: false,
            };
            *a += 1;
            let b = &mut fill[l.to.idx()];
            arcs[*b as usize] = Arc {
                head: l.from,
                link: id,
                reversed: true,
            };
            *b += 1;
        }
        let mut svc_offsets = vec![0u32; links.len() + 1];
        for s in &services {
            svc_offsets[s.link.idx() + 1] += 1;
        }
        for i in 0..links.len() {
            svc_offsets[i + 1] += svc_offsets[i];
        }
        let mut sfill = svc_offsets.clone();
        let mut svc_ids = vec![ServiceId(0); services.len()];
        for (i, s) in services.iter().enumerate() {
            let p = &mut sfill[s.link.idx()];
            svc_ids[*p as usize] = ServiceId(i as u32);
            *p += 1;
        }
        Network {
            meta,
            nodes,
            links,
            services,
            sources,
            corridors,
            emission_factors,
            citations,
            country_lists,
            passages,
            passage_lists,
            offsets,
            arcs,
            svc_offsets,
            svc_ids,
            node_index,
            link_index,
            waypoints,
            tariffs,
            tariff_offsets,
            tariff_index,
        }
    }

    /// The node with this id (ids come from this network, so this cannot fail).
    #[inline]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.idx()]
    }
    /// The link with this id.
    #[inline]
    pub fn link(&self, id: LinkId) -> &Link {
        &self.links[id.idx()]
    }
    /// The service with this id.
    #[inline]
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.idx()]
    }
    /// The source with this id.
    #[inline]
    pub fn source(&self, id: SourceId) -> &Source {
        &self.sources[id.idx()]
    }
    /// Arcs leaving a node (each link appears at both of its ends).
    #[inline]
    pub fn arcs(&self, n: NodeId) -> &[Arc] {
        &self.arcs[self.offsets[n.idx()] as usize..self.offsets[n.idx() + 1] as usize]
    }
    /// Services running on a link.
    #[inline]
    pub fn services_on(&self, l: LinkId) -> &[ServiceId] {
        &self.svc_ids[self.svc_offsets[l.idx()] as usize..self.svc_offsets[l.idx() + 1] as usize]
    }
    /// Node by its text id.
    pub fn node_by_key(&self, key: &str) -> Option<NodeId> {
        self.node_index
            .get(key, |i| &self.nodes[i as usize].key)
            .map(NodeId)
    }
    /// Link by its text id.
    pub fn link_by_key(&self, key: &str) -> Option<LinkId> {
        self.link_index
            .get(key, |i| &self.links[i as usize].key)
            .map(LinkId)
    }
    /// The emission factor for a leg: the most specific row matching its mode, traction and
    /// kind of service (an exact match beats a row that leaves either open).
    pub fn emission_factor(
        &self,
        mode: Mode,
        traction: Option<Traction>,
        service: Option<ServiceKind>,
    ) -> Option<&EmissionFactor> {
        self.emission_factors
            .iter()
            .filter(|f| f.mode == mode)
            .filter(|f| f.traction.is_none() || f.traction == traction)
            .filter(|f| f.service.is_none() || f.service == service)
            .max_by_key(|f| (f.traction.is_some() as u8) + (f.service.is_some() as u8))
    }
    /// Waypoints of a link (lat, lon), from its `from` towards its `to`, if it has any.
    pub fn waypoints_of(&self, l: LinkId) -> Option<&LinkWaypoints> {
        self.waypoints
            .binary_search_by_key(&l, |w| w.0)
            .ok()
            .map(|i| &self.waypoints[i])
    }
    /// The shape of a link as (lat, lon) points: its start node, its waypoints, its end
    /// node; reversed when travelled from `to` to `from`.
    pub fn geometry(&self, l: LinkId, reversed: bool) -> Vec<(f64, f64)> {
        let link = self.link(l);
        let (a, b) = (self.node(link.from), self.node(link.to));
        let mut v = vec![(a.lat(), a.lon())];
        if let Some(w) = self.waypoints_of(l) {
            v.extend(w.1.iter().copied());
        }
        v.push((b.lat(), b.lon()));
        if reversed {
            v.reverse();
        }
        v
    }
    /// The sources behind a citation.
    #[inline]
    pub fn cited(&self, c: Cite) -> &[SourceId] {
        &self.citations[c.0 as usize]
    }
    /// The countries a link crosses, in order from its `from` to its `to`.
    #[inline]
    pub fn countries(&self, l: LinkId) -> &[Country] {
        &self.country_lists[self.links[l.idx()].countries.0 as usize]
    }
    /// The sea passages a link uses, in order from its `from` to its `to`.
    #[inline]
    pub fn passages_of(&self, l: LinkId) -> &[PassageId] {
        &self.passage_lists[self.links[l.idx()].passages.0 as usize]
    }
    /// Passage by key.
    pub fn passage_by_key(&self, key: &str) -> Option<PassageId> {
        self.passages
            .iter()
            .position(|p| p.key == key)
            .map(|i| PassageId(i as u32))
    }
    /// Corridor by key.
    pub fn corridor_by_key(&self, key: &str) -> Option<CorridorId> {
        self.corridors
            .iter()
            .position(|c| c.key == key)
            .map(|i| CorridorId(i as u16))
    }
    /// Node ids in order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len() as u32).map(NodeId)
    }
    /// Link ids in order.
    pub fn link_ids(&self) -> impl Iterator<Item = LinkId> + '_ {
        (0..self.links.len() as u32).map(LinkId)
    }
    /// Number of directed arcs (twice the number of links).
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// For each source, how many figures in the network cite it.
    pub fn source_use_counts(&self) -> Vec<u32> {
        let mut per_cite = vec![0u32; self.citations.len()];
        for n in &self.nodes {
            per_cite[n.coord.cite.0 as usize] += 1;
            for c in [n.dwell.as_ref().map(|x| x.cite), n.handling.map(|x| x.cite)]
                .into_iter()
                .flatten()
                .chain(n.capacity.iter().map(|x| x.cite))
            {
                per_cite[c.0 as usize] += 1;
            }
        }
        for p in &self.passages {
            per_cite[p.cite.0 as usize] += 1;
        }
        for l in &self.links {
            if let Some(c) = l.passages_cite {
                per_cite[c.0 as usize] += 1;
            }
            per_cite[l.distance.cite.0 as usize] += 1;
            per_cite[l.time_cite.0 as usize] += 1;
            for c in [l.traction.map(|x| x.cite), l.tariff.map(|x| x.cite)]
                .into_iter()
                .flatten()
                .chain(l.capacity.iter().map(|x| x.cite))
            {
                per_cite[c.0 as usize] += 1;
            }
        }
        for t in &self.tariffs {
            per_cite[t.tariff.cite.0 as usize] += 1;
        }
        for s in &self.services {
            per_cite[s.schedule.cite.0 as usize] += 1;
            per_cite[s.payload.cite.0 as usize] += 1;
            if let Some(h) = s.max_hold {
                per_cite[h.cite.0 as usize] += 1;
            }
        }
        for f in &self.emission_factors {
            per_cite[f.ttw.cite.0 as usize] += 1;
            per_cite[f.wtw.cite.0 as usize] += 1;
        }
        per_cite[self.meta.tonnes_per_teu.cite.0 as usize] += 1;
        for w in &self.waypoints {
            per_cite[w.2.0 as usize] += 1;
        }
        let mut counts = vec![0u32; self.sources.len()];
        for (cite, n) in self.citations.iter().zip(per_cite) {
            for s in cite {
                counts[s.idx()] += n;
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_schedule_wraps_to_next_week() {
        let s = Schedule::Weekly {
            times: vec![Hours(8.0), Hours(80.0)],
        };
        assert_eq!(s.next_departure(Hours(0.0)), Hours(8.0));
        assert_eq!(s.next_departure(Hours(8.0)), Hours(8.0));
        assert_eq!(s.next_departure(Hours(8.0 + 1.0 / 60.0)), Hours(80.0));
        assert_eq!(s.next_departure(Hours(100.0)), Hours(168.0 + 8.0));
    }

    #[test]
    fn headway_schedule() {
        let s = Schedule::Every {
            headway: Hours(12.0),
            offset: Hours(6.0),
        };
        assert_eq!(s.next_departure(Hours(0.0)), Hours(6.0));
        assert_eq!(s.next_departure(Hours(6.5)), Hours(18.0));
        assert_eq!(s.per_week(), 14.0);
    }

    #[test]
    fn countries_are_checked_against_iso() {
        assert!(Country::parse("KZ").is_some());
        assert!(Country::parse("kz").is_none());
        assert!(Country::parse("XX").is_none());
        assert!(Country::parse("KAZ").is_none());
    }
}
#[cfg(test)]
mod size_tests {
    /// The million-link network's memory budget rests on these sizes (bench/RESULTS.md):
    /// a link record must not grow unnoticed.
    #[test]
    fn records_stay_small() {
        let sizes = [
            // 24 bytes each for the capacity in tonnes beside the one in units.
            ("Link", std::mem::size_of::<super::Link>(), 216),
            ("Node", std::mem::size_of::<super::Node>(), 264),
            (
                "Distribution",
                std::mem::size_of::<crate::dist::Distribution>(),
                32,
            ),
            ("TimeSpec", std::mem::size_of::<crate::dist::TimeSpec>(), 32),
            ("Service", std::mem::size_of::<super::Service>(), 184),
        ];
        let over: Vec<String> = sizes
            .iter()
            .filter(|(_, size, max)| size > max)
            .map(|(name, size, max)| format!("{name} is {size} bytes, more than {max}"))
            .collect();
        assert!(over.is_empty(), "{}", over.join("; "));
    }
}
