//! The physical range of every figure a user can write, checked once when text is parsed.
//!
//! Architecture Invariant: a value outside its range never reaches a [`crate::Network`]
//! (or a demand table, `simulation.toml` or a scenario patch, which are parsed by the same
//! field parsers), so every algorithm downstream can route and simulate a loaded network
//! without a panic and every figure it prints is finite. The bounds are wide: they exclude
//! only values no transport figure can take (a zero capacity, a dwell of centuries, a
//! tariff of 10³⁰⁸ dollars), and each says why.
//!
//! | figure | range | why |
//! |---|---|---|
//! | distance | above 0, at most 50,000 km | the longest sea lane (Shanghai–Rotterdam round the Cape) is ~26,000 km |
//! | a duration in a distribution (any value, a P90, a maximum) | 0 to 365 days | a dwell or a leg longer than a year is not a transport time |
//! | a log-normal's median | 1 min to 365 days | below a minute the P90/P50 ratio, and so the tail, has no bound |
//! | section speed (`by_speed`) | 1 to 5,000 km/day | freight trains run 300–1,500 km/day, ships 500–1,000 |
//! | a link's travel time from its speeds | P90 at most 365 days | as any duration |
//! | `max_hold` | 0 to 60 days | a departure waits weeks at most to fill |
//! | headway (`every`) | 10 min to 365 days | a departure every few minutes is not a freight timetable |
//! | departures per week | at most 1,008 | one every 10 minutes |
//! | capacity | TEU/yr 1–10⁹, TEU/d 0.01–3·10⁶, trains/d 0.01–1,000, trains/yr 1–365,000, wagons/d 0.01–10⁵, Mt/yr 0.001–10,000 | the world's ports handle ~10⁹ TEU a year; a node that carries nothing is left out or closed by a scenario |
//! | payload | TEU 1–30,000, wagons 1–1,000, tonnes 1–500,000 | the largest ships carry 24,000 TEU |
//! | tariff | 0–100,000 USD/FEU; 0–100 USD/FEU-km | spot sea freight peaked near 20,000 USD/FEU in 2021; trucking costs ~2–3 USD/km |
//! | handling charge | 0–100,000 USD/FEU | as tariffs |
//! | emission intensity | 0–3,000 g CO2e/tkm | air freight is ~600–2,000 g/tkm |
//! | cargo per TEU | above 0, at most 40 t | a loaded TEU carries ~10 t, 30 t at most |
//! | a demand row | 0–5·10⁷ TEU a year; 0–10⁹ t a year | the whole Asia–Europe container trade is ~16 M TEU a year, and every unit is simulated |

use crate::dist::SpecError;

/// The range of one kind of figure, in the unit it is checked in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// What the figure is, with its article ("a distance").
    pub what: &'static str,
    /// The unit `min` and `max` are in.
    pub unit: &'static str,
    /// Smallest value accepted.
    pub min: f64,
    /// True when `min` itself is refused (e.g. "above 0").
    pub min_excluded: bool,
    /// Largest value accepted.
    pub max: f64,
    /// Why the bounds are where they are, or what to write instead.
    pub why: &'static str,
}

impl Range {
    /// The accepted interval in words: `above 0 km and at most 50000 km`, `of at least 1 TEU …`.
    pub fn describe(&self) -> String {
        let lo = if self.min_excluded {
            format!("above {}", num(self.min))
        } else {
            format!("of at least {}", num(self.min))
        };
        format!("{lo} {u} and at most {} {u}", num(self.max), u = self.unit)
    }

    /// True if `v` is inside the range.
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && v <= self.max
            && if self.min_excluded {
                v > self.min
            } else {
                v >= self.min
            }
    }

    /// `v` if it is inside the range, else the error that says what was expected.
    pub fn check(&self, v: f64) -> Result<f64, SpecError> {
        if self.contains(v) {
            Ok(v)
        } else {
            Err(self.error(v))
        }
    }

    /// The error for a value outside the range.
    pub fn error(&self, v: f64) -> SpecError {
        SpecError {
            message: format!(
                "expected {} {}, found {} {}",
                self.what,
                self.describe(),
                num_beside(v, &[self.min, self.max]),
                self.unit
            ),
            hint: Some(self.why.to_string()),
        }
    }
}

/// A number as people write it: at most 6 significant digits, no trailing zeros,
/// exponents for the very large or small (`1e308`, `1e-300`), so a message never holds a
/// number of hundreds of digits.
pub fn num(v: f64) -> String {
    sig(v, 6)
}

