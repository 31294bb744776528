//! The places a route is told by: its origin, every border, gauge change, port, terminal,
//! hub and change of mode on the way, and its destination (junctions where nothing changes
//! only shape the line and are left out), each by a short name.

use crate::names::normalise;
use corridor_model::Network;
use corridor_model::network::{Gauge, Mode, NodeId, NodeKind};
use serde::Serialize;

/// A significant place of a route.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    /// Node id.
    pub id: String,
    /// Short name (`Alat`, `Xi'an`, `Constanța`).
    pub name: String,
    /// Kind of node (`seaport`, `border_crossing`, …).
    pub kind: String,
    /// Country, ISO 3166-1 alpha-2.
    pub country: String,
    /// True where the container changes vehicle: a change of mode or rail gauge.
    pub transfer: bool,
    /// True when it is reached from the previous place by water (ferry or sea).
    pub by_water: bool,
}

/// The short name a person would use for a node: the word-prefix of its name (or of the
/// text in brackets, or an alias) that spells the node id without its country prefix
/// (`Constanța port` → `Constanța`, `Baku International Sea Trade Port (Alat)` → `Alat`),
/// else the name before any bracket.
pub fn short_name(net: &Network, id: NodeId) -> String {
    let n = net.node(id);
    let stem = normalise(n.key.split_once('-').map(|(_, r)| r).unwrap_or(&n.key));
    let (main, bracket) = match n.name.split_once(" (") {
        Some((m, rest)) => (m, rest.strip_suffix(')')),
        None => (n.name.as_str(), None),
    };
    let mut texts: Vec<&str> = vec![main];
    texts.extend(bracket);
    texts.extend(n.aliases.iter().map(String::as_str));
    for t in texts {
        let mut end = 0;
        for w in t.split_inclusive([' ', '/']) {
            end += w.len();
            let prefix = t[..end].trim_end_matches([' ', '/']);
            if !stem.is_empty() && normalise(prefix) == stem {
                return prefix.to_string();
            }
        }
    }
    main.to_string()
}

/// True for the kinds of node a route is told by even when nothing changes there.
fn named_kind(k: NodeKind) -> bool {
    !matches!(k, NodeKind::Junction)
}

/// The significant places of a path of nodes and the links between them
/// (`links[i]` joins `nodes[i]` and `nodes[i + 1]`).
pub fn significant(
    net: &Network,
    nodes: &[NodeId],
    links: &[corridor_model::network::LinkId],
) -> Vec<Place> {
    let mut out = Vec::new();
    let mut water = false;
    let leg = |i: usize| -> (Mode, Option<Gauge>) {
        let l = net.link(links[i]);
        (l.mode, l.gauge)
    };
    for (i, &id) in nodes.iter().enumerate() {
        let node = net.node(id);
        if i > 0 {
            water |= leg(i - 1).0.is_water();
        }
        let transfer = i > 0 && i + 1 < nodes.len() && {
            let (a, b) = (leg(i - 1), leg(i));
            a.0 != b.0 || (a.0 == Mode::Rail && a.1 != b.1)
        };
        let ends = i == 0 || i + 1 == nodes.len();
        if ends || transfer || named_kind(node.kind) {
            out.push(Place {
                id: node.key.clone(),
                name: short_name(net, id),
                kind: node.kind.to_string(),
                country: node.country.to_string(),
                transfer,
                by_water: water,
            });
            water = false;
        }
    }
    out
}

/// The places as one line: `Xi'an → Dostyk → Aktau ~ Alat → …`, `~` before a place reached
/// by water.
pub fn chain_text(places: &[Place]) -> String {
    let mut s = String::new();
    for (i, p) in places.iter().enumerate() {
        if i > 0 {
            s.push_str(if p.by_water { " ~ " } else { " → " });
        }
        s.push_str(&p.name);
    }
    s
}
