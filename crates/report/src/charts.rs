//! The charts, each an SVG document from a result: transit times per corridor by year, the
//! backlog by year, the bottlenecks' utilisation and queues, the project pipeline with each
//! project's slip risk, and the KPI deltas of two scenarios with the items that explain them.
//! Series and bars carry `data-corridor`, `data-node`, `data-link` or `data-project`.

use crate::map::{colour_of, corridor_name, short};
use crate::svg::{Svg, c1, esc, num};
use crate::view::{Run, Year};
use corridor_model::Network;
use std::fmt::Write;

pub use crate::plans::{decimal_year, deltas, pipeline, slip_risk};

pub(crate) const W: f64 = 640.0;
pub(crate) const LEFT: f64 = 64.0;
pub(crate) const RIGHT: f64 = 16.0;
pub(crate) const TOP: f64 = 34.0;

/// Round tick steps covering `lo..hi` with about `n` ticks.
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).floor() * step;
    let mut out = Vec::new();
    // The last tick is at or above `hi`, so the axis covers every value.
    loop {
        out.push(t);
        if t >= hi - step * 1e-9 || out.len() >= 50 {
            break;
        }
        t += step;
    }
    out
}

/// One line of a line chart.
pub struct Series {
    /// `data-*` attribute (`data-corridor="middle_btk"`), or empty.
    pub data: String,
    /// Legend text.
    pub label: String,
    /// Colour.
    pub colour: String,
    /// Dashed (for a second statistic of the same thing).
    pub dashed: bool,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
}

/// A line chart with year ticks on x.
pub fn lines(title: &str, y_label: &str, series: &[Series], legend: &[Series]) -> String {
    lines_x(title, y_label, series, legend, "")
}

/// A line chart: x in years when `x_label` is empty, else round ticks with that label.
pub fn lines_x(
    title: &str,
    y_label: &str,
    series: &[Series],
    legend: &[Series],
    x_label: &str,
) -> String {
    let legend_rows = legend.len();
    let plot_h = 220.0;
    let h = TOP + plot_h + 52.0 + 15.0 * legend_rows as f64;
    let mut svg = Svg::new(W, h, "corridor-chart", title);
    svg.text(LEFT, 18.0, r#"font-size="13" font-weight="600""#, title);
    let pts = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y1) = (f64::MAX, f64::MIN, 0.0f64);
    for &(x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        svg.text(
            LEFT,
            TOP + 20.0,
            r#"font-size="11""#,
            "No figures in this result.",
        );
        return svg.finish();
    }
    if x1 - x0 < 1.0 {
        x0 -= 0.5;
        x1 += 0.5;
    }
    let yt = ticks(0.0, y1.max(1e-9) * 1.05, 5);
    let ymax = *yt.last().unwrap_or(&1.0);
    let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
    let py = |y: f64| TOP + plot_h - y / ymax * plot_h;
    axes(&mut svg, &yt, py, y_label, plot_h);
    let xs: Vec<f64> = if x_label.is_empty() {
        ((x0.ceil() as i64)..=(x1.floor() as i64))
            .map(|y| y as f64)
            .collect()
    } else {
        ticks(x0, x1, 8).into_iter().filter(|t| *t <= x1).collect()
    };
    for t in xs {
        let label = if x_label.is_empty() {
            format!("{}", t as i64)
        } else {
            num(t, 0)
        };
        svg.text(
            px(t),
            TOP + plot_h + 14.0,
            r#"font-size="10" text-anchor="middle""#,
            &label,
        );
    }
    if !x_label.is_empty() {
        svg.text(
            (LEFT + W) / 2.0,
            TOP + plot_h + 27.0,
            r#"font-size="10" text-anchor="middle""#,
            x_label,
        );
    }
    for s in series {
        let mut d = String::new();
        for (i, &(x, y)) in s.points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{}",
                if i == 0 { 'M' } else { 'L' },
                c1(px(x)),
                c1(py(y))
            );
        }
        let dash = if s.dashed {
            r#" stroke-dasharray="5 3""#
        } else {
            ""
        };
        let mut g = format!(
            r#"<g class="series" {}><path d="{d}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
            s.data, s.colour
        );
        for &(x, y) in &s.points {
            let _ = write!(
                g,
                r#"<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}, {}: {}</title></circle>"#,
                c1(px(x)),
                c1(py(y)),
                s.colour,
                esc(&s.label),
                x,
                num(y, 1)
            );
        }
        g.push_str("</g>");
        svg.raw(&g);
    }
    let extra = if x_label.is_empty() { 0.0 } else { 12.0 };
    legend_grid(&mut svg, legend, TOP + plot_h + 30.0 + extra);
    svg.finish()
}

