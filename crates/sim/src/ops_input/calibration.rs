//! `calibration.csv`: the observed figures a run of their year is compared with, and what
//! each counts.

use super::*;

/// What a calibration point counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalibrationKind {
    /// TEU of containers on legs of a mode.
    ContainersByMode,
    /// Tonnes of cargo on legs of a mode: containers at `tonnes_per_teu`, and wagonload.
    CargoTonnesByMode,
    /// TEU of containers over one link (counted as they reach its far end).
    ContainersOverLink,
    /// TEU of containers served by a capacity-limited node (carried through it, both
    /// directions): cargo carried, not cargo that reached the node and queues there.
    ContainersThroughNode,
    /// Tonnes of cargo over one link, both ways (counted as they reach its far end):
    /// containers at `tonnes_per_teu`, and wagonload.
    CargoTonnesOverLink,
    /// Wagons (wagonload) served by a capacity-limited node, both directions, as
    /// [`CalibrationKind::ContainersThroughNode`] counts containers.
    WagonsThroughNode,
    /// Tonnes of cargo delivered on routes of the corridors of the scope (`;`-separated
    /// corridor ids): containers at `tonnes_per_teu`, and wagonload.
    CargoTonnesByCorridor,
}

impl CalibrationKind {
    /// The names used in `calibration.csv`.
    pub const NAMES: &'static [&'static str] = &[
        "containers_by_mode",
        "cargo_tonnes_by_mode",
        "containers_over_link",
        "containers_through_node",
        "cargo_tonnes_over_link",
        "wagons_through_node",
        "cargo_tonnes_by_corridor",
    ];
    /// Its name in `calibration.csv`.
    pub fn name(self) -> &'static str {
        match self {
            CalibrationKind::ContainersByMode => "containers_by_mode",
            CalibrationKind::CargoTonnesByMode => "cargo_tonnes_by_mode",
            CalibrationKind::ContainersOverLink => "containers_over_link",
            CalibrationKind::ContainersThroughNode => "containers_through_node",
            CalibrationKind::CargoTonnesOverLink => "cargo_tonnes_over_link",
            CalibrationKind::WagonsThroughNode => "wagons_through_node",
            CalibrationKind::CargoTonnesByCorridor => "cargo_tonnes_by_corridor",
        }
    }
    /// The kind of a `calibration.csv` name.
    pub fn parse(s: &str) -> Option<CalibrationKind> {
        match s {
            "containers_by_mode" => Some(CalibrationKind::ContainersByMode),
            "cargo_tonnes_by_mode" => Some(CalibrationKind::CargoTonnesByMode),
            "containers_over_link" => Some(CalibrationKind::ContainersOverLink),
            "containers_through_node" => Some(CalibrationKind::ContainersThroughNode),
            "cargo_tonnes_over_link" => Some(CalibrationKind::CargoTonnesOverLink),
            "wagons_through_node" => Some(CalibrationKind::WagonsThroughNode),
            "cargo_tonnes_by_corridor" => Some(CalibrationKind::CargoTonnesByCorridor),
            _ => None,
        }
    }
}

/// A published figure the simulation of its year is compared with.
#[derive(Clone, Debug)]
pub struct CalibrationPoint {
    /// What is counted.
    pub kind: CalibrationKind,
    /// The mode (`…_by_mode`), the link id (`…_over_link`), the node id (`…_through_node`)
    /// or the corridor ids, `;`-separated (`…_by_corridor`).
    pub scope: String,
    /// The year observed.
    pub year: i32,
    /// The observed figure, a year.
    pub observed: f64,
    /// Its source ids.
    pub source: String,
    /// What it is, in words.
    pub label: String,
}

/// The columns of `calibration.csv`.
pub const CALIBRATION: Table = Table {
    columns: &[
        "metric", "scope", "year", "observed", "unit", "src", "label", "note",
    ],
    required: &["metric", "scope", "year", "observed", "src", "label"],
    any_of: &[],
};

