//! The searches.
//!
//! [`pareto`] is a time-dependent multi-criteria label-setting search (Martins' algorithm)
//! over three criteria: arrival time, cost and well-to-wheel CO2e. Travel and dwell times
//! are their medians; a leg on a timetabled link waits for the next departure (plus the
//! median hold of a sail-when-full service). Every increment is non-negative and waiting is
//! first-in-first-out, so the search is **exact**: it returns the complete set of
//! Pareto-optimal (time, cost, CO2e) vectors between origin and destination, one path per
//! vector (ties keep the path found first). Property tests check it against brute-force
//! enumeration of all simple paths.
//!
//! [`earliest_arrival`] is the single-criterion (time) special case, used for reachability
//! and benchmarks.

use crate::graph::{Board, Graph};
use corridor_model::network::{LinkId, Mode, NodeId};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// What a search may use.
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    /// Countries that no leg may enter or cross.
    pub avoid_countries: Vec<corridor_model::network::Country>,
    /// Nodes that no route may pass.
    pub avoid_nodes: Vec<NodeId>,
    /// Modes no leg may use.
    pub avoid_modes: Vec<Mode>,
    /// Nodes the route must pass, in this order.
    pub via: Vec<NodeId>,
    /// Longest door-to-door time, hours.
    pub max_hours: Option<f64>,
    /// Highest total cost, USD.
    pub max_cost: Option<f64>,
    /// Only links of this corridor.
    pub corridor: Option<corridor_model::network::CorridorId>,
    /// Kinds of service that cannot carry the cargo (e.g. container feeders for wagons).
    pub avoid_service_kinds: Vec<corridor_model::network::ServiceKind>,
    /// Timetabled services no leg may board.
    pub avoid_services: Vec<corridor_model::network::ServiceId>,
    /// Sea passages no leg may use (straits, canals, capes).
    pub avoid_passages: Vec<corridor_model::network::PassageId>,
}

/// A shipment to route.
#[derive(Clone, Debug)]
pub struct Shipment {
    /// Where it starts.
    pub from: NodeId,
    /// Where it ends.
    pub to: NodeId,
    /// When it is ready at the origin, hours since the epoch.
    pub ready: f64,
    /// Size in TEU.
    pub teu: f64,
}

/// One label: a partial route's criteria at a node.
#[derive(Clone, Copy, Debug)]
pub struct Label {
    /// Node reached.
    pub node: NodeId,
    /// How many `via` nodes have been passed, in order.
    pub via: u8,
    /// Arrival (after dwell) at `node`, hours since the epoch.
    pub time: f64,
    /// Cost so far, USD.
    pub cost: f64,
    /// Well-to-wheel CO2e so far, kg.
    pub wtw: f64,
    /// Tank-to-wheel CO2e so far, kg (reported, not a criterion).
    pub ttw: f64,
    /// Previous label, `u32::MAX` at the origin.
    pub pred: u32,
    /// Link travelled to reach `node`.
    pub link: LinkId,
    /// True if travelled from the link's `to` to its `from`.
    pub reversed: bool,
    /// How the leg left.
    pub board: Board,
    /// When the container was ready to leave the previous node.
    pub ready: f64,
    /// When the leg departed.
    pub depart: f64,
}

impl Label {
    #[inline]
    fn dominated_by(&self, o: &Label) -> bool {
        o.time <= self.time && o.cost <= self.cost && o.wtw <= self.wtw
    }
}

#[derive(PartialEq)]
struct Key(f64, f64, f64, u32);
impl Eq for Key {}
impl Ord for Key {
    fn cmp(&self, o: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the lexicographic minimum.
        o.0.total_cmp(&self.0)
            .then(o.1.total_cmp(&self.1))
            .then(o.2.total_cmp(&self.2))
            .then(o.3.cmp(&self.3))
    }
}
impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The result of a Pareto search: all labels created and the Pareto-optimal ones at the
/// destination.
pub struct ParetoResult {
    /// Label arena (paths are followed back through `pred`).
    pub labels: Vec<Label>,
    /// Indices of the Pareto-optimal labels at the destination, in order of arrival time.
    pub front: Vec<u32>,
    /// Labels settled (popped and kept), a measure of work.
    pub settled: usize,
}