fn axes(svg: &mut Svg, yt: &[f64], py: impl Fn(f64) -> f64, y_label: &str, plot_h: f64) {
    for &t in yt {
        let y = py(t);
        svg.line((LEFT, y), (W - RIGHT, y), r##"stroke="#e3e3e3""##);
        svg.text(
            LEFT - 6.0,
            y + 3.5,
            r#"font-size="10" text-anchor="end""#,
            &num(t, 1),
        );
    }
    svg.line((LEFT, TOP), (LEFT, TOP + plot_h), r##"stroke="#555""##);
    svg.raw(&format!(
        r#"<text transform="translate(14,{}) rotate(-90)" font-size="11" text-anchor="middle">{}</text>"#,
        c1(TOP + plot_h / 2.0),
        esc(y_label)
    ));
}

pub(crate) fn legend_grid(svg: &mut Svg, series: &[Series], y0: f64) {
    for (i, s) in series.iter().enumerate() {
        let x = LEFT;
        let y = y0 + i as f64 * 15.0;
        let dash = if s.dashed {
            r#" stroke-dasharray="5 3""#
        } else {
            ""
        };
        svg.raw(&format!(
            r#"<g class="legend-item" {}><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{dash}/>"#,
            s.data, c1(x), c1(y), c1(x + 20.0), c1(y), s.colour
        ));
        svg.text(x + 26.0, y + 3.5, r#"font-size="10""#, &s.label);
        svg.raw("</g>");
    }
}

/// Door-to-door days per corridor in one year: a bar from the median to the 90th
/// percentile, each end labelled.
pub fn transit_year(net: &Network, scenario: &str, y: &Year) -> String {
    let cs: Vec<_> = y
        .corridors
        .iter()
        .filter(|c| c.teu_delivered.mean > 0.0)
        .collect();
    let row = 26.0;
    let plot_h = row * cs.len().max(1) as f64;
    let h = TOP + 10.0 + plot_h + 34.0;
    let title = format!("Door-to-door days by corridor in {} — {scenario}", y.year);
    let mut svg = Svg::new(W, h, "corridor-chart", &title);
    svg.text(LEFT, 18.0, r#"font-size="13" font-weight="600""#, &title);
    let max = cs.iter().map(|c| c.p90_days).fold(1.0f64, f64::max);
    let xt = ticks(0.0, max * 1.05, 6);
    let xmax = *xt.last().unwrap_or(&1.0);
    let (x0, x1) = (300.0, W - RIGHT - 64.0);
    let px = |d: f64| x0 + d / xmax * (x1 - x0);
    let bottom = TOP + 10.0 + plot_h;
    for &t in &xt {
        svg.line((px(t), TOP + 4.0), (px(t), bottom), r##"stroke="#e3e3e3""##);
        svg.text(
            px(t),
            bottom + 14.0,
            r#"font-size="10" text-anchor="middle""#,
            &num(t, 0),
        );
    }
    svg.text(
        (x0 + x1) / 2.0,
        bottom + 28.0,
        r#"font-size="11" text-anchor="middle""#,
        "days, door to door: bar from the median to the 90th percentile",
    );
    for (i, c) in cs.iter().enumerate() {
        let yy = TOP + 10.0 + row * i as f64;
        let colour = colour_of(net, &c.corridor);
        let tip = format!(
            "{}: median {} days, 90th percentile {} days, {} TEU delivered in {}",
            corridor_name(net, &c.corridor),
            num(c.p50_days, 1),
            num(c.p90_days, 1),
            num(c.teu_delivered.mean, 0),
            y.year
        );
        svg.raw(&format!(
            r#"<g class="bar" data-corridor="{}">"#,
            esc(&c.corridor)
        ));
        svg.text(
            x0 - 8.0,
            yy + 14.0,
            r#"font-size="10" text-anchor="end""#,
            corridor_name(net, &c.corridor),
        );
        svg.rect(
            px(c.p50_days),
            yy + 5.0,
            px(c.p90_days) - px(c.p50_days),
            row - 10.0,
            &format!(r#"fill="{colour}" fill-opacity="0.8""#),
            Some(&tip),
        );
        svg.raw(&format!(
            r##"<circle cx="{}" cy="{}" r="4" fill="{colour}" stroke="#ffffff"/>"##,
            c1(px(c.p50_days)),
            c1(yy + row / 2.0)
        ));
        svg.text(
            px(c.p90_days) + 4.0,
            yy + 14.0,
            r#"font-size="9""#,
            &format!("{} – {} d", num(c.p50_days, 1), num(c.p90_days, 1)),
        );
        svg.raw("</g>");
    }
    svg.finish()
}

/// Door-to-door days per corridor by year: median solid, 90th percentile dashed (one year:
/// [`transit_year`]).
pub fn transit(net: &Network, run: &Run) -> String {
    if let [y] = run.years.as_slice() {
        return transit_year(net, &run.scenario, y);
    }
    let mut keys: Vec<&str> = Vec::new();
    for y in &run.years {
        for c in &y.corridors {
            if !keys.contains(&c.corridor.as_str()) {
                keys.push(&c.corridor);
            }
        }
    }
    let mut series = Vec::new();
    let mut legend = Vec::new();
    for k in keys {
        legend.push(Series {
            data: format!(r#"data-corridor="{}""#, esc(k)),
            label: corridor_name(net, k).to_string(),
            colour: colour_of(net, k).into(),
            dashed: false,
            points: Vec::new(),
        });
        for (dashed, stat) in [(false, "median"), (true, "90th percentile")] {
            let points = run
                .years
                .iter()
                .filter_map(|y| y.corridors.iter().find(|c| c.corridor == k).map(|c| (y, c)))
                .filter(|(_, c)| c.teu_delivered.mean > 0.0)
                .map(|(y, c)| (y.year as f64, if dashed { c.p90_days } else { c.p50_days }))
                .collect();
            series.push(Series {
                data: format!(r#"data-corridor="{}""#, esc(k)),
                label: format!("{}, {stat}", corridor_name(net, k)),
                colour: colour_of(net, k).into(),
                dashed,
                points,
            });
        }
    }
    lines(
        &format!("Door-to-door days by corridor — {}", run.scenario),
        "days, door to door (solid: median, dashed: 90th pct.)",
        &series,
        &legend,
    )
}

/// The backlog (TEU-equivalent in the system at each year's end) of one or more runs.
pub fn backlog(runs: &[&Run]) -> String {
    let colours = ["#0072B2", "#D55E00", "#009E73"];
    let series: Vec<Series> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| Series {
            data: format!(r#"data-scenario="{}""#, esc(&r.scenario)),
            label: r.scenario.clone(),
            colour: colours[i % colours.len()].into(),
            dashed: false,
            points: r
                .years
                .iter()
                .map(|y| (y.year as f64, y.backlog_teu.mean))
                .collect(),
        })
        .collect();
    lines(
        "Backlog at each year's end (cargo waiting or in transit)",
        "TEU-equivalent",
        &series,
        &series,
    )
}

/// A one-year simulation's backlog, day by day (x in days after the warm-up).
pub fn backlog_days(sim: &crate::view::Simulation, year: i32) -> String {
    let series = [Series {
        data: String::new(),
        label: format!("TEU in the system, mean over replications ({year})"),
        colour: "#0072B2".into(),
        dashed: false,
        points: sim
            .backlog_teu
            .iter()
            .enumerate()
            .map(|(d, v)| (d as f64, *v))
            .collect(),
    }];
    lines_x(
        "Backlog day by day (cargo waiting or in transit)",
        "TEU-equivalent",
        &series,
        &series,
        "days after the warm-up",
    )
}

/// The `data-*` attribute of a resource: a service's link, a line's, or a place.
fn resource_data(net: &Network, name: &str, kind: &str) -> String {
    if let Some(node) = place_of(name, kind) {
        return format!(r#"data-node="{}""#, esc(node));
    }
    if let Some(link) = line_of(name, kind) {
        return format!(r#"data-link="{}""#, esc(link));
    }
    match net.services.iter().find(|s| s.key == name) {
        Some(s) => format!(
            r#"data-link="{}" data-service="{}""#,
            esc(&net.link(s.link).key),
            esc(name)
        ),
        None => format!(r#"data-service="{}""#, esc(name)),
    }
}

/// A resource's name for people: a place's short name, or a service's id.
pub fn resource_label(net: &Network, name: &str, kind: &str) -> String {
    if let Some(node) = place_of(name, kind) {
        if let Some(n) = net.nodes.iter().find(|n| n.key == node) {
            return if kind == "node_tonnes" {
                format!("{} (tonnes)", short(&n.name))
            } else {
                short(&n.name).to_string()
            };
        }
    }
    if let Some(key) = line_of(name, kind) {
        if let Some(l) = net.links.iter().find(|l| l.key == key) {
            let (a, b) = (&net.node(l.from).name, &net.node(l.to).name);
            let (a, b) = if name.contains(" (reverse)") {
                (b, a)
            } else {
                (a, b)
            };
            // A line's server is its tonnage (`line_of` knows no other).
            return format!("{}–{} line (tonnes)", short(a), short(b));
        }
    }
    name.to_string()
}

/// The link id of a line's resource, `line_tonnes` (named `L-MARABDA-AKHALKALAKI:tonnes`,
/// `L-MARABDA-AKHALKALAKI (reverse):tonnes`); `None` for any other.
pub fn line_of<'a>(name: &'a str, kind: &str) -> Option<&'a str> {
    match kind {
        "line_tonnes" => {
            let name = name.strip_suffix(":tonnes").unwrap_or(name);
            Some(name.strip_suffix(" (reverse)").unwrap_or(name))
        }
        _ => None,
    }
}

/// The node id of a place's resource: `node` (its capacity in TEU, trains or wagons) or
/// `node_tonnes` (its tonnage capacity, named `AZ-ALAT:tonnes`); `None` for departures.
pub fn place_of<'a>(name: &'a str, kind: &str) -> Option<&'a str> {
    match kind {
        "node" => Some(name),
        "node_tonnes" => Some(name.strip_suffix(":tonnes").unwrap_or(name)),
        _ => None,
    }
}

/// The busiest resources of a year: utilisation as bars, mean queue and wait as text.
pub fn bottlenecks(net: &Network, scenario: &str, y: &Year, n: usize) -> String {
    let rs: Vec<_> = y.resources.iter().take(n).collect();
    let row = 24.0;
    let h = TOP + 20.0 + row * rs.len().max(1) as f64 + 20.0;
    let title = format!(
        "Bottlenecks in {} — {scenario}: share of capacity used",
        y.year
    );
    let mut svg = Svg::new(W, h, "corridor-chart", &title);
    svg.text(LEFT, 18.0, r#"font-size="13" font-weight="600""#, &title);
    let (x0, x1) = (200.0, 420.0);
    for (i, t) in [0.0, 0.25, 0.5, 0.75, 1.0].iter().enumerate() {
        let x = x0 + t * (x1 - x0);
        svg.line((x, TOP + 8.0), (x, h - 18.0), r##"stroke="#e3e3e3""##);
        svg.text(
            x,
            h - 6.0,
            r#"font-size="10" text-anchor="middle""#,
            &format!("{} %", i * 25),
        );
    }
    let year = y.year;
    for (i, r) in rs.iter().enumerate() {
        let y = TOP + 14.0 + row * i as f64;
        let u = r.utilisation.mean.clamp(0.0, 1.5);
        let label = resource_label(net, &r.name, &r.kind);
        let wait = r.mean_wait_h.as_ref().map(|m| m.mean).unwrap_or(0.0);
        let tip = format!(
            "{label}: {} % of capacity used; on average {} TEU waiting, {} h wait; {} TEU through in {}",
            num(r.utilisation.mean * 100.0, 1),
            num(r.mean_queue_teu.mean, 1),
            num(wait, 1),
            num(r.throughput_teu.mean, 0),
            year
        );
        let colour = if u >= 0.85 {
            "#c0392b"
        } else if u >= 0.6 {
            "#e67e22"
        } else {
            "#5d8aa8"
        };
        svg.raw(&format!(
            r#"<g class="bar" {}>"#,
            resource_data(net, &r.name, &r.kind)
        ));
        svg.text(
            x0 - 8.0,
            y + 12.0,
            r#"font-size="10" text-anchor="end""#,
            &label,
        );
        svg.rect(
            x0,
            y + 2.0,
            u.min(1.0) * (x1 - x0),
            row - 8.0,
            &format!(r#"fill="{colour}""#),
            Some(&tip),
        );
        svg.text(
            x1 + 8.0,
            y + 12.0,
            r#"font-size="10""#,
            &format!(
                "{} % · queue {} TEU · wait {} h",
                num(r.utilisation.mean * 100.0, 0),
                num(r.mean_queue_teu.mean, 0),
                num(wait, 0)
            ),
        );
        svg.raw("</g>");
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn ticks_cover_the_range() {
        assert_eq!(
            ticks(0.0, 47_000.0, 5),
            [0.0, 10_000.0, 20_000.0, 30_000.0, 40_000.0, 50_000.0]
        );
        assert_eq!(ticks(0.0, 1.0, 4), [0.0, 0.25, 0.5, 0.75, 1.0]);
        let t = ticks(-1234.0, 1234.0, 6);
        assert!(t[0] <= -1234.0 && *t.last().unwrap() >= 1234.0);
    }
}
