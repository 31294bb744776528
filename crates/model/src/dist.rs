//! Probability distributions of durations (dwell, handling, travel time).
//!
//! Written in data files as small expressions, e.g. `fixed(4h)`, `tri(1h, 2h, 6h)`,
//! `lognormal(p50=24h, p90=72h)`, `empirical(2h:0.5, 3h:0.3, 10h:0.2)`.
//! Durations take a unit: `min`, `h` or `d`. Arguments are separated by `,` or `;` (the
//! latter needs no quoting in a CSV file). The model crate does not draw random
//! numbers itself: callers pass a uniform variate to [`Distribution::sample`], so the
//! random streams stay with the simulation (one seeded stream per replication).

use crate::ranges::{num, num_beside};
use crate::units::{Hours, KmPerDay};
use serde::{Deserialize, Serialize};
use std::fmt;

/// z-score of the 90th percentile of the standard normal distribution.
pub const Z90: f64 = 1.281_551_565_544_600_5;

/// A distribution of non-negative durations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Distribution {
    /// Always the same value.
    Fixed {
        /// The value.
        value: Hours,
    },
    /// Triangular on `[min, max]` with peak at `mode`.
    Triangular {
        /// Lower bound.
        min: Hours,
        /// Most likely value.
        mode: Hours,
        /// Upper bound.
        max: Hours,
    },
    /// Log-normal given by its median and 90th percentile (how dwell times are reported).
    LogNormal {
        /// Median.
        p50: Hours,
        /// 90th percentile (≥ `p50`).
        p90: Hours,
    },
    /// A discrete distribution over observed values with weights summing to 1
    /// (sorted by value).
    Empirical {
        /// (value, probability) pairs sorted by value.
        points: Vec<(Hours, f64)>,
    },
}

/// Why a distribution expression was rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct SpecError {
    /// What is wrong.
    pub message: String,
    /// How to write it instead.
    pub hint: Option<String>,
}

impl SpecError {
    fn new(message: impl Into<String>) -> Self {
        SpecError {
            message: message.into(),
            hint: None,
        }
    }
    fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// The forms accepted in a distribution field, for error messages.
pub const DIST_FORMS: &str =
    "fixed(4h), tri(1h, 2h, 6h), lognormal(p50=24h, p90=72h) or empirical(2h:0.5, 3h:0.5)";

impl Distribution {
    /// Median.
    pub fn p50(&self) -> Hours {
        self.quantile(0.5)
    }

    /// Mean value.
    pub fn mean(&self) -> Hours {
        match self {
            Distribution::Fixed { value } => *value,
            Distribution::Triangular { min, mode, max } => Hours((min.0 + mode.0 + max.0) / 3.0),
            Distribution::LogNormal { p50, p90 } => {
                let s = lognormal_sigma(*p50, *p90);
                Hours(p50.0 * (s * s / 2.0).exp())
            }
            Distribution::Empirical { points } => Hours(points.iter().map(|(v, w)| v.0 * w).sum()),
        }
    }

    /// The `p`-quantile (`p` is clamped into [0, 1]; for the log-normal, 0 and 1 map to
    /// the 1e-9 and 1 − 1e-9 quantiles).
    #[inline]
    pub fn quantile(&self, p: f64) -> Hours {
        let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
        match self {
            Distribution::Fixed { value } => *value,
            Distribution::Triangular { min, mode, max } => {
                let (a, c, b) = (min.0, mode.0, max.0);
                if b <= a {
                    return Hours(a);
                }
                let fc = (c - a) / (b - a);
                if p < fc {
                    Hours(a + (p * (b - a) * (c - a)).sqrt())
                } else {
                    Hours(b - ((1.0 - p) * (b - a) * (b - c)).sqrt())
                }
            }
            Distribution::LogNormal { p50, p90 } => {
                Hours(lognormal_quantile(p50.0, lognormal_sigma(*p50, *p90), p))
            }
            Distribution::Empirical { points } => {
                let mut acc = 0.0;
                for (v, w) in points {
                    acc += w;
                    if acc >= p - 1e-12 {
                        return *v;
                    }
                }
                points.last().map(|x| x.0).unwrap_or(Hours::ZERO)
            }
        }
    }

    /// A draw, given a uniform variate `u` in (0, 1) (inverse-transform sampling).
    #[inline]
    pub fn sample(&self, u: f64) -> Hours {
        self.quantile(u)
    }

