//! Why there is no route: the part of the network a shipment can reach under its
//! constraints and the excluded links that lead out of it, each with its reason.

use crate::graph::{Board, Graph};
use crate::search::{Constraints, Shipment, allowed, earliest_arrival};

/// Why no route was found, in parts: a one-clause summary and the links that lead out of
/// the reachable part of the network but are excluded, each with its reason.
#[derive(Clone, Debug)]
pub struct NoRoute {
    /// What can and cannot be reached.
    pub summary: String,
    /// Excluded links (`KEY (FROM→TO) reason`), sorted.
    pub excluded: Vec<String>,
}

impl NoRoute {
    pub(crate) fn only(summary: String) -> NoRoute {
        NoRoute {
            summary,
            excluded: Vec::new(),
        }
    }

    /// The whole explanation: the summary, then the first ten excluded links.
    pub fn text(&self) -> String {
        if self.excluded.is_empty() {
            return self.summary.clone();
        }
        let more = if self.excluded.len() > 10 {
            format!(" and {} more", self.excluded.len() - 10)
        } else {
            String::new()
        };
        let shown = &self.excluded[..self.excluded.len().min(10)];
        format!(
            "{}; excluded links: {}{more}",
            self.summary,
            shown.join("; ")
        )
    }
}

/// Why no route was found: the part of the network the shipment can reach and the links
/// that lead out of it but are excluded, with the reason for each ([`NoRoute::text`]).
pub fn explain_no_route(g: &Graph, s: &Shipment, c: &Constraints) -> String {
    no_route(g, s, c).text()
}

/// [`explain_no_route`] in parts.
pub fn no_route(g: &Graph, s: &Shipment, c: &Constraints) -> NoRoute {
    let net = g.net;
    let masks = crate::search::Masks::of(g, c);
    let avoid = masks.countries;
    if g.node_country[s.from.idx()] & avoid != 0 {
        return NoRoute::only(format!(
            "the origin {} is in an avoided country",
            net.node(s.from).key
        ));
    }
    if g.node_country[s.to.idx()] & avoid != 0 {
        return NoRoute::only(format!(
            "the destination {} is in an avoided country",
            net.node(s.to).key
        ));
    }
    let free = Constraints {
        max_hours: None,
        max_cost: None,
        via: vec![],
        ..c.clone()
    };
    let reach = earliest_arrival(g, s.from, s.ready, &free);
    if reach[s.to.idx()].is_finite() {
        let mut why = Vec::new();
        if let Some(m) = c.max_hours {
            why.push(format!(
                "--max-days {}",
                corridor_model::ranges::num(m / 24.0)
            ));
        }
        if let Some(m) = c.max_cost {
            why.push(format!("--max-cost {}", corridor_model::ranges::num(m)));
        }
        if !c.via.is_empty() {
            why.push(format!(
                "--via {}",
                c.via
                    .iter()
                    .map(|v| net.node(*v).key.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        return NoRoute::only(format!(
            "{} can be reached, but not within {}",
            net.node(s.to).key,
            why.join(" and ")
        ));
    }
    let mut blocked = Vec::new();
    let mut opts = Vec::new();
    for u in net.node_ids().filter(|u| reach[u.idx()].is_finite()) {
        for arc in net.arcs(u) {
            if reach[arc.head.idx()].is_finite() {
                continue;
            }
            // A timetabled link whose every service is avoided (by id or by kind).
            g.options(arc, &mut opts);
            let avoided: Vec<&str> = opts
                .iter()
                .filter_map(|o| match o {
                    Board::Service(sv)
                        if c.avoid_services.contains(sv)
                            || c.avoid_service_kinds.contains(&net.service(*sv).kind) =>
                    {
                        Some(net.service(*sv).key.as_str())
                    }
                    _ => None,
                })
                .collect();
            let services_avoided = !avoided.is_empty() && avoided.len() == opts.len();
            if allowed(g, c, masks, arc.link, arc.head) && !services_avoided {
                continue;
            }
            let l = net.link(arc.link);
            let mut reasons = Vec::new();
            if services_avoided {
                reasons.push(format!(
                    "runs only avoided services ({})",
                    avoided.join(",")
                ));
            }
            let bad: Vec<&str> = net
                .countries(arc.link)
                .iter()
                .chain([&net.node(arc.head).country])
                .filter(|x| c.avoid_countries.contains(x))
                .map(|x| x.as_str())
                .collect();
            if !bad.is_empty() {
                let mut b = bad.clone();
                b.dedup();
                reasons.push(format!("crosses {}", b.join(",")));
            }
            if c.avoid_modes.contains(&l.mode) {
                reasons.push(format!("is {}", l.mode));
            }
            let passages: Vec<&str> = net
                .passages_of(arc.link)
                .iter()
                .filter(|p| c.avoid_passages.contains(p))
                .map(|p| net.passages[p.idx()].key.as_str())
                .collect();
            if !passages.is_empty() {
                reasons.push(format!("passes {}", passages.join(",")));
            }
            if c.avoid_nodes.contains(&arc.head) {
                reasons.push(format!("enters avoided {}", net.node(arc.head).key));
            }
            if let Some(k) = c.corridor {
                if !l.corridors.contains(k) {
                    reasons.push(format!(
                        "is not on corridor {}",
                        net.corridors[k.0 as usize].key
                    ));
                }
            }
            blocked.push(format!(
                "{} ({}→{}) {}",
                l.key,
                net.node(u).key,
                net.node(arc.head).key,
                reasons.join(" and ")
            ));
        }
    }
    blocked.sort();
    blocked.dedup();
    let n = reach.iter().filter(|t| t.is_finite()).count();
    let places = if n == 1 {
        "the 1 place".to_string()
    } else {
        format!("the {n} places")
    };
    if blocked.is_empty() {
        NoRoute::only(format!(
            "no link joins {places} reachable from {} to {}",
            net.node(s.from).key,
            net.node(s.to).key
        ))
    } else {
        NoRoute {
            summary: format!(
                "{places} reachable from {} {} not connect to {}",
                net.node(s.from).key,
                if n == 1 { "does" } else { "do" },
                net.node(s.to).key
            ),
            excluded: blocked,
        }
    }
}
