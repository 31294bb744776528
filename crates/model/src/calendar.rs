//! Civil dates as days since 1970-01-01 (proleptic Gregorian, UTC): what dated data
//! (tariffs in force from a day) and every command's `--date` share.

/// Days since 1970-01-01.
pub type Day = i64;

/// Whether `y` is a leap year.
pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1–12) of year `y`.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day since 1970-01-01.
#[inline]
pub fn civil_from_days(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// `YYYY-MM-DD` of a day.
pub fn iso_date(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A `YYYY-MM-DD` date as (year, month, day) if it is one (any year; callers check the
/// years they handle).
pub fn parse_civil(text: &str) -> Option<(i32, u32, u32)> {
    let mut it = text.trim().split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return None;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 1), 19_783);
        assert_eq!(days_from_civil(2026, 3, 3), 20_515);
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(iso_date(days_from_civil(2026, 12, 2)), "2026-12-02");
        for z in -800_000..800_000i64 {
            if z % 997 == 0 {
                let (y, m, d) = civil_from_days(z);
                assert_eq!(days_from_civil(y, m, d), z, "{y}-{m}-{d}");
            }
        }
    }

    #[test]
    fn dates_are_parsed_strictly() {
        assert_eq!(parse_civil("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_civil("2023-02-29"), None);
        assert_eq!(parse_civil("2024-13-01"), None);
        assert_eq!(parse_civil("2024-1-01"), None);
        assert_eq!(parse_civil("24-01-01"), None);
        assert_eq!(parse_civil("2024-01-01-01"), None);
        assert_eq!(parse_civil("1 Jan 2024"), None);
    }
}