    /// Parse an expression such as `lognormal(p50=24h, p90=72h)`; every duration in it
    /// must lie in [`crate::ranges::DURATION`] (0 to 365 days) and a log-normal's median in
    /// [`crate::ranges::LOGNORMAL_P50`].
    pub fn parse(text: &str) -> Result<Distribution, SpecError> {
        Distribution::parse_noted(text).map(|(d, _)| d)
    }

    /// [`Distribution::parse`], with notes on what is legal but suspicious (empirical
    /// weights that do not sum to 1 and are normalised).
    pub fn parse_noted(text: &str) -> Result<(Distribution, Vec<String>), SpecError> {
        let (name, args) = split_call(text).ok_or_else(|| {
            SpecError::new(format!("`{}` is not a distribution", text.trim()))
                .hint(format!("write one of {DIST_FORMS}"))
        })?;
        let duration = |t: &str| -> Result<Hours, SpecError> {
            let h = parse_duration(t)?;
            crate::ranges::DURATION.check(h.0).map(Hours)
        };
        let mut notes = Vec::new();
        let d = match name {
            "fixed" => {
                let [v] = positional::<1>(name, &args)?;
                Distribution::Fixed {
                    value: duration(v)?,
                }
            }
            "tri" | "triangular" => {
                let [a, c, b] = positional::<3>(name, &args)?;
                let (a, c, b) = (duration(a)?, duration(c)?, duration(b)?);
                if !(a.0 <= c.0 && c.0 <= b.0) {
                    return Err(SpecError::new(format!(
                        "triangular bounds must satisfy min ≤ mode ≤ max, found {}h, {}h, {}h",
                        num_beside(a.0, &[c.0, b.0]),
                        num_beside(c.0, &[a.0, b.0]),
                        num_beside(b.0, &[a.0, c.0])
                    ))
                    .hint("write tri(MIN, MODE, MAX), e.g. tri(1h, 2h, 6h)"));
                }
                Distribution::Triangular {
                    min: a,
                    mode: c,
                    max: b,
                }
            }
            "lognormal" => {
                let p50 = named(name, &args, "p50")?;
                let p90 = named(name, &args, "p90")?;
                let (p50, p90) = (parse_duration(p50)?, parse_duration(p90)?);
                check_lognormal(p50, p90)?;
                Distribution::LogNormal { p50, p90 }
            }
            "empirical" => {
                if args.is_empty() || args.iter().all(|a| a.is_empty()) {
                    return Err(SpecError::new("empirical() needs at least one value").hint(
                        "write empirical(2h, 3h, 10h) or empirical(2h:0.5, 3h:0.3, 10h:0.2)",
                    ));
                }
                let mut pts = Vec::with_capacity(args.len());
                let weighted = args[0].contains(':');
                for a in &args {
                    if a.contains(':') != weighted {
                        return Err(SpecError::new(
                            "empirical() values must all have weights or none",
                        )
                        .hint("write empirical(2h:0.5, 3h:0.5) or empirical(2h, 3h)"));
                    }
                    let (v, w) = match a.split_once(':') {
                        Some((v, w)) => (v.trim(), parse_number(w.trim(), "weight")?),
                        None => (a.as_str(), 1.0),
                    };
                    if w <= 0.0 {
                        return Err(SpecError::new(format!(
                            "weight `{}` must be positive",
                            num(w)
                        )));
                    }
                    pts.push((duration(v)?, w));
                }
                // Summed relative to the largest weight, so weights near the largest
                // number (1e308 + 1e308) still add up.
                let max = pts.iter().map(|p| p.1).fold(0.0, f64::max);
                let relative: f64 = pts.iter().map(|p| p.1 / max).sum();
                let total = max * relative;
                if let Some((v, w)) = pts.iter().find(|p| p.1 / max / relative == 0.0) {
                    return Err(SpecError::new(format!(
                        "weight `{}` of {}h is negligible beside the largest weight `{}`: it would count as 0",
                        num(*w),
                        num(v.0),
                        num(max)
                    ))
                    .hint("write the weights as shares of the total, e.g. empirical(2h:0.5, 3h:0.5), or drop the value"));
                }
                if weighted && (total - 1.0).abs() > 1e-6 {
                    notes.push(if total.is_finite() {
                        format!(
                            "the weights sum to {}, not 1; each is divided by {} (normalised)",
                            num(total),
                            num(total)
                        )
                    } else {
                        format!(
                            "the weights sum to more than {}, not 1; each is divided by their sum (normalised)",
                            num(f64::MAX)
                        )
                    });
                }
                Distribution::empirical(pts)
            }
            "by_speed" => {
                return Err(
                    SpecError::new("by_speed(…) is only allowed in a link's `time` field")
                        .hint(format!("write one of {DIST_FORMS}")),
                );
            }
            other => {
                return Err(SpecError::new(format!("unknown distribution `{other}`"))
                    .hint(format!("write one of {DIST_FORMS}")));
            }
        };
        Ok((d, notes))
    }

