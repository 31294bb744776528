//! Plain-text tables for the terminal.

use corridor_model::Network;
use corridor_model::network::{Country, Mode, NodeKind};

/// What `network show` lists.
pub struct Filter {
    pub country: Option<Country>,
    pub kind: Option<NodeKind>,
    pub links: bool,
    pub mode: Option<Mode>,
}

/// Lay out rows under headers, columns padded to their widest cell.
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, (c, w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(c);
            if i + 1 < widths.len() {
                s.extend(std::iter::repeat_n(' ', w - c.chars().count()));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&mut headers.iter().copied());
    out.push_str(&line(
        &mut widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    ));
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
    }
    out
}

fn hours(h: f64) -> String {
    if h >= 48.0 {
        format!("{:.1} d", h / 24.0)
    } else {
        format!("{h:.1} h")
    }
}

/// The `network show` table.
pub fn show(net: &Network, f: &Filter) -> String {
    let mut out = format!(
        "{} {} — {} nodes, {} links, {} services\n\n",
        net.meta.name,
        net.meta.version,
        net.nodes.len(),
        net.links.len(),
        net.services.len()
    );
    if f.links {
        let rows: Vec<Vec<String>> = net
            .link_ids()
            .filter(|&id| {
                let l = net.link(id);
                f.country.is_none_or(|c| net.countries(id).contains(&c))
                    && f.mode.is_none_or(|m| l.mode == m)
            })
            .map(|id| {
                let l = net.link(id);
                vec![
                    l.key.clone(),
                    net.node(l.from).key.clone(),
                    net.node(l.to).key.clone(),
                    match l.gauge {
                        Some(g) => format!("{} {}", l.mode, g),
                        None => l.mode.to_string(),
                    },
                    format!("{:.0}", l.distance.value.0),
                    hours(l.time().p50().0),
                    hours(l.time().quantile(0.9).0),
                    l.price_per_feu()
                        .map(|u| format!("{:.0}", u.0))
                        .unwrap_or_else(|| "—".into()),
                    net.countries(id)
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join("→"),
                    net.services_on(id).len().to_string(),
                ]
            })
            .collect();
        out.push_str(&render(
            &[
                "LINK",
                "FROM",
                "TO",
                "MODE",
                "KM",
                "P50",
                "P90",
                "USD/FEU",
                "COUNTRIES",
                "SERVICES",
            ],
            &rows,
        ));
        out.push_str(&format!("\n{} links\n", rows.len()));
    } else {
        let rows: Vec<Vec<String>> = net
            .nodes
            .iter()
            .filter(|n| {
                f.country.is_none_or(|c| n.country == c) && f.kind.is_none_or(|k| n.kind == k)
            })
            .map(|n| {
                vec![
                    n.key.clone(),
                    n.name.clone(),
                    n.country.to_string(),
                    n.kind.to_string(),
                    if n.gauges.is_empty() {
                        "—".into()
                    } else {
                        n.gauges
                            .iter()
                            .map(|g| g.as_str())
                            .collect::<Vec<_>>()
                            .join("/")
                    },
                    n.dwell
                        .as_ref()
                        .map(|d| {
                            format!(
                                "{} / {}",
                                hours(d.value.p50().0),
                                hours(d.value.quantile(0.9).0)
                            )
                        })
                        .unwrap_or_else(|| "—".into()),
                    if n.capacity.is_empty() {
                        "—".into()
                    } else {
                        n.capacity
                            .iter()
                            .map(|c| c.value.to_string())
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                ]
            })
            .collect();
        out.push_str(&render(
            &[
                "NODE",
                "NAME",
                "COUNTRY",
                "KIND",
                "GAUGE",
                "DWELL P50 / P90",
                "CAPACITY",
            ],
            &rows,
        ));
        out.push_str(&format!("\n{} nodes\n", rows.len()));
    }
    out
}

/// The `network sources` table.
pub fn sources(net: &Network, all: bool, long: bool) -> String {
    let counts = net.source_use_counts();
    let mut out = String::new();
    let mut rows = Vec::new();
    for (s, n) in net.sources.iter().zip(&counts) {
        if *n == 0 && !all {
            continue;
        }
        if long {
            out.push_str(&format!(
                "{} [{}{}] cited by {} figure{}\n  {}\n",
                s.key,
                s.kind,
                s.year.map(|y| format!(", {y}")).unwrap_or_default(),
                n,
                if *n == 1 { "" } else { "s" },
                s.title
            ));
            if !s.url.is_empty() {
                out.push_str(&format!("  {}\n", s.url));
            }
            if !s.note.is_empty() {
                out.push_str(&format!("  why: {}\n", s.note));
            }
            out.push('\n');
        } else {
            let title: String = if s.title.chars().count() > 90 {
                s.title.chars().take(89).chain(['…']).collect()
            } else {
                s.title.clone()
            };
            rows.push(vec![
                s.key.clone(),
                s.kind.to_string(),
                s.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into()),
                n.to_string(),
                title,
            ]);
        }
    }
    if !long {
        out = render(&["SOURCE", "KIND", "YEAR", "CITED", "TITLE"], &rows);
    }
    let shown = counts.iter().filter(|&&n| all || n > 0).count();
    out.push_str(&format!(
        "\n{shown} sources{}\n",
        if all {
            ""
        } else {
            " cited by the dataset (--all lists every source)"
        }
    ));
    out
}
