//! `simulation.toml`: units, weather, breakdowns, route choice and seasonality, read by the
//! spans of its values so every problem names its line and field.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Toml {
    units: Units,
    #[serde(default)]
    weather: Vec<TomlWeather>,
    #[serde(default)]
    breakdown: Vec<TomlBreakdown>,
    choice: TomlChoice,
    #[serde(default)]
    seasonality: Option<TomlSeason>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSeason {
    containers: Spanned<Vec<f64>>,
    wagonload: Spanned<Vec<f64>>,
    src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Units {
    teu_per_wagon: Spanned<f64>,
    teu_per_wagon_src: Spanned<String>,
    teu_per_train: Spanned<f64>,
    teu_per_train_src: Spanned<String>,
    tonnes_per_wagon: Spanned<f64>,
    tonnes_per_wagon_src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlWeather {
    mode: Spanned<String>,
    closed_share: Spanned<Vec<f64>>,
    closed_share_src: Spanned<String>,
    episode_p50_h: Spanned<f64>,
    episode_p90_h: Spanned<f64>,
    episode_src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlBreakdown {
    target: Spanned<String>,
    mtbf_days: Spanned<f64>,
    repair_p50_h: Spanned<f64>,
    repair_p90_h: Spanned<f64>,
    src: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlChoice {
    value_of_time_usd_per_teu_day: Spanned<f64>,
    carbon_usd_per_t: Spanned<f64>,
    scale_usd: Spanned<f64>,
    choice_src: Spanned<String>,
}

/// Ranges of the parameters of `simulation.toml` (see [`corridor_model::ranges`]).
mod bounds {
    use corridor_model::ranges::Range;
    const fn r(
        what: &'static str,
        unit: &'static str,
        min: f64,
        max: f64,
        why: &'static str,
    ) -> Range {
        Range {
            what,
            unit,
            min,
            min_excluded: false,
            max,
            why,
        }
    }
    pub const TEU_PER_WAGON: Range = r(
        "a wagon's container load",
        "TEU",
        0.1,
        6.0,
        "a flat wagon carries 1–3 TEU",
    );
    pub const TEU_PER_TRAIN: Range = r(
        "a train's container load",
        "TEU",
        1.0,
        400.0,
        "a container train carries 40–120 TEU, double-stacked up to about 400",
    );
    pub const TONNES_PER_WAGON: Range = r(
        "a wagon's load",
        "t",
        1.0,
        150.0,
        "a freight wagon carries 50–75 t",
    );
    pub const SCALE: Range = r(
        "a logit scale",
        "USD/TEU",
        1.0,
        1e6,
        "the spread of generalised costs between routes, hundreds of USD per TEU",
    );
    pub const VALUE_OF_TIME: Range = r(
        "a value of time",
        "USD/TEU-day",
        0.0,
        1e5,
        "shippers value a day of transit at tens to hundreds of USD per TEU",
    );
    pub const CARBON: Range = r(
        "a carbon price",
        "USD/t",
        0.0,
        1e5,
        "carbon prices are tens to hundreds of USD per tonne of CO2e",
    );
    pub const MTBF: Range = r(
        "a mean time between failures",
        "days",
        0.01,
        1e5,
        "shorter would flood the event list, longer never fails inside a horizon",
    );
}

/// Positions in one TOML text.
struct TomlAt<'a> {
    file: &'a str,
    text: &'a str,
}

impl TomlAt<'_> {
    fn line<T>(&self, v: &Spanned<T>) -> Option<u64> {
        Some(line_of_offset(self.text.as_bytes(), v.span().start))
    }
    fn diag<T>(&self, v: &Spanned<T>, field: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(self.file, self.line(v), message).field(field)
    }
    /// A number in its range, or the error at its value's span.
    fn ranged(&self, sink: &mut Sink, v: &Spanned<f64>, field: &str, range: &Range) -> f64 {
        let x = *v.get_ref();
        if let Err(e) = range.check(x) {
            sink.push(self.diag(v, field, e.message).maybe_hint(e.hint));
        }
        x
    }
    /// Every id of a source list (`S10;E-X`) exists.
    fn sources(&self, sink: &mut Sink, net: &Network, v: &Spanned<String>, field: &str) {
        for key in v
            .get_ref()
            .split([';', ' ', ','])
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            if !net.sources.iter().any(|s| s.key == key) {
                sink.push(
                    self.diag(v, field, format!("unknown source `{key}`")).hint(
                        did_you_mean(key, net.sources.iter().map(|s| s.key.as_str()))
                            .unwrap_or_else(|| "name source ids from sources.csv".into()),
                    ),
                );
            }
        }
        if v.get_ref().trim().is_empty() {
            sink.push(
                self.diag(v, field, "missing source")
                    .hint("every figure names its source ids from sources.csv"),
            );
        }
    }
}

pub(super) fn parse_simulation(
    net: &Network,
    file: &str,
    text: &str,
    out: &mut Parsed,
    sink: &mut Sink,
) {
    let at = TomlAt { file, text };
    let t: Toml = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_of_offset(text.as_bytes(), s.start));
            sink.push(
                Diagnostic::at(file, line, e.message().trim_end().to_string())
                    .hint("see data/simulation.toml of the default dataset"),
            );
            return;
        }
    };
    if let Some(season) = &t.seasonality {
        at.sources(sink, net, &season.src, "seasonality.src");
        for (field, v, slot) in [
            (
                "seasonality.containers",
                &season.containers,
                &mut out.season_containers,
            ),
            (
                "seasonality.wagonload",
                &season.wagonload,
                &mut out.season_wagonload,
            ),
        ] {
            match profile(v.get_ref()) {
                Ok(p) => *slot = p,
                Err(msg) => {
                    sink.push(at.diag(v, field, msg).hint(
                        "12 relative monthly volumes, January to December, e.g. [1.0, 0.8, …]",
                    ))
                }
            }
        }
    }
    let u = &t.units;
    for (field, src) in [
        ("units.teu_per_wagon_src", &u.teu_per_wagon_src),
        ("units.teu_per_train_src", &u.teu_per_train_src),
        ("units.tonnes_per_wagon_src", &u.tonnes_per_wagon_src),
        ("choice.choice_src", &t.choice.choice_src),
    ] {
        at.sources(sink, net, src, field);
    }
    out.teu_per_wagon = at.ranged(
        sink,
        &u.teu_per_wagon,
        "units.teu_per_wagon",
        &bounds::TEU_PER_WAGON,
    );
    out.teu_per_train = at.ranged(
        sink,
        &u.teu_per_train,
        "units.teu_per_train",
        &bounds::TEU_PER_TRAIN,
    );
    out.tonnes_per_wagon = at.ranged(
        sink,
        &u.tonnes_per_wagon,
        "units.tonnes_per_wagon",
        &bounds::TONNES_PER_WAGON,
    );
    let c = &t.choice;
    out.choice = Choice {
        value_of_time: at.ranged(
            sink,
            &c.value_of_time_usd_per_teu_day,
            "choice.value_of_time_usd_per_teu_day",
            &bounds::VALUE_OF_TIME,
        ),
        carbon_price: at.ranged(
            sink,
            &c.carbon_usd_per_t,
            "choice.carbon_usd_per_t",
            &bounds::CARBON,
        ),
        scale: at.ranged(sink, &c.scale_usd, "choice.scale_usd", &bounds::SCALE),
    };
    for w in t.weather {
        let Some(mode) = Mode::parse(w.mode.get_ref()) else {
            sink.push(
                at.diag(
                    &w.mode,
                    "weather.mode",
                    format!("unknown mode `{}`", w.mode.get_ref()),
                )
                .hint(
                    did_you_mean(w.mode.get_ref(), Mode::NAMES.iter().copied())
                        .unwrap_or_else(|| format!("modes are {}", Mode::expected())),
                ),
            );
            continue;
        };
        let shares = w.closed_share.get_ref();
        if shares.len() != 12
            || shares
                .iter()
                .any(|x| !(x.is_finite() && (0.0..0.95).contains(x)))
        {
            sink.push(at.diag(
                &w.closed_share,
                "weather.closed_share",
                format!("closed_share needs 12 monthly shares in [0, 0.95), found {shares:?}"),
            ));
            continue;
        }
        // Closures of half an hour to a year: shorter ones would only flood the event list,
        // longer ones are not weather.
        if let Some((p90, msg)) = p50_p90_error(
            "episode",
            "closure lengths",
            *w.episode_p50_h.get_ref(),
            *w.episode_p90_h.get_ref(),
            0.5,
            8760.0,
        ) {
            let (v, field) = if p90 {
                (&w.episode_p90_h, "weather.episode_p90_h")
            } else {
                (&w.episode_p50_h, "weather.episode_p50_h")
            };
            sink.push(at.diag(v, field, msg));
            continue;
        }
        at.sources(sink, net, &w.closed_share_src, "weather.closed_share_src");
        at.sources(sink, net, &w.episode_src, "weather.episode_src");
        let mut cs = [0.0; 12];
        cs.copy_from_slice(shares);
        out.weather.push(Weather {
            mode,
            closed_share: cs,
            episode_p50_h: *w.episode_p50_h.get_ref(),
            episode_p90_h: *w.episode_p90_h.get_ref(),
        });
    }
    for b in t.breakdown {
        let target = b.target.get_ref();
        let outage = if let Some(n) = net.node_by_key(target) {
            let server = !net.node(n).capacity.is_empty();
            if !server {
                sink.push(
                    at.diag(
                        &b.target,
                        "breakdown.target",
                        format!(
                            "node `{target}` has no capacity, so no server to break down"
                        ),
                    )
                    .hint(
                        "a node breakdown needs a capacity (TEU, trains, wagons or Mt/yr) in nodes.csv",
                    ),
                );
                continue;
            }
            Outage::Node(n)
        } else if let Some(i) = net.services.iter().position(|s| s.key == *target) {
            Outage::Service(ServiceId(i as u32))
        } else {
            let keys = net
                .nodes
                .iter()
                .map(|n| n.key.as_str())
                .chain(net.services.iter().map(|s| s.key.as_str()));
            sink.push(
                at.diag(
                    &b.target,
                    "breakdown.target",
                    format!("unknown node or service `{target}`"),
                )
                .hint(did_you_mean(target, keys).unwrap_or_else(|| {
                    "a node id from nodes.csv (with a capacity) or a service id from services.csv"
                        .into()
                })),
            );
            continue;
        };
        let errors = sink.errors().len();
        let mtbf_days = at.ranged(sink, &b.mtbf_days, "breakdown.mtbf_days", &bounds::MTBF);
        // Repairs of half a minute to ten years.
        if let Some((p90, msg)) = p50_p90_error(
            "repair",
            "repair times",
            *b.repair_p50_h.get_ref(),
            *b.repair_p90_h.get_ref(),
            0.01,
            87_600.0,
        ) {
            let (v, field) = if p90 {
                (&b.repair_p90_h, "breakdown.repair_p90_h")
            } else {
                (&b.repair_p50_h, "breakdown.repair_p50_h")
            };
            sink.push(at.diag(v, field, msg));
        }
        at.sources(sink, net, &b.src, "breakdown.src");
        if sink.errors().len() > errors {
            continue;
        }
        out.breakdowns.push(Breakdown {
            target: target.clone(),
            outage,
            mtbf_h: mtbf_days * 24.0,
            repair_p50_h: *b.repair_p50_h.get_ref(),
            repair_p90_h: *b.repair_p90_h.get_ref(),
        });
    }
}

