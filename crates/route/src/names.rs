//! Finding places by what people type: ids, names, aliases, any case, with or without
//! accents and apostrophes ("Xian", "Xi'an", "XIAN"); close misspellings get suggestions.

use corridor_model::Network;
use corridor_model::diag::edit_distance;
use corridor_model::network::NodeId;

/// A place that could not be resolved, with the closest matches.
#[derive(Clone, Debug, PartialEq)]
pub struct NameError {
    /// What was typed.
    pub query: String,
    /// Candidate (node id, display name) pairs, best first; several when ambiguous.
    pub candidates: Vec<(String, String)>,
    /// True when the query matched several places equally.
    pub ambiguous: bool,
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = self
            .candidates
            .iter()
            .map(|(k, n)| format!("`{n}` ({k})"))
            .collect::<Vec<_>>()
            .join(", ");
        if self.ambiguous {
            write!(
                f,
                "`{}` matches several places: {list}; use the id",
                self.query
            )
        } else if self.candidates.is_empty() {
            write!(
                f,
                "unknown place `{}`; `corridor network show` lists the places",
                self.query
            )
        } else {
            write!(f, "unknown place `{}`; did you mean {list}?", self.query)
        }
    }
}

impl std::error::Error for NameError {}

/// Lower-case, fold the accents of the region's languages, drop everything but letters
/// and digits.
pub fn normalise(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'ə' => 'e',
            'ğ' => 'g',
            'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ī' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ō' | 'ő' => 'o',
            'ś' | 'š' | 'ş' | 'ș' => 's',
            'ț' | 'ţ' => 't',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Every spelling a node answers to, normalised.
fn spellings(net: &Network, id: NodeId) -> Vec<String> {
    let n = net.node(id);
    let mut v = vec![normalise(&n.key), normalise(&n.name)];
    if let Some((_, rest)) = n.key.split_once('-') {
        v.push(normalise(rest));
    }
    if let Some((short, _)) = n.name.split_once(" (") {
        v.push(normalise(short));
    }
    v.extend(n.aliases.iter().map(|a| normalise(a)));
    v
}

/// Resolve what a user typed to a node.
pub fn find_node(net: &Network, query: &str) -> Result<NodeId, NameError> {
    if let Some(id) = net.node_by_key(query.trim()) {
        return Ok(id);
    }
    let q = normalise(query);
    let exact: Vec<NodeId> = net
        .node_ids()
        .filter(|&id| spellings(net, id).contains(&q))
        .collect();
    let show = |id: NodeId| (net.node(id).key.clone(), net.node(id).name.clone());
    match exact.len() {
        1 => return Ok(exact[0]),
        n if n > 1 => {
            return Err(NameError {
                query: query.into(),
                candidates: exact.into_iter().map(show).collect(),
                ambiguous: true,
            });
        }
        _ => {}
    }
    let limit = (q.chars().count() / 4).max(1);
    let mut near: Vec<(usize, NodeId)> = net
        .node_ids()
        .filter_map(|id| {
            spellings(net, id)
                .iter()
                .map(|s| edit_distance(&q, s))
                .min()
                .map(|d| (d, id))
        })
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort_by_key(|x| x.0);
    near.truncate(3);
    Err(NameError {
        query: query.into(),
        candidates: near.into_iter().map(|(_, id)| show(id)).collect(),
        ambiguous: false,
    })
}
