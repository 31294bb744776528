//! One reader per dataset table: a [`Row`] of `sources.csv`, `nodes.csv`, `links.csv`,
//! `services.csv` or `emissions.csv` into the loader's tables, with every problem of the
//! row recorded on it.

use super::{CACHE_CAP, Loader, has_control, valid_key};
use crate::diag::did_you_mean;
use crate::dist::{Distribution, SpecError, TimeSpec};
use crate::fields;
use crate::keyindex::KeyIndex;
use crate::network::*;
use crate::table::Row;

/// A value parsed once with the notes its parser gave (reported as warnings).
type Noted<T> = (T, Vec<String>);

impl Loader {
    pub(super) fn reserve_nodes(&mut self, bytes: u64) {
        // Rows are about 70 bytes; reserving up front saves re-copying a large table.
        let rows = (bytes / 70) as usize;
        self.nodes.reserve(rows);
        self.node_keys.reserve(rows);
        self.node_lines.reserve(rows);
        self.node_index = KeyIndex::with_capacity(rows);
    }

    pub(super) fn reserve_links(&mut self, bytes: u64) {
        let rows = (bytes / 120) as usize;
        self.links.reserve(rows);
        self.link_keys.reserve(rows);
        self.link_lines.reserve(rows);
        self.link_index = KeyIndex::with_capacity(rows);
    }

    /// Parse a `*_src` field into an interned citation.
    fn cite(&mut self, r: &mut Row<'_>, field: &str) -> Option<Cite> {
        let text = r.get(field);
        self.cite_text(r, field, text)
    }

