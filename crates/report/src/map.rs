//! The map: country outlines, the network's links coloured by mode (line width by flow when
//! a result is shown, colour by the difference of two runs in comparison mode), its places
//! by kind (border crossings as diamonds, gauge changes as squares), the sea passages
//! marked, and a legend. Every link, place and passage carries `data-link`, `data-node`,
//! `data-corridors` or `data-passage`, which the dashboard's script makes interactive.

use crate::geo::{self, View};
use crate::svg::{Svg, c1, corridor_colour, esc, mode_style, num, signed};
use crate::view::{Flows, Simulation, Year};
use corridor_model::Network;
use corridor_model::network::LinkId;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::OnceLock;

/// What the map shows over the network.
#[derive(Clone, Copy, Debug)]
pub enum Overlay<'a> {
    /// The network alone.
    None,
    /// Flows of one run.
    Flows(&'a Flows),
    /// Two runs' flows: (A, B, A's name, B's name).
    Compare(&'a Flows, &'a Flows, &'a str, &'a str),
}

/// A map's options.
#[derive(Clone, Copy, Debug)]
pub struct MapOptions<'a> {
    /// The area drawn.
    pub view: View,
    /// What is drawn over the network.
    pub overlay: Overlay<'a>,
    /// The accessible title.
    pub title: &'a str,
}

fn decoded() -> &'static [geo::Country] {
    static C: OnceLock<Vec<geo::Country>> = OnceLock::new();
    C.get_or_init(geo::countries)
}

fn countries_layer(view: &View) -> String {
    let draw = || {
        let mut out = String::from(
            r##"<g class="countries" fill="#f3f0e8" stroke="#b3ab9c" stroke-width="0.5">"##,
        );
        for c in decoded() {
            let d = geo::path_data(c, view, 1.4);
            if !d.is_empty() {
                let _ = write!(out, r#"<path data-country="{}" d="{d}"/>"#, esc(&c.name));
            }
        }
        out.push_str("</g>");
        out
    };
    if *view == View::EURASIA {
        static E: OnceLock<String> = OnceLock::new();
        E.get_or_init(draw).clone()
    } else {
        draw()
    }
}

/// A place's name up to its parenthesis: `Xi'an (Chang'an …)` → `Xi'an`.
pub fn short(name: &str) -> &str {
    name.split(" (").next().unwrap_or(name).trim()
}

/// The flows of one year of a scenario run: the TEU over each link (continuous legs and
/// timetabled services alike), each capacity-limited place's TEU. A result stored before
/// runs counted their links has only its services' TEU, drawn on their links.
pub fn year_flows(net: &Network, y: &Year) -> Flows {
    let mut f = Flows {
        unit: "TEU a year".into(),
        what: if y.links.is_empty() {
            format!(
                "TEU carried in {} by the timetabled services of each link and handled at each capacity-limited place",
                y.year
            )
        } else {
            format!(
                "TEU over each link in {} and handled at each capacity-limited place",
                y.year
            )
        },
        ..Flows::default()
    };
    for l in &y.links {
        f.links.insert(l.link.clone(), l.throughput_teu.mean);
    }
    for r in &y.resources {
        let teu = r.throughput_teu.mean;
        if let Some(node) = crate::charts::place_of(&r.name, &r.kind) {
            // A place with two capacities has a resource for each; every unit passes the
            // tonnage one, and only containers a TEU one: the larger is what went through.
            let e = f.nodes.entry(node.to_string()).or_default();
            *e = e.max(teu);
        } else if y.links.is_empty() {
            if let Some(s) = net.services.iter().find(|s| s.key == r.name) {
                *f.links.entry(net.link(s.link).key.clone()).or_default() += teu;
            }
        }
    }
    f
}

/// The flows of a one-year simulation: TEU through each link and place.
pub fn simulation_flows(s: &Simulation) -> Flows {
    Flows {
        links: s
            .links
            .iter()
            .map(|l| (l.link.clone(), l.throughput_teu.mean))
            .collect(),
        nodes: s
            .resources
            .iter()
            .filter_map(|r| {
                crate::charts::place_of(&r.name, &r.kind)
                    .map(|n| (n.to_string(), r.throughput_teu.mean))
            })
            .fold(BTreeMap::new(), |mut m, (n, t)| {
                let e: &mut f64 = m.entry(n).or_default();
                *e = e.max(t);
                m
            }),
        unit: format!("TEU in the {} simulated days", crate::svg::num(s.days, 0)),
        what: "TEU through each link and capacity-limited place in the simulated days".into(),
    }
}

fn max_of(ms: &[&BTreeMap<String, f64>]) -> f64 {
    ms.iter()
        .flat_map(|m| m.values())
        .fold(0.0f64, |a, &b| a.max(b))
}

fn width(v: f64, max: f64) -> f64 {
    if max > 0.0 {
        1.2 + 9.0 * (v.max(0.0) / max).sqrt()
    } else {
        1.6
    }
}

/// The colour of a change from `a` to `b`: more in B blue, less red, within 5 % grey.
fn delta_colour(a: f64, b: f64) -> &'static str {
    let m = a.max(b);
    if m <= 0.0 || ((b - a) / m).abs() < 0.05 {
        "#7a7a7a"
    } else if b > a {
        "#2166ac"
    } else {
        "#b2182b"
    }
}

