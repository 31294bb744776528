//! Checks of the dataset as a whole, after every table is read: every origin reaches every
//! destination, every mode has a default emission factor. Checks of one link against its
//! end nodes live here too; the scenario crate runs the same checks on a patched network.

use super::Loader;
use super::meta::TomlMeta;
use crate::diag::{Diagnostic, Sink};
use crate::network::{Link, Mode, NodeKind};
use crate::table::Row;
use crate::units::great_circle;

impl Loader {
    /// Every mode the network uses needs a default factor that matches any leg of it.
    pub(super) fn check_emission_coverage(&self, sink: &mut Sink, file: &str) {
        if !(self.table_read[5] && self.emission_factors.iter().all(Option::is_some)) {
            return;
        }
        let mut missing: Vec<(Mode, usize)> = Vec::new();
        for (i, link) in self.links.iter().enumerate() {
            let Some(link) = link else { continue };
            let covered = self
                .emission_factors
                .iter()
                .flatten()
                .any(|f| f.mode == link.mode && f.traction.is_none() && f.service.is_none());
            if !covered && !missing.iter().any(|m| m.0 == link.mode) {
                missing.push((link.mode, i));
            }
        }
        for (m, i) in missing {
            let (key, line) = (&self.link_keys[i], self.link_lines[i]);
            sink.push(
                Diagnostic::at(file, None, format!("no emission factor for mode `{m}`, which links use (first: `{key}` on line {line} of links.csv)"))
                    .hint(format!("add a row with mode {m} and empty traction and service_kind: the default for every {m} leg")),
            );
        }
    }

    /// A link's travel time, from its speeds and distance, must come out as a transport
    /// time (P90 within a year).
    pub(super) fn check_link_time(r: &mut Row<'_>, link: &Link) {
        let p90 = link.time().quantile(0.9).0;
        if !crate::ranges::DURATION.contains(p90) {
            r.err(
                "time",
                format!(
                    "{} km at these speeds takes {} h at the 90th percentile; expected at most {} h (365 days)",
                    crate::ranges::num(link.distance.value.0),
                    crate::ranges::num(p90),
                    crate::ranges::YEAR_H
                ),
                Some("check the speeds' unit (km/d or km/h) and the distance".into()),
            );
        }
    }

    /// Checks that need both ends of a link.
    pub(super) fn check_link(&self, r: &mut Row<'_>, link: &Link) {
        let (Some(a), Some(b)) = (&self.nodes[link.from.idx()], &self.nodes[link.to.idx()]) else {
            return;
        };
        let (ak, bk) = (
            &self.node_keys[link.from.idx()],
            &self.node_keys[link.to.idx()],
        );
        if link.from == link.to {
            r.err("to", format!("link joins `{ak}` to itself"), None);
            return;
        }
        let countries = &self.country_lists[link.countries.0 as usize];
        if countries.first() != Some(&a.country) {
            r.err(
                "countries",
                format!(
                    "countries start with {}, but `from` node `{ak}` is in {}",
                    countries[0], a.country
                ),
                Some("list the countries in order from `from` to `to`".into()),
            );
        }
        if countries.last() != Some(&b.country) {
            r.err(
                "countries",
                format!(
                    "countries end with {}, but `to` node `{bk}` is in {}",
                    countries[countries.len() - 1],
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
                    r.err("gauge", format!("{g} mm rail link ends at `{nk}`, which has {has}"), Some("put a gauge_change node between them, add the gauge to the node's `gauges`, or fix the link's gauge".into()));
                }
            }
        }
        if link.mode.is_water() {
            for (n, nk) in [(a, ak), (b, bk)] {
                if n.kind != NodeKind::Seaport {
                    r.err(
                        "mode",
                        format!(
                            "{} link calls at `{nk}`, which is a {} (not a seaport)",
                            link.mode, n.kind
                        ),
                        Some("ships and ferries call at nodes of kind seaport".into()),
                    );
                }
            }
        }
        let gc = great_circle(a.lat(), a.lon(), b.lat(), b.lon());
        if link.distance.value.0 < gc.0 * 0.95 - 5.0 {
            r.err("distance", format!("distance {} km is shorter than the great-circle distance {:.0} km between `{ak}` and `{bk}`", crate::ranges::num(link.distance.value.0), gc.0), Some("check the distance's unit (km or nm) and the nodes' coordinates".into()));
        }
    }

    /// Every origin reaches every destination over the links (travelled both ways).
    pub(super) fn check_connectivity(
        &mut self,
        sink: &mut Sink,
        file: &str,
        text: &str,
        meta: &TomlMeta,
    ) {
        let (origins, destinations) = self.connectivity_nodes(sink, file, text, meta);
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
        for (o, ok, line) in &origins {
            for (d, dk, _) in &destinations {
                if root(&mut parent, o.0) != root(&mut parent, d.0) {
                    let size = (0..n as u32)
                        .filter(|&x| root(&mut parent, x) == root(&mut parent, o.0))
                        .count();
                    sink.push(
                        Diagnostic::at(file, *line, format!("origin `{ok}` cannot reach destination `{dk}`: no chain of links joins them"))
                            .field("connectivity.origins")
                            .hint(format!("`{ok}` is in a part of the network with {size} node{}; add the missing link in links.csv", if size == 1 { "" } else { "s" })),
                    );
                }
            }
        }
    }
}