    /// An empirical distribution from (value, weight) pairs; weights are normalised (unless
    /// they already sum to 1 within 1e-12, so a normalised distribution written out and read
    /// back is the same) and points sorted by value. Callers guarantee positive finite
    /// weights, none negligible beside the largest, and at least one point.
    pub fn empirical(mut pts: Vec<(Hours, f64)>) -> Distribution {
        // Relative to the largest weight: the sum of weights near 1e308 stays finite.
        let max = pts.iter().map(|p| p.1).fold(0.0, f64::max);
        let relative: f64 = pts.iter().map(|p| p.1 / max).sum();
        if (max * relative - 1.0).abs() > 1e-12 {
            for p in &mut pts {
                p.1 = p.1 / max / relative;
            }
        }
        pts.sort_by(|a, b| a.0.0.total_cmp(&b.0.0));
        Distribution::Empirical { points: pts }
    }
}

fn check_lognormal(p50: Hours, p90: Hours) -> Result<(), SpecError> {
    if p50.0 <= 0.0 {
        return Err(SpecError::new(format!(
            "lognormal p50 must be positive, found {}h",
            num(p50.0)
        ))
        .hint("a zero dwell is fixed(0h)"));
    }
    crate::ranges::LOGNORMAL_P50.check(p50.0 * 60.0)?;
    crate::ranges::DURATION.check(p90.0)?;
    if p90.0 < p50.0 {
        return Err(SpecError::new(format!(
            "lognormal p90 ({}h) is below p50 ({}h)",
            num_beside(p90.0, &[p50.0]),
            num_beside(p50.0, &[p90.0])
        ))
        .hint("the 90th percentile cannot be smaller than the median; swap them?"));
    }
    Ok(())
}

/// The `p`-quantile of the log-normal with median `p50` and log-σ `sigma` (`p` in [0, 1];
/// 0 and 1 map to the 1e-9 and 1 − 1e-9 quantiles). Callers that draw many times from one
/// distribution compute σ once with [`lognormal_sigma`] and call this.
#[inline]
pub fn lognormal_quantile(p50: f64, sigma: f64, p: f64) -> f64 {
    if sigma == 0.0 {
        return p50;
    }
    let p = p.clamp(1e-9, 1.0 - 1e-9);
    p50 * (sigma * inverse_normal_cdf(p)).exp()
}

/// A distribution made ready to draw many times: its constants (the log-normal's σ)
/// computed once. Draws are those of [`Distribution::sample`], bit for bit.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Always this many hours.
    Fixed(f64),
    /// A log-normal of median `p50` hours and log-σ `sigma` (> 0).
    LogNormal {
        /// Median, hours.
        p50: f64,
        /// Log-σ.
        sigma: f64,
    },
    /// Any other distribution, drawn through [`Distribution::sample`].
    Other(Distribution),
}

impl Sampler {
    /// The sampler of `d`.
    pub fn new(d: &Distribution) -> Sampler {
        match d {
            Distribution::Fixed { value } => Sampler::Fixed(value.0),
            Distribution::LogNormal { p50, p90 } => {
                let sigma = lognormal_sigma(*p50, *p90);
                if sigma == 0.0 {
                    Sampler::Fixed(p50.0)
                } else {
                    Sampler::LogNormal { p50: p50.0, sigma }
                }
            }
            other => Sampler::Other(other.clone()),
        }
    }

    /// A log-normal from its median and 90th percentile, hours.
    pub fn lognormal(p50: f64, p90: f64) -> Sampler {
        Sampler::new(&Distribution::LogNormal {
            p50: Hours(p50),
            p90: Hours(p90),
        })
    }