impl ParetoResult {
    /// The labels of the path ending at `label`, origin first (the origin label has no leg).
    pub fn path(&self, label: u32) -> Vec<Label> {
        let mut v = Vec::new();
        let mut i = label;
        while i != u32::MAX {
            let l = self.labels[i as usize];
            v.push(l);
            i = l.pred;
        }
        v.reverse();
        v
    }
}

impl Constraints {
    /// True if nothing restricts which links may be used (limits on days and cost aside).
    pub fn is_open(&self) -> bool {
        self.avoid_countries.is_empty()
            && self.avoid_nodes.is_empty()
            && self.avoid_modes.is_empty()
            && self.avoid_passages.is_empty()
            && self.corridor.is_none()
    }
}

/// The avoided countries and passages as bit masks, computed once per search.
#[derive(Clone, Copy)]
pub(crate) struct Masks {
    pub countries: u128,
    pub passages: u64,
}

impl Masks {
    pub(crate) fn of(g: &Graph, c: &Constraints) -> Masks {
        Masks {
            countries: g.country_mask(&c.avoid_countries),
            passages: c
                .avoid_passages
                .iter()
                .filter(|p| p.0 < 64)
                .fold(0u64, |m, p| m | 1 << p.0),
        }
    }
}

/// True if a route may use this arc under the constraints.
#[inline]
pub(crate) fn allowed(
    g: &Graph,
    c: &Constraints,
    avoid: Masks,
    link: LinkId,
    head: NodeId,
) -> bool {
    let li = link.idx();
    g.link_passages[li] & avoid.passages == 0
        && g.link_countries[li] & avoid.countries == 0
        && g.node_country[head.idx()] & avoid.countries == 0
        && !c.avoid_modes.contains(&g.link_mode[li])
        && !c.avoid_nodes.contains(&head)
        && c.corridor
            .is_none_or(|k| g.link_corridors[li] & (1u64 << k.0) != 0)
}

/// All Pareto-optimal routes (time, cost, CO2e) for a shipment.
pub fn pareto(g: &Graph, s: &Shipment, c: &Constraints) -> ParetoResult {
    let net = g.net;
    let n = net.nodes.len();
    let nvia = c.via.len();
    let layers = nvia + 1;
    let feu = s.teu / 2.0;
    let tonnes = s.teu * net.meta.tonnes_per_teu.value.0;
    let masks = Masks::of(g, c);
    let avoid_country = masks.countries;
    let mut labels: Vec<Label> = Vec::new();
    let mut bags: Vec<Vec<u32>> = vec![Vec::new(); n * layers];
    let mut heap = BinaryHeap::new();
    let target = s.to.idx() * layers + nvia;
    let mut opts = Vec::with_capacity(4);
    let mut settled = 0usize;
    let open = c.is_open();

    let origin_blocked =
        g.node_country[s.from.idx()] & avoid_country != 0 || c.avoid_nodes.contains(&s.from);
    if !origin_blocked {
        let via0 = u8::from(nvia > 0 && c.via[0] == s.from);
        labels.push(Label {
            node: s.from,
            via: via0,
            time: s.ready + g.node_dwell_h[s.from.idx()],
            cost: g.node_usd_per_feu[s.from.idx()] * feu,
            wtw: 0.0,
            ttw: 0.0,
            pred: u32::MAX,
            link: LinkId(u32::MAX),
            reversed: false,
            board: Board::Continuous,
            ready: s.ready,
            depart: s.ready,
        });
        heap.push(Key(labels[0].time, labels[0].cost, labels[0].wtw, 0));
    }
    let dominated = |bags: &Vec<Vec<u32>>, labels: &Vec<Label>, slot: usize, l: &Label| {
        bags[slot]
            .iter()
            .any(|&b| l.dominated_by(&labels[b as usize]))
    };

    while let Some(Key(_, _, _, id)) = heap.pop() {
        let lab = labels[id as usize];
        let slot = lab.node.idx() * layers + lab.via as usize;
        if dominated(&bags, &labels, slot, &lab)
            || (slot != target && dominated(&bags, &labels, target, &lab))
        {
            continue;
        }
        bags[slot].push(id);
        settled += 1;
        if slot == target {
            continue;
        }
        for arc in net.arcs(lab.node) {
            if !open && !allowed(g, c, masks, arc.link, arc.head) {
                continue;
            }
            let li = arc.link.idx();
            let km = g.link_km[li];
            g.options(arc, &mut opts);
            if !c.avoid_service_kinds.is_empty() || !c.avoid_services.is_empty() {
                opts.retain(|o| !matches!(o, Board::Service(sv) if c.avoid_services.contains(sv) || c.avoid_service_kinds.contains(&net.service(*sv).kind)));
            }
            for &o in &opts {
                let depart = g.depart(o, lab.time);
                let h = arc.head.idx();
                let time = depart + g.link_p50_h[li] + g.node_dwell_h[h];
                let cost = lab.cost + (g.link_usd_per_feu[li] + g.node_usd_per_feu[h]) * feu;
                let [ttw_i, wtw_i] = g.intensity(arc.link, o);
                let tkm = tonnes * km;
                let wtw = lab.wtw + tkm * wtw_i / 1000.0;
                let ttw = lab.ttw + tkm * ttw_i / 1000.0;
                if c.max_hours.is_some_and(|m| time - s.ready > m)
                    || c.max_cost.is_some_and(|m| cost > m)
                {
                    continue;
                }
                let via = if (lab.via as usize) < nvia && c.via[lab.via as usize] == arc.head {
                    lab.via + 1
                } else {
                    lab.via
                };
                let new = Label {
                    node: arc.head,
                    via,
                    time,
                    cost,
                    wtw,
                    ttw,
                    pred: id,
                    link: arc.link,
                    reversed: arc.reversed,
                    board: o,
                    ready: lab.time,
                    depart,
                };
                let nslot = h * layers + via as usize;
                if dominated(&bags, &labels, nslot, &new) || dominated(&bags, &labels, target, &new)
                {
                    continue;
                }
                let nid = labels.len() as u32;
                labels.push(new);
                heap.push(Key(time, cost, wtw, nid));
            }
        }
    }
    let front = bags[target].clone();
    ParetoResult {
        labels,
        front,
        settled,
    }
}