fn link_path(net: &Network, view: &View, l: LinkId) -> String {
    let mut d = String::new();
    for (i, (lat, lon)) in net.geometry(l, false).into_iter().enumerate() {
        let (x, y) = view.project(lat, lon);
        let _ = write!(d, "{}{},{}", if i == 0 { 'M' } else { 'L' }, c1(x), c1(y));
    }
    d
}

fn corridor_keys(net: &Network, l: LinkId) -> Vec<&str> {
    net.link(l)
        .corridors
        .iter()
        .map(|c| net.corridors[c.0 as usize].key.as_str())
        .collect()
}

/// A link's stroke (colour, width, dash) and what its tooltip adds for the overlay.
fn link_style(key: &str, mode: &str, o: &Overlay, max: f64) -> (String, f64, String) {
    let (colour, _) = mode_style(mode);
    match o {
        Overlay::None => (colour.into(), 1.6, String::new()),
        Overlay::Flows(f) => {
            let v = f.links.get(key).copied();
            let tip = v
                .map(|v| format!("; {} {}", num(v, 0), f.unit))
                .unwrap_or_else(|| "; no figure in this result".into());
            (colour.into(), v.map(|v| width(v, max)).unwrap_or(1.0), tip)
        }
        Overlay::Compare(a, b, na, nb) => {
            let (x, y) = (
                a.links.get(key).copied().unwrap_or(0.0),
                b.links.get(key).copied().unwrap_or(0.0),
            );
            if x == 0.0 && y == 0.0 {
                return ("#9a9a9a".into(), 1.0, "; no figure in either run".into());
            }
            let pct = if x > 0.0 {
                format!(", {} %", signed((y - x) / x * 100.0, 1))
            } else {
                String::new()
            };
            let tip = format!(
                "; {na}: {} TEU, {nb}: {} TEU (change {}{pct})",
                num(x, 0),
                num(y, 0),
                signed(y - x, 0)
            );
            (delta_colour(x, y).into(), width(x.max(y), max), tip)
        }
    }
}

