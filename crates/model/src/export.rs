//! The network as data for other tools: JSON (a documented, stable schema), GeoJSON (opens
//! in QGIS: points for nodes, lines for links) and the same CSV/TOML text the loader reads,
//! so that an export loads back into the same network.

use crate::load::{self, FILES};
use crate::network::*;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};
use std::cell::RefCell;
use std::io::{self, Write};

/// Version of the JSON schema written by [`to_json`].
pub const JSON_SCHEMA_VERSION: u32 = 1;

fn cite_keys(net: &Network, c: Cite) -> Vec<&str> {
    net.cited(c)
        .iter()
        .map(|s| net.source(*s).key.as_str())
        .collect()
}

fn cite_text(net: &Network, c: Cite) -> String {
    cite_keys(net, c).join(";")
}

fn passage_keys(net: &Network, l: LinkId) -> Vec<&str> {
    net.passages_of(l)
        .iter()
        .map(|p| net.passages[p.idx()].key.as_str())
        .collect()
}

fn corridor_keys(net: &Network, set: CorridorSet) -> Vec<&str> {
    set.iter()
        .map(|c| net.corridors[c.0 as usize].key.as_str())
        .collect()
}

/// A sequence serialised from an iterator, one item at a time: a document of a million
/// links never holds more than one link's JSON value.
struct Lazy<I>(RefCell<Option<I>>);

impl<I: Iterator<Item = Value>> Serialize for Lazy<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let it = self.0.borrow_mut().take().expect("serialised once");
        let mut seq = s.serialize_seq(None)?;
        for v in it {
            seq.serialize_element(&v)?;
        }
        seq.end()
    }
}

fn lazy<I: Iterator<Item = Value>>(it: I) -> Lazy<I> {
    Lazy(RefCell::new(Some(it)))
}

/// A node's or link's capacities: one object per figure, the one in units first, each
/// with its class (`units` or `tonnes`) and sources.
fn capacities_json(net: &Network, c: &Capacities) -> Value {
    json!(
        c.iter()
            .map(|c| json!({"value": c.value.amount(), "unit": c.value.unit_str(), "class": if c.value.is_tonnage() { "tonnes" } else { "units" }, "sources": cite_keys(net, c.cite)}))
            .collect::<Vec<_>>()
    )
}

