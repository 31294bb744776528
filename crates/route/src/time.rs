//! Calendar time: absolute instants in hours since 1970-01-01 00:00 UTC, civil dates, and
//! the Monday-based week that timetables are written in.

use corridor_model::calendar::{civil_from_days, days_from_civil, days_in_month};
use corridor_model::network::Schedule;
use corridor_model::units::Hours;
use std::fmt;

/// An instant, in hours since 1970-01-01 00:00 UTC.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Instant(pub f64);

/// The first year Corridor handles: the simulation clock counts hours from 1970-01-01.
pub const FIRST_YEAR: i32 = 1970;
/// The last year Corridor handles.
pub const LAST_YEAR: i32 = 2200;

/// The dates every command accepts, in words, for messages.
pub const DATE_RANGE: &str = "1970-01-01 to 2200-12-31";

/// 1970-01-01 was a Thursday: the Monday that starts its week is 72 h earlier.
const EPOCH_AFTER_MONDAY_H: f64 = 72.0;

impl Instant {
    /// Midnight UTC at the start of a civil date plus `hour` hours.
    pub fn from_civil(year: i32, month: u32, day: u32, hour: f64) -> Instant {
        Instant(days_from_civil(year, month, day) as f64 * 24.0 + hour)
    }

    /// Parse `YYYY-MM-DD` and an optional `HH:MM` (UTC).
    pub fn parse(date: &str, time: Option<&str>) -> Result<Instant, String> {
        let bad = || format!("`{date}` is not a date; write it as YYYY-MM-DD, e.g. 2026-03-03");
        let mut it = date.trim().split('-');
        let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        let (y, m, d): (i32, u32, u32) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return Err(bad());
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&y) {
            return Err(format!(
                "`{date}` is outside the dates Corridor handles, {DATE_RANGE}"
            ));
        }
        let hour = match time {
            None => 0.0,
            Some(t) => {
                let badt =
                    || format!("`{t}` is not a time of day; write it as HH:MM (UTC), e.g. 08:00");
                let (h, mi) = t.trim().split_once(':').ok_or_else(badt)?;
                let (h, mi): (u32, u32) = (
                    h.parse().map_err(|_| badt())?,
                    mi.parse().map_err(|_| badt())?,
                );
                if h > 23 || mi > 59 {
                    return Err(badt());
                }
                h as f64 + mi as f64 / 60.0
            }
        };
        Ok(Instant::from_civil(y, m, d, hour))
    }

    /// Hours since the Monday 00:00 UTC that starts a timetable week (any week).
    fn week_time(self) -> Hours {
        Hours(self.0 + EPOCH_AFTER_MONDAY_H)
    }

    /// The first departure of `schedule` at or after this instant.
    pub fn next_departure(self, schedule: &Schedule) -> Instant {
        Instant(schedule.next_departure(self.week_time()).0 - EPOCH_AFTER_MONDAY_H)
    }

    /// Calendar year.
    #[inline]
    pub fn year(self) -> i32 {
        civil_from_days((self.0 / 24.0).floor() as i64).0
    }

    /// The civil day this instant falls on, days since 1970-01-01.
    #[inline]
    pub fn day(self) -> corridor_model::calendar::Day {
        (self.0 / 24.0).floor() as i64
    }

    /// Calendar month, 1 to 12.
    #[inline]
    pub fn month(self) -> u32 {
        civil_from_days((self.0 / 24.0).floor() as i64).1
    }

    /// Start of the calendar month after this instant.
    pub fn next_month_start(self) -> Instant {
        let (y, m, _) = civil_from_days((self.0 / 24.0).floor() as i64);
        let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        Instant::from_civil(y, m, 1, 0.0)
    }

    /// This instant plus a duration.
    pub fn plus(self, h: f64) -> Instant {
        Instant(self.0 + h)
    }

    /// ISO 8601, to the minute: `2026-03-03T08:00Z`.
    pub fn iso(self) -> String {
        let mins = (self.0 * 60.0).round() as i64;
        let days = mins.div_euclid(1440);
        let m = mins.rem_euclid(1440);
        let (y, mo, d) = civil_from_days(days);
        format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}Z", m / 60, m % 60)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.iso();
        write!(f, "{} {} UTC", &s[..10], &s[11..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_parse_and_print_in_utc() {
        // The calendar arithmetic itself is tested in corridor_model::calendar.
        assert_eq!(Instant::parse("2026-03-03", None).unwrap().day(), 20_515);
        assert_eq!(
            Instant::parse("2026-03-03", Some("08:30")).unwrap().iso(),
            "2026-03-03T08:30Z"
        );
        assert!(Instant::parse("2026-02-30", None).is_err());
        assert!(Instant::parse("03/03/2026", None).is_err());
        assert!(Instant::parse("2026-03-03", Some("25:00")).is_err());
    }

    #[test]
    fn weekly_timetables_are_anchored_on_monday() {
        // 2026-03-02 is a Monday.
        let monday = Instant::parse("2026-03-02", None).unwrap();
        let s = Schedule::Weekly {
            times: vec![Hours(8.0)],
        };
        assert_eq!(monday.next_departure(&s).iso(), "2026-03-02T08:00Z");
        assert_eq!(
            monday.plus(9.0).next_departure(&s).iso(),
            "2026-03-09T08:00Z"
        );
        let fri = Schedule::Weekly {
            times: vec![Hours(4.0 * 24.0 + 18.0)],
        };
        assert_eq!(monday.next_departure(&fri).iso(), "2026-03-06T18:00Z");
    }
}
