//! What a route costs, by category: the rail tariff, road haulage, ferry and sea freight
//! from the links' modes, and port and terminal handling, gauge change and border fees from
//! the kinds of the nodes that charge handling. The categories sum exactly to the route's
//! total, for the shipment, per FEU and per TEU.
//!
//! The planner charges, per FEU, the handling of the origin node, then per leg the link's
//! tariff and the handling of the node reached (`search::pareto`); the breakdown takes the
//! same figures from the same [`Graph`] and files each under its category.

use crate::graph::Graph;
use crate::search::{Label, Shipment};
use corridor_model::Network;
use corridor_model::network::{Mode, NodeKind};
use serde::Serialize;

/// What a charge pays for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostCategory {
    /// Rail tariffs (links of mode `rail`).
    RailTariff,
    /// Road haulage (links of mode `road`).
    RoadHaulage,
    /// Caspian, Black Sea and lake ferry or feeder freight.
    FerryFreight,
    /// Deep-sea freight.
    SeaFreight,
    /// Handling at seaports, inland terminals, dry ports, hubs and junctions.
    PortTerminalHandling,
    /// Transfer between 1520 mm and 1435 mm trains at a gauge-change station.
    GaugeChange,
    /// Charges at border crossing points.
    BorderFees,
}

impl CostCategory {
    /// Every category, in the order tables and CSV columns list them.
    pub const ALL: [CostCategory; 7] = [
        CostCategory::RailTariff,
        CostCategory::RoadHaulage,
        CostCategory::FerryFreight,
        CostCategory::SeaFreight,
        CostCategory::PortTerminalHandling,
        CostCategory::GaugeChange,
        CostCategory::BorderFees,
    ];

    /// The JSON and CSV spelling, e.g. `rail_tariff`.
    pub fn key(self) -> &'static str {
        match self {
            CostCategory::RailTariff => "rail_tariff",
            CostCategory::RoadHaulage => "road_haulage",
            CostCategory::FerryFreight => "ferry_freight",
            CostCategory::SeaFreight => "sea_freight",
            CostCategory::PortTerminalHandling => "port_terminal_handling",
            CostCategory::GaugeChange => "gauge_change",
            CostCategory::BorderFees => "border_fees",
        }
    }

    /// The words a quote uses, e.g. `port & terminal handling`.
    pub fn label(self) -> &'static str {
        match self {
            CostCategory::RailTariff => "rail tariff",
            CostCategory::RoadHaulage => "road haulage",
            CostCategory::FerryFreight => "ferry freight",
            CostCategory::SeaFreight => "sea freight",
            CostCategory::PortTerminalHandling => "port & terminal handling",
            CostCategory::GaugeChange => "gauge change",
            CostCategory::BorderFees => "border fees",
        }
    }

    /// The category of a link's tariff.
    pub fn of_mode(m: Mode) -> CostCategory {
        match m {
            Mode::Rail => CostCategory::RailTariff,
            Mode::Road => CostCategory::RoadHaulage,
            Mode::CaspianFerry | Mode::BlackSeaFerry | Mode::LakeFerry => {
                CostCategory::FerryFreight
            }
            Mode::DeepSea => CostCategory::SeaFreight,
        }
    }

    /// The category of a node's handling charge.
    pub fn of_node(k: NodeKind) -> CostCategory {
        match k {
            NodeKind::GaugeChange => CostCategory::GaugeChange,
            NodeKind::BorderCrossing => CostCategory::BorderFees,
            NodeKind::Seaport
            | NodeKind::InlandTerminal
            | NodeKind::DryPort
            | NodeKind::Hub
            | NodeKind::Junction => CostCategory::PortTerminalHandling,
        }
    }

    fn idx(self) -> usize {
        Self::ALL.iter().position(|&c| c == self).expect("listed")
    }
}

/// One line of a route's cost breakdown. `usd`, `usd_per_feu` and `usd_per_teu` are whole
/// dollars; each column sums exactly to the route's total in that unit.
#[derive(Clone, Debug, Serialize)]
pub struct CostLine {
    /// The category key (`rail_tariff`, …).
    pub category: CostCategory,
    /// The category in words.
    pub label: &'static str,
    /// For the shipment, USD.
    pub usd: f64,
    /// Per FEU, USD.
    pub usd_per_feu: f64,
    /// Per TEU, USD.
    pub usd_per_teu: f64,
    /// Sources of the tariffs and handling charges filed under it.
    pub sources: Vec<String>,
}

/// A route's cost in whole dollars: the totals and the breakdown (every category, in
/// [`CostCategory::ALL`] order, zero where the route pays nothing under it).
#[derive(Clone, Debug)]
pub struct Quote {
    /// Total for the shipment.
    pub usd: f64,
    /// Total per FEU.
    pub usd_per_feu: f64,
    /// Total per TEU.
    pub usd_per_teu: f64,
    /// The lines.
    pub lines: Vec<CostLine>,
}