/// Capacities as written in `capacity` (`150000 TEU/yr; 15 Mt/yr`); `None` for none.
fn capacities_text(c: &Capacities) -> Option<String> {
    (!c.is_empty()).then(|| {
        c.iter()
            .map(|c| c.value.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Their sources as written in `capacity_src`: one `;`-separated group per figure, the
/// sources of one figure separated by spaces.
fn capacities_src(net: &Network, c: &Capacities) -> String {
    c.iter()
        .map(|c| cite_keys(net, c.cite).join(" "))
        .collect::<Vec<_>>()
        .join("; ")
}

fn node_json(net: &Network, n: &Node) -> Value {
    json!({
        "id": n.key, "name": n.name, "aliases": n.aliases, "country": n.country.as_str(), "kind": n.kind.as_str(),
        "lat": n.lat(), "lon": n.lon(), "coord_sources": cite_keys(net, n.coord.cite),
        "gauges_mm": n.gauges.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "dwell": n.dwell.as_ref().map(|d| json!({"spec": d.value.to_string(), "p50_h": d.value.p50().0, "p90_h": d.value.quantile(0.9).0, "mean_h": d.value.mean().0, "sources": cite_keys(net, d.cite)})),
        "handling_usd_per_feu": n.handling.map(|h| json!({"value": h.value.0, "sources": cite_keys(net, h.cite)})),
        "capacity": capacities_json(net, &n.capacity),
        "note": n.note,
    })
}

fn link_json(net: &Network, id: LinkId) -> Value {
    let l = net.link(id);
    let time = l.time();
    json!({
        "id": l.key, "from": net.node(l.from).key, "to": net.node(l.to).key, "mode": l.mode.as_str(),
        "gauge_mm": l.gauge.map(|g| g.as_str()),
        "traction": l.traction.map(|t| json!({"value": t.value.as_str(), "sources": cite_keys(net, t.cite)})),
        "countries": net.countries(id).iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "corridors": corridor_keys(net, l.corridors),
        "passages": passage_keys(net, id),
        "distance_km": l.distance.value.0, "distance_sources": cite_keys(net, l.distance.cite),
        "time": {"spec": l.time_spec.to_string(), "p50_h": time.p50().0, "p90_h": time.quantile(0.9).0, "mean_h": time.mean().0, "sources": cite_keys(net, l.time_cite)},
        "capacity": capacities_json(net, &l.capacity),
        "tariff_usd_per_feu": l.price_per_feu().map(|p| json!({"value": p.0, "spec": l.tariff.map(|t| t.value.to_string()), "sources": l.tariff.map(|t| cite_keys(net, t.cite))})),
        "waypoints": net.waypoints_of(id).map(|w| w.1.iter().map(|(a, b)| [*a, *b]).collect::<Vec<_>>()),
        "note": l.note,
    })
}

fn service_json(net: &Network, s: &Service) -> Value {
    json!({
        "id": s.key, "link": net.link(s.link).key, "direction": s.direction.as_str(), "kind": s.kind.as_str(),
        "operator": s.operator, "schedule": s.schedule_text, "departures_per_week": s.schedule.value.per_week(),
        "schedule_sources": cite_keys(net, s.schedule.cite),
        "payload": s.payload.value.to_string(), "payload_sources": cite_keys(net, s.payload.cite),
        "rule": s.rule.as_str(), "max_hold_h": s.max_hold.map(|h| h.value.0),
        "max_hold_sources": s.max_hold.map(|h| cite_keys(net, h.cite)), "note": s.note,
    })
}

/// The network as a `corridor.network` JSON document, serialised lazily.
struct JsonNetwork<'n>(&'n Network);

impl Serialize for JsonNetwork<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let net = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("schema", "corridor.network")?;
        m.serialize_entry("schema_version", &JSON_SCHEMA_VERSION)?;
        m.serialize_entry("name", &net.meta.name)?;
        m.serialize_entry("version", &net.meta.version)?;
        m.serialize_entry("description", &net.meta.description)?;
        m.serialize_entry(
            "corridors",
            &net.corridors
                .iter()
                .map(|c| json!({"key": c.key, "name": c.name}))
                .collect::<Vec<_>>(),
        )?;
        let keys = |ids: &[NodeId]| {
            ids.iter()
                .map(|n| net.node(*n).key.as_str())
                .collect::<Vec<_>>()
        };
        m.serialize_entry("origins", &keys(&net.meta.origins))?;
        m.serialize_entry(
            "passages",
            &net.passages
                .iter()
                .map(|p| json!({"key": p.key, "name": p.name, "sources": cite_keys(net, p.cite)}))
                .collect::<Vec<_>>(),
        )?;
        m.serialize_entry("destinations", &keys(&net.meta.destinations))?;
        m.serialize_entry(
            "tonnes_per_teu",
            &json!({"value": net.meta.tonnes_per_teu.value.0, "sources": cite_keys(net, net.meta.tonnes_per_teu.cite)}),
        )?;
        m.serialize_entry(
            "emission_factors",
            &lazy(net.emission_factors.iter().map(|f| json!({
                "id": f.key, "mode": f.mode.as_str(), "traction": f.traction.map(|t| t.as_str()), "service_kind": f.service.map(|k| k.as_str()),
                "ttw_g_per_tkm": f.ttw.value.0, "ttw_sources": cite_keys(net, f.ttw.cite),
                "wtw_g_per_tkm": f.wtw.value.0, "wtw_sources": cite_keys(net, f.wtw.cite), "note": f.note,
            }))),
        )?;
        m.serialize_entry("nodes", &lazy(net.nodes.iter().map(|n| node_json(net, n))))?;
        m.serialize_entry("links", &lazy(net.link_ids().map(|id| link_json(net, id))))?;
        m.serialize_entry(
            "services",
            &lazy(net.services.iter().map(|x| service_json(net, x))),
        )?;
        m.serialize_entry(
            "sources",
            &lazy(net.sources.iter().map(|s| json!({"id": s.key, "kind": s.kind.as_str(), "title": s.title, "year": s.year, "url": s.url, "note": s.note}))),
        )?;
        m.end()
    }
}

/// The whole network as one JSON document (ids are the text keys; units are in field
/// names). For large networks write it with [`write_json`], which holds one item at a time.
pub fn to_json(net: &Network) -> Value {
    serde_json::to_value(JsonNetwork(net)).expect("the network serialises")
}

/// Write the JSON document of [`to_json`] (pretty-printed, with a final newline) as it is
/// made: memory is bounded by the network, not by its text.
pub fn write_json(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, &JsonNetwork(net)).map_err(io::Error::from)?;
    w.write_all(b"\n")?;
    w.flush()
}

