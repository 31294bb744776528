//! Field parsers: the text of one field (`508 km`, `19 trains/d`, `daily(08:00; 20:00)`)
//! into a typed value, checked against its physical range ([`crate::ranges`]).
//!
//! They are public so that every file a user writes (the dataset, the demand table,
//! `simulation.toml`, scenario patches) is parsed by the same code and gets the same
//! messages. A parser returns the value or a [`SpecError`] (what is wrong, and a hint);
//! the caller adds the file, line and field. Parsers that find something legal but
//! suspicious (`…_noted`) also return notes, which callers report as warnings.

use crate::diag::did_you_mean;
use crate::dist::{SpecError, number_with_unit, parse_duration, split_number_unit};
use crate::network::Schedule;
use crate::ranges::{self, Range};
use crate::units::{Capacity, GPerTkm, Hours, KM_PER_NM, Km, Payload, Tariff, Usd};

/// A distance: `508 km` or `10600 nm` (nautical miles), above 0 and at most 50,000 km.
pub fn distance(text: &str) -> Result<Km, SpecError> {
    let (v, unit) = number_with_unit(text, "a distance")?;
    let num = split_number_unit(text).0;
    let km = match unit {
        "km" => v,
        "nm" => v * KM_PER_NM,
        "" => {
            return Err(SpecError {
                message: format!("distance `{}` has no unit", text.trim()),
                hint: Some(format!("write {num} km or {num} nm")),
            });
        }
        u => {
            return Err(SpecError {
                message: format!("unknown distance unit `{u}`"),
                hint: Some("distances are in km or nm (nautical miles)".into()),
            });
        }
    };
    ranges::DISTANCE.check(km).map(Km)
}

/// A number written without the unit its field needs.
fn no_unit(text: &str, what: &str, units: &[&str]) -> SpecError {
    let num = split_number_unit(text).0;
    SpecError {
        message: format!("{what} `{}` has no unit", text.trim()),
        hint: Some(format!(
            "write e.g. {num} {}; units are {}",
            units[0],
            units.join(", ")
        )),
    }
}

/// The range a capacity in this unit must lie in.
pub fn capacity_range(c: Capacity) -> &'static Range {
    match c {
        Capacity::MtPerYear(_) => &ranges::CAP_MT_YEAR,
        Capacity::TeuPerYear(_) => &ranges::CAP_TEU_YEAR,
        Capacity::TeuPerDay(_) => &ranges::CAP_TEU_DAY,
        Capacity::TrainsPerDay(_) => &ranges::CAP_TRAINS_DAY,
        Capacity::TrainsPerYear(_) => &ranges::CAP_TRAINS_YEAR,
        Capacity::WagonsPerDay(_) => &ranges::CAP_WAGONS_DAY,
    }
}

/// A throughput capacity: `5 Mt/yr`, `89000 TEU/yr`, `760 TEU/d`, `19 trains/d`,
/// `845 trains/yr`, `65 wagons/d`, in its unit's range.
pub fn capacity(text: &str) -> Result<Capacity, SpecError> {
    let (v, unit) = number_with_unit(text, "a capacity")?;
    let c = match unit {
        "Mt/yr" => Capacity::MtPerYear(v),
        "TEU/yr" => Capacity::TeuPerYear(v),
        "TEU/d" => Capacity::TeuPerDay(v),
        "trains/d" => Capacity::TrainsPerDay(v),
        "trains/yr" => Capacity::TrainsPerYear(v),
        "wagons/d" => Capacity::WagonsPerDay(v),
        "" => return Err(no_unit(text, "capacity", Capacity::UNITS)),
        u => {
            let hint = did_you_mean(u, Capacity::UNITS.iter().copied())
                .unwrap_or_else(|| format!("units are {}", Capacity::UNITS.join(", ")));
            return Err(SpecError {
                message: format!("unknown capacity unit `{u}`"),
                hint: Some(hint),
            });
        }
    };
    capacity_range(c).check(v)?;
    Ok(c)
}