/// `v` with `digits` significant digits (1 to 17), as [`num`] writes it.
fn sig(v: f64, digits: usize) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = digits.clamp(1, 17);
    if (1e-4..1e9).contains(&v.abs()) {
        let decimals = (digits as i32 - 1 - v.abs().log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        let p = digits - 1;
        let s = format!("{v:.p$e}");
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        }
    }
}

/// `v` as [`num`] writes it, with as many more digits as it takes to tell it from each of
/// `others` it differs from: a value just past a bound never reads as the bound
/// (`at most 1e9, found 1.000000001e9`, not `found 1e9`).
pub fn num_beside(v: f64, others: &[f64]) -> String {
    for digits in 6..=17 {
        let s = sig(v, digits);
        if others.iter().all(|&o| o == v || sig(o, digits) != s) {
            return s;
        }
    }
    sig(v, 17)
}

macro_rules! range {
    ($(#[$doc:meta])* $name:ident, $what:literal, $unit:literal, $min:expr, $excl:expr, $max:expr, $why:literal) => {
        $(#[$doc])*
        pub const $name: Range = Range {
            what: $what,
            unit: $unit,
            min: $min,
            min_excluded: $excl,
            max: $max,
            why: $why,
        };
    };
}

/// Hours in 365 days, the longest duration of any transport figure.
pub const YEAR_H: f64 = 8760.0;

range!(
    /// Length of a link.
    DISTANCE, "a distance", "km", 0.0, true, 50_000.0,
    "the longest sea lane, Shanghai to Rotterdam round the Cape, is about 26,000 km; check the unit (km or nm)");
range!(
    /// Any duration inside a distribution (a value, a P90, a maximum).
    DURATION, "a duration", "h", 0.0, false, YEAR_H,
    "a dwell or a leg longer than 365 days is not a transport time; check the unit (min, h or d)");
range!(
    /// The median of a log-normal distribution, in minutes.
    LOGNORMAL_P50, "a log-normal median", "min", 1.0, false, YEAR_H * 60.0,
    "a log-normal's median is at least 1 min (a zero dwell is fixed(0h)) and at most 365 days");
range!(
    /// A section speed in `by_speed(…)`.
    SPEED, "a speed", "km/d", 1.0, false, 5_000.0,
    "freight trains run 300–1,500 km a day, ships 500–1,000");
range!(
    /// The longest a sail-when-full departure waits to fill.
    MAX_HOLD, "a maximum hold", "h", 0.0, false, 1_440.0,
    "a departure waits at most 60 days (1440 h) to fill");
range!(
    /// Time between departures in `every(…)`, in minutes.
    HEADWAY, "a headway", "min", 10.0, false, YEAR_H * 60.0,
    "freight departures are at least 10 minutes apart and at most a year");
range!(
    /// Departures of one service in a week.
    DEPARTURES_PER_WEEK, "a timetable", "departures a week", 0.0, true, 1_008.0,
    "one departure every 10 minutes is the most a freight timetable runs");
range!(
    /// Capacity in TEU per year.
    CAP_TEU_YEAR, "a capacity", "TEU/yr", 1.0, false, 1e9,
    "the world's ports handle about a billion TEU a year; a place that carries nothing should be left out or closed by a scenario");
range!(
    /// Capacity in TEU per day.
    CAP_TEU_DAY, "a capacity", "TEU/d", 0.01, false, 3e6,
    "a place that carries nothing should be left out or closed by a scenario");
range!(
    /// Capacity in trains per day.
    CAP_TRAINS_DAY, "a capacity", "trains/d", 0.01, false, 1_000.0,
    "a double-track line runs at most a few hundred trains a day; a place that carries nothing should be left out or closed by a scenario");
range!(
    /// Capacity in trains per year.
    CAP_TRAINS_YEAR, "a capacity", "trains/yr", 1.0, false, 365_000.0,
    "a place that carries nothing should be left out or closed by a scenario");
range!(
    /// Capacity in wagons per day.
    CAP_WAGONS_DAY, "a capacity", "wagons/d", 0.01, false, 1e5,
    "a place that carries nothing should be left out or closed by a scenario");
range!(
    /// Capacity in million tonnes per year.
    CAP_MT_YEAR, "a capacity", "Mt/yr", 0.001, false, 10_000.0,
    "the world's largest port handles about 1,300 Mt a year; a place that carries nothing should be left out or closed by a scenario");
range!(
    /// Payload of a departure in TEU.
    PAYLOAD_TEU, "a payload", "TEU", 1.0, false, 30_000.0,
    "the largest container ships carry about 24,000 TEU");
range!(
    /// Payload of a departure in wagons.
    PAYLOAD_WAGONS, "a payload", "wagons", 1.0, false, 1_000.0,
    "rail ferries carry tens of wagons, trains at most a few hundred");
range!(
    /// Payload of a departure in tonnes.
    PAYLOAD_TONNES, "a payload", "t", 1.0, false, 500_000.0,
    "the largest bulk carriers load about 400,000 t");
range!(
    /// A flat tariff.
    TARIFF_PER_FEU, "a tariff", "USD/FEU", 0.0, false, 100_000.0,
    "spot sea freight peaked near 20,000 USD/FEU in 2021 (TEU rates count twice)");
range!(
    /// A tariff per kilometre.
    TARIFF_PER_FEU_KM, "a tariff", "USD/FEU-km", 0.0, false, 100.0,
    "rail runs about 0.5–1.5 USD/FEU-km and trucking 2–3 (TEU rates count twice)");
range!(
    /// A handling charge at a node.
    HANDLING, "a handling charge", "USD/FEU", 0.0, false, 100_000.0,
    "port and terminal handling costs hundreds of USD per container");
range!(
    /// An emission intensity.
    INTENSITY, "an emission intensity", "g/tkm", 0.0, false, 3_000.0,
    "air freight emits about 600–2,000 g CO2e per tonne-km, ships and trains 5–100");
range!(
    /// Tonnes of cargo in a loaded TEU.
    TONNES_PER_TEU, "a mass of cargo per TEU", "t", 0.0, true, 40.0,
    "a loaded TEU carries about 10 t of cargo and at most about 30 t");

range!(
    /// A flow of containers in a demand table.
    DEMAND_TEU_YEAR, "a flow of containers", "TEU/yr", 0.0, false, 5e7,
    "the whole Asia–Europe container trade is about 16 million TEU a year [S213], and every unit is simulated");
range!(
    /// A flow of wagonload cargo in a demand table.
    DEMAND_TONNES_YEAR, "a flow of wagonload cargo", "t/yr", 0.0, false, 1e9,
    "a billion tonnes a year is more than any corridor carries, and every wagon is simulated");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_state_the_range_and_why() {
        let e = CAP_TEU_DAY.check(0.0).unwrap_err();
        assert_eq!(
            e.message,
            "expected a capacity of at least 0.01 TEU/d and at most 3000000 TEU/d, found 0 TEU/d"
        );
        assert!(e.hint.unwrap().contains("left out or closed by a scenario"));
        assert!(
            DISTANCE
                .check(0.0)
                .unwrap_err()
                .message
                .contains("above 0 km")
        );
        assert!(
            TARIFF_PER_FEU_KM
                .check(1e308)
                .unwrap_err()
                .message
                .contains("found 1e308")
        );
        assert!(DURATION.check(f64::INFINITY).is_err());
        assert_eq!(DURATION.check(YEAR_H).unwrap(), YEAR_H);
        assert_eq!(num(1.0 / 6.0), "0.166667");
        assert_eq!(num(1e308), "1e308");
        assert_eq!(num(3e6), "3000000");
        assert_eq!(num(1.23456789e-7), "1.23457e-7");
        assert_eq!(num(50_000.0), "50000");
        assert_eq!(num(-5e-324), "-4.94066e-324");
        assert_eq!(num(1e-300), "1e-300");
    }

    #[test]
    fn a_value_past_a_bound_never_reads_as_the_bound() {
        let msg = |r: &Range, v: f64| r.check(v).unwrap_err().message;
        assert_eq!(
            msg(&CAP_TEU_YEAR, 1_000_000_001.0),
            "expected a capacity of at least 1 TEU/yr and at most 1e9 TEU/yr, found 1.000000001e9 TEU/yr"
        );
        assert!(
            msg(&CAP_TEU_DAY, 3_000_000.1)
                .ends_with("at most 3000000 TEU/d, found 3000000.1 TEU/d"),
            "{}",
            msg(&CAP_TEU_DAY, 3_000_000.1)
        );
        assert!(msg(&MAX_HOLD, 1440.0001).ends_with("found 1440.0001 h"));
        assert!(msg(&CAP_TRAINS_YEAR, 365_000.4).ends_with("found 365000.4 trains/yr"));
        // The closest f64 above the bound is still told apart from it.
        let next = f64::from_bits(1e9f64.to_bits() + 1);
        assert_ne!(num_beside(next, &[1e9]), num(1e9));
        // Far from the bounds the short form is kept; huge and tiny values stay short.
        assert!(msg(&CAP_TEU_YEAR, 1.0 / 3.0).ends_with("found 0.333333 TEU/yr"));
        assert!(msg(&CAP_TEU_DAY, 1e-300).ends_with("found 1e-300 TEU/d"));
        assert!(msg(&DISTANCE, 1e308).ends_with("found 1e308 km"));
    }
}