fn node_feature(n: &Node) -> Value {
    let mut p = Map::new();
    p.insert("feature".into(), json!("node"));
    p.insert("id".into(), json!(n.key));
    p.insert("name".into(), json!(n.name));
    p.insert("country".into(), json!(n.country.as_str()));
    p.insert("kind".into(), json!(n.kind.as_str()));
    p.insert(
        "gauges".into(),
        json!(
            n.gauges
                .iter()
                .map(|g| g.as_str())
                .collect::<Vec<_>>()
                .join(";")
        ),
    );
    p.insert(
        "dwell_p50_h".into(),
        json!(n.dwell.as_ref().map(|d| d.value.p50().0)),
    );
    p.insert(
        "dwell_p90_h".into(),
        json!(n.dwell.as_ref().map(|d| d.value.quantile(0.9).0)),
    );
    p.insert("capacity".into(), json!(capacities_text(&n.capacity)));
    json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [n.lon(), n.lat()]}, "properties": p})
}

fn link_feature(net: &Network, id: LinkId) -> Value {
    let l = net.link(id);
    let (a, b) = (net.node(l.from), net.node(l.to));
    let time = l.time();
    let mut p = Map::new();
    p.insert("feature".into(), json!("link"));
    p.insert("id".into(), json!(l.key));
    p.insert("from".into(), json!(a.key));
    p.insert("to".into(), json!(b.key));
    p.insert("mode".into(), json!(l.mode.as_str()));
    p.insert("gauge".into(), json!(l.gauge.map(|g| g.as_str())));
    p.insert(
        "traction".into(),
        json!(l.traction.map(|t| t.value.as_str())),
    );
    // Joined text as well as arrays: QGIS filters on text fields more easily.
    p.insert(
        "corridors".into(),
        json!(corridor_keys(net, l.corridors).join(";")),
    );
    p.insert("passages".into(), json!(passage_keys(net, id).join(";")));
    p.insert(
        "countries".into(),
        json!(
            net.countries(id)
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(";")
        ),
    );
    p.insert("distance_km".into(), json!(l.distance.value.0));
    p.insert("time_p50_h".into(), json!(time.p50().0));
    p.insert("time_p90_h".into(), json!(time.quantile(0.9).0));
    p.insert("capacity".into(), json!(capacities_text(&l.capacity)));
    p.insert(
        "tariff_usd_per_feu".into(),
        json!(l.price_per_feu().map(|u| u.0)),
    );
    p.insert("services".into(), json!(net.services_on(id).len()));
    let coords: Vec<[f64; 2]> = net
        .geometry(id, false)
        .into_iter()
        .map(|(lat, lon)| [lon, lat])
        .collect();
    json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords}, "properties": p})
}

/// The network as a GeoJSON FeatureCollection, serialised lazily.
struct GeoNetwork<'n>(&'n Network);

impl Serialize for GeoNetwork<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let net = self.0;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("type", "FeatureCollection")?;
        m.serialize_entry(
            "features",
            &lazy(
                net.nodes
                    .iter()
                    .map(node_feature)
                    .chain(net.link_ids().map(|id| link_feature(net, id))),
            ),
        )?;
        m.end()
    }
}

