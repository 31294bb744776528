//! What route queries search, made once per loaded network instead of once per request:
//! the routing graph (`corridor_route::graph::Graph`) and the places already looked up by
//! what clients typed (`corridor_route::names::find_node` scans every node's spellings).
//!
//! A `Graph` borrows its network, so the network of a [`Routing`] is kept for the life of
//! the process (one per distinct network loaded: a server loads one). A network is never
//! changed once loaded (it sits behind an `Arc`); another dataset is another network and
//! gets its own [`Routing`], so nothing cached can describe other data.

use corridor_model::Network;
use corridor_model::network::NodeId;
use corridor_route::graph::Graph;
use corridor_route::names::{NameError, find_node};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Most place lookups remembered per network (successful ones only).
const MAX_PLACES: usize = 4096;
/// Longest query remembered, bytes (a longer one is looked up every time).
const MAX_QUERY: usize = 128;

/// The routing graph of one network and its remembered place lookups.
pub struct Routing {
    /// The graph every route query of the network searches.
    pub graph: Graph<'static>,
    places: RwLock<HashMap<String, NodeId>>,
}

impl Routing {
    /// The network.
    pub fn net(&self) -> &'static Network {
        self.graph.net
    }

    /// [`find_node`] on the network, remembering what it found: the same answer, the same
    /// error (errors are not remembered).
    pub fn find_node(&self, q: &str) -> Result<NodeId, NameError> {
        let read = self.places.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(&n) = read.get(q) {
            return Ok(n);
        }
        drop(read);
        let n = find_node(self.graph.net, q)?;
        let mut places = self.places.write().unwrap_or_else(PoisonError::into_inner);
        if q.len() <= MAX_QUERY && places.len() < MAX_PLACES {
            places.insert(q.to_owned(), n);
        }
        Ok(n)
    }
}

/// The [`Routing`] of `net`, made on first use, its quantiles under `seasons` (the weather
/// closures by month of the base's `simulation.toml`).
pub fn of(
    net: &Arc<Network>,
    seasons: impl FnOnce() -> Vec<corridor_route::season::Season>,
) -> &'static Routing {
    static MADE: Mutex<Vec<&'static Routing>> = Mutex::new(Vec::new());
    let mut made = MADE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(r) = made
        .iter()
        .find(|r| std::ptr::eq(r.graph.net, Arc::as_ptr(net)))
    {
        return r;
    }
    // The leaked `Arc` keeps the network (and so its address) for the process's life.
    let kept: &'static Network = Box::leak(Box::new(Arc::clone(net)));
    let r: &'static Routing = Box::leak(Box::new(Routing {
        graph: Graph::new(kept).with_seasons(seasons()),
        places: RwLock::new(HashMap::new()),
    }));
    made.push(r);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_routing_per_network_and_lookups_as_the_library_s() {
        let net = Arc::new(corridor_model::load(&corridor_model::embedded::input()).unwrap());
        let r = of(&net, Vec::new);
        assert!(std::ptr::eq(r, of(&Arc::clone(&net), Vec::new)));
        assert!(std::ptr::eq(r.net(), Arc::as_ptr(&net)));
        for q in ["Xian", "Xian", "xi'an", "CN-XIAN", "Duisburg"] {
            assert_eq!(r.find_node(q), find_node(&net, q));
        }
        assert_eq!(r.find_node("Duisberg"), find_node(&net, "Duisberg"));
        let other = Arc::new(corridor_model::load(&corridor_model::embedded::input()).unwrap());
        assert!(!std::ptr::eq(r, of(&other, Vec::new)));
    }
}
