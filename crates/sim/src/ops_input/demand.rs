//! A demand table (`demand.csv`): flows of containers or wagonload between two nodes, read
//! by the model's table reader.

use super::*;

/// The columns of a demand table.
pub const DEMAND: Table = Table {
    columns: &[
        "from",
        "to",
        "teu_per_year",
        "tonnes_per_year",
        "corridor",
        "src",
        "note",
    ],
    required: &["from", "to", "src"],
    any_of: &[&["teu_per_year", "tonnes_per_year"]],
};

/// A node of the demand table, with a suggestion when it is unknown.
fn demand_node(net: &Network, r: &mut Row<'_>, field: &str) -> Option<NodeId> {
    let v = r.req(field)?;
    let found = net.node_by_key(v);
    if found.is_none() {
        let hint = did_you_mean(v, net.nodes.iter().map(|n| n.key.as_str()))
            .or_else(|| Some("node ids are in nodes.csv (`corridor network show`)".into()));
        r.err(field, format!("unknown node `{v}`"), hint);
    }
    found
}

pub(super) fn parse_demand(
    net: &Network,
    file: &str,
    input: &Input,
    flows: &mut Vec<Flow>,
    sink: &mut Sink,
) {
    read_table(input, file, read::DEMAND_TABLE, &DEMAND, None, sink, |r| {
        let from = demand_node(net, r, "from");
        let to = demand_node(net, r, "to");
        let volume = |r: &mut Row<'_>, field: &str, range: &Range| {
            r.parse(field, false, |t| {
                let v = parse_number(t, range.what)?;
                range.check(v)
            })
        };
        let teu = volume(r, "teu_per_year", &ranges::DEMAND_TEU_YEAR);
        let tonnes = volume(r, "tonnes_per_year", &ranges::DEMAND_TONNES_YEAR);
        let (teu, tonnes) = match (teu, tonnes) {
            (Some(a), Some(b)) => match (a, b) {
                (Some(a), Some(b)) if a > 0.0 && b > 0.0 => {
                    r.err("tonnes_per_year", format!("the row gives both {} TEU and {} t a year", ranges::num(a), ranges::num(b)), Some("a row is containers (teu_per_year) or wagonload cargo (tonnes_per_year): split it into two rows".into()));
                    (None, None)
                }
                (None, None) => {
                    let field = if r.has_column("teu_per_year") {
                        "teu_per_year"
                    } else {
                        "tonnes_per_year"
                    };
                    r.err(field, "the row gives no volume", Some("give teu_per_year for containers or tonnes_per_year for wagonload cargo".into()));
                    (None, None)
                }
                (a, b) => {
                    let (a, b) = (a.unwrap_or(0.0), b.unwrap_or(0.0));
                    if a == 0.0 && b == 0.0 {
                        let field = if r.get("teu_per_year").is_empty() {
                            "tonnes_per_year"
                        } else {
                            "teu_per_year"
                        };
                        r.warn(
                            field,
                            "the flow is 0 a year: it generates nothing",
                            Some("leave the row out, or give its volume".into()),
                        );
                    }
                    (Some(a), Some(b))
                }
            },
            _ => (None, None),
        };
        let field = r.get("corridor");
        let (share, key) = match field.strip_prefix("share:") {
            Some(k) => (true, k.trim()),
            None => (false, field),
        };
        if share && key.is_empty() {
            r.err(
                "corridor",
                "`share:` names no corridor",
                Some("write share:KEY, e.g. share:northern (the corridor's current share of the flow)".into()),
            );
        }
        let corridor = match key {
            "" if share => None,
            "" => Some(None),
            k => match net.corridor_by_key(k) {
                Some(c) => Some(Some(c)),
                None => {
                    let hint = did_you_mean(k, net.corridors.iter().map(|c| c.key.as_str()))
                        .unwrap_or_else(|| {
                            format!(
                                "corridors are {}",
                                net.corridors
                                    .iter()
                                    .map(|c| c.key.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        });
                    r.err("corridor", format!("unknown corridor `{k}`"), Some(hint));
                    None
                }
            },
        };
        if let Some(src) = r.req("src") {
            for key in src
                .split([';', ' ', ','])
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                if !net.sources.iter().any(|s| s.key == key) {
                    let hint = did_you_mean(key, net.sources.iter().map(|s| s.key.as_str()))
                        .or_else(|| {
                            Some("every volume names its source ids from sources.csv".into())
                        });
                    r.err("src", format!("unknown source `{key}`"), hint);
                }
            }
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from == to {
                r.err("to", "origin and destination are the same place", None);
            }
        }
        if let (Some(from), Some(to), Some(teu), Some(tonnes), Some(corridor)) =
            (from, to, teu, tonnes, corridor)
        {
            if r.errors.is_empty() {
                flows.push(Flow {
                    from,
                    to,
                    teu_per_year: teu,
                    tonnes_per_year: tonnes,
                    corridor,
                    share_base: share.then_some(if tonnes > 0.0 { tonnes } else { teu }),
                    line: r.line(),
                });
            }
        }
    });
}
