//! A sweep plan as written (TOML with the span of every value) and bound to its base
//! scenario: every axis's parameter resolved by `corridor_scenario::vary`, every value
//! read by the parameter's kind and checked by setting it on the scenario, every problem a
//! [`Diagnostic`] at its file, line and key, all of them reported at once.

use crate::design::{Axis, Design, Levels};
use corridor_model::diag::{Diagnostic, LoadErrors, Sink};
use corridor_model::read::line_of_offset;
use corridor_route::time::Instant;
use corridor_scenario::Scenario;
use corridor_scenario::vary::{Kind, Param};
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct PlanToml {
    name: Spanned<String>,
    #[serde(default)]
    title: Option<String>,
    scenario: Spanned<String>,
    #[serde(default)]
    replications: Option<Spanned<i64>>,
    #[serde(default)]
    design: Option<DesignToml>,
    #[serde(default)]
    axis: Vec<AxisToml>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct DesignToml {
    kind: Spanned<String>,
    #[serde(default)]
    samples: Option<Spanned<i64>>,
    #[serde(default)]
    seed: Option<Spanned<i64>>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct AxisToml {
    param: Spanned<String>,
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    values: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    #[serde(default)]
    range: Option<Spanned<RangeToml>>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
struct RangeToml {
    from: Spanned<toml::Value>,
    to: Spanned<toml::Value>,
    #[serde(default)]
    step: Option<Spanned<f64>>,
    #[serde(default)]
    count: Option<Spanned<i64>>,
}

/// A plan file read but not yet bound to its scenario.
#[derive(Debug)]
pub struct PlanFile {
    /// The file's name in messages.
    pub file: String,
    /// The sweep's name (part of every unit's seed).
    pub name: String,
    /// One line.
    pub title: String,
    /// The base scenario: an embedded name or a path relative to the plan.
    pub scenario: String,
    /// The line of `scenario`, for messages about it.
    pub scenario_line: u64,
    text: String,
    doc: PlanToml,
}

/// Most variants a plan may have, and most units.
pub const MAX_VARIANTS: usize = 100_000;
/// See [`MAX_VARIANTS`].
pub const MAX_UNITS: u64 = 10_000_000;

/// Columns of the results that an axis may not be named.
pub const RESERVED: &[&str] = &[
    "variant",
    "replication",
    "seed",
    "metric",
    "scope",
    "year",
    "value",
];

const LAYOUT: &str = "see examples/sweeps/red-sea-sweep.toml for the layout";

fn line<T>(text: &str, v: &Spanned<T>) -> u64 {
    line_of_offset(text.as_bytes(), v.span().start)
}

impl PlanFile {
    /// Read a plan's text: its TOML, names and design (the axes are checked by [`bind`]).
    pub fn parse(file: &str, text: &str) -> Result<PlanFile, LoadErrors> {
        let doc: PlanToml = toml::from_str(text).map_err(|e| {
            let l = e.span().map(|s| line_of_offset(text.as_bytes(), s.start));
            LoadErrors {
                diagnostics: vec![
                    Diagnostic::at(file, l, e.message().trim_end().to_string()).hint(LAYOUT),
                ],
                suppressed: 0,
            }
        })?;
        let mut sink = Sink::default();
        let name = doc.name.get_ref().clone();
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            sink.push(
                Diagnostic::at(
                    file,
                    Some(line(text, &doc.name)),
                    format!(
                        "sweep name `{name}` must be 1 to 64 lower-case letters, digits and `-`"
                    ),
                )
                .field("name"),
            );
        }
        if doc.axis.is_empty() {
            sink.push(
                Diagnostic::at(file, None, "a sweep plan has at least one [[axis]]")
                    .field("axis")
                    .hint(LAYOUT),
            );
        }
        let (errors, _) = sink.into_parts();
        if !errors.diagnostics.is_empty() {
            return Err(errors);
        }
        Ok(PlanFile {
            file: file.to_string(),
            title: doc.title.clone().unwrap_or_default(),
            scenario: doc.scenario.get_ref().clone(),
            scenario_line: line(text, &doc.scenario),
            name,
            text: text.to_string(),
            doc,
        })
    }

    fn err<T>(&self, sink: &mut Sink, v: &Spanned<T>, field: &str, msg: impl Into<String>) {
        sink.push(Diagnostic::at(&self.file, Some(line(&self.text, v)), msg).field(field));
    }
}

/// A plan bound to its base scenario: the axes and the design.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The sweep's name.
    pub name: String,
    /// One line.
    pub title: String,
    /// The base scenario as the plan names it.
    pub scenario: String,
    /// Replications of a variant without a `run.replications` axis.
    pub replications: u64,
    /// The axes, in file order.
    pub axes: Vec<Axis>,
    /// How variants are drawn from the axes.
    pub design: Design,
}

/// Bind a plan to its base scenario: every problem of every axis, at its line.
pub fn bind(pf: &PlanFile, base: &Scenario) -> Result<Plan, LoadErrors> {
    let mut sink = Sink::default();
    let doc = &pf.doc;
    let design = design(pf, &mut sink);
    let replications = match &doc.replications {
        Some(r) if !(1..=10_000).contains(r.get_ref()) => {
            pf.err(
                &mut sink,
                r,
                "replications",
                format!("expected 1 to 10000 replications, found {}", r.get_ref()),
            );
            1
        }
        Some(r) => *r.get_ref() as u64,
        None => base.run.replications,
    };
    let mut axes: Vec<Axis> = Vec::new();
    for a in &doc.axis {
        let Some(axis) = axis(pf, &mut sink, a, base, &design) else {
            continue;
        };
        if let Some(prev) = axes.iter().find(|x| x.param == axis.param) {
            pf.err(
                &mut sink,
                &a.param,
                "axis.param",
                format!(
                    "`{}` is already the parameter of axis `{}`",
                    a.param.get_ref(),
                    prev.column
                ),
            );
        } else if axes.iter().any(|x| x.column == axis.column) {
            pf.err(
                &mut sink,
                a.name.as_ref().unwrap_or(&a.param),
                "axis.name",
                format!("two axes are named `{}`: give one a `name`", axis.column),
            );
        } else {
            axes.push(axis);
        }
    }
    let (errors, _) = sink.into_parts();
    if !errors.diagnostics.is_empty() {
        return Err(errors);
    }
    let plan = Plan {
        name: pf.name.clone(),
        title: pf.title.clone(),
        scenario: pf.scenario.clone(),
        replications,
        axes,
        design,
    };
    let n = plan.variant_count();
    if n > MAX_VARIANTS as u128 {
        return Err(one(
            pf,
            None,
            "design",
            format!("the design has {n} variants; at most {MAX_VARIANTS}"),
        ));
    }
    Ok(plan)
}

fn one(pf: &PlanFile, line: Option<u64>, field: &str, msg: String) -> LoadErrors {
    LoadErrors {
        diagnostics: vec![Diagnostic::at(&pf.file, line, msg).field(field)],
        suppressed: 0,
    }
}

fn design(pf: &PlanFile, sink: &mut Sink) -> Design {
    let Some(d) = &pf.doc.design else {
        return Design::Full;
    };
    match d.kind.get_ref().as_str() {
        "full" | "full-factorial" => {
            for (v, k) in [(&d.samples, "design.samples"), (&d.seed, "design.seed")] {
                if let Some(v) = v {
                    pf.err(
                        sink,
                        v,
                        k,
                        format!("`{k}` is for kind = \"latin-hypercube\""),
                    );
                }
            }
            Design::Full
        }
        "latin-hypercube" | "lhs" => {
            let samples = match &d.samples {
                Some(s) if (1..=MAX_VARIANTS as i64).contains(s.get_ref()) => *s.get_ref() as usize,
                Some(s) => {
                    pf.err(
                        sink,
                        s,
                        "design.samples",
                        format!(
                            "expected 1 to {MAX_VARIANTS} samples, found {}",
                            s.get_ref()
                        ),
                    );
                    1
                }
                None => {
                    pf.err(
                        sink,
                        &d.kind,
                        "design.samples",
                        "a Latin hypercube gives its number of samples (samples = 50)",
                    );
                    1
                }
            };
            let seed = d.seed.as_ref().map(|s| *s.get_ref() as u64).unwrap_or(42);
            Design::LatinHypercube { samples, seed }
        }
        other => {
            pf.err(
                sink,
                &d.kind,
                "design.kind",
                format!("unknown design `{other}`: expected \"full\" or \"latin-hypercube\""),
            );
            Design::Full
        }
    }
}

/// The column an axis gets without a `name`: its key with every other character `_`.
pub fn column_of(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn axis(
    pf: &PlanFile,
    sink: &mut Sink,
    a: &AxisToml,
    base: &Scenario,
    design: &Design,
) -> Option<Axis> {
    let param = match Param::parse(a.param.get_ref(), base) {
        Ok(p) => p,
        Err(e) => {
            pf.err(sink, &a.param, "axis.param", e.to_string());
            return None;
        }
    };
    let column = match &a.name {
        Some(n) => {
            let s = n.get_ref();
            let ok = !s.is_empty()
                && s.len() <= 64
                && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                pf.err(sink, n, "axis.name", format!("axis name `{s}` must be lower-case letters, digits and `_`, starting with a letter (it is a column name)"));
                return None;
            }
            s.clone()
        }
        None => column_of(a.param.get_ref()),
    };
    if RESERVED.contains(&column.as_str()) {
        pf.err(
            sink,
            a.name.as_ref().unwrap_or(&a.param),
            "axis.name",
            format!("`{column}` is a column of the results: name the axis otherwise"),
        );
        return None;
    }
    let levels = levels(pf, sink, a, &param, base, design)?;
    Some(Axis {
        key: param.key(),
        param,
        column,
        levels,
    })
}

/// A value as the parameter's kind reads it: a number, or a date as hours.
fn value(
    pf: &PlanFile,
    sink: &mut Sink,
    v: &Spanned<toml::Value>,
    field: &str,
    kind: Kind,
) -> Option<f64> {
    match (kind, v.get_ref()) {
        (Kind::Date, toml::Value::String(s)) => match Instant::parse(s, None) {
            Ok(i) => Some(i.0),
            Err(e) => {
                pf.err(sink, v, field, e);
                None
            }
        },
        (Kind::Date, toml::Value::Datetime(d)) => match Instant::parse(&d.to_string(), None) {
            Ok(i) => Some(i.0),
            Err(e) => {
                pf.err(sink, v, field, e);
                None
            }
        },
        (Kind::Number | Kind::Integer, toml::Value::Integer(i)) => Some(*i as f64),
        (Kind::Number, toml::Value::Float(f)) => Some(*f),
        (Kind::Integer, toml::Value::Float(f)) if f.fract() == 0.0 => Some(*f),
        (k, other) => {
            let expected = match k {
                Kind::Date => "a date, \"YYYY-MM-DD\"",
                Kind::Integer => "a whole number",
                Kind::Number => "a number",
            };
            pf.err(
                sink,
                v,
                field,
                format!("expected {expected}, found {}", other),
            );
            None
        }
    }
}

/// Check a value by setting it on a copy of the scenario (the scenario's own checks).
fn check(
    pf: &PlanFile,
    sink: &mut Sink,
    v: &Spanned<toml::Value>,
    field: &str,
    p: &Param,
    x: f64,
    base: &Scenario,
) -> bool {
    let (lo, hi, _) = p.bounds(base);
    // Bounds first (cheap); a full set only for what depends on the scenario's contents.
    let deep = matches!(p, Param::DemandFactor) && x > 1.0;
    let r = if (lo..=hi).contains(&x) && !deep && (p.kind() == Kind::Number || x.fract() == 0.0) {
        Ok(())
    } else {
        base.clone().set(p, x)
    };
    match r {
        Ok(()) => true,
        Err(e) => {
            pf.err(sink, v, field, e.to_string());
            false
        }
    }
}

fn levels(
    pf: &PlanFile,
    sink: &mut Sink,
    a: &AxisToml,
    p: &Param,
    base: &Scenario,
    design: &Design,
) -> Option<Levels> {
    let kind = p.kind();
    match (&a.values, &a.range) {
        (Some(vs), None) => {
            if vs.get_ref().is_empty() {
                pf.err(sink, vs, "axis.values", "an axis lists at least one value");
                return None;
            }
            let mut out = Vec::new();
            for v in vs.get_ref() {
                let x = value(pf, sink, v, "axis.values", kind)?;
                if !check(pf, sink, v, "axis.values", p, x, base) {
                    return None;
                }
                if out.contains(&x) {
                    pf.err(sink, v, "axis.values", "this value is already listed");
                    return None;
                }
                out.push(x);
            }
            Some(Levels::List(out))
        }
        (None, Some(r)) => range(pf, sink, r, p, base, design),
        (Some(v), Some(_)) => {
            pf.err(
                sink,
                v,
                "axis",
                "an axis gives `values` or `range`, not both",
            );
            None
        }
        (None, None) => {
            pf.err(
                sink,
                &a.param,
                "axis",
                "an axis gives `values = [...]` or `range = { from = …, to = …, step = … }`",
            );
            None
        }
    }
}

fn range(
    pf: &PlanFile,
    sink: &mut Sink,
    r: &Spanned<RangeToml>,
    p: &Param,
    base: &Scenario,
    design: &Design,
) -> Option<Levels> {
    let kind = p.kind();
    let rr = r.get_ref();
    let from = value(pf, sink, &rr.from, "axis.range.from", kind)?;
    let to = value(pf, sink, &rr.to, "axis.range.to", kind)?;
    if !(check(pf, sink, &rr.from, "axis.range.from", p, from, base)
        && check(pf, sink, &rr.to, "axis.range.to", p, to, base))
    {
        return None;
    }
    if to < from {
        pf.err(
            sink,
            &rr.to,
            "axis.range.to",
            "the range ends before it starts",
        );
        return None;
    }
    // Steps are in the parameter's unit; a date's in days.
    let unit = if kind == Kind::Date { 24.0 } else { 1.0 };
    let list = match (&rr.step, &rr.count) {
        (Some(s), None) => {
            let step = *s.get_ref();
            let whole = kind != Kind::Number;
            if !(step.is_finite() && step > 0.0) || (whole && step.fract() != 0.0) {
                pf.err(
                    sink,
                    s,
                    "axis.range.step",
                    format!(
                        "expected a step above 0{}, found {step}",
                        if whole { " (a whole number)" } else { "" }
                    ),
                );
                return None;
            }
            let n = ((to - from) / (step * unit) + 1e-9).floor() as u64 + 1;
            if n > MAX_VARIANTS as u64 {
                pf.err(
                    sink,
                    s,
                    "axis.range.step",
                    format!("the range has {n} steps; at most {MAX_VARIANTS}"),
                );
                return None;
            }
            Some(
                (0..n)
                    .map(|i| tidy(from + i as f64 * step * unit))
                    .collect(),
            )
        }
        (None, Some(c)) => {
            let n = *c.get_ref();
            if !(2..=MAX_VARIANTS as i64).contains(&n) {
                pf.err(
                    sink,
                    c,
                    "axis.range.count",
                    format!("expected 2 to {MAX_VARIANTS} points, found {n}"),
                );
                return None;
            }
            let pts: Vec<f64> = (0..n)
                .map(|i| tidy(from + (to - from) * i as f64 / (n - 1) as f64))
                .map(|x| {
                    if kind == Kind::Number {
                        x
                    } else {
                        (x / unit).round() * unit
                    }
                })
                .collect();
            Some(pts)
        }
        (Some(s), Some(_)) => {
            pf.err(
                sink,
                s,
                "axis.range",
                "a range gives `step` or `count`, not both",
            );
            return None;
        }
        (None, None) => None,
    };
    match (list, design) {
        (Some(l), _) => Some(Levels::List(l)),
        (None, Design::LatinHypercube { .. }) => Some(Levels::Range { from, to, kind }),
        (None, Design::Full) => {
            pf.err(sink, r, "axis.range", "a full-factorial design needs a finite list: give the range a `step` or a `count` (or use kind = \"latin-hypercube\")");
            None
        }
    }
}

/// A grid point without the float noise of repeated sums (0.1 + 2 × 0.1 = 0.3).
fn tidy(x: f64) -> f64 {
    let r: f64 = format!("{x:.9}").parse().expect("a number");
    if (r - x).abs() <= 1e-9 * x.abs().max(1.0) {
        r
    } else {
        x
    }
}
