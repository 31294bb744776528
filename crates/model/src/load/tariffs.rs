//! `tariffs.csv`: a link's tariff over a period of days. Optional: a dataset without it
//! prices every link at its own tariff.

use super::Loader;
use crate::calendar::{Day, days_from_civil, iso_date, parse_civil};
use crate::diag::Sink;
use crate::fields;
use crate::table::{Row, Table};
use crate::tariffs::DatedTariff;

/// `tariffs.csv`.
pub const TARIFFS: Table = Table {
    columns: &[
        "link",
        "valid_from",
        "valid_to",
        "tariff",
        "tariff_src",
        "note",
    ],
    required: &["link", "valid_from", "tariff", "tariff_src"],
    any_of: &[],
};

/// The years a dated tariff may start or end in (as the commands' `--date`).
const YEARS: std::ops::RangeInclusive<i32> = 1970..=2200;

fn day(r: &mut Row<'_>, field: &str) -> Option<Option<Day>> {
    let text = r.get(field);
    if text.is_empty() {
        return Some(None);
    }
    match parse_civil(text) {
        Some((y, m, d)) if YEARS.contains(&y) => Some(Some(days_from_civil(y, m, d))),
        Some(_) => {
            r.err(
                field,
                format!("`{text}` is outside the dates Corridor handles, 1970-01-01 to 2200-12-31"),
                None,
            );
            None
        }
        None => {
            r.err(
                field,
                format!("`{text}` is not a date"),
                Some("write it as YYYY-MM-DD, e.g. 2024-07-04".into()),
            );
            None
        }
    }
}

impl Loader {
    /// One row of `tariffs.csv`.
    pub(super) fn read_tariff(&mut self, r: &mut Row<'_>) {
        let link = self.link_ref(r, "the tariff prices");
        let from = day(r, "valid_from");
        if matches!(from, Some(None)) {
            r.req("valid_from");
        }
        let to = day(r, "valid_to");
        let tariff = self.sourced(r, "tariff", "tariff_src", true, fields::tariff);
        if let (Some(Some(a)), Some(Some(b))) = (from, to) {
            if b < a {
                r.err(
                    "valid_to",
                    format!(
                        "the period ends ({}) before it starts ({})",
                        iso_date(b),
                        iso_date(a)
                    ),
                    Some(
                        "valid_to is the last day the tariff is in force, on or after valid_from"
                            .into(),
                    ),
                );
                return;
            }
        }
        if let (Some(link), Some(Some(valid_from)), Some(valid_to), Some(Some(tariff))) =
            (link, from, to, tariff)
        {
            self.tariffs.push((
                DatedTariff {
                    link,
                    valid_from,
                    valid_to,
                    tariff,
                    note: r.get("note").to_string(),
                },
                r.diag("valid_from", String::new(), None),
            ));
        }
    }

    /// Two rows of one link in force on the same day would make its price ambiguous.
    pub(super) fn check_tariff_overlaps(&self, sink: &mut Sink) {
        // In order of link and first day; the rows themselves stay in file order.
        let mut order: Vec<&(DatedTariff, crate::diag::Diagnostic)> = self.tariffs.iter().collect();
        order.sort_by_key(|(t, at)| (t.link, t.valid_from, at.line));
        for w in order.windows(2) {
            let ((a, at_a), (b, at_b)) = (w[0], w[1]);
            if a.link == b.link && a.covers(b.valid_from) {
                let key = &self.link_keys[b.link.idx()];
                let mut d = at_b.clone();
                d.message = format!(
                    "the tariff of `{key}` for {} overlaps the one on line {} ({}): one day, one price",
                    b.period(),
                    at_a.line.unwrap_or(0),
                    a.period()
                );
                d.hint = Some(format!(
                    "end the earlier period the day before, valid_to = {}",
                    iso_date(b.valid_from - 1)
                ));
                sink.push(d);
            }
        }
    }
}