/// The capacities of one node or link, in the order written: one figure, or one in TEU,
/// trains or wagons and one in Mt/yr separated by `;` (`150000 TEU/yr; 15 Mt/yr`), each
/// checked as [`capacity`]. Two figures of one class (`150000 TEU/yr; 760 TEU/d`), more
/// than two, or an empty one are errors.
pub fn capacities(text: &str) -> Result<Vec<Capacity>, SpecError> {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    if parts.len() > 1 && parts.iter().any(|p| p.is_empty()) {
        return Err(SpecError {
            message: format!("capacity `{}` has an empty figure", text.trim()),
            hint: Some("write two figures separated by `;`, or one without `;`".into()),
        });
    }
    if parts.len() > 2 {
        return Err(SpecError {
            message: format!(
                "capacity `{}` gives {} figures; a node or link has at most two",
                text.trim(),
                parts.len()
            ),
            hint: Some(
                "give one in TEU, trains or wagons and one in Mt/yr, e.g. `150000 TEU/yr; 15 Mt/yr`"
                    .into(),
            ),
        });
    }
    let out = parts
        .iter()
        .map(|p| capacity(p))
        .collect::<Result<Vec<_>, _>>()?;
    if let [a, b] = out[..] {
        if a.is_tonnage() == b.is_tonnage() {
            let class = if a.is_tonnage() {
                "in tonnes (Mt/yr)"
            } else {
                "in units (TEU, trains or wagons)"
            };
            return Err(SpecError {
                message: format!(
                    "capacity `{}` gives two figures {class}, `{a}` and `{b}`",
                    text.trim()
                ),
                hint: Some(
                    "a node or link has at most one capacity in TEU, trains or wagons and one in Mt/yr: keep the one its source gives for the whole place"
                        .into(),
                ),
            });
        }
    }
    Ok(out)
}

/// What one departure carries: `225 TEU`, `55 FEU` (= 110 TEU), `54 wagons`, `5250 t`.
pub fn payload(text: &str) -> Result<Payload, SpecError> {
    let (v, unit) = number_with_unit(text, "a payload")?;
    let (p, range, x) = match unit {
        "TEU" => (Payload::Teu(v), &ranges::PAYLOAD_TEU, v),
        "FEU" => (Payload::Teu(v * 2.0), &ranges::PAYLOAD_TEU, v * 2.0),
        "wagons" => (Payload::Wagons(v), &ranges::PAYLOAD_WAGONS, v),
        "t" => (Payload::Tonnes(v), &ranges::PAYLOAD_TONNES, v),
        "" => return Err(no_unit(text, "payload", Payload::UNITS)),
        u => {
            return Err(SpecError {
                message: format!("unknown payload unit `{u}`"),
                hint: Some(format!("units are {}", Payload::UNITS.join(", "))),
            });
        }
    };
    range.check(x)?;
    Ok(p)
}

/// A tariff: `1000 USD/FEU`, `0.61 USD/FEU-km` (TEU rates are doubled), in range.
pub fn tariff(text: &str) -> Result<Tariff, SpecError> {
    let (v, unit) = number_with_unit(text, "a tariff")?;
    let t = match unit {
        "USD/FEU" => Tariff::PerFeu(v),
        "USD/TEU" => Tariff::PerFeu(v * 2.0),
        "USD/FEU-km" => Tariff::PerFeuKm(v),
        "USD/TEU-km" => Tariff::PerFeuKm(v * 2.0),
        "" => return Err(no_unit(text, "tariff", Tariff::UNITS)),
        u => {
            let hint = did_you_mean(u, Tariff::UNITS.iter().copied())
                .unwrap_or_else(|| format!("units are {}", Tariff::UNITS.join(", ")));
            return Err(SpecError {
                message: format!("unknown tariff unit `{u}`"),
                hint: Some(hint),
            });
        }
    };
    match t {
        Tariff::PerFeu(x) => ranges::TARIFF_PER_FEU.check(x)?,
        Tariff::PerFeuKm(x) => ranges::TARIFF_PER_FEU_KM.check(x)?,
    };
    Ok(t)
}

