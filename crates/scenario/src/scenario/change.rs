//! One change of a project card or intervention, checked against the base network (`set`,
//! `scale`, `add`, `close`), and applied to the tables of a date.

use super::*;

/// Does a value parse as its column's figure? (Columns without a parser here are checked
/// by the loader when the network is built.)
pub(super) fn check_value(table: Table, field: &str, v: &str) -> Result<(), String> {
    let e = |x: dist::SpecError| {
        let mut m = x.message;
        if let Some(h) = x.hint {
            m.push_str(&format!(" ({h})"));
        }
        m
    };
    match (table, field) {
        (_, "capacity") => fields::capacities(v).map(|_| ()).map_err(e),
        (Table::Nodes, "dwell") => dist::Distribution::parse(v).map(|_| ()).map_err(e),
        (Table::Nodes, "handling") => fields::handling(v).map(|_| ()).map_err(e),
        (Table::Links, "tariff") => fields::tariff(v).map(|_| ()).map_err(e),
        (Table::Links, "distance") => fields::distance(v).map(|_| ()).map_err(e),
        (Table::Links, "time") => dist::TimeSpec::parse(v).map(|_| ()).map_err(e),
        (Table::Links, "waypoints") => fields::waypoints(v).map(|_| ()).map_err(e),
        (Table::Services, "schedule") => fields::schedule(v).map(|_| ()).map_err(e),
        (Table::Services, "payload") => fields::payload(v).map(|_| ()).map_err(e),
        (Table::Services, "max_hold") => fields::max_hold(v).map(|_| ()).map_err(e),
        (Table::Emissions, "ttw" | "wtw") => fields::intensity(v).map(|_| ()).map_err(e),
        _ => Ok(()),
    }
}

/// A figure column is one with a `_src` column (coordinates: `coord_src`).
pub(super) fn src_column(table: Table, field: &str) -> Option<String> {
    let cols = table.columns();
    if field == "lat" || field == "lon" {
        return cols.contains(&"coord_src").then(|| "coord_src".into());
    }
    let s = format!("{field}_src");
    cols.contains(&s.as_str()).then_some(s)
}

