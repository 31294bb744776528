//! The demand of a scenario: its base table, growth rules and the flows it adds, checked.

use super::*;

/// The demand of a scenario: the base table (the dataset's observed flows unless it names
/// its own), growth rules and the flows it adds.
pub(super) fn demand(
    at: &At,
    sink: &mut Sink,
    d: Option<&DemandToml>,
    ctx: &Context,
    first_year: i32,
    added_nodes: &[String],
    check_src: CheckSrc,
) -> Demand {
    let base_year = d
        .and_then(|d| d.base_year.as_ref())
        .map(|y| *y.get_ref() as i32)
        .unwrap_or(2024);
    let flows_of = |fs: &[corridor_sim::ops_input::Flow], file: &str| -> Vec<FlowSpec> {
        fs.iter()
            .map(|f| FlowSpec {
                from: ctx.base.node(f.from).key.clone(),
                to: ctx.base.node(f.to).key.clone(),
                teu_per_year: f.teu_per_year,
                tonnes_per_year: f.tonnes_per_year,
                corridor: f
                    .corridor
                    .map(|c| ctx.base.corridors[c.0 as usize].key.clone()),
                share: f.share_base.is_some(),
                first_year: base_year,
                note: String::new(),
                file: file.to_string(),
                line: f.line,
            })
            .collect()
    };
    let mut flows = match d.and_then(|d| d.table.as_ref()) {
        Some(t) if t.get_ref() != "embedded" => match ctx.demand_table {
            Some(read) => match read(t.get_ref()) {
                Ok(fs) => flows_of(&fs, t.get_ref()),
                Err(e) => {
                    for x in e.diagnostics {
                        sink.push(x);
                    }
                    Vec::new()
                }
            },
            None => {
                at.err(
                    sink,
                    t,
                    "demand.table",
                    "an embedded scenario uses the embedded demand table",
                    None,
                );
                Vec::new()
            }
        },
        _ => flows_of(&ctx.params.flows, ctx.demand_file),
    };
    if base_year > first_year {
        if let Some(y) = d.and_then(|d| d.base_year.as_ref()) {
            at.err(
                sink,
                y,
                "demand.base_year",
                format!("the base year {base_year} is after the first simulated year {first_year}"),
                None,
            );
        }
    }
    let default_rate = match d.and_then(|d| d.growth.as_ref()) {
        Some(g) => {
            let v = *g.get_ref();
            if !(-0.5..=1.0).contains(&v) {
                at.err(
                    sink,
                    g,
                    "demand.growth",
                    format!(
                        "expected a growth a year from -0.5 to 1.0 (−50 % to +100 %), found {v}"
                    ),
                    None,
                );
            }
            if v != 0.0 {
                match d.and_then(|d| d.growth_src.as_ref()) {
                    Some(s) => check_src(sink, at, s, "demand.growth_src"),
                    None => at.err(
                        sink,
                        g,
                        "demand.growth",
                        "a growth rate is a figure: give growth_src",
                        None,
                    ),
                }
            }
            v
        }
        None => 0.0,
    };
    let node = |sink: &mut Sink, v: &Spanned<String>, field: &str| {
        if ctx.base.node_by_key(v.get_ref()).is_none() && !added_nodes.contains(v.get_ref()) {
            at.err(
                sink,
                v,
                field,
                format!("unknown node `{}`", v.get_ref()),
                did_you_mean(v.get_ref(), ctx.base.nodes.iter().map(|n| n.key.as_str())),
            );
        }
    };
    let corridor = |sink: &mut Sink, v: &Spanned<String>, field: &str| {
        if ctx.base.corridor_by_key(v.get_ref()).is_none() {
            at.err(
                sink,
                v,
                field,
                format!("unknown corridor `{}`", v.get_ref()),
                did_you_mean(
                    v.get_ref(),
                    ctx.base.corridors.iter().map(|c| c.key.as_str()),
                ),
            );
        }
    };
    let mut rules = Vec::new();
    for r in d.map(|d| d.rule.as_slice()).unwrap_or(&[]) {
        if let Some(c) = &r.corridor {
            corridor(sink, c, "demand.rule.corridor");
        }
        if let Some(x) = &r.from {
            node(sink, x, "demand.rule.from");
        }
        if let Some(x) = &r.to {
            node(sink, x, "demand.rule.to");
        }
        let rate = *r.rate.get_ref();
        if !(-0.5..=1.0).contains(&rate) {
            at.err(
                sink,
                &r.rate,
                "demand.rule.rate",
                format!("expected a growth a year from -0.5 to 1.0, found {rate}"),
                None,
            );
        }
        check_src(sink, at, &r.src, "demand.rule.src");
        let years = r.years.as_ref().and_then(|y| match y.get_ref().as_slice() {
            [a, b] if a <= b => Some((*a as i32, *b as i32)),
            _ => {
                at.err(
                    sink,
                    y,
                    "demand.rule.years",
                    "expected the first and last year the rule applies, e.g. [2026, 2030]",
                    None,
                );
                None
            }
        });
        rules.push(GrowthRule {
            corridor: r.corridor.as_ref().map(|x| x.get_ref().clone()),
            from: r.from.as_ref().map(|x| x.get_ref().clone()),
            to: r.to.as_ref().map(|x| x.get_ref().clone()),
            years,
            rate,
            src: r.src.get_ref().clone(),
        });
    }
    for f in d.map(|d| d.flow.as_slice()).unwrap_or(&[]) {
        node(sink, &f.from, "demand.flow.from");
        node(sink, &f.to, "demand.flow.to");
        if let Some(c) = &f.corridor {
            corridor(sink, c, "demand.flow.corridor");
        }
        check_src(sink, at, &f.src, "demand.flow.src");
        let teu = f.teu_per_year.as_ref().map(|v| *v.get_ref()).unwrap_or(0.0);
        let tonnes = f
            .tonnes_per_year
            .as_ref()
            .map(|v| *v.get_ref())
            .unwrap_or(0.0);
        let rteu = corridor_model::ranges::DEMAND_TEU_YEAR;
        let rt = corridor_model::ranges::DEMAND_TONNES_YEAR;
        if let Some(v) = &f.teu_per_year {
            if let Err(e) = rteu.check(*v.get_ref()) {
                at.err(sink, v, "demand.flow.teu_per_year", e.message, e.hint);
            }
        }
        if let Some(v) = &f.tonnes_per_year {
            if let Err(e) = rt.check(*v.get_ref()) {
                at.err(sink, v, "demand.flow.tonnes_per_year", e.message, e.hint);
            }
        }
        if (teu > 0.0) == (tonnes > 0.0) {
            at.err(
                sink,
                &f.from,
                "demand.flow",
                "a flow gives either teu_per_year (containers) or tonnes_per_year (wagonload)",
                None,
            );
        }
        flows.push(FlowSpec {
            from: f.from.get_ref().clone(),
            to: f.to.get_ref().clone(),
            teu_per_year: teu,
            tonnes_per_year: tonnes,
            corridor: f.corridor.as_ref().map(|c| c.get_ref().clone()),
            share: false,
            first_year: f
                .first_year
                .as_ref()
                .map(|y| *y.get_ref() as i32)
                .unwrap_or(first_year),
            note: f.note.clone().unwrap_or_default(),
            file: at.file.to_string(),
            line: at.line(&f.from),
        });
    }
    Demand {
        base_year,
        flows,
        default_rate,
        rules,
    }
}