/// The network as a GeoJSON FeatureCollection: a Point per node and a LineString per link
/// (coordinates are `[lon, lat]`, WGS 84).
pub fn to_geojson(net: &Network) -> Value {
    serde_json::to_value(GeoNetwork(net)).expect("the network serialises")
}

/// Write the GeoJSON of [`to_geojson`] as it is made (pretty-printed, final newline).
pub fn write_geojson(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, &GeoNetwork(net)).map_err(io::Error::from)?;
    w.write_all(b"\n")?;
    w.flush()
}

fn csv_rows(
    w: &mut dyn Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<()> {
    let writer = |w| {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(1 << 16)
            .from_writer(w)
    };
    let mut out = writer(w);
    out.write_record(header)?;
    for r in rows {
        // A row whose first field starts with `#` would read back as a comment line: it is
        // written with every field quoted.
        if r.first().is_some_and(|f| f.starts_with('#')) {
            let inner = out.into_inner().map_err(|e| e.into_error())?;
            let quoted: Vec<String> = r
                .iter()
                .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
                .collect();
            inner.write_all(quoted.join(",").as_bytes())?;
            inner.write_all(b"\n")?;
            out = writer(inner);
            continue;
        }
        out.write_record(&r)?;
    }
    out.flush()
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> String {
    v.map(f).unwrap_or_default()
}

/// The network as the dataset files (`(file name, text)`, in the order of
/// [`FILES`]), which [`crate::load`] reads back into an equal network. Large networks are
/// better written file by file with [`write_dataset_file`].
pub fn to_dataset_texts(net: &Network) -> Vec<(&'static str, String)> {
    FILES
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut v = Vec::new();
            write_dataset_file(net, i, &mut v).expect("writing to memory cannot fail");
            (
                *f,
                String::from_utf8(v).expect("the dataset's text is UTF-8"),
            )
        })
        .collect()
}

/// Write file `i` of the dataset (in the order of [`FILES`]) as it is made.
pub fn write_dataset_file(net: &Network, i: usize, w: &mut dyn Write) -> io::Result<()> {
    match i {
        0 => w.write_all(dataset_toml(net).as_bytes()),
        1 => sources_csv(net, w),
        2 => nodes_csv(net, w),
        3 => links_csv(net, w),
        4 => services_csv(net, w),
        5 => emissions_csv(net, w),
        _ => tariffs_csv(net, w),
    }
}

fn dataset_toml(net: &Network) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut toml = format!(
        "name = {}\nversion = {}\ndescription = {}\n",
        q(&net.meta.name),
        q(&net.meta.version),
        q(&net.meta.description)
    );
    for c in &net.corridors {
        toml.push_str(&format!(
            "\n[[corridor]]\nkey = {}\nname = {}\n",
            q(&c.key),
            q(&c.name)
        ));
    }
    for p in &net.passages {
        toml.push_str(&format!(
            "\n[[passage]]\nkey = {}\nname = {}\nsrc = {}\n",
            q(&p.key),
            q(&p.name),
            q(&cite_text(net, p.cite))
        ));
    }
    let list = |ids: &[NodeId]| {
        ids.iter()
            .map(|n| q(&net.node(*n).key))
            .collect::<Vec<_>>()
            .join(", ")
    };
    toml.push_str(&format!(
        "\n[connectivity]\norigins = [{}]\ndestinations = [{}]\n",
        list(&net.meta.origins),
        list(&net.meta.destinations)
    ));
    let cargo = net.meta.tonnes_per_teu;
    toml.push_str(&format!(
        "\n[cargo]\ntonnes_per_teu = {:?}\ntonnes_per_teu_src = {}\n",
        cargo.value.0,
        q(&cite_text(net, cargo.cite))
    ));
    toml
}

fn sources_csv(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    csv_rows(
        w,
        load::SOURCES.columns,
        net.sources.iter().map(|s| {
            vec![
                s.key.clone(),
                s.kind.as_str().into(),
                s.title.clone(),
                opt(s.year, |y| y.to_string()),
                s.url.clone(),
                s.note.clone(),
            ]
        }),
    )
}

