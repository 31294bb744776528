//! A routing view of the network: per-link and per-node numbers the searches need,
//! computed once (median times, prices, emission intensities, country masks).

use corridor_model::Network;
use corridor_model::network::{
    Arc, Country, DepartureRule, Direction, LinkId, Mode, NodeId, ServiceId,
};

/// How a leg can leave: continuously (no timetable) or by one service's departures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Board {
    /// No timetable: leave as soon as ready.
    Continuous,
    /// Wait for a departure of this service.
    Service(ServiceId),
}

/// Precomputed numbers for searching one network.
pub struct Graph<'n> {
    /// The network.
    pub net: &'n Network,
    /// Median travel time per link, hours.
    pub link_p50_h: Vec<f64>,
    /// Price per FEU per link at the link's own tariff, USD (0 where the dataset gives
    /// none); [`Graph::link_usd_on`] gives the price in force on a day.
    pub link_usd_per_feu: Vec<f64>,
    /// Whether each link has dated tariffs (`tariffs.csv`).
    pub link_dated: Vec<bool>,
    /// (tank-to-wheel, well-to-wheel) g CO2e per tonne-km per link, without a service.
    pub link_ef: Vec<[f64; 2]>,
    /// The same per service (a feeder and a rail ferry on one link differ).
    pub svc_ef: Vec<[f64; 2]>,
    /// Emission-factor row used per link / per service (index into `net.emission_factors`).
    pub link_ef_row: Vec<Option<usize>>,
    /// Same per service.
    pub svc_ef_row: Vec<Option<usize>>,
    /// Median dwell per node, hours.
    pub node_dwell_h: Vec<f64>,
    /// Handling charge per FEU per node, USD.
    pub node_usd_per_feu: Vec<f64>,
    /// Bit mask of the countries each link crosses (bit = index in `countries`).
    pub link_countries: Vec<u128>,
    /// Bit of each node's country.
    pub node_country: Vec<u128>,
    /// Countries of the network, in bit order.
    pub countries: Vec<Country>,
    /// Mode of each link (a copy, so the hot loop does not touch the link records).
    pub link_mode: Vec<Mode>,
    /// Corridor bit set of each link.
    pub link_corridors: Vec<u64>,
    /// Bit mask of the sea passages each link uses (bit = passage id; the first 64).
    pub link_passages: Vec<u64>,
    /// Length of each link, km.
    pub link_km: Vec<f64>,
    /// Median hold of each service after its slot: half of `max_hold` for a `when_full`
    /// service (the hold is taken as uniform on [0, max_hold]), 0 for a fixed one.
    pub svc_hold_p50_h: Vec<f64>,
    /// Weather closures by mode and month for the Monte Carlo quantiles (none unless
    /// [`Graph::with_seasons`] gives them).
    pub seasons: Vec<crate::season::Season>,
}

