//! The charts of plans and their effects: the project pipeline with each project's slip
//! risk, and the KPI deltas of two scenarios with the items that explain them.

use crate::charts::{LEFT, RIGHT, Series, TOP, W, legend_grid, ticks};
use crate::map::{colour_of, corridor_name};
use crate::svg::{Svg, c1, esc, num, signed};
use crate::view::{Comparison, Run};
use corridor_model::Network;

/// Decimal year of an ISO date (`2027-06-30` → 2027.49).
pub fn decimal_year(iso: &str) -> Option<f64> {
    let y: f64 = iso.get(0..4)?.parse().ok()?;
    let m: f64 = iso.get(5..7)?.parse().ok()?;
    let d: f64 = iso.get(8..10)?.parse().ok()?;
    Some(y + ((m - 1.0) * 30.44 + d - 1.0) / 365.25)
}

/// The chance that a project is not complete by the end of its expected year.
pub fn slip_risk(p: &crate::view::Project) -> Option<f64> {
    let y: i32 = p.expected.as_deref()?.get(0..4)?.parse().ok()?;
    p.ready_by
        .iter()
        .find(|(yy, _)| *yy == y)
        .map(|(_, s)| 1.0 - s)
}

/// The project pipeline: expected completion (diamond), the median and 90th-percentile
/// completion over the draws (bar), coloured by the slip risk.
pub fn pipeline(run: &Run) -> String {
    let ps = &run.projects;
    let row = 26.0;
    let h = TOP + 30.0 + row * ps.len().max(1) as f64 + 24.0;
    let title = format!(
        "Project pipeline — {}: expected and simulated completion",
        run.scenario
    );
    let mut svg = Svg::new(W + 120.0, h, "corridor-chart", &title);
    svg.text(12.0, 18.0, r#"font-size="13" font-weight="600""#, &title);
    if ps.is_empty() {
        svg.text(
            12.0,
            TOP + 16.0,
            r#"font-size="11""#,
            "This scenario has no projects.",
        );
        return svg.finish();
    }
    let last = ps
        .iter()
        .filter_map(|p| p.p90.as_deref().and_then(decimal_year))
        .fold(run.last_year as f64 + 1.0, f64::max);
    let (y0, y1) = (run.first_year as f64, last.ceil());
    let (x0, x1) = (300.0, W + 100.0);
    let px = |y: f64| x0 + (y - y0) / (y1 - y0).max(1.0) * (x1 - x0);
    for y in (y0 as i64)..=(y1 as i64) {
        let x = px(y as f64);
        svg.line((x, TOP + 6.0), (x, h - 20.0), r##"stroke="#e3e3e3""##);
        svg.text(
            x,
            h - 6.0,
            r#"font-size="10" text-anchor="middle""#,
            &y.to_string(),
        );
    }
    for (i, p) in ps.iter().enumerate() {
        let y = TOP + 16.0 + row * i as f64;
        let risk = slip_risk(p);
        let colour = match risk {
            Some(r) if r >= 0.5 => "#c0392b",
            Some(r) if r >= 0.2 => "#e67e22",
            Some(_) => "#27ae60",
            None => "#7f8c8d",
        };
        let risk_text = risk
            .map(|r| {
                format!(
                    "{} % chance it is not complete by the end of its expected year",
                    num(r * 100.0, 0)
                )
            })
            .unwrap_or_else(|| "no expected date".into());
        let tip = format!(
            "{} ({}), {}: expected {}, median {}, 90th percentile {}; {}; {risk_text}",
            p.name,
            p.id,
            p.status.replace('_', " "),
            p.expected.as_deref().unwrap_or("–"),
            p.p50.as_deref().unwrap_or("not within the draws"),
            p.p90.as_deref().unwrap_or("not within the draws"),
            p.slip
        );
        svg.raw(&format!(
            r#"<g class="project" data-project="{}">"#,
            esc(&p.id)
        ));
        let label: String = p.name.chars().take(46).collect();
        svg.text(
            x0 - 8.0,
            y + 4.0,
            r#"font-size="10" text-anchor="end""#,
            &label,
        );
        let (a, b) = (
            p.p50.as_deref().and_then(decimal_year),
            p.p90.as_deref().and_then(decimal_year),
        );
        if let Some(a) = a {
            let bx = b.unwrap_or(y1);
            svg.rect(
                px(a),
                y - 5.0,
                px(bx) - px(a),
                10.0,
                &format!(r#"fill="{colour}" fill-opacity="0.75""#),
                Some(&tip),
            );
        }
        if let Some(e) = p.expected.as_deref().and_then(decimal_year) {
            let x = px(e);
            svg.raw(&format!(r##"<path d="M{},{}L{},{}L{},{}L{},{}Z" fill="#ffffff" stroke="#1f2d3a" stroke-width="1.2"><title>{}</title></path>"##,
                c1(x), c1(y - 6.0), c1(x + 6.0), c1(y), c1(x), c1(y + 6.0), c1(x - 6.0), c1(y), esc(&tip)));
        }
        svg.raw("</g>");
    }
    svg.text(x0, TOP + 2.0, r##"font-size="10" fill="#444""##, "◇ expected · bar: median to 90th-percentile completion · colour: slip risk (green < 20 %, orange < 50 %, red ≥ 50 %)");
    svg.finish()
}

/// What explains a corridor-year's difference, for a tooltip (`; explained by: …`).
fn explanation(c: &Comparison, year: i32, corridor: &str) -> String {
    let Some(e) = c
        .explained
        .iter()
        .find(|e| e.year == year && e.corridor == corridor)
    else {
        return String::new();
    };
    let mut parts: Vec<String> = e
        .contributions
        .iter()
        .take(4)
        .map(|x| format!("{} {}", x.item, signed(x.teu, 0)))
        .collect();
    if e.interaction_teu.abs() >= 1.0 {
        parts.push(format!("interactions {}", signed(e.interaction_teu, 0)));
    }
    format!("; explained by: {}", parts.join(", "))
}

/// The KPI deltas of two scenarios: per year and corridor, containers delivered B − A, each
/// bar's tooltip naming the items that explain it.
pub fn deltas(net: &Network, c: &Comparison) -> String {
    let mut keys: Vec<&str> = Vec::new();
    for y in &c.years {
        for d in &y.corridors {
            if !keys.contains(&d.corridor.as_str()) {
                keys.push(&d.corridor);
            }
        }
    }
    let plot_h = 220.0;
    let h = TOP + plot_h + 40.0 + 15.0 * keys.len() as f64;
    let title = format!(
        "Containers delivered, {} minus {}, by year and corridor",
        c.b, c.a
    );
    let mut svg = Svg::new(W, h, "corridor-chart", &title);
    svg.text(LEFT, 18.0, r#"font-size="13" font-weight="600""#, &title);
    let m = c
        .years
        .iter()
        .flat_map(|y| y.corridors.iter())
        .map(|d| (d.teu[1] - d.teu[0]).abs())
        .fold(1.0f64, f64::max);
    let yt = ticks(-m * 1.05, m * 1.05, 6);
    let (lo, hi) = (yt[0], *yt.last().unwrap_or(&1.0));
    let py = |v: f64| TOP + (hi - v) / (hi - lo) * plot_h;
    for &t in &yt {
        svg.line(
            (LEFT, py(t)),
            (W - RIGHT, py(t)),
            if t == 0.0 {
                r##"stroke="#555""##
            } else {
                r##"stroke="#e3e3e3""##
            },
        );
        svg.text(
            LEFT - 6.0,
            py(t) + 3.5,
            r#"font-size="10" text-anchor="end""#,
            &signed(t, 0),
        );
    }
    svg.raw(&format!(r#"<text transform="translate(14,{}) rotate(-90)" font-size="11" text-anchor="middle">TEU a year, B − A</text>"#, c1(TOP + plot_h / 2.0)));
    let group = (W - LEFT - RIGHT) / c.years.len().max(1) as f64;
    let bw = (group - 12.0) / keys.len().max(1) as f64;
    for (gi, y) in c.years.iter().enumerate() {
        let gx = LEFT + group * gi as f64 + 6.0;
        svg.text(
            gx + group / 2.0 - 6.0,
            TOP + plot_h + 14.0,
            r#"font-size="10" text-anchor="middle""#,
            &y.year.to_string(),
        );
        for (ki, k) in keys.iter().enumerate() {
            let Some(d) = y.corridors.iter().find(|d| d.corridor == *k) else {
                continue;
            };
            let v = d.teu[1] - d.teu[0];
            let why = explanation(c, y.year, k);
            let tip = format!(
                "{} in {}: {} {} TEU, {} {} TEU, change {} TEU{why}",
                corridor_name(net, k),
                y.year,
                c.a,
                num(d.teu[0], 0),
                c.b,
                num(d.teu[1], 0),
                signed(v, 0)
            );
            let (top, bottom) = (py(v.max(0.0)), py(v.min(0.0)));
            svg.raw(&format!(r#"<g class="bar" data-corridor="{}">"#, esc(k)));
            svg.rect(
                gx + bw * ki as f64,
                top,
                (bw - 1.0).max(1.0),
                (bottom - top).max(0.5),
                &format!(r#"fill="{}""#, colour_of(net, k)),
                Some(&tip),
            );
            svg.raw("</g>");
        }
    }
    let series: Vec<Series> = keys
        .iter()
        .map(|k| Series {
            data: format!(r#"data-corridor="{}""#, esc(k)),
            label: corridor_name(net, k).into(),
            colour: colour_of(net, k).into(),
            dashed: false,
            points: Vec::new(),
        })
        .collect();
    legend_grid(&mut svg, &series, TOP + plot_h + 30.0);
    svg.finish()
}