/// A median and 90th percentile in hours (`KEY_p50_h`, `KEY_p90_h`) must satisfy
/// `lo ≤ p50 ≤ p90 ≤ hi`: if they do not, whether the P90 is at fault (else the median)
/// and the message.
fn p50_p90_error(
    key: &str,
    what: &str,
    p50: f64,
    p90: f64,
    lo: f64,
    hi: f64,
) -> Option<(bool, String)> {
    let p90_at_fault = if !(lo..=hi).contains(&p50) {
        false
    } else if !(p50..=hi).contains(&p90) {
        true
    } else {
        return None;
    };
    Some((
        p90_at_fault,
        format!(
            "{what} need {lo} ≤ {key}_p50_h ≤ {key}_p90_h ≤ {hi} hours, found {p50:?} and {p90:?}"
        ),
    ))
}

/// A monthly profile normalised to mean 1: 12 finite, non-negative values, not all zero.
fn profile(v: &[f64]) -> Result<[f64; 12], String> {
    if v.len() != 12 {
        return Err(format!("expected 12 monthly values, found {}", v.len()));
    }
    if let Some(x) = v.iter().find(|x| !x.is_finite() || **x < 0.0 || **x > 1e6) {
        return Err(format!(
            "monthly values must be between 0 and 1000000, found {}",
            ranges::num_beside(*x, &[0.0, 1e6])
        ));
    }
    let mean = v.iter().sum::<f64>() / 12.0;
    if mean <= 0.0 {
        return Err("at least one month needs demand".into());
    }
    let mut p = [0.0; 12];
    for (o, x) in p.iter_mut().zip(v) {
        *o = x / mean;
    }
    Ok(p)
}