/// A handling charge per container: `175 USD/FEU` or `90 USD/TEU`.
pub fn handling(text: &str) -> Result<Usd, SpecError> {
    let (v, unit) = number_with_unit(text, "a handling charge")?;
    let usd = match unit {
        "USD/FEU" => v,
        "USD/TEU" => v * 2.0,
        "USD/FEU-km" | "USD/TEU-km" => {
            return Err(SpecError {
                message: "a handling charge is per container, not per km".into(),
                hint: Some("write e.g. 175 USD/FEU".into()),
            });
        }
        "" => return Err(no_unit(text, "handling charge", &["USD/FEU", "USD/TEU"])),
        u => {
            return Err(SpecError {
                message: format!("unknown handling-charge unit `{u}`"),
                hint: Some("write USD/FEU or USD/TEU, e.g. 175 USD/FEU".into()),
            });
        }
    };
    ranges::HANDLING.check(usd).map(Usd)
}

/// An emission intensity: `27.79 g/tkm` or `0.028 kg/tkm`.
pub fn intensity(text: &str) -> Result<GPerTkm, SpecError> {
    let (v, unit) = number_with_unit(text, "an emission intensity")?;
    let g = match unit {
        "g/tkm" => v,
        "kg/tkm" => v * 1000.0,
        "" => return Err(no_unit(text, "emission intensity", &["g/tkm", "kg/tkm"])),
        u => {
            return Err(SpecError {
                message: format!("unknown emission-intensity unit `{u}`"),
                hint: Some("write grams of CO2e per tonne-km, e.g. 27.79 g/tkm".into()),
            });
        }
    };
    ranges::INTENSITY.check(g).map(GPerTkm)
}

/// The longest a sail-when-full departure waits to fill: `72h`, `3d`.
pub fn max_hold(text: &str) -> Result<Hours, SpecError> {
    let h = parse_duration(text)?;
    ranges::MAX_HOLD.check(h.0).map(Hours)
}

/// Points along a link: `lat lon; lat lon; …` in decimal degrees.
pub fn waypoints(text: &str) -> Result<Vec<(f64, f64)>, SpecError> {
    let mut v = Vec::new();
    for (i, p) in text
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        let bad = || {
            SpecError {
            message: format!("waypoint {} `{p}` is not `lat lon`", i + 1),
            hint: Some(
                "write waypoints as `lat lon; lat lon`, in decimal degrees, e.g. `1.25 103.8; 12.6 43.3`"
                    .into(),
            ),
        }
        };
        let mut it = p.split_whitespace();
        let (Some(a), Some(b), None) = (it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        let (lat, lon): (f64, f64) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return Err(SpecError {
                message: format!(
                    "impossible waypoint {} `{p}`: latitude must lie within ±90°, longitude within ±180°",
                    i + 1
                ),
                hint: Some("latitude first, then longitude".into()),
            });
        }
        v.push((lat, lon));
    }
    if v.is_empty() {
        return Err(SpecError {
            message: format!("`{}` lists no waypoint", text.trim()),
            hint: Some(
                "write waypoints as `lat lon; lat lon`, in decimal degrees, or leave the field (and `waypoints_src`) empty"
                    .into(),
            ),
        });
    }
    Ok(v)
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A time of day, `HH:MM` (UTC), as hours after midnight.
pub fn clock(t: &str) -> Result<Hours, SpecError> {
    let bad = || SpecError {
        message: format!("`{t}` is not a time of day"),
        hint: Some("write times as HH:MM (UTC), e.g. 08:00".into()),
    };
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(Hours(h as f64 + m as f64 / 60.0))
}

/// A timetable: `daily(08:00, 20:00)`, `weekly(Mon 08:00, Thu 20:00)` or
/// `every(12h, 06:00)` (headway, first departure on Monday).
pub fn schedule(text: &str) -> Result<Schedule, SpecError> {
    schedule_noted(text).map(|(s, _)| s)
}