    /// A draw, hours, from a uniform variate in (0, 1).
    #[inline]
    pub fn sample(&self, u: f64) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::LogNormal { p50, sigma } => {
                let p = if u.is_nan() { 0.5 } else { u };
                lognormal_quantile(*p50, *sigma, p)
            }
            Sampler::Other(d) => d.sample(u).0,
        }
    }
}

/// σ of the log-normal with the given median and 90th percentile.
#[inline]
pub fn lognormal_sigma(p50: Hours, p90: Hours) -> f64 {
    if p50.0 <= 0.0 || p90.0 <= p50.0 {
        0.0
    } else {
        (p90.0 / p50.0).ln() / Z90
    }
}

impl fmt::Display for Distribution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Distribution::Fixed { value } => write!(f, "fixed({}h)", value.0),
            Distribution::Triangular { min, mode, max } => {
                write!(f, "tri({}h, {}h, {}h)", min.0, mode.0, max.0)
            }
            Distribution::LogNormal { p50, p90 } => {
                write!(f, "lognormal(p50={}h, p90={}h)", p50.0, p90.0)
            }
            Distribution::Empirical { points } => {
                write!(f, "empirical(")?;
                for (i, (v, w)) in points.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}h:{}", v.0, w)?;
                }
                write!(f, ")")
            }
        }
    }
}

/// How a link's travel time is given: a distribution, or section speeds that turn the
/// link's distance into a log-normal travel time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum TimeSpec {
    /// A duration distribution.
    Dist {
        /// The distribution.
        dist: Distribution,
    },
    /// Median and 90th-percentile (slow) speeds; time = distance / speed.
    BySpeed {
        /// Median speed.
        p50: KmPerDay,
        /// Speed exceeded 90 % of the time (≤ `p50`).
        p90: KmPerDay,
    },
}

impl TimeSpec {
    /// Parse a link `time` field: a distribution or `by_speed(p50=700km/d, p90=540km/d)`.
    pub fn parse(text: &str) -> Result<TimeSpec, SpecError> {
        TimeSpec::parse_noted(text).map(|(t, _)| t)
    }

    /// [`TimeSpec::parse`], with the notes of [`Distribution::parse_noted`].
    pub fn parse_noted(text: &str) -> Result<(TimeSpec, Vec<String>), SpecError> {
        if let Some(("by_speed", args)) = split_call(text) {
            let p50 = parse_speed(named("by_speed", &args, "p50")?)?;
            let p90 = parse_speed(named("by_speed", &args, "p90")?)?;
            if p90.0 > p50.0 {
                return Err(SpecError::new(format!(
                    "by_speed p90 speed ({} km/d) is above the p50 speed ({} km/d)",
                    num_beside(p90.0, &[p50.0]),
                    num_beside(p50.0, &[p90.0])
                ))
                .hint("p90 is the slow case: the speed beaten 90 % of the time, so p90 ≤ p50"));
            }
            return Ok((TimeSpec::BySpeed { p50, p90 }, Vec::new()));
        }
        Distribution::parse_noted(text)
            .map(|(dist, notes)| (TimeSpec::Dist { dist }, notes))
            .map_err(|e| match e.hint {
                Some(h) if h.starts_with("write one of") => SpecError {
                    message: e.message,
                    hint: Some(format!("{h}, or by_speed(p50=700km/d, p90=540km/d)")),
                },
                _ => e,
            })
    }

    /// The travel-time distribution over a link of the given length.
    pub fn resolve(&self, distance_km: f64) -> Distribution {
        match self {
            TimeSpec::Dist { dist } => dist.clone(),
            TimeSpec::BySpeed { p50, p90 } => {
                let t50 = Hours(distance_km / p50.0 * 24.0);
                let t90 = Hours(distance_km / p90.0 * 24.0);
                if t50.0 <= 0.0 {
                    Distribution::Fixed { value: Hours::ZERO }
                } else {
                    Distribution::LogNormal { p50: t50, p90: t90 }
                }
            }
        }
    }
}

impl fmt::Display for TimeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeSpec::Dist { dist } => dist.fmt(f),
            TimeSpec::BySpeed { p50, p90 } => {
                write!(f, "by_speed(p50={}km/d, p90={}km/d)", p50.0, p90.0)
            }
        }
    }
}

