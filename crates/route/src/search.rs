//! The searches.
//!
//! [`pareto`] is a time-dependent multi-criteria label-setting search (Martins' algorithm)
//! over three criteria: arrival time, cost and well-to-wheel CO2e. Travel and dwell times
//! are their medians; a leg on a timetabled link waits for the next departure (plus the
//! median hold of a sail-when-full service). Every increment is non-negative and waiting is
//! first-in-first-out, so the search is **exact**: it returns the complete set of
//! Pareto-optimal (time, cost, CO2e) vectors over the *simple* paths (no place visited
//! twice) between origin and destination that satisfy the constraints, one path per vector
//! (ties keep the path found first). Property tests check it against brute-force
//! enumeration of all simple paths, with and without `via` nodes.
//!
//! Routes are elementary: a route visits a place at most once, and the destination only at
//! its end (a label at the destination is never expanded, whatever its `via` stage).
//! Without `via` this costs nothing: a walk that returns to a node arrives there no earlier,
//! at no lower cost and CO2e than when it first left (increments are non-negative,
//! departures FIFO), so the plain (time, cost, CO2e) dominance at a node already discards
//! every loop, and removing a loop from a walk never makes it worse. With `via` stages a
//! path may want to come back, in a later stage, to a node it passed in an earlier one
//! (Poti → Batumi → Poti when Batumi is a via): such walks are forbidden. Tracking every
//! node visited by every label (the elementary rule of ESPPRC solvers) makes dominance so
//! rare that the labels explode on a large network, so [`pareto`] tracks only the nodes
//! that the front's walks actually repeat, adding them search by search until the front
//! is simple (decremental state-space relaxation; exact, see [`pareto`]).
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

/// The nodes whose visits a via search tracks (decremental state-space relaxation): each
/// has a bit, and a label carries the bits of the tracked nodes its path has visited.
struct Critical {
    /// Bit of each node, `u8::MAX` if untracked.
    bit: Vec<u8>,
    count: u8,
}

impl Critical {
    /// The most nodes tracked (the bits of a `u128`).
    const MAX: u8 = 128;

    fn none(n: usize) -> Critical {
        Critical {
            bit: vec![u8::MAX; n],
            count: 0,
        }
    }

    /// The mask of `node`, 0 if untracked.
    #[inline]
    fn mask(&self, node: NodeId) -> u128 {
        match self.bit[node.idx()] {
            u8::MAX => 0,
            b => 1u128 << b,
        }
    }

    /// Tracks `node`; false if it already was, or if no bit is left.
    fn add(&mut self, node: NodeId) -> bool {
        if self.bit[node.idx()] != u8::MAX || self.count == Self::MAX {
            return false;
        }
        self.bit[node.idx()] = self.count;
        self.count += 1;
        true
    }
}

/// The nodes the path ending at `label` visits more than once.
fn revisited(r: &ParetoResult, label: u32) -> Vec<NodeId> {
    let mut nodes: Vec<NodeId> = r.path(label).iter().map(|l| l.node).collect();
    nodes.sort_unstable_by_key(|n| n.0);
    let mut twice: Vec<NodeId> = nodes
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    twice.dedup();
    twice
}

/// All Pareto-optimal routes (time, cost, CO2e) for a shipment: the exact Pareto front over
/// the simple paths from `s.from` to `s.to` that satisfy `c`, visiting `c.via` in order.
///
/// No returned route visits a node twice or passes its destination before its end. Without
/// `via` one label-setting search is exact (see the module documentation). With `via`, the
/// search is repeated with a growing set of tracked nodes (decremental state-space
/// relaxation, Boland, Dethridge & Dumitrescu 2006; Righini & Salani 2008): the first
/// search tracks none, and each node that a route of the front visits twice is tracked in
/// the next (a label may not enter a tracked node its path has visited, and dominates
/// another of its (node, stage) only if it has visited no tracked node the other has not).
/// Each search's front is the exact front of the walks that repeat no tracked node, a
/// superset of the simple paths; once that front holds simple paths only, it is the exact
/// front of the simple paths. The tracked set only grows, so the loop ends; on the corridor
/// network it stays at a few nodes. Past [`Critical::MAX`] tracked nodes (never seen in
/// practice) the remaining walks that repeat a node are dropped from the front, so the
/// guarantee of simple routes holds whatever the network.
pub fn pareto(g: &Graph, s: &Shipment, c: &Constraints) -> ParetoResult {
    let n = g.net.nodes.len();
    let mut critical = Critical::none(n);
    loop {
        let mut r = search(g, s, c, &critical);
        if c.via.is_empty() {
            return r;
        }
        let mut grew = false;
        let mut full = false;
        for &id in &r.front {
            for node in revisited(&r, id) {
                if critical.add(node) {
                    grew = true;
                } else {
                    full = true;
                }
            }
        }
        if !grew {
            if full {
                let walks: Vec<u32> = r.front.clone();
                r.front = walks
                    .into_iter()
                    .filter(|&id| revisited(&r, id).is_empty())
                    .collect();
            }
            return r;
        }
    }
}

