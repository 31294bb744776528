//! Tariffs in force over a period (`tariffs.csv`): a link's price for the days from
//! `valid_from` to `valid_to`, with its source. A link's own tariff (`links.csv`) applies
//! on the days no dated row covers, so a dataset without `tariffs.csv` prices as before.
//!
//! Invariant (checked by the loader): the rows of one link do not overlap, so at most one
//! is in force on any day.

use crate::calendar::{Day, iso_date};
use crate::network::{LinkId, Network, Sourced};
use crate::units::{Tariff, Usd};
use serde::{Deserialize, Serialize};

/// A link's tariff over a period of days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatedTariff {
    /// The link it prices.
    pub link: LinkId,
    /// First day in force (days since 1970-01-01).
    pub valid_from: Day,
    /// Last day in force, inclusive; `None` when open-ended.
    pub valid_to: Option<Day>,
    /// The price and its sources.
    pub tariff: Sourced<Tariff>,
    /// Free-text note (how the figure was read or derived).
    pub note: String,
}

impl DatedTariff {
    /// Whether the row is in force on `day`.
    pub fn covers(&self, day: Day) -> bool {
        day >= self.valid_from && self.valid_to.is_none_or(|t| day <= t)
    }

    /// The period in words: `2024-07-04 to 2024-09-11`, `from 2026-01-08`.
    pub fn period(&self) -> String {
        match self.valid_to {
            Some(t) => format!("{} to {}", iso_date(self.valid_from), iso_date(t)),
            None => format!("from {}", iso_date(self.valid_from)),
        }
    }
}

impl Network {
    /// Indices into `tariffs` of the dated rows of `link`, by first day.
    fn tariff_rows(&self, link: LinkId) -> &[u32] {
        let i = link.idx();
        match self.tariff_offsets.get(i..i + 2) {
            Some(&[a, b]) => &self.tariff_index[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The dated rows of `link`, by first day.
    pub fn dated_tariffs(&self, link: LinkId) -> impl Iterator<Item = &DatedTariff> {
        self.tariff_rows(link)
            .iter()
            .map(|&k| &self.tariffs[k as usize])
    }

    /// The dated row of `link` in force on `day`, if one is: the last to start on or
    /// before it (the rows do not overlap), if it has not ended.
    pub fn dated_tariff_on(&self, link: LinkId, day: Day) -> Option<&DatedTariff> {
        let rows = self.tariff_rows(link);
        let n = rows.partition_point(|&k| self.tariffs[k as usize].valid_from <= day);
        let t = &self.tariffs[*rows.get(n.checked_sub(1)?)? as usize];
        t.covers(day).then_some(t)
    }

    /// The tariff of `link` in force on `day`: its dated row, else its own.
    pub fn tariff_on(&self, link: LinkId, day: Day) -> Option<Sourced<Tariff>> {
        match self.dated_tariff_on(link, day) {
            Some(t) => Some(t.tariff),
            None => self.link(link).tariff,
        }
    }

    /// Price of moving one FEU over `link` on `day`.
    pub fn price_per_feu_on(&self, link: LinkId, day: Day) -> Option<Usd> {
        let l = self.link(link);
        self.tariff_on(link, day)
            .map(|t| t.value.per_feu(l.distance.value))
    }

    /// Whether any link has a dated tariff.
    pub fn has_dated_tariffs(&self) -> bool {
        !self.tariffs.is_empty()
    }
}
