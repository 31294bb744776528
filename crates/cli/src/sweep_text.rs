//! The tables and CSV of `corridor sweep`: a plan's variants, a shard's run, a summary
//! (120 columns: the variants' values in a legend above, the figures in compact numbers).

use crate::layout::wrap;
use crate::table::render;
use corridor_sweep::Sweep;
use corridor_sweep::shard::Outcome;
use corridor_sweep::summary::Summary;
use std::path::Path;

/// A number in at most 9 characters, about 4 significant digits.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e8).contains(&a) {
        format!("{x:.2e}")
    } else if a >= 1e4 {
        format!("{x:.0}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// The variants of a plan.
pub fn show(sw: &Sweep) -> String {
    let p = sw.plan;
    let mut out = format!(
        "Sweep `{}`{} on scenario `{}`: {} variants, {} units ({})\n\n",
        p.name,
        if p.title.is_empty() {
            String::new()
        } else {
            format!(" ({})", p.title)
        },
        p.scenario,
        sw.variants.len(),
        sw.units.len(),
        match p.design {
            corridor_sweep::design::Design::Full => "full factorial".to_string(),
            corridor_sweep::design::Design::LatinHypercube { samples, seed } =>
                format!("Latin hypercube of {samples} samples, seed {seed}"),
        }
    );
    let axes: Vec<Vec<String>> = p
        .axes
        .iter()
        .map(|a| vec![a.column.clone(), a.key.clone()])
        .collect();
    out.push_str(&render(&["COLUMN", "PARAMETER"], &axes));
    out.push('\n');
    let mut headers: Vec<&str> = vec!["VARIANT"];
    headers.extend(p.axes.iter().map(|a| a.column.as_str()));
    headers.push("REPLICATIONS");
    let rows: Vec<Vec<String>> = sw
        .variants
        .iter()
        .map(|v| {
            let mut r = vec![v.key.clone()];
            r.extend(v.levels.iter().map(|l| l.text.clone()));
            r.push(v.replications.to_string());
            r
        })
        .collect();
    out.push_str(&render(&headers, &rows));
    out.push_str(&format!(
        "\nIdentity {} (dataset {:.12}…)\n",
        sw.identity, sw.dataset_hash
    ));
    out
}

/// What a shard's run did.
pub fn ran(sw: &Sweep, o: &Outcome, dir: &Path) -> String {
    let m = &o.manifest;
    format!(
        "sweep `{}` shard {}: {} units — {} run, {} resumed from the journal, {} already complete; {} parts written, {} skipped; {:.1} s ({:.3} s a unit){}\nresults in {} (manifest {})\n",
        sw.plan.name,
        m.shard,
        m.units,
        m.units_run,
        m.units_resumed,
        m.units_skipped,
        m.parts_written,
        m.parts_skipped,
        m.elapsed_s,
        m.unit_mean_s,
        if m.units == 0 {
            " (this shard has no units: fewer units than shards)"
        } else {
            ""
        },
        dir.display(),
        o.manifest_path.display()
    )
}

fn ci(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) => format!("{}–{}", num(a), num(b)),
        _ => "—".into(),
    }
}

/// The summary as a table.
pub fn summary(s: &Summary) -> String {
    let mut out = format!(
        "Sweep `{}`: {} of {} units in {} parts{}\n\n",
        s.sweep,
        s.units_found,
        s.units_expected,
        s.parts,
        if s.units_found < s.units_expected {
            " (incomplete: run the missing shards)"
        } else {
            ""
        }
    );
    let mut seen: Vec<&str> = Vec::new();
    for r in &s.rows {
        if seen.contains(&r.variant.as_str()) {
            continue;
        }
        seen.push(&r.variant);
        let vals: Vec<String> = r.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push_str(&wrap(
            &vals.join("  "),
            120,
            &format!("{}  ", r.variant),
            "       ",
        ));
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = s
        .rows
        .iter()
        .map(|r| {
            vec![
                r.variant.clone(),
                r.metric.clone(),
                r.scope.clone(),
                r.year.to_string(),
                r.n.to_string(),
                num(r.mean),
                ci(r.ci95_lo, r.ci95_hi),
                num(r.p05),
                num(r.p50),
                num(r.p95),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            "VARIANT", "METRIC", "SCOPE", "YEAR", "N", "MEAN", "95% CI", "P05", "P50", "P95",
        ],
        &rows,
    ));
    out.push_str("\nN units (replications) per row; 95 % CI of the mean by Student t; percentiles interpolated between order statistics.\n");
    out
}

/// The summary as CSV: the variant's values as columns.
pub fn summary_csv(s: &Summary) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = vec!["variant".into()];
    head.extend(s.columns.iter().cloned());
    head.extend(
        [
            "metric", "scope", "year", "n", "mean", "sd", "ci95_lo", "ci95_hi", "p05", "p50", "p95",
        ]
        .map(String::from),
    );
    w.write_record(&head).expect("in memory");
    let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for r in &s.rows {
        let mut rec = vec![r.variant.clone()];
        for c in &s.columns {
            rec.push(
                r.params
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|x| x.1.clone())
                    .unwrap_or_default(),
            );
        }
        rec.extend([
            r.metric.clone(),
            r.scope.clone(),
            r.year.to_string(),
            r.n.to_string(),
            r.mean.to_string(),
            opt(r.sd),
            opt(r.ci95_lo),
            opt(r.ci95_hi),
            r.p05.to_string(),
            r.p50.to_string(),
            r.p95.to_string(),
        ]);
        w.write_record(&rec).expect("in memory");
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8")
}