/// One label-setting search over the (node, via stage) layers; tracked nodes in `critical`
/// are never entered twice by a path.
fn search(g: &Graph, s: &Shipment, c: &Constraints, critical: &Critical) -> ParetoResult {
    let net = g.net;
    let n = net.nodes.len();
    let nvia = c.via.len();
    let layers = nvia + 1;
    let feu = s.teu / 2.0;
    // Tariffs are those in force on the day the shipment is ready.
    let day = crate::time::Instant(s.ready).day();
    let tonnes = s.teu * net.meta.tonnes_per_teu.value.0;
    let masks = Masks::of(g, c);
    let avoid_country = masks.countries;
    let mut labels: Vec<Label> = Vec::new();
    // The tracked nodes each label's path has visited (all zero while none is tracked).
    let mut seen: Vec<u128> = Vec::new();
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
        seen.push(critical.mask(s.from));
        heap.push(Key(labels[0].time, labels[0].cost, labels[0].wtw, 0));
    }
    // Dominated by a label of `slot` that has visited no tracked node `l` has not. At the
    // target nothing follows, so criteria alone decide there.
    let dominated = |bags: &Vec<Vec<u32>>,
                     labels: &Vec<Label>,
                     seen: &Vec<u128>,
                     slot: usize,
                     l: &Label,
                     l_seen: u128| {
        if slot == target {
            bags[slot]
                .iter()
                .any(|&b| l.dominated_by(&labels[b as usize]))
        } else {
            bags[slot]
                .iter()
                .any(|&b| l.dominated_by(&labels[b as usize]) && seen[b as usize] & !l_seen == 0)
        }
    };

    while let Some(Key(_, _, _, id)) = heap.pop() {
        let lab = labels[id as usize];
        let lab_seen = seen[id as usize];
        let slot = lab.node.idx() * layers + lab.via as usize;
        if dominated(&bags, &labels, &seen, slot, &lab, lab_seen)
            || (slot != target && dominated(&bags, &labels, &seen, target, &lab, lab_seen))
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
            let head_mask = critical.mask(arc.head);
            if lab_seen & head_mask != 0 {
                continue;
            }
            let via = if (lab.via as usize) < nvia && c.via[lab.via as usize] == arc.head {
                lab.via + 1
            } else {
                lab.via
            };
            let h = arc.head.idx();
            let nslot = h * layers + via as usize;
            // The destination ends a route: never reached before the last via.
            if arc.head == s.to && nslot != target {
                continue;
            }
            let new_seen = lab_seen | head_mask;
            let li = arc.link.idx();
            let km = g.link_km[li];
            g.options(arc, &mut opts);
            if !c.avoid_service_kinds.is_empty() || !c.avoid_services.is_empty() {
                opts.retain(|o| !matches!(o, Board::Service(sv) if c.avoid_services.contains(sv) || c.avoid_service_kinds.contains(&net.service(*sv).kind)));
            }
            for &o in &opts {
                let depart = g.depart(o, lab.time);
                let time = depart + g.link_p50_h[li] + g.node_dwell_h[h];
                let cost = lab.cost + (g.link_usd_on(li, day) + g.node_usd_per_feu[h]) * feu;
                let [ttw_i, wtw_i] = g.intensity(arc.link, o);
                let tkm = tonnes * km;
                let wtw = lab.wtw + tkm * wtw_i / 1000.0;
                let ttw = lab.ttw + tkm * ttw_i / 1000.0;
                if c.max_hours.is_some_and(|m| time - s.ready > m)
                    || c.max_cost.is_some_and(|m| cost > m)
                {
                    continue;
                }
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
                if dominated(&bags, &labels, &seen, nslot, &new, new_seen)
                    || dominated(&bags, &labels, &seen, target, &new, new_seen)
                {
                    continue;
                }
                let nid = labels.len() as u32;
                labels.push(new);
                seen.push(new_seen);
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