fn nodes_csv(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    csv_rows(
        w,
        load::NODES.columns,
        net.nodes.iter().map(|n| {
            vec![
                n.key.clone(),
                n.name.clone(),
                n.aliases.join(";"),
                n.country.as_str().into(),
                n.kind.as_str().into(),
                n.lat().to_string(),
                n.lon().to_string(),
                cite_text(net, n.coord.cite),
                n.gauges
                    .iter()
                    .map(|g| g.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                opt(n.dwell.as_ref(), |d| d.value.to_string()),
                opt(n.dwell.as_ref(), |d| cite_text(net, d.cite)),
                opt(n.handling, |h| format!("{} USD/FEU", h.value.0)),
                opt(n.handling, |h| cite_text(net, h.cite)),
                capacities_text(&n.capacity).unwrap_or_default(),
                capacities_src(net, &n.capacity),
                n.note.clone(),
            ]
        }),
    )
}

fn links_csv(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    csv_rows(
        w,
        load::LINKS.columns,
        net.link_ids().map(|id| {
            let l = net.link(id);
            vec![
                l.key.clone(),
                net.node(l.from).key.clone(),
                net.node(l.to).key.clone(),
                l.mode.as_str().into(),
                opt(l.gauge, |g| g.as_str().into()),
                opt(l.traction, |t| t.value.as_str().into()),
                opt(l.traction, |t| cite_text(net, t.cite)),
                net.countries(id)
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                corridor_keys(net, l.corridors).join(";"),
                passage_keys(net, id).join(";"),
                opt(l.passages_cite, |c| cite_text(net, c)),
                format!("{} km", l.distance.value.0),
                cite_text(net, l.distance.cite),
                l.time_spec.to_string(),
                cite_text(net, l.time_cite),
                capacities_text(&l.capacity).unwrap_or_default(),
                capacities_src(net, &l.capacity),
                opt(l.tariff, |t| t.value.to_string()),
                opt(l.tariff, |t| cite_text(net, t.cite)),
                opt(net.waypoints_of(id), |w| {
                    w.1.iter()
                        .map(|(a, b)| format!("{a} {b}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
                opt(net.waypoints_of(id), |w| cite_text(net, w.2)),
                l.note.clone(),
            ]
        }),
    )
}

fn services_csv(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    csv_rows(
        w,
        load::SERVICES.columns,
        net.services.iter().map(|s| {
            vec![
                s.key.clone(),
                net.link(s.link).key.clone(),
                s.direction.as_str().into(),
                s.kind.as_str().into(),
                s.operator.clone(),
                s.schedule_text.clone(),
                cite_text(net, s.schedule.cite),
                s.payload.value.to_string(),
                cite_text(net, s.payload.cite),
                s.rule.as_str().into(),
                opt(s.max_hold, |h| format!("{}h", h.value.0)),
                opt(s.max_hold, |h| cite_text(net, h.cite)),
                s.note.clone(),
            ]
        }),
    )
}

fn tariffs_csv(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    csv_rows(
        w,
        load::TARIFFS.columns,
        net.tariffs.iter().map(|t| {
            vec![
                net.link(t.link).key.clone(),
                crate::calendar::iso_date(t.valid_from),
                opt(t.valid_to, crate::calendar::iso_date),
                t.tariff.value.to_string(),
                cite_text(net, t.tariff.cite),
                t.note.clone(),
            ]
        }),
    )
}

fn emissions_csv(net: &Network, w: &mut dyn Write) -> io::Result<()> {
    csv_rows(
        w,
        load::EMISSIONS.columns,
        net.emission_factors.iter().map(|f| {
            vec![
                f.key.clone(),
                f.mode.as_str().into(),
                opt(f.traction, |t| t.as_str().into()),
                opt(f.service, |k| k.as_str().into()),
                format!("{} g/tkm", f.ttw.value.0),
                cite_text(net, f.ttw.cite),
                format!("{} g/tkm", f.wtw.value.0),
                cite_text(net, f.wtw.cite),
                f.note.clone(),
            ]
        }),
    )
}