fn links_layer(net: &Network, view: &View, o: &Overlay) -> String {
    let max = match o {
        Overlay::None => 0.0,
        Overlay::Flows(f) => max_of(&[&f.links]),
        Overlay::Compare(a, b, ..) => max_of(&[&a.links, &b.links]),
    };
    let mut out = String::from(r#"<g class="links" fill="none" stroke-linecap="round">"#);
    for l in net.link_ids() {
        let link = net.link(l);
        let mode = link.mode.as_str();
        let (colour, w, extra) = link_style(&link.key, mode, o, max);
        let dash = mode_style(mode)
            .1
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        let corridors = corridor_keys(net, l);
        let tip = format!(
            "{}: {} → {}, {}, {} km; corridors: {}{extra}",
            link.key,
            short(&net.node(link.from).name),
            short(&net.node(link.to).name),
            mode.replace('_', " "),
            num(link.distance.value.0, 0),
            corridors.join(", ")
        );
        let _ = write!(
            out,
            r#"<path class="link mode-{mode}" data-link="{}" data-mode="{mode}" data-corridors="{}" data-from="{}" data-to="{}" stroke="{colour}" stroke-width="{}"{dash} d="{}"><title>{}</title></path>"#,
            esc(&link.key),
            esc(&corridors.join(" ")),
            esc(&net.node(link.from).key),
            esc(&net.node(link.to).key),
            c1(w),
            link_path(net, view, l),
            esc(&tip)
        );
    }
    out.push_str("</g>");
    out
}

/// The sea lanes through passages, haloed under the links; each halo names its passages
/// in order (`data-passages`) and in its tooltip.
fn passages_layer(net: &Network, view: &View) -> String {
    let mut out = String::from(
        r##"<g class="passages" fill="none" stroke="#e74c3c" stroke-opacity="0.2" stroke-width="5" stroke-linecap="round">"##,
    );
    for l in net.link_ids() {
        let ps = net.passages_of(l);
        if ps.is_empty() {
            continue;
        }
        let keys: Vec<&str> = ps
            .iter()
            .map(|p| net.passages[p.idx()].key.as_str())
            .collect();
        let names: Vec<&str> = ps
            .iter()
            .map(|p| net.passages[p.idx()].name.as_str())
            .collect();
        let _ = write!(
            out,
            r#"<path class="passage-lane" data-link="{}" data-passages="{}" d="{}"><title>{} passes, in order: {}</title></path>"#,
            esc(&net.link(l).key),
            esc(&keys.join(" ")),
            link_path(net, view, l),
            esc(&net.link(l).key),
            esc(&names.join(", "))
        );
    }
    out.push_str("</g>");
    out
}

/// The symbol of a place kind at (x, y) with radius `r`.
fn symbol(kind: &str, x: f64, y: f64, r: f64) -> String {
    match kind {
        "border_crossing" => format!(
            r##"<path d="M{},{}L{},{}L{},{}L{},{}Z" fill="#ffffff" stroke="#6b2d5c" stroke-width="1.3"/>"##,
            c1(x),
            c1(y - r - 1.0),
            c1(x + r + 1.0),
            c1(y),
            c1(x),
            c1(y + r + 1.0),
            c1(x - r - 1.0),
            c1(y)
        ),
        "gauge_change" => format!(
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#f1c40f" stroke="#5d4a00" stroke-width="1"/>"##,
            c1(x - r),
            c1(y - r),
            c1(2.0 * r),
            c1(2.0 * r)
        ),
        k => {
            let fill = match k {
                "seaport" => "#2b6f9e",
                "inland_terminal" => "#2d3e50",
                "hub" => "#7d3c98",
                _ => "#8a8a8a",
            };
            let r = if k == "junction" { r * 0.6 } else { r };
            format!(
                r##"<circle cx="{}" cy="{}" r="{}" fill="{fill}" stroke="#ffffff" stroke-width="0.8"/>"##,
                c1(x),
                c1(y),
                c1(r)
            )
        }
    }
}

fn node_value<'a>(o: &Overlay<'a>, key: &str) -> (Option<f64>, Option<f64>) {
    match o {
        Overlay::None => (None, None),
        Overlay::Flows(f) => (f.nodes.get(key).copied(), None),
        Overlay::Compare(a, b, ..) => (a.nodes.get(key).copied(), b.nodes.get(key).copied()),
    }
}