/// Earliest arrival (after dwell) at every node for a container ready at `ready` at
/// `from`, using median times and timetables; `f64::INFINITY` where unreachable.
pub fn earliest_arrival(g: &Graph, from: NodeId, ready: f64, c: &Constraints) -> Vec<f64> {
    #[derive(PartialEq)]
    struct Entry(f64, u32);
    impl Eq for Entry {}
    impl Ord for Entry {
        fn cmp(&self, o: &Self) -> Ordering {
            o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
        }
    }
    impl PartialOrd for Entry {
        fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
            Some(self.cmp(o))
        }
    }
    let net = g.net;
    let masks = Masks::of(g, c);
    let open = c.is_open();
    let mut best = vec![f64::INFINITY; net.nodes.len()];
    let mut heap = BinaryHeap::new();
    best[from.idx()] = ready + g.node_dwell_h[from.idx()];
    heap.push(Entry(best[from.idx()], from.0));
    let mut opts = Vec::with_capacity(4);
    while let Some(Entry(t, u)) = heap.pop() {
        if t > best[u as usize] {
            continue;
        }
        for arc in net.arcs(NodeId(u)) {
            if !open && !allowed(g, c, masks, arc.link, arc.head) {
                continue;
            }
            let h = arc.head.idx();
            let travel = g.link_p50_h[arc.link.idx()] + g.node_dwell_h[h];
            if net.services_on(arc.link).is_empty() {
                let arr = t + travel;
                if arr < best[h] {
                    best[h] = arr;
                    heap.push(Entry(arr, arc.head.0));
                }
                continue;
            }
            g.options(arc, &mut opts);
            if !c.avoid_service_kinds.is_empty() || !c.avoid_services.is_empty() {
                opts.retain(|o| !matches!(o, Board::Service(sv) if c.avoid_services.contains(sv) || c.avoid_service_kinds.contains(&net.service(*sv).kind)));
            }
            for &o in &opts {
                let arr = g.depart(o, t) + travel;
                if arr < best[h] {
                    best[h] = arr;
                    heap.push(Entry(arr, arc.head.0));
                }
            }
        }
    }
    best
}