/// Split `name(a, b, c)` into its name and trimmed arguments.
fn split_call(text: &str) -> Option<(&str, Vec<String>)> {
    let t = text.trim();
    let open = t.find('(')?;
    if !t.ends_with(')') {
        return None;
    }
    let name = t[..open].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let inner = &t[open + 1..t.len() - 1];
    let args = if inner.trim().is_empty() {
        Vec::new()
    } else {
        inner
            .split([',', ';'])
            .map(|s| s.trim().to_string())
            .collect()
    };
    Some((name, args))
}

fn positional<'a, const N: usize>(
    name: &str,
    args: &'a [String],
) -> Result<[&'a str; N], SpecError> {
    if args.len() != N || args.iter().any(|a| a.contains('=')) {
        return Err(SpecError::new(format!(
            "{name}() takes {N} duration{}, found {}",
            if N == 1 { "" } else { "s" },
            args.len()
        ))
        .hint(format!("write one of {DIST_FORMS}")));
    }
    let mut out = [""; N];
    for (o, a) in out.iter_mut().zip(args) {
        *o = a.as_str();
    }
    Ok(out)
}

fn named<'a>(name: &str, args: &'a [String], key: &str) -> Result<&'a str, SpecError> {
    let mut found = None;
    for a in args {
        let Some((k, v)) = a.split_once('=') else {
            return Err(
                SpecError::new(format!("{name}() takes named arguments, found `{a}`"))
                    .hint(format!("write {name}(p50=…, p90=…)")),
            );
        };
        let k = k.trim();
        if k != "p50" && k != "p90" {
            return Err(SpecError::new(format!("{name}() has no argument `{k}`"))
                .hint(format!("write {name}(p50=…, p90=…)")));
        }
        if k == key {
            found = Some(v.trim());
        }
    }
    found.ok_or_else(|| {
        SpecError::new(format!("{name}() is missing `{key}=`"))
            .hint(format!("write {name}(p50=…, p90=…)"))
    })
}

/// Parse a plain number (finite, non-negative).
pub fn parse_number(text: &str, what: &str) -> Result<f64, SpecError> {
    let t = text.trim();
    // Digit separators (`89_000`) are accepted; only such numbers pay for a copy.
    let parsed = if t.contains('_') {
        t.replace('_', "").parse::<f64>()
    } else {
        t.parse::<f64>()
    };
    let v: f64 = parsed.map_err(|_| {
        SpecError::new(format!("`{}` is not a number", text.trim()))
            .hint(format!("{what} is a number such as 12.5"))
    })?;
    if !v.is_finite() {
        return Err(SpecError::new(format!(
            "{what} must be a finite number, found `{}`",
            text.trim()
        )));
    }
    if v < 0.0 {
        return Err(SpecError::new(format!(
            "{what} must not be negative, found {}",
            num(v)
        )));
    }
    Ok(v)
}

/// Split `12.5 TEU` into its number and unit; `what` names the quantity in messages.
pub fn number_with_unit<'a>(text: &'a str, what: &str) -> Result<(f64, &'a str), SpecError> {
    let (num, unit) = split_number_unit(text);
    if num.is_empty() {
        let first = text.split_whitespace().next().unwrap_or("");
        let word = first
            .trim_end_matches(|c: char| c.is_ascii_alphabetic() && !matches!(c, 'N' | 'a' | 'f'));
        let looks_special = ["nan", "inf", "infinity", "-inf"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w) || first.to_lowercase().starts_with(w));
        return Err(if looks_special {
            SpecError::new(format!(
                "{what} must be a finite number, found `{}`",
                text.trim()
            ))
        } else {
            SpecError::new(format!("`{}` does not start with a number", text.trim()))
        }
        .hint(format!(
            "{what} is a number followed by its unit, e.g. 12.5 …"
        )));
    }
    if let Some(rest) = unit.strip_prefix(',') {
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return Err(
                SpecError::new(format!("`{}` has a decimal comma", text.trim()))
                    .hint(format!("write a decimal point: {num}.{digits}")),
            );
        }
    }
    Ok((parse_number(num, what)?, unit))
}