fn cite_keys(net: &Network, cite: corridor_model::network::Cite, into: &mut Vec<String>) {
    for s in net.cited(cite) {
        let k = &net.source(*s).key;
        if !into.contains(k) {
            into.push(k.clone());
        }
    }
}

/// The cost of a search path by category. The totals are the path's cost as the search
/// summed it (the last label's) in whole dollars, and each column of lines sums exactly to
/// its total.
pub fn quote(g: &Graph, path: &[Label], s: &Shipment) -> Quote {
    let net = g.net;
    let day = crate::time::Instant(s.ready).day();
    let feu = s.teu / 2.0;
    // Per FEU, as the tariffs and handling charges are given.
    let mut per_feu = [0.0f64; 7];
    let mut sources: Vec<Vec<String>> = vec![Vec::new(); 7];
    let node_charge = |id: corridor_model::network::NodeId,
                       per_feu: &mut [f64; 7],
                       sources: &mut Vec<Vec<String>>| {
        let n = net.node(id);
        if let Some(h) = n.handling.filter(|h| h.value.0 > 0.0) {
            let k = CostCategory::of_node(n.kind).idx();
            per_feu[k] += g.node_usd_per_feu[id.idx()];
            cite_keys(net, h.cite, &mut sources[k]);
        }
    };
    node_charge(path[0].node, &mut per_feu, &mut sources);
    for l in path.iter().skip(1) {
        let link = net.link(l.link);
        let usd = g.link_usd_on(l.link.idx(), day);
        if let Some(t) = net.tariff_on(l.link, day).filter(|_| usd > 0.0) {
            let k = CostCategory::of_mode(link.mode).idx();
            per_feu[k] += usd;
            cite_keys(net, t.cite, &mut sources[k]);
        }
        node_charge(l.node, &mut per_feu, &mut sources);
    }
    let total = path.last().map(|l| l.cost).unwrap_or(0.0);
    let shipment: Vec<f64> = per_feu.iter().map(|x| x * feu).collect();
    let per_teu: Vec<f64> = per_feu.iter().map(|x| x / 2.0).collect();
    let (usd, usd_per_feu, usd_per_teu) = (
        total.round(),
        (total / feu).round(),
        (total / s.teu).round(),
    );
    let a = apportion(&shipment, usd);
    let b = apportion(&per_feu, usd_per_feu);
    let c = apportion(&per_teu, usd_per_teu);
    let lines = CostCategory::ALL
        .iter()
        .zip(sources)
        .enumerate()
        .map(|(i, (&category, sources))| CostLine {
            category,
            label: category.label(),
            usd: a[i],
            usd_per_feu: b[i],
            usd_per_teu: c[i],
            sources,
        })
        .collect();
    Quote {
        usd,
        usd_per_feu,
        usd_per_teu,
        lines,
    }
}

/// Whole numbers, one per amount, that sum exactly to `total` (a whole number) and each
/// within one of its amount: each amount rounded, then the difference to the total given
/// one unit at a time to the amounts whose rounding moved them furthest the other way
/// (largest remainder). An amount of zero stays zero.
pub fn apportion(amounts: &[f64], total: f64) -> Vec<f64> {
    let mut r: Vec<f64> = amounts.iter().map(|x| x.round()).collect();
    let mut diff = total - r.iter().sum::<f64>();
    // The rounding of n amounts and of their sum differ by at most (n + 1) / 2 units.
    for _ in 0..=amounts.len() * 2 + 2 {
        if diff == 0.0 {
            break;
        }
        let up = diff > 0.0;
        let pick = (0..amounts.len())
            .filter(|&i| amounts[i] > 0.0 && (up || r[i] >= 1.0))
            .max_by(|&i, &j| {
                let (ei, ej) = (amounts[i] - r[i], amounts[j] - r[j]);
                if up {
                    ei.total_cmp(&ej)
                } else {
                    ej.total_cmp(&ei)
                }
            });
        let Some(i) = pick else { break };
        let step = if up { 1.0 } else { -1.0 };
        r[i] += step;
        diff -= step;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::apportion;

    #[test]
    fn apportion_sums_to_the_total_and_stays_within_one() {
        let a = [0.5, 0.5, 0.5, 0.0, 1.5];
        let r = apportion(&a, 3.0);
        assert_eq!(r.iter().sum::<f64>(), 3.0);
        assert_eq!(r[3], 0.0);
        for (x, y) in a.iter().zip(&r) {
            assert!((x - y).abs() <= 1.0, "{a:?} → {r:?}");
        }
        let r = apportion(&[0.4, 0.4, 0.4], 1.0);
        assert_eq!(r.iter().sum::<f64>(), 1.0);
        assert_eq!(apportion(&[0.0, 0.0], 0.0), vec![0.0, 0.0]);
    }
}