impl<'n> Graph<'n> {
    /// Build the routing view of a network.
    pub fn new(net: &'n Network) -> Graph<'n> {
        let mut countries: Vec<Country> = Vec::new();
        let bit = |c: Country, countries: &mut Vec<Country>| -> u128 {
            let i = match countries.iter().position(|x| *x == c) {
                Some(i) => i,
                None => {
                    countries.push(c);
                    countries.len() - 1
                }
            };
            if i < 128 { 1u128 << i } else { 0 }
        };
        let node_country: Vec<u128> = net
            .nodes
            .iter()
            .map(|n| bit(n.country, &mut countries))
            .collect();
        let link_countries: Vec<u128> = net
            .link_ids()
            .map(|l| {
                net.countries(l)
                    .iter()
                    .fold(0, |m, c| m | bit(*c, &mut countries))
            })
            .collect();
        let ef = |mode: Mode, traction, service| -> (Option<usize>, [f64; 2]) {
            match net.emission_factor(mode, traction, service) {
                Some(f) => {
                    let row = net.emission_factors.iter().position(|x| std::ptr::eq(x, f));
                    (row, [f.ttw.value.0, f.wtw.value.0])
                }
                None => (None, [0.0, 0.0]),
            }
        };
        let (link_ef_row, link_ef): (Vec<_>, Vec<_>) = net
            .links
            .iter()
            .map(|l| ef(l.mode, l.traction.map(|t| t.value), None))
            .unzip();
        let (svc_ef_row, svc_ef): (Vec<_>, Vec<_>) = net
            .services
            .iter()
            .map(|s| {
                let l = net.link(s.link);
                ef(l.mode, l.traction.map(|t| t.value), Some(s.kind))
            })
            .unzip();
        Graph {
            net,
            link_p50_h: net.links.iter().map(|l| l.p50_time().0).collect(),
            link_usd_per_feu: net
                .links
                .iter()
                .map(|l| l.price_per_feu().map(|u| u.0).unwrap_or(0.0))
                .collect(),
            link_dated: net
                .link_ids()
                .map(|l| net.dated_tariffs(l).next().is_some())
                .collect(),
            link_ef,
            svc_ef,
            link_ef_row,
            svc_ef_row,
            node_dwell_h: net
                .nodes
                .iter()
                .map(|n| n.dwell.as_ref().map(|d| d.value.p50().0).unwrap_or(0.0))
                .collect(),
            node_usd_per_feu: net
                .nodes
                .iter()
                .map(|n| n.handling.map(|h| h.value.0).unwrap_or(0.0))
                .collect(),
            link_countries,
            node_country,
            link_mode: net.links.iter().map(|l| l.mode).collect(),
            link_corridors: net.links.iter().map(|l| l.corridors.0).collect(),
            link_passages: net
                .link_ids()
                .map(|l| {
                    net.passages_of(l)
                        .iter()
                        .filter(|p| p.0 < 64)
                        .fold(0u64, |m, p| m | 1 << p.0)
                })
                .collect(),
            link_km: net.links.iter().map(|l| l.distance.value.0).collect(),
            svc_hold_p50_h: net
                .services
                .iter()
                .map(|s| match (s.rule, s.max_hold) {
                    (DepartureRule::WhenFull, Some(h)) => h.value.0 / 2.0,
                    _ => 0.0,
                })
                .collect(),
            countries,
            seasons: Vec::new(),
        }
    }

    /// The same view with weather closures by month (`simulation.toml`'s), so P50, P90 and
    /// `ON TIME` of a route depend on the month its ferries sail.
    pub fn with_seasons(mut self, seasons: Vec<crate::season::Season>) -> Graph<'n> {
        self.seasons = seasons;
        self
    }

    /// Price per FEU of link `li` on `day` (days since 1970-01-01): its dated tariff in
    /// force that day, else its own.
    #[inline]
    pub fn link_usd_on(&self, li: usize, day: corridor_model::calendar::Day) -> f64 {
        if self.link_dated[li] {
            self.net
                .price_per_feu_on(LinkId(li as u32), day)
                .map_or(0.0, |u| u.0)
        } else {
            self.link_usd_per_feu[li]
        }
    }

    /// Bit mask for a set of countries (countries absent from the network have no bit).
    pub fn country_mask(&self, cs: &[Country]) -> u128 {
        cs.iter()
            .filter_map(|c| self.countries.iter().position(|x| x == c))
            .fold(0, |m, i| if i < 128 { m | 1 << i } else { m })
    }

    /// The ways to leave over an arc: each service running in that direction, or
    /// continuously if the link has no service in that direction.
    pub fn options(&self, arc: &Arc, out: &mut Vec<Board>) {
        out.clear();
        if self.net.services_on(arc.link).is_empty() {
            out.push(Board::Continuous);
            return;
        }
        for &s in self.net.services_on(arc.link) {
            let d = self.net.service(s).direction;
            let runs = d == Direction::Both
                || (d == Direction::Forward && !arc.reversed)
                || (d == Direction::Backward && arc.reversed);
            if runs {
                out.push(Board::Service(s));
            }
        }
        if out.is_empty() {
            out.push(Board::Continuous);
        }
    }

    /// Median departure time over an arc for a container ready at `ready` (hours since the
    /// epoch): the first departure whose slot plus median hold is not before `ready`.
    #[inline]
    pub fn depart(&self, opt: Board, ready: f64) -> f64 {
        match opt {
            Board::Continuous => ready,
            Board::Service(s) => {
                let hold = self.svc_hold_p50_h[s.idx()];
                let slot = crate::time::Instant(ready - hold)
                    .next_departure(&self.net.service(s).schedule.value);
                slot.0 + hold
            }
        }
    }

    /// Emission intensities [ttw, wtw] in g/tkm for an arc by an option.
    #[inline]
    pub fn intensity(&self, link: LinkId, opt: Board) -> [f64; 2] {
        match opt {
            Board::Continuous => self.link_ef[link.idx()],
            Board::Service(s) => self.svc_ef[s.idx()],
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.net.nodes.len()
    }

    /// Dense node ids.
    pub fn node(&self, i: usize) -> NodeId {
        NodeId(i as u32)
    }
}