/// Split `12.5km/d` or `12.5 TEU` into the number and the unit text.
pub fn split_number_unit(text: &str) -> (&str, &str) {
    let t = text.trim();
    let end = t
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit() || c == '.' || c == '_' || ((c == '-' || c == '+') && i == 0))
                && !((c == 'e' || c == 'E')
                    && i > 0
                    && t[i + 1..].starts_with(|d: char| d.is_ascii_digit() || d == '-' || d == '+'))
                && !((c == '-' || c == '+') && i > 0 && matches!(t.as_bytes()[i - 1], b'e' | b'E'))
        })
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    (t[..end].trim(), t[end..].trim())
}

/// Parse a duration such as `4h`, `90min`, `2.5d`.
pub fn parse_duration(text: &str) -> Result<Hours, SpecError> {
    let (v, unit) = number_with_unit(text, "a duration").map_err(|e| SpecError {
        hint: Some("a duration is a number with a unit: 30min, 4h or 2d".into()),
        ..e
    })?;
    let num = split_number_unit(text).0;
    let h = match unit {
        "h" => v,
        "min" => v / 60.0,
        "d" => v * 24.0,
        "" => {
            return Err(
                SpecError::new(format!("duration `{}` has no unit", text.trim()))
                    .hint(format!("write {num}h, {num}min or {num}d")),
            );
        }
        other => {
            return Err(SpecError::new(format!(
                "unknown duration unit `{other}` in `{}`",
                text.trim()
            ))
            .hint("units are min, h and d"));
        }
    };
    if !h.is_finite() {
        return Err(SpecError::new(format!(
            "duration `{}` is too large to be a number of hours",
            text.trim()
        ))
        .hint("transport times are minutes to months: 30min, 4h, 2d"));
    }
    Ok(Hours(h))
}

fn parse_speed(text: &str) -> Result<KmPerDay, SpecError> {
    let (v, unit) = number_with_unit(text, "a speed")?;
    let kmd = match unit {
        "km/d" => v,
        "km/h" => v * 24.0,
        other => {
            return Err(SpecError::new(format!(
                "unknown speed unit `{other}` in `{}`",
                text.trim()
            ))
            .hint("write a speed as 700km/d or 40km/h"));
        }
    };
    if kmd <= 0.0 {
        return Err(SpecError::new("a speed must be positive"));
    }
    crate::ranges::SPEED.check(kmd).map(KmPerDay)
}