/// [`schedule`], with notes on what is legal but suspicious (a departure listed twice).
pub fn schedule_noted(text: &str) -> Result<(Schedule, Vec<String>), SpecError> {
    let forms = "daily(08:00), weekly(Mon 08:00, Thu 20:00) or every(12h, 06:00)";
    let t = text.trim();
    let (name, inner) = match (t.find('('), t.ends_with(')')) {
        (Some(i), true) => (t[..i].trim(), &t[i + 1..t.len() - 1]),
        _ => {
            return Err(SpecError {
                message: format!("`{t}` is not a timetable"),
                hint: Some(format!("write {forms}")),
            });
        }
    };
    let args: Vec<&str> = inner
        .split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    if args.is_empty() {
        return Err(SpecError {
            message: format!("{name}() needs at least one departure"),
            hint: Some(format!("write {forms}")),
        });
    }
    let mut notes = Vec::new();
    let schedule = match name {
        "daily" => {
            let mut times = Vec::new();
            for a in &args {
                let c = clock(a)?;
                for d in 0..7 {
                    times.push(Hours(d as f64 * 24.0 + c.0));
                }
            }
            weekly(times, &mut notes)
        }
        "weekly" => {
            let mut times = Vec::new();
            for a in &args {
                let (day, time) = a.split_once(' ').ok_or_else(|| SpecError {
                    message: format!("`{a}` is not a day and time"),
                    hint: Some("write e.g. Mon 08:00".into()),
                })?;
                let d = day.trim().to_lowercase();
                let di = DAYS
                    .iter()
                    .position(|x| d.starts_with(x))
                    .ok_or_else(|| SpecError {
                        message: format!("unknown day `{}`", day.trim()),
                        hint: Some("days are Mon, Tue, Wed, Thu, Fri, Sat, Sun".into()),
                    })?;
                times.push(Hours(di as f64 * 24.0 + clock(time.trim())?.0));
            }
            weekly(times, &mut notes)
        }
        "every" => {
            if args.len() > 2 {
                return Err(SpecError {
                    message: "every() takes a headway and an optional first departure".into(),
                    hint: Some("write every(12h) or every(12h, 06:00)".into()),
                });
            }
            let headway = parse_duration(args[0])?;
            ranges::HEADWAY.check(headway.0 * 60.0)?;
            let offset = if args.len() == 2 {
                clock(args[1])?
            } else {
                Hours::ZERO
            };
            Schedule::Every {
                headway,
                offset: Hours(offset.0 % headway.0),
            }
        }
        other => {
            return Err(SpecError {
                message: format!("unknown timetable `{other}`"),
                hint: Some(format!("write {forms}")),
            });
        }
    };
    ranges::DEPARTURES_PER_WEEK.check(schedule.per_week())?;
    Ok((schedule, notes))
}