    /// [`Loader::cite`] for `text`, a part of `field`.
    fn cite_text(&mut self, r: &mut Row<'_>, field: &str, text: &str) -> Option<Cite> {
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
                    let hint = did_you_mean(key, self.sources.iter().map(|s| s.key.as_str()))
                        .or_else(|| Some("add it to sources.csv".into()));
                    r.err(field, format!("unknown source `{key}`"), hint);
                    ok = false;
                }
            }
        }
        if ok && ids.is_empty() {
            r.err(
                field,
                format!("`{text}` names no source"),
                Some("name source ids from sources.csv, separated by `;`".into()),
            );
            ok = false;
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

    /// A value with its source column, parsed by a field parser that may give notes
    /// (reported as warnings on the field). Outer `None`: an error was recorded.
    fn sourced_noted<T: Clone + 'static>(
        &mut self,
        r: &mut Row<'_>,
        field: &'static str,
        src: &str,
        required: bool,
        parse: impl FnOnce(&str) -> Result<Noted<T>, SpecError>,
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
        let value = match cache.get(text).and_then(|v| v.downcast_ref::<Noted<T>>()) {
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
        let value = value.map(|(v, notes)| {
            for n in notes {
                r.warn(field, n, None);
            }
            v
        });
        let cite = self.cite(r, src);
        match (value, cite) {
            (Some(value), Some(cite)) => Some(Some(Sourced { value, cite })),
            _ => None,
        }
    }

    /// A row's `capacity` with its `capacity_src`: one figure with its sources, or a figure
    /// in units and one in tonnes (`150000 TEU/yr; 15 Mt/yr`) with one `;`-separated group
    /// of sources per figure, in the same order (`S47; S43`; the sources of one figure are
    /// separated by spaces or commas). `None`: an error was recorded.
    pub(super) fn capacities(&mut self, r: &mut Row<'_>) -> Option<Capacities> {
        let (field, src) = ("capacity", "capacity_src");
        let text = r.get(field);
        let src_text = r.get(src);
        if text.is_empty() {
            if !src_text.is_empty() {
                r.err(
                    src,
                    format!("`{src}` is set but `{field}` is empty"),
                    Some(format!("give the `{field}` value or clear `{src}`")),
                );
                return None;
            }
            return Some(Capacities::default());
        }
        let figures = match fields::capacities(text) {
            Ok(v) => Some(v),
            Err(e) => {
                r.spec_err(field, e);
                None
            }
        };
        let groups: Vec<&str> = match figures.as_deref() {
            Some([_, _]) => src_text.split(';').map(str::trim).collect(),
            _ => vec![src_text],
        };
        if let Some(f @ [_, _]) = figures.as_deref() {
            if groups.len() != 2 || groups.iter().any(|g| g.is_empty()) {
                let n = groups.iter().filter(|g| !g.is_empty()).count();
                let plural = if n == 1 { "" } else { "s" };
                r.err(
                    src,
                    format!(
                        "`{field}` gives 2 figures (`{}`, `{}`) but `{src}` `{src_text}` gives {n} source group{plural}",
                        f[0], f[1]
                    ),
                    Some("give one `;`-separated group of sources per figure, in the same order, e.g. `S47; S43` (the sources of one figure separated by spaces or commas)".into()),
                );
                return None;
            }
        }
        let mut cites = Vec::with_capacity(groups.len());
        for g in groups {
            cites.push(self.cite_text(r, src, g));
        }
        let figures = figures?;
        let mut out = Capacities::default();
        for (value, cite) in figures.into_iter().zip(cites) {
            out.set(Sourced { value, cite: cite? });
        }
        Some(out)
    }

    /// [`Loader::sourced_noted`] for a parser without notes.
    pub(super) fn sourced<T: Clone + 'static>(
        &mut self,
        r: &mut Row<'_>,
        field: &'static str,
        src: &str,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, SpecError>,
    ) -> Option<Option<Sourced<T>>> {
        self.sourced_noted(r, field, src, required, |t| {
            parse(t).map(|v| (v, Vec::new()))
        })
    }

    pub(super) fn read_source(&mut self, r: &mut Row<'_>) {
        let key = r.req("id");
        if let Some(k) = key {
            if !valid_key(k) {
                r.err("id", format!("source id `{k}` has characters other than letters, digits, `-`, `_` and `.`"), None);
            }
        }
        let kind = r.parse_enum("kind", SourceKind::parse, SourceKind::NAMES);
        let title = r.req("title");
        if title.is_some_and(has_control) {
            r.warn(
                "title",
                "the title holds a line break",
                Some("write it on one line: a line break garbles tables".into()),
            );
        }
        let year = match r.get("year") {
            "" => Some(None),
            y => match y.parse::<u16>() {
                Ok(v) if (1800..=2100).contains(&v) => Some(Some(v)),
                _ => {
                    r.err(
                        "year",
                        format!("`{y}` is not a year"),
                        Some("a year is four digits, e.g. 2024, or empty when unknown".into()),
                    );
                    None
                }
            },
        };
        let note = r.get("note");
        if matches!(kind, Some(SourceKind::Estimate | SourceKind::Derived)) && note.is_empty() {
            r.err(
                "note",
                "an estimate or derived figure must say why or how in `note`",
                Some("write the reasoning, e.g. `distance ÷ 700 km/day (operations §4b)`".into()),
            );
        }
        let (Some(key), Some(kind), Some(title), Some(year)) = (key, kind, title, year) else {
            return;
        };
        if self.source_by_key.contains_key(key) {
            r.err(
                "id",
                format!("duplicate source id `{key}`"),
                Some("each source id appears once".into()),
            );
            return;
        }
        // Registered even if the row has errors, so that citing it is not reported too.
        let id = SourceId(self.sources.len() as u32);
        self.source_by_key.insert(key.to_string(), id);
        self.sources.push(Source {
            key: key.into(),
            kind,
            title: title.into(),
            year,
            url: r.get("url").into(),
            note: note.into(),
        });
    }

    pub(super) fn read_node(&mut self, r: &mut Row<'_>) {
        let key = r.req("id");
        if let Some(k) = key {
            if !valid_key(k) {
                r.err(
                    "id",
                    format!(
                        "node id `{k}` has characters other than letters, digits, `-`, `_` and `.`"
                    ),
                    Some("ids look like `KZ-AKTAU`".into()),
                );
            }
        }
        let name = r.req("name");
        let country = r.req("country").and_then(|c| match Country::parse(c) {
            Some(x) => Some(x),
            None => {
                let hint = if Country::parse(&c.to_uppercase()).is_some() {
                    format!("did you mean `{}`?", c.to_uppercase())
                } else {
                    "write the ISO 3166-1 alpha-2 code, e.g. KZ, AZ, GE, TR".into()
                };
                r.err(
                    "country",
                    format!("`{c}` is not an ISO 3166-1 alpha-2 country code"),
                    Some(hint),
                );
                None
            }
        });
        let kind = r.parse_enum("kind", NodeKind::parse, NodeKind::NAMES);
        let lat = coordinate(r, "lat", 90.0);
        let lon = coordinate(r, "lon", 180.0);
        let coord_cite = self.cite(r, "coord_src");
        let mut gauges = Vec::new();
        for g in r
            .get("gauges")
            .split([';', '/', ' '])
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            match Gauge::parse(g.strip_suffix("mm").unwrap_or(g)) {
                Some(x) if !gauges.contains(&x) => gauges.push(x),
                Some(_) => {}
                None => r.err(
                    "gauges",
                    format!("unknown gauge `{g}`"),
                    Some("gauges are 1435 and 1520 (mm), separated by `;`".into()),
                ),
            }
        }
        gauges.sort();
        let dwell = self.sourced_noted(r, "dwell", "dwell_src", false, Distribution::parse_noted);
        let handling = self.sourced(r, "handling", "handling_src", false, fields::handling);
        let capacity = self.capacities(r);
        let aliases: Vec<String> = r
            .get("aliases")
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect();
        if name.is_some_and(has_control) || aliases.iter().any(|a| has_control(a)) {
            let field = if name.is_some_and(has_control) {
                "name"
            } else {
                "aliases"
            };
            r.warn(field, "the name holds a line break", Some("write it on one line: a line break garbles tables, and look-ups by name will not match".into()));
        }
        let Some(key) = key else { return };
        // One probe finds a duplicate or files the new key (as for links).
        let id = NodeId(self.nodes.len() as u32);
        self.node_keys.push(key.to_string());
        let keys = &self.node_keys;
        if let Err(first) = self.node_index.insert_new(key, id.0, |i| &keys[i as usize]) {
            self.node_keys.pop();
            let first = self.node_lines[first as usize];
            r.err(
                "id",
                format!("duplicate node id `{key}` (first defined on line {first})"),
                Some("each node id appears once".into()),
            );
            return;
        }
        self.node_lines.push(r.line());
        let node = match (
            name, country, kind, lat, lon, coord_cite, dwell, handling, capacity,
        ) {
            (
                Some(name),
                Some(country),
                Some(kind),
                Some(lat),
                Some(lon),
                Some(cite),
                Some(dwell),
                Some(handling),
                Some(capacity),
            ) if r.errors.is_empty() => Some(Node {
                // The key lives in `node_keys` until `finish` moves it here.
                key: String::new(),
                name: name.into(),
                aliases,
                country,
                kind,
                coord: Sourced {
                    value: (lat, lon),
                    cite,
                },
                gauges,
                dwell,
                handling,
                capacity,
                note: r.get("note").into(),
            }),
            _ => None,
        };
        self.nodes.push(node);
    }

    pub(super) fn node_id(&self, key: &str) -> Option<NodeId> {
        self.node_index
            .get(key, |i| &self.node_keys[i as usize])
            .map(NodeId)
    }

    fn link_id(&self, key: &str) -> Option<LinkId> {
        self.link_index
            .get(key, |i| &self.link_keys[i as usize])
            .map(LinkId)
    }

    /// The link named in the row's `link` field; an unknown one is an error (`what`: how
    /// the row relates to it, "the service runs on"), unless links.csv could not be read
    /// or dropped that row.
    pub(super) fn link_ref(&self, r: &mut Row<'_>, what: &str) -> Option<LinkId> {
        let v = r.req("link")?;
        match self.link_id(v) {
            Some(id) => Some(id),
            None if !self.table_read[3] || self.dropped[3].contains(v) => None,
            None => {
                let hint = did_you_mean(v, self.link_keys.iter().map(String::as_str))
                    .or_else(|| Some(format!("{what} a link defined in links.csv")));
                r.err(
                    "link",
                    format!("unknown link `{v}`: {what} a link that does not exist"),
                    hint,
                );
                None
            }
        }
    }

    fn node_ref(&self, r: &mut Row<'_>, field: &str) -> Option<NodeId> {
        let v = r.req(field)?;
        match self.node_id(v) {
            Some(id) => Some(id),
            None if !self.table_read[2] || self.dropped[2].contains(v) => None,
            None => {
                let hint = did_you_mean(v, self.node_keys.iter().map(String::as_str))
                    .or_else(|| Some("node ids are defined in nodes.csv".into()));
                r.err(field, format!("unknown node `{v}`"), hint);
                None
            }
        }
    }

    pub(super) fn read_link(&mut self, r: &mut Row<'_>) {
        let key = r.req("id");
        if let Some(k) = key {
            if !valid_key(k) {
                r.err(
                    "id",
                    format!(
                        "link id `{k}` has characters other than letters, digits, `-`, `_` and `.`"
                    ),
                    None,
                );
            }
        }
        let from = self.node_ref(r, "from");
        let to = self.node_ref(r, "to");
        let mode = r.parse_enum("mode", Mode::parse, Mode::NAMES);
        let gauge = match (mode, r.get("gauge")) {
            (Some(Mode::Rail), "") => {
                r.err(
                    "gauge",
                    "missing gauge for a rail link",
                    Some("write 1435 or 1520".into()),
                );
                None
            }
            (Some(Mode::Rail), g) => match Gauge::parse(g.strip_suffix("mm").unwrap_or(g)) {
                Some(x) => Some(Some(x)),
                None => {
                    r.err(
                        "gauge",
                        format!("unknown gauge `{g}`"),
                        Some("write 1435 or 1520".into()),
                    );
                    None
                }
            },
            (Some(m), g) if !g.is_empty() => {
                r.err(
                    "gauge",
                    format!("a {m} link has no gauge, found `{g}`"),
                    Some("leave `gauge` empty for links that are not rail".into()),
                );
                None
            }
            _ => Some(None),
        };
        let traction = self.sourced(r, "traction", "traction_src", false, |t| {
            Traction::parse(t).ok_or_else(|| SpecError {
                message: format!("unknown traction `{t}`"),
                hint: Some("write electric or diesel".into()),
            })
        });
        if let (Some(Some(t)), Some(m)) = (&traction, mode) {
            if m != Mode::Rail {
                r.err(
                    "traction",
                    format!("traction `{}` given for a {m} link", t.value),
                    Some("traction applies to rail links only".into()),
                );
            }
        }
        let countries_text = r.get("countries");
        let cached_countries = self.countries_cache.get(countries_text).copied();
        let mut countries = Vec::new();
        let mut countries_ok = true;
        let to_parse = if cached_countries.is_some() {
            ""
        } else {
            countries_text
        };
        for c in to_parse
            .split([';', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match Country::parse(c) {
                Some(x) => countries.push(x),
                None => {
                    r.err(
                        "countries",
                        format!("`{c}` is not an ISO 3166-1 alpha-2 country code"),
                        Some("list the countries crossed in order, e.g. KZ;RU;BY".into()),
                    );
                    countries_ok = false;
                }
            }
        }
        if cached_countries.is_none() && countries.is_empty() && countries_ok {
            if countries_text.is_empty() {
                r.req("countries");
            } else {
                r.err(
                    "countries",
                    format!("`{countries_text}` lists no country"),
                    Some("list the countries crossed in order, e.g. KZ;RU;BY".into()),
                );
            }
            countries_ok = false;
        }
        let country_list = match cached_countries {
            Some(c) => Some(c),
            None if countries_ok => {
                let c = self.intern_countries(countries);
                if self.countries_cache.len() < CACHE_CAP {
                    self.countries_cache.insert(countries_text.into(), c);
                }
                Some(c)
            }
            None => None,
        };
        let mut corridors = CorridorSet::default();
        for c in r
            .get("corridors")
            .split([';', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match self.corridors.iter().position(|x| x.key == c) {
                Some(i) => corridors.insert(CorridorId(i as u16)),
                None if !self.table_read[0] => {}
                None => {
                    let hint = did_you_mean(c, self.corridors.iter().map(|x| x.key.as_str()))
                        .unwrap_or_else(|| "corridors are declared in dataset.toml".into());
                    r.err("corridors", format!("unknown corridor `{c}`"), Some(hint));
                }
            }
        }
        let passages = self.link_passages(r);
        let distance = self.sourced(r, "distance", "distance_src", true, fields::distance);
        let time = self.sourced_noted(r, "time", "time_src", true, TimeSpec::parse_noted);
        let capacity = self.capacities(r);
        let tariff = self.sourced(r, "tariff", "tariff_src", false, fields::tariff);
        let waypoints = self.sourced(r, "waypoints", "waypoints_src", false, fields::waypoints);
        let Some(key) = key else { return };
        let id = LinkId(self.links.len() as u32);
        self.link_keys.push(key.to_string());
        let keys = &self.link_keys;
        if let Err(first) = self.link_index.insert_new(key, id.0, |i| &keys[i as usize]) {
            self.link_keys.pop();
            let first = self.link_lines[first as usize];
            r.err(
                "id",
                format!("duplicate link id `{key}` (first defined on line {first})"),
                Some("each link id appears once".into()),
            );
            return;
        }
        self.link_lines.push(r.line());
        let link = match (
            from, to, mode, gauge, traction, distance, time, capacity, tariff, passages,
        ) {
            (
                Some(from),
                Some(to),
                Some(mode),
                Some(gauge),
                Some(traction),
                Some(Some(distance)),
                Some(Some(time)),
                Some(capacity),
                Some(tariff),
                Some((passages, passages_cite)),
            ) if r.errors.is_empty() && country_list.is_some() => {
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
                    passages,
                    passages_cite,
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
            Loader::check_link_time(r, link);
            self.check_link(r, link);
        }
        if let (Some(_), Some(Some(w))) = (&link, waypoints) {
            self.link_waypoints.push((id, w.value, w.cite));
        }
        self.links.push(link);
    }

    /// A link's `passages` (keys from dataset.toml's `[[passage]]`, in travel order) with
    /// their `passages_src`. `None`: an error was recorded.
    fn link_passages(&mut self, r: &mut Row<'_>) -> Option<(PassageList, Option<Cite>)> {
        if self.passage_lists.is_empty() {
            self.passage_lists.push(Vec::new());
        }
        let text = r.get("passages");
        if text.is_empty() {
            if !r.get("passages_src").is_empty() {
                r.err(
                    "passages_src",
                    "`passages_src` is set but `passages` is empty",
                    Some("give the passages or clear `passages_src`".into()),
                );
                return None;
            }
            return Some((PassageList(0), None));
        }
        let mut ids = Vec::new();
        let mut ok = true;
        for k in text
            .split([';', ' '])
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            match self.passages.iter().position(|p| p.key == k) {
                Some(i) => ids.push(PassageId(i as u32)),
                None if !self.table_read[0] => ok = false,
                None => {
                    let hint = did_you_mean(k, self.passages.iter().map(|p| p.key.as_str()))
                        .unwrap_or_else(|| {
                            "passages are declared in dataset.toml as [[passage]]".into()
                        });
                    r.err("passages", format!("unknown passage `{k}`"), Some(hint));
                    ok = false;
                }
            }
        }
        if ok && ids.is_empty() {
            r.err(
                "passages",
                format!("`{text}` lists no passage"),
                Some("list passage keys from dataset.toml separated by `;`, or leave the field (and `passages_src`) empty".into()),
            );
            ok = false;
        }
        let cite = self.cite(r, "passages_src");
        if !ok {
            return None;
        }
        let list = match self.passage_lists.iter().position(|l| *l == ids) {
            Some(i) => PassageList(i as u32),
            None => {
                self.passage_lists.push(ids);
                PassageList((self.passage_lists.len() - 1) as u32)
            }
        };
        Some((list, Some(cite?)))
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

    pub(super) fn read_service(&mut self, r: &mut Row<'_>) {
        let key = r.req("id");
        let link = self.link_ref(r, "the service runs on");
        let direction = match r.get("direction") {
            "" => Some(Direction::Both),
            d => match Direction::parse(d) {
                Some(x) => Some(x),
                None => {
                    r.err(
                        "direction",
                        format!("unknown direction `{d}`"),
                        Some(format!("expected one of: {}", Direction::expected())),
                    );
                    None
                }
            },
        };
        let kind = r.parse_enum("kind", ServiceKind::parse, ServiceKind::NAMES);
        let schedule =
            self.sourced_noted(r, "schedule", "schedule_src", true, fields::schedule_noted);
        let payload = self.sourced(r, "payload", "payload_src", true, fields::payload);
        let rule = r.parse_enum("rule", DepartureRule::parse, DepartureRule::NAMES);
        let max_hold = self.sourced(r, "max_hold", "max_hold_src", false, fields::max_hold);
        if rule == Some(DepartureRule::WhenFull) && matches!(max_hold, Some(None)) {
            r.err(
                "max_hold",
                "a when_full service needs `max_hold`",
                Some("the longest a departure waits to fill, e.g. 72h".into()),
            );
        }
        if has_control(r.get("operator")) {
            r.warn(
                "operator",
                "the operator's name holds a line break",
                Some("write it on one line: a line break garbles tables".into()),
            );
        }
        // A ship on a railway, or a train on the sea: legal (the model does not forbid it),
        // but almost always a link id mixed up.
        if let (Some(l), Some(k)) = (link, kind) {
            if let Some(Some(link)) = self.links.get(l.idx()) {
                let water = link.mode.is_water();
                let ship = matches!(
                    k,
                    ServiceKind::Ferry | ServiceKind::Feeder | ServiceKind::Liner
                );
                if ship != water {
                    r.warn(
                        "kind",
                        format!("a {k} service on the {} link `{}`", link.mode, self.link_keys[l.idx()]),
                        Some(if ship { "ferries, feeders and liners sail on water links; check the link id".into() } else { "block trains and rail windows run on rail links; check the link id or the kind".into() }),
                    );
                }
            }
        }
        let Some(key) = key else { return };
        if let Some(first) = self.service_by_key.get(key) {
            r.err(
                "id",
                format!("duplicate service id `{key}` (first defined on line {first})"),
                None,
            );
            return;
        }
        self.service_by_key.insert(key.to_string(), r.line());
        let svc = match (link, direction, kind, schedule, payload, rule, max_hold) {
            (
                Some(link),
                Some(direction),
                Some(kind),
                Some(Some(schedule)),
                Some(Some(payload)),
                Some(rule),
                Some(max_hold),
            ) if r.errors.is_empty() => Some(Service {
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
        self.services.push(svc);
    }

    pub(super) fn read_emission(
        &mut self,
        r: &mut Row<'_>,
        seen: &mut Vec<(Mode, Option<Traction>, Option<ServiceKind>, u64)>,
    ) {
        let key = r.req("id");
        let mode = r.parse_enum("mode", Mode::parse, Mode::NAMES);
        let traction = match r.get("traction") {
            "" => Some(None),
            t => match Traction::parse(t) {
                Some(x) => Some(Some(x)),
                None => {
                    r.err(
                        "traction",
                        format!("unknown traction `{t}`"),
                        Some("write electric or diesel, or leave it empty for any".into()),
                    );
                    None
                }
            },
        };
        let service = match r.get("service_kind") {
            "" => Some(None),
            k => match ServiceKind::parse(k) {
                Some(x) => Some(Some(x)),
                None => {
                    r.err(
                        "service_kind",
                        format!("unknown service kind `{k}`"),
                        Some(format!(
                            "expected one of: {}, or empty for any",
                            ServiceKind::expected()
                        )),
                    );
                    None
                }
            },
        };
        let ttw = self.sourced(r, "ttw", "ttw_src", true, fields::intensity);
        let wtw = self.sourced(r, "wtw", "wtw_src", true, fields::intensity);
        if let (Some(Some(t)), Some(Some(w))) = (&ttw, &wtw) {
            if w.value.0 < t.value.0 {
                let (wv, tv) = (w.value.0, t.value.0);
                r.err("wtw", format!("well-to-wheel {} g/tkm is below tank-to-wheel {} g/tkm", crate::ranges::num_beside(wv, &[tv]), crate::ranges::num_beside(tv, &[wv])), Some("well-to-wheel includes tank-to-wheel plus fuel or power production, so wtw ≥ ttw".into()));
            }
        }
        let (Some(key), Some(mode), Some(traction), Some(service)) = (key, mode, traction, service)
        else {
            return;
        };
        if let Some(first) = seen
            .iter()
            .find(|x| (x.0, x.1, x.2) == (mode, traction, service))
        {
            r.err("mode", format!("a factor for this mode, traction and service kind is already defined on line {}", first.3), Some("keep one row per combination".into()));
            return;
        }
        seen.push((mode, traction, service, r.line()));
        let f = match (ttw, wtw) {
            (Some(Some(ttw)), Some(Some(wtw))) if r.errors.is_empty() => Some(EmissionFactor {
                key: key.into(),
                mode,
                traction,
                service,
                ttw,
                wtw,
                note: r.get("note").into(),
            }),
            _ => None,
        };
        self.emission_factors.push(f);
    }
}

fn coordinate(r: &mut Row<'_>, field: &str, limit: f64) -> Option<f64> {
    let v = r.req(field)?;
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= limit => Some(x),
        Ok(x) if x.is_finite() => {
            r.err(
                field,
                format!(
                    "impossible coordinate {}: {field} must lie within ±{limit}°",
                    crate::ranges::num_beside(x, &[limit, -limit])
                ),
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