/// Inverse of the standard normal CDF (Acklam's rational approximation; relative error
/// below 1.2e-9 on (0, 1), and exactly 0 at p = 0.5).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383_577_518_672_69e2,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sampler_draws_what_the_distribution_draws_bit_for_bit() {
        for text in [
            "fixed(4h)",
            "tri(1h, 2h, 6h)",
            "lognormal(p50=24h, p90=72h)",
            "lognormal(p50=5h, p90=5h)",
            "empirical(2h:0.5, 3h:0.3, 10h:0.2)",
        ] {
            let d = Distribution::parse(text).unwrap();
            let s = Sampler::new(&d);
            let mut us: Vec<f64> = (0..=1000).map(|i| i as f64 / 1000.0).collect();
            us.extend([1e-12, 1.0 - 1e-12, f64::NAN]);
            for u in us {
                assert_eq!(
                    s.sample(u).to_bits(),
                    d.sample(u).0.to_bits(),
                    "{text} at u = {u}"
                );
            }
        }
    }

    #[test]
    fn parses_every_form_and_round_trips() {
        for text in [
            "fixed(4h)",
            "tri(1h, 2h, 6h)",
            "lognormal(p50=24h, p90=72h)",
            "empirical(2h:0.5, 3h:0.25, 10h:0.25)",
        ] {
            let d = Distribution::parse(text).unwrap();
            assert_eq!(d.to_string(), text);
            assert_eq!(Distribution::parse(&d.to_string()).unwrap(), d);
        }
        assert_eq!(
            Distribution::parse("fixed(2d)").unwrap(),
            Distribution::Fixed { value: Hours(48.0) }
        );
        assert_eq!(
            Distribution::parse(" fixed( 90min ) ").unwrap(),
            Distribution::Fixed { value: Hours(1.5) }
        );
    }

    #[test]
    fn lognormal_quantiles_match_its_parameters() {
        let d = Distribution::parse("lognormal(p50=24h, p90=72h)").unwrap();
        assert!((d.quantile(0.5).0 - 24.0).abs() < 1e-9);
        assert!((d.quantile(0.9).0 - 72.0).abs() < 1e-6);
        // Mean of a log-normal is above its median.
        assert!(d.mean().0 > 24.0);
    }

    #[test]
    fn triangular_quantiles() {
        let d = Distribution::parse("tri(0h, 5h, 10h)").unwrap();
        assert!((d.quantile(0.5).0 - 5.0).abs() < 1e-12);
        assert_eq!(d.quantile(0.0).0, 0.0);
        assert_eq!(d.quantile(1.0).0, 10.0);
        assert!((d.mean().0 - 5.0).abs() < 1e-12);
    }

    #[test]
    fn empirical_is_normalised_and_sorted() {
        let d = Distribution::parse("empirical(10h, 2h, 3h, 5h)").unwrap();
        assert_eq!(d.quantile(0.25), Hours(2.0));
        assert_eq!(d.quantile(0.5), Hours(3.0));
        assert_eq!(d.quantile(1.0), Hours(10.0));
        assert!((d.mean().0 - 5.0).abs() < 1e-12);
    }

    #[test]
    fn weights_near_the_largest_number_are_normalised_not_overflowed() {
        let (d, notes) = Distribution::parse_noted("empirical(1h:1e308; 1000h:1e308)").unwrap();
        assert_eq!(
            d,
            Distribution::Empirical {
                points: vec![(Hours(1.0), 0.5), (Hours(1000.0), 0.5)]
            }
        );
        assert_eq!(
            notes,
            vec![
                "the weights sum to more than 1.79769e308, not 1; each is divided by their sum (normalised)"
            ]
        );
        // The same distribution as weights 1:1, and its text reads back as itself.
        assert_eq!(d, Distribution::parse("empirical(1h:1; 1000h:1)").unwrap());
        assert_eq!(Distribution::parse(&d.to_string()).unwrap(), d);
        // Normalised weights are kept as they are: writing and reading is a fixed point.
        let thirds = Distribution::parse("empirical(1h:1, 2h:1, 3h:1)").unwrap();
        assert_eq!(Distribution::parse(&thirds.to_string()).unwrap(), thirds);
    }

    #[test]
    fn inverse_normal_is_accurate() {
        assert_eq!(inverse_normal_cdf(0.5), 0.0);
        assert!((inverse_normal_cdf(0.9) - Z90).abs() < 3e-9);
        assert!((inverse_normal_cdf(0.975) - 1.959_963_984_540_054).abs() < 3e-9);
        assert!((inverse_normal_cdf(0.001) + 3.090_232_306_167_813_5).abs() < 1e-8);
    }

    #[test]
    fn rejects_bad_input_with_a_hint() {
        let cases = [
            ("fixed(4)", "has no unit"),
            ("fixed(4 weeks)", "unknown duration unit"),
            ("fixed(-4h)", "must not be negative"),
            ("fixed(NaNh)", "finite number"),
            ("fixed(1e308d)", "too large to be a number of hours"),
            ("lognormal(p50=24h)", "missing `p90=`"),
            ("lognormal(p50=24h, p90=12h)", "below p50"),
            ("tri(3h, 2h, 1h)", "min ≤ mode ≤ max"),
            ("gamma(2h)", "unknown distribution"),
            ("24h", "is not a distribution"),
            ("empirical()", "at least one value"),
            ("empirical(1h:0.5, 2h)", "weights or none"),
            (
                "empirical(1h:5e-324, 2h:1e308)",
                "negligible beside the largest weight",
            ),
        ];
        for (text, want) in cases {
            let e = Distribution::parse(text).unwrap_err();
            assert!(e.message.contains(want), "{text}: {}", e.message);
        }
    }

    #[test]
    fn by_speed_turns_distance_into_time() {
        let t = TimeSpec::parse("by_speed(p50=700km/d, p90=500km/d)").unwrap();
        let d = t.resolve(1400.0);
        assert!((d.p50().0 - 48.0).abs() < 1e-9);
        assert!((d.quantile(0.9).0 - 1400.0 / 500.0 * 24.0).abs() < 1e-6);
        assert_eq!(TimeSpec::parse(&t.to_string()).unwrap(), t);
        assert!(TimeSpec::parse("by_speed(p50=500km/d, p90=700km/d)").is_err());
    }
}