/// One change of a card or intervention, checked. `owner` identifies who adds rows;
/// `allowed(o)`: rows added by owner `o` may be named (a prerequisite's).
#[allow(clippy::too_many_arguments)]
pub(super) fn change(
    at: &At,
    sink: &mut Sink,
    ch: &ChangeToml,
    owner: usize,
    known: &Known,
    allowed: &dyn Fn(usize) -> bool,
    default_src: &str,
    base: &Network,
    check_src: CheckSrc,
) -> Option<Located> {
    let given = [
        ch.set.is_some(),
        ch.scale.is_some(),
        ch.add.is_some(),
        ch.close.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    let line_of = |span: std::ops::Range<usize>| line_of_offset(at.text.as_bytes(), span.start);
    if given != 1 {
        // No span for the table itself: the nearest given key's, else none.
        let line = ch
            .set
            .as_ref()
            .map(|s| line_of(s.span()))
            .or(ch.scale.as_ref().map(|s| line_of(s.span())))
            .or(ch.add.as_ref().map(|s| line_of(s.span())))
            .or(ch.close.as_ref().map(|s| line_of(s.span())));
        sink.push(
            Diagnostic::at(
                at.file,
                line,
                format!(
                    "a change gives {given} of set, scale, add and close; it gives exactly one"
                ),
            )
            .field("change"),
        );
        return None;
    }
    let row_target = |sink: &mut Sink,
                      node: &Option<Spanned<String>>,
                      link: &Option<Spanned<String>>,
                      service: &Option<Spanned<String>>,
                      key: &str|
     -> Option<(Table, String)> {
        let targets: Vec<(Table, &Spanned<String>)> = [
            (Table::Nodes, node),
            (Table::Links, link),
            (Table::Services, service),
        ]
        .into_iter()
        .filter_map(|(t, v)| v.as_ref().map(|v| (t, v)))
        .collect();
        match targets.as_slice() {
            [(t, v)] => {
                if known.exists(*t, v.get_ref(), owner, allowed) {
                    Some((*t, v.get_ref().clone()))
                } else {
                    let ids = known.ids(*t);
                    let hint = did_you_mean(v.get_ref(), ids.iter().map(String::as_str))
                        .unwrap_or_else(|| {
                            if known
                                .added
                                .iter()
                                .any(|(tt, i, _)| tt == t && i == v.get_ref())
                            {
                                "another project adds it: add that project to `requires`".into()
                            } else {
                                format!(
                                    "{} ids are in the dataset's {}.csv",
                                    t.name().trim_end_matches('s'),
                                    t.name()
                                )
                            }
                        });
                    at.err(
                        sink,
                        v,
                        &format!("{key}.{}", t.name().trim_end_matches('s')),
                        format!(
                            "unknown {} `{}`",
                            t.name().trim_end_matches('s'),
                            v.get_ref()
                        ),
                        Some(hint),
                    );
                    None
                }
            }
            _ => None,
        }
    };
    let figure_src = |sink: &mut Sink,
                      table: Table,
                      field: &str,
                      src: &Option<Spanned<String>>,
                      key: &str,
                      span: std::ops::Range<usize>|
     -> String {
        match src {
            Some(s) => {
                check_src(sink, at, s, &format!("{key}.src"));
                s.get_ref().clone()
            }
            None if src_column(table, field).is_some() && default_src.is_empty() => {
                sink.push(
                    Diagnostic::at(
                        at.file,
                        Some(line_of(span)),
                        format!("`{field}` is a figure: the change needs its source"),
                    )
                    .field(format!("{key}.src"))
                    .hint("write src = \"S…\" (or give the project or intervention a src)"),
                );
                String::new()
            }
            None => default_src.to_string(),
        }
    };
    let change = if let Some(set) = &ch.set {
        let s = set.get_ref();
        let Some((table, id)) = row_target(sink, &s.node, &s.link, &s.service, "set") else {
            if [&s.node, &s.link, &s.service]
                .iter()
                .filter(|x| x.is_some())
                .count()
                != 1
            {
                sink.push(
                    Diagnostic::at(
                        at.file,
                        Some(line_of(set.span())),
                        "a set change names one node, link or service",
                    )
                    .field("set"),
                );
            }
            return None;
        };
        let field = s.field.get_ref();
        if !table.columns().contains(&field.as_str()) || field == "id" || field.ends_with("_src") {
            at.err(
                sink,
                &s.field,
                "set.field",
                format!(
                    "`{field}` is not a field a change can set in {}.csv",
                    table.name()
                ),
                did_you_mean(field, table.columns().iter().copied()),
            );
            return None;
        }
        let value = cell(s.value.get_ref());
        if let Err(e) = check_value(table, field, &value) {
            at.err(sink, &s.value, "set.value", e, None);
            return None;
        }
        let src = figure_src(sink, table, field, &s.src, "set", set.span());
        Change::Set {
            table,
            id,
            field: field.clone(),
            value,
            src,
        }
    } else if let Some(sc) = &ch.scale {
        let s = sc.get_ref();
        let field = s.field.get_ref();
        if !SCALABLE.contains(&field.as_str()) {
            at.err(
                sink,
                &s.field,
                "scale.field",
                format!("`{field}` cannot be scaled"),
                Some(format!("scalable fields are {}", SCALABLE.join(", "))),
            );
            return None;
        }
        let figure = match &s.figure {
            None => None,
            Some(f) if field != "capacity" => {
                at.err(
                    sink,
                    f,
                    "scale.figure",
                    format!("`figure` picks one of a capacity's figures; `{field}` has one"),
                    Some("leave `figure` out, or scale field = \"capacity\"".into()),
                );
                return None;
            }
            Some(f) => match CapacityFigure::parse(f.get_ref()) {
                Some(x) => Some(x),
                None => {
                    at.err(
                        sink,
                        f,
                        "scale.figure",
                        format!("unknown figure `{}`", f.get_ref()),
                        Some(format!(
                            "`units` (TEU, trains or wagons) or `tonnes` (Mt/yr); {}",
                            "leave it out to scale both"
                        )),
                    );
                    return None;
                }
            },
        };
        let factor = *s.factor.get_ref();
        if !(factor.is_finite() && factor > 0.0 && factor <= 1000.0) {
            at.err(
                sink,
                &s.factor,
                "scale.factor",
                format!("expected a factor above 0 and at most 1000, found {factor}"),
                None,
            );
            return None;
        }
        let (table, id, mode) = match &s.mode {
            Some(m) => {
                if Mode::parse(m.get_ref()).is_none() {
                    at.err(
                        sink,
                        m,
                        "scale.mode",
                        format!("unknown mode `{}`", m.get_ref()),
                        did_you_mean(m.get_ref(), Mode::NAMES.iter().copied()),
                    );
                    return None;
                }
                let table = if ["payload", "schedule", "max_hold"].contains(&field.as_str()) {
                    Table::Services
                } else {
                    Table::Links
                };
                (table, None, Some(m.get_ref().clone()))
            }
            None => {
                let (t, id) = row_target(sink, &s.node, &s.link, &s.service, "scale")?;
                (t, Some(id), None)
            }
        };
        if !table.columns().contains(&field.as_str()) {
            at.err(
                sink,
                &s.field,
                "scale.field",
                format!("{}.csv has no field `{field}`", table.name()),
                None,
            );
            return None;
        }
        let src = figure_src(sink, table, field, &s.src, "scale", sc.span());
        Change::Scale {
            table,
            id,
            mode,
            field: field.clone(),
            figure,
            factor,
            src,
        }
    } else if let Some(add) = &ch.add {
        let a = add.get_ref();
        let Some(table) = Table::parse(a.table.get_ref()) else {
            at.err(
                sink,
                &a.table,
                "add.table",
                format!("unknown table `{}`", a.table.get_ref()),
                did_you_mean(
                    a.table.get_ref(),
                    ["nodes", "links", "services", "emissions", "sources"],
                )
                .or_else(|| Some("tables are nodes, links, services, emissions".into())),
            );
            return None;
        };
        let mut row = Vec::new();
        let mut ok = true;
        for (k, v) in &a.row {
            if !table.columns().contains(&k.as_str()) {
                at.err(
                    sink,
                    v,
                    "add.row",
                    format!("{}.csv has no column `{k}`", table.name()),
                    did_you_mean(k, table.columns().iter().copied())
                        .or_else(|| Some(format!("columns are {}", table.columns().join(", ")))),
                );
                ok = false;
                continue;
            }
            let text = cell(v.get_ref());
            if let Err(e) = check_value(table, k, &text) {
                at.err(sink, v, &format!("add.row.{k}"), e, None);
                ok = false;
            }
            row.push((k.clone(), text));
        }
        // A figure without its source column takes the owner's.
        for (k, _) in row.clone() {
            if let Some(sc) = src_column(table, &k) {
                if !row.iter().any(|(c, _)| *c == sc) {
                    if default_src.is_empty() {
                        sink.push(
                            Diagnostic::at(
                                at.file,
                                Some(line_of(add.span())),
                                format!("`{k}` is a figure: the row needs `{sc}`"),
                            )
                            .field("add.row"),
                        );
                        ok = false;
                    } else {
                        row.push((sc, default_src.to_string()));
                    }
                }
            }
        }
        let Some(id) = row.iter().find(|(k, _)| k == "id").map(|x| x.1.clone()) else {
            sink.push(
                Diagnostic::at(
                    at.file,
                    Some(line_of(add.span())),
                    "an added row needs an `id`",
                )
                .field("add.row.id"),
            );
            return None;
        };
        if known.tables.table(table).row(&id).is_some() {
            sink.push(
                Diagnostic::at(
                    at.file,
                    Some(line_of(add.span())),
                    format!(
                        "{} `{id}` already exists in the dataset",
                        table.name().trim_end_matches('s')
                    ),
                )
                .field("add.row.id")
                .hint("give the new row another id, or change the existing one with set"),
            );
            return None;
        }
        if !ok {
            return None;
        }
        Change::Add { table, row }
    } else {
        let close = ch.close.as_ref().expect("one change given");
        let c = close.get_ref();
        let mut ok = true;
        let mut ids = |v: &[Spanned<String>], t: Table, field: &str| -> Vec<String> {
            let mut out = Vec::new();
            for x in v {
                if known.exists(t, x.get_ref(), owner, allowed) {
                    out.push(x.get_ref().clone());
                } else {
                    let all = known.ids(t);
                    at.err(
                        sink,
                        x,
                        field,
                        format!(
                            "unknown {} `{}`",
                            t.name().trim_end_matches('s'),
                            x.get_ref()
                        ),
                        did_you_mean(x.get_ref(), all.iter().map(String::as_str)),
                    );
                    ok = false;
                }
            }
            out
        };
        let links = ids(&c.links, Table::Links, "close.links");
        let nodes = ids(&c.nodes, Table::Nodes, "close.nodes");
        let services = ids(&c.services, Table::Services, "close.services");
        let mut countries = Vec::new();
        for x in &c.countries {
            if Country::parse(x.get_ref()).is_some() {
                countries.push(x.get_ref().clone());
            } else {
                at.err(
                    sink,
                    x,
                    "close.countries",
                    format!(
                        "`{}` is not an ISO 3166-1 alpha-2 country code",
                        x.get_ref()
                    ),
                    None,
                );
                ok = false;
            }
        }
        let mut passages = Vec::new();
        for x in &c.passages {
            if base.passage_by_key(x.get_ref()).is_some() {
                passages.push(x.get_ref().clone());
            } else {
                at.err(
                    sink,
                    x,
                    "close.passages",
                    format!("unknown passage `{}`", x.get_ref()),
                    did_you_mean(x.get_ref(), base.passages.iter().map(|p| p.key.as_str())),
                );
                ok = false;
            }
        }
        if links.len() + nodes.len() + services.len() + countries.len() + passages.len() == 0 && ok
        {
            sink.push(
                Diagnostic::at(
                    at.file,
                    Some(line_of(close.span())),
                    "a close change names nothing to close",
                )
                .field("close"),
            );
            return None;
        }
        if !ok {
            return None;
        }
        Change::Close {
            links,
            nodes,
            services,
            countries,
            passages,
        }
    };
    let span = ch
        .set
        .as_ref()
        .map(|s| s.span())
        .or(ch.scale.as_ref().map(|s| s.span()))
        .or(ch.add.as_ref().map(|s| s.span()))
        .or(ch.close.as_ref().map(|s| s.span()))
        .expect("one change given");
    Some(Located {
        change,
        file: at.file.to_string(),
        line: line_of(span),
    })
}

/// Apply one checked change to tables (rows it names that are absent at this date are left
/// alone: a project's row is there once its prerequisites are).
pub(crate) fn apply(t: &mut Tables, c: &Change, scale_pass: bool) -> Result<(), String> {
    match c {
        Change::Set {
            table,
            id,
            field,
            value,
            src,
        } if !scale_pass => {
            let s = if src.is_empty() {
                None
            } else {
                Some(src.as_str())
            };
            t.set(*table, id, field, value, s);
            Ok(())
        }
        Change::Add { table, row } if !scale_pass => {
            t.add(*table, row);
            Ok(())
        }
        Change::Close {
            links,
            nodes,
            services,
            countries,
            passages,
        } if !scale_pass => {
            t.close(links, nodes, services, countries, passages);
            Ok(())
        }
        Change::Scale {
            table,
            id,
            mode,
            field,
            figure,
            factor,
            src,
        } if scale_pass => {
            let rows: Vec<String> = match (id, mode) {
                (Some(id), _) => vec![id.clone()],
                (None, Some(m)) => {
                    let tab = t.table(*table);
                    tab.rows
                        .iter()
                        .filter(|r| match table {
                            Table::Services => {
                                let link = &r[tab.col("link").expect("column")];
                                t.link_mode(link).as_deref() == Some(m.as_str())
                            }
                            _ => tab.col("mode").is_some_and(|c| r[c] == *m),
                        })
                        .map(|r| r[0].clone())
                        .collect()
                }
                (None, None) => Vec::new(),
            };
            for id in rows {
                let tab = t.table(*table);
                let Some(r) = tab.row(&id) else { continue };
                let text = tab.get(r, field).to_string();
                if text.is_empty() {
                    continue;
                }
                let (v, cited) = match figure {
                    Some(fig) => {
                        let Some(v) = scaled_figure(&text, *fig, *factor)
                            .map_err(|e| format!("{id} {field}: {e}"))?
                        else {
                            // A mode's row without the figure is left; a named row is an
                            // error (the scenario promised a change).
                            if mode.is_some() {
                                continue;
                            }
                            return Err(format!(
                                "{id} capacity `{text}` has no figure in {}, so its {} figure cannot be scaled",
                                match fig {
                                    CapacityFigure::Units => "TEU, trains or wagons",
                                    CapacityFigure::Tonnes => "tonnes",
                                },
                                fig.name()
                            ));
                        };
                        let old = tab.get(r, &format!("{field}_src")).to_string();
                        (v, figure_sources(&text, *fig, &old, src))
                    }
                    None => {
                        let v = scaled(field, &text, *factor)
                            .map_err(|e| format!("{id} {field}: {e}"))?;
                        let old = tab.get(r, &format!("{field}_src")).to_string();
                        (v, scaled_sources(field, &text, &old, src))
                    }
                };
                if (*table, field.as_str()) == (Table::Links, "tariff") {
                    t.scale_dated_tariffs(&id, *factor, src)?;
                    t.set_field(*table, &id, field, &v, cited.as_deref());
                } else {
                    t.set(*table, &id, field, &v, cited.as_deref());
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