fn weekly(mut times: Vec<Hours>, notes: &mut Vec<String>) -> Schedule {
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = times.len();
    times.dedup();
    if times.len() < n {
        notes.push(format!(
            "{} departure{} listed twice; each counts once",
            n - times.len(),
            if n - times.len() == 1 { " is" } else { "s are" }
        ));
    }
    Schedule::Weekly { times }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_without_its_unit_or_with_a_decimal_comma_says_so() {
        let e = capacity("3100000").unwrap_err();
        assert_eq!(e.message, "capacity `3100000` has no unit");
        assert_eq!(
            e.hint.as_deref(),
            Some(
                format!(
                    "write e.g. 3100000 {}; units are {}",
                    Capacity::UNITS[0],
                    Capacity::UNITS.join(", ")
                )
                .as_str()
            )
        );
        assert_eq!(
            tariff("0.61").unwrap_err().message,
            "tariff `0.61` has no unit"
        );
        assert_eq!(
            payload("225").unwrap_err().message,
            "payload `225` has no unit"
        );
        assert_eq!(
            handling("175").unwrap_err().message,
            "handling charge `175` has no unit"
        );
        assert_eq!(
            intensity("27.79").unwrap_err().message,
            "emission intensity `27.79` has no unit"
        );
        let e = handling("1,5 USD/FEU").unwrap_err();
        assert_eq!(e.message, "`1,5 USD/FEU` has a decimal comma");
        assert_eq!(e.hint.as_deref(), Some("write a decimal point: 1.5"));
        assert_eq!(
            distance("12,25 km").unwrap_err().hint.as_deref(),
            Some("write a decimal point: 12.25")
        );
    }

    #[test]
    fn schedules() {
        assert_eq!(
            schedule("weekly(Thu 20:00, Mon 08:00)").unwrap(),
            Schedule::Weekly {
                times: vec![Hours(8.0), Hours(92.0)]
            }
        );
        match schedule("daily(08:00)").unwrap() {
            Schedule::Weekly { times } => assert_eq!(times.len(), 7),
            s => panic!("{s:?}"),
        }
        assert_eq!(
            schedule("every(12h, 18:00)").unwrap(),
            Schedule::Every {
                headway: Hours(12.0),
                offset: Hours(6.0)
            }
        );
        assert!(
            schedule("weekly(Funday 08:00)")
                .unwrap_err()
                .message
                .contains("unknown day")
        );
        assert!(schedule("daily(25:00)").is_err());
        assert!(schedule("hourly").is_err());
        let (_, notes) = schedule_noted("weekly(Mon 08:00; Mon 08:00)").unwrap();
        assert_eq!(notes, vec!["1 departure is listed twice; each counts once"]);
        assert!(
            schedule("every(1e-9h)")
                .unwrap_err()
                .message
                .contains("expected a headway")
        );
        assert!(schedule("every(1min)").is_err());
    }

    #[test]
    fn units_and_ranges() {
        assert_eq!(distance("10 nm").unwrap(), Km(18.52));
        assert!(
            distance("10 miles")
                .unwrap_err()
                .message
                .contains("unknown distance unit")
        );
        assert_eq!(capacity("5 Mt/yr").unwrap(), Capacity::MtPerYear(5.0));
        assert_eq!(
            capacities("150000 TEU/yr; 15 Mt/yr").unwrap(),
            [Capacity::TeuPerYear(150000.0), Capacity::MtPerYear(15.0)]
        );
        assert_eq!(capacities(" 4 Mt/yr ").unwrap(), [Capacity::MtPerYear(4.0)]);
        for (bad, says) in [
            ("150000 TEU/yr; 760 TEU/d", "two figures in units"),
            ("5 Mt/yr; 6 Mt/yr", "two figures in tonnes"),
            ("1 TEU/d; 2 Mt/yr; 3 trains/d", "gives 3 figures"),
            ("150000 TEU/yr;", "an empty figure"),
            ("150000 TEU/yr; 15 Mt", "unknown capacity unit `Mt`"),
        ] {
            let e = capacities(bad).unwrap_err();
            assert!(e.message.contains(says), "{bad}: {}", e.message);
        }
        assert_eq!(payload("55 FEU").unwrap(), Payload::Teu(110.0));
        assert_eq!(tariff("0.12 USD/TEU-km").unwrap(), Tariff::PerFeuKm(0.24));
        assert!(
            capacity("5 Mt/year")
                .unwrap_err()
                .hint
                .unwrap()
                .contains("Mt/yr")
        );
        for bad in ["0 TEU/d", "0 trains/d", "1e300 TEU/yr"] {
            assert!(
                capacity(bad)
                    .unwrap_err()
                    .message
                    .starts_with("expected a capacity"),
                "{bad}"
            );
        }
        assert!(tariff("1e308 USD/FEU-km").is_err());
        assert!(intensity("1e308 g/tkm").is_err());
        assert!(max_hold("1e308h").is_err());
        assert_eq!(max_hold("1e-9h").unwrap(), Hours(1e-9));
        assert!(payload("0 TEU").is_err());
        assert!(distance("0 km").is_err());
        assert_eq!(handling("90 USD/TEU").unwrap(), Usd(180.0));
    }
}