pub(super) fn parse_calibration(
    net: &Network,
    file: &str,
    input: &Input,
    points: &mut Vec<CalibrationPoint>,
    sink: &mut Sink,
) {
    read_table(input, file, read::SETTINGS, &CALIBRATION, None, sink, |r| {
        let kind = r.parse_enum("metric", CalibrationKind::parse, CalibrationKind::NAMES);
        let scope = r.req("scope");
        if let (Some(kind), Some(scope)) = (kind, scope) {
            match kind {
                CalibrationKind::ContainersOverLink | CalibrationKind::CargoTonnesOverLink
                    if net.link_by_key(scope).is_none() =>
                {
                    let hint = did_you_mean(scope, net.links.iter().map(|l| l.key.as_str()))
                        .or_else(|| Some("a link id from links.csv".into()));
                    r.err("scope", format!("unknown link `{scope}`"), hint);
                }
                CalibrationKind::ContainersThroughNode | CalibrationKind::WagonsThroughNode => {
                    match net.node_by_key(scope) {
                        None => {
                            let hint =
                                did_you_mean(scope, net.nodes.iter().map(|n| n.key.as_str()))
                                    .or_else(|| Some("a node id from nodes.csv".into()));
                            r.err("scope", format!("unknown node `{scope}`"), hint);
                        }
                        Some(n) if net.node(n).capacity.is_empty() => r.err(
                            "scope",
                            format!("node `{scope}` has no capacity: nothing is served there"),
                            Some("count containers_over_link on a link into it instead".into()),
                        ),
                        Some(_) => {}
                    }
                }
                CalibrationKind::CargoTonnesByCorridor => {
                    for c in scope.split(';').map(str::trim) {
                        if net.corridor_by_key(c).is_none() {
                            let hint =
                                did_you_mean(c, net.corridors.iter().map(|k| k.key.as_str()))
                                    .unwrap_or_else(|| {
                                        format!(
                                            "corridor ids, `;`-separated: {}",
                                            net.corridors
                                                .iter()
                                                .map(|k| k.key.as_str())
                                                .collect::<Vec<_>>()
                                                .join(", ")
                                        )
                                    });
                            r.err("scope", format!("unknown corridor `{c}`"), Some(hint));
                        }
                    }
                }
                CalibrationKind::ContainersByMode | CalibrationKind::CargoTonnesByMode
                    if Mode::parse(scope).is_none() =>
                {
                    let hint = did_you_mean(scope, Mode::NAMES.iter().copied())
                        .unwrap_or_else(|| format!("modes are {}", Mode::expected()));
                    r.err("scope", format!("unknown mode `{scope}`"), Some(hint));
                }
                _ => {}
            }
        }
        let year = r.req("year").and_then(|y| match y.parse::<i32>() {
            Ok(v) if (1970..=2200).contains(&v) => Some(v),
            _ => {
                r.err(
                    "year",
                    format!("`{y}` is not a year from 1970 to 2200"),
                    None,
                );
                None
            }
        });
        let observed = r
            .parse("observed", true, |t| {
                let v = parse_number(t, "an observed figure")?;
                if v > 0.0 && v < 1e12 {
                    Ok(v)
                } else {
                    Err(corridor_model::dist::SpecError {
                        message: format!(
                            "expected an observed figure above 0 and below 1e12, found {t}"
                        ),
                        hint: None,
                    })
                }
            })
            .flatten();
        if let Some(src) = r.req("src") {
            for key in src
                .split([';', ' ', ','])
                .map(str::trim)
                .filter(|k| !k.is_empty())
            {
                if !net.sources.iter().any(|s| s.key == key) {
                    let hint = did_you_mean(key, net.sources.iter().map(|s| s.key.as_str()));
                    r.err("src", format!("unknown source `{key}`"), hint);
                }
            }
        }
        let label = r.req("label");
        if let (Some(kind), Some(scope), Some(year), Some(observed), Some(label)) =
            (kind, scope, year, observed, label)
        {
            if r.errors.is_empty() {
                points.push(CalibrationPoint {
                    kind,
                    scope: scope.to_string(),
                    year,
                    observed,
                    source: r.get("src").to_string(),
                    label: label.to_string(),
                });
            }
        }
    });
}