fn nodes_layer(net: &Network, view: &View, o: &Overlay) -> String {
    let max = match o {
        Overlay::None => 0.0,
        Overlay::Flows(f) => max_of(&[&f.nodes]),
        Overlay::Compare(a, b, ..) => max_of(&[&a.nodes, &b.nodes]),
    };
    let mut out = String::from(r#"<g class="nodes">"#);
    let mut labels = String::from(
        r##"<g class="labels" font-size="9" fill="#1f2d3a" paint-order="stroke" stroke="#ffffff" stroke-width="2.5" stroke-linejoin="round">"##,
    );
    for n in &net.nodes {
        let (x, y) = view.project(n.lat(), n.lon());
        let kind = n.kind.as_str();
        let (a, b) = node_value(o, &n.key);
        let v = a.unwrap_or(0.0).max(b.unwrap_or(0.0));
        let r = if max > 0.0 && v > 0.0 {
            3.0 + 6.0 * (v / max).sqrt()
        } else {
            3.0
        };
        let fig = match (o, a, b) {
            (Overlay::Compare(_, _, na, nb), ..) => format!(
                "; {na}: {} TEU, {nb}: {} TEU",
                num(a.unwrap_or(0.0), 0),
                num(b.unwrap_or(0.0), 0)
            ),
            (Overlay::Flows(f), Some(a), _) => format!("; {} {}", num(a, 0), f.unit),
            _ => String::new(),
        };
        let tip = format!(
            "{} ({}): {}, {}{fig}",
            n.name,
            n.key,
            kind.replace('_', " "),
            n.country.as_str()
        );
        let _ = write!(
            out,
            r#"<g class="node kind-{kind}" data-node="{}" data-kind="{kind}" tabindex="0">{}<title>{}</title></g>"#,
            esc(&n.key),
            symbol(kind, x, y, r),
            esc(&tip)
        );
        if matches!(kind, "inland_terminal" | "seaport" | "hub") {
            let _ = write!(
                labels,
                r#"<text x="{}" y="{}" data-label="{}">{}</text>"#,
                c1(x + r + 2.0),
                c1(y + 3.0),
                esc(&n.key),
                esc(short(&n.name))
            );
        }
    }
    out.push_str("</g>");
    labels.push_str("</g>");
    out + &labels
}

fn legend(o: &Overlay, width: f64, height: f64) -> String {
    let mut s = String::new();
    let mut rows: Vec<(String, String)> = [
        ("rail", "Rail"),
        ("caspian_ferry", "Ferry (Caspian, Black Sea, lake)"),
        ("deep_sea", "Deep sea"),
    ]
    .iter()
    .map(|(m, label)| {
        let (c, d) = mode_style(m);
        let dash = d
            .map(|d| format!(r#" stroke-dasharray="{d}""#))
            .unwrap_or_default();
        (
            format!(r#"<line x1="0" y1="0" x2="22" y2="0" stroke="{c}" stroke-width="2"{dash}/>"#),
            label.to_string(),
        )
    })
    .collect();
    for (k, label) in [
        ("border_crossing", "Border crossing"),
        ("gauge_change", "Gauge change"),
        ("seaport", "Seaport"),
        ("inland_terminal", "Inland terminal"),
    ] {
        rows.push((symbol(k, 11.0, 0.0, 3.5), label.into()));
    }
    rows.push((
        r##"<line x1="0" y1="0" x2="22" y2="0" stroke="#e74c3c" stroke-opacity="0.2" stroke-width="5"/>"##
            .into(),
        "Sea lane through straits or canals (named on hover)".into(),
    ));
    match o {
        Overlay::None => {}
        Overlay::Flows(f) => rows.push((
            r##"<line x1="0" y1="0" x2="22" y2="0" stroke="#3b4a5a" stroke-width="6"/>"##.into(),
            format!("Line width and circle size: {}", f.unit),
        )),
        Overlay::Compare(_, _, na, nb) => {
            for (c, label) in [
                ("#2166ac", format!("More in {nb} than in {na}")),
                ("#b2182b", format!("Less in {nb} than in {na}")),
                (
                    "#7a7a7a",
                    "Within 5 %; width: the larger, TEU a year".to_string(),
                ),
            ] {
                rows.push((
                    format!(
                        r#"<line x1="0" y1="0" x2="22" y2="0" stroke="{c}" stroke-width="4"/>"#
                    ),
                    label,
                ));
            }
        }
    }
    let h = 14.0 * rows.len() as f64 + 10.0;
    let y0 = height - h - 8.0;
    let _ = write!(
        s,
        r##"<g class="legend" font-size="10" fill="#1f2d3a" transform="translate({},{})"><rect x="-4" y="-4" width="274" height="{}" fill="#ffffff" fill-opacity="0.88" stroke="#c9c2b4"/>"##,
        c1(width - 282.0),
        c1(y0),
        c1(h)
    );
    for (i, (sym, label)) in rows.iter().enumerate() {
        let y = 8.0 + 14.0 * i as f64;
        let _ = write!(
            s,
            r#"<g transform="translate(2,{})">{sym}<text x="28" y="3.5">{}</text></g>"#,
            c1(y),
            esc(label)
        );
    }
    s.push_str("</g>");
    s
}

/// The map as an SVG document.
pub fn map(net: &Network, o: &MapOptions) -> String {
    let v = &o.view;
    let h = v.height();
    let mut svg = Svg::new(v.width, h, "corridor-map", o.title);
    svg.raw(&format!(
        r##"<rect class="sea" x="0" y="0" width="{}" height="{}" fill="#dce8f1"/>"##,
        c1(v.width),
        c1(h)
    ));
    svg.raw(&countries_layer(v));
    svg.raw(&passages_layer(net, v));
    svg.raw(&links_layer(net, v, &o.overlay));
    svg.raw(&nodes_layer(net, v, &o.overlay));
    svg.raw(&legend(&o.overlay, v.width, h));
    svg.finish()
}

/// The colour of a corridor by key (its place in the dataset's list).
pub fn colour_of(net: &Network, corridor: &str) -> &'static str {
    corridor_colour(
        net.corridors
            .iter()
            .position(|c| c.key == corridor)
            .unwrap_or(net.corridors.len()),
    )
}

/// A corridor's name by key (the key itself when the dataset has none).
pub fn corridor_name<'a>(net: &'a Network, corridor: &'a str) -> &'a str {
    net.corridors
        .iter()
        .find(|c| c.key == corridor)
        .map(|c| c.name.as_str())
        .unwrap_or(corridor)
}
