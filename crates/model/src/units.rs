//! Physical quantities as newtypes: one unit per quantity, in the type.
//!
//! Architecture Invariant: no bare `f64` crosses a crate boundary for a physical quantity.
//! Conversions from the units people write in data files (nautical miles, days, FEU,
//! Mt/yr, …) happen once, when text is parsed; everything inside is in the base unit below.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Mul, Sub};

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident, $unit:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// Zero of this quantity.
            pub const ZERO: $name = $name(0.0);
            /// The raw value in the base unit (see the type's docs).
            #[inline]
            pub const fn value(self) -> f64 {
                self.0
            }
        }
        impl Add for $name {
            type Output = $name;
            #[inline]
            fn add(self, o: $name) -> $name {
                $name(self.0 + o.0)
            }
        }
        impl AddAssign for $name {
            #[inline]
            fn add_assign(&mut self, o: $name) {
                self.0 += o.0;
            }
        }
        impl Sub for $name {
            type Output = $name;
            #[inline]
            fn sub(self, o: $name) -> $name {
                $name(self.0 - o.0)
            }
        }
        impl Mul<f64> for $name {
            type Output = $name;
            #[inline]
            fn mul(self, k: f64) -> $name {
                $name(self.0 * k)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0, $unit)
            }
        }
    };
}

quantity!(
    /// A distance in kilometres.
    Km, "km");
quantity!(
    /// A duration in hours.
    Hours, "h");
quantity!(
    /// A money amount in US dollars.
    Usd, "USD");
quantity!(
    /// A number of twenty-foot equivalent units (one FEU = 2 TEU).
    Teu, "TEU");
quantity!(
    /// A mass in metric tonnes.
    Tonnes, "t");
quantity!(
    /// A speed in kilometres per day (the unit rail operators quote).
    KmPerDay, "km/d");
quantity!(
    /// An emission intensity in grams of CO2 equivalent per tonne-kilometre (ISO 14083).
    GPerTkm, "g/tkm");
quantity!(
    /// A mass of CO2 equivalent in kilograms.
    KgCo2e, "kg CO2e");

/// Kilometres per nautical mile (exact, by definition).
pub const KM_PER_NM: f64 = 1.852;

impl Hours {
    /// Duration from days.
    pub fn from_days(d: f64) -> Hours {
        Hours(d * 24.0)
    }
    /// This duration in days.
    pub fn days(self) -> f64 {
        self.0 / 24.0
    }
}

/// A throughput capacity, kept in the unit its source states it in.
///
/// Converting between tonnes, trains and TEU needs assumptions (tonnes per TEU, TEU per
/// train) that belong to the model using the figure, so the loader does not guess.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value")]
pub enum Capacity {
    /// Million tonnes per year.
    MtPerYear(f64),
    /// TEU per year.
    TeuPerYear(f64),
    /// TEU per day.
    TeuPerDay(f64),
    /// Trains per day (or train pairs per day where the source says so).
    TrainsPerDay(f64),
    /// Trains per year.
    TrainsPerYear(f64),
    /// Railway wagons per day.
    WagonsPerDay(f64),
}

impl Capacity {
    /// The unit as written in data files.
    pub fn unit_str(&self) -> &'static str {
        match self {
            Capacity::MtPerYear(_) => "Mt/yr",
            Capacity::TeuPerYear(_) => "TEU/yr",
            Capacity::TeuPerDay(_) => "TEU/d",
            Capacity::TrainsPerDay(_) => "trains/d",
            Capacity::TrainsPerYear(_) => "trains/yr",
            Capacity::WagonsPerDay(_) => "wagons/d",
        }
    }
    /// A capacity in tonnes (limits all cargo by weight), not in TEU, trains or wagons.
    pub fn is_tonnage(&self) -> bool {
        matches!(self, Capacity::MtPerYear(_))
    }
    /// The number, in [`Capacity::unit_str`] units.
    pub fn amount(&self) -> f64 {
        match *self {
            Capacity::MtPerYear(v)
            | Capacity::TeuPerYear(v)
            | Capacity::TeuPerDay(v)
            | Capacity::TrainsPerDay(v)
            | Capacity::TrainsPerYear(v)
            | Capacity::WagonsPerDay(v) => v,
        }
    }
    /// Units accepted by the parser, for error messages.
    pub const UNITS: &'static [&'static str] = &[
        "Mt/yr",
        "TEU/yr",
        "TEU/d",
        "trains/d",
        "trains/yr",
        "wagons/d",
    ];
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.unit_str())
    }
}

/// What one departure of a scheduled service can carry.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value")]
pub enum Payload {
    /// Containers, in TEU (FEU are converted at parse time, 1 FEU = 2 TEU).
    Teu(f64),
    /// Railway wagons (rail ferries are sized in wagons).
    Wagons(f64),
    /// Tonnes of cargo.
    Tonnes(f64),
}

impl Payload {
    /// Units accepted by the parser, for error messages.
    pub const UNITS: &'static [&'static str] = &["TEU", "FEU", "wagons", "t"];
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Teu(v) => write!(f, "{v} TEU"),
            Payload::Wagons(v) => write!(f, "{v} wagons"),
            Payload::Tonnes(v) => write!(f, "{v} t"),
        }
    }
}

/// A tariff for moving one container over a link, as its source states it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value")]
pub enum Tariff {
    /// A flat rate per FEU for the whole link (TEU rates are doubled at parse time).
    PerFeu(f64),
    /// A rate per FEU and kilometre (TEU rates are doubled at parse time).
    PerFeuKm(f64),
}

impl Tariff {
    /// Units accepted by the parser, for error messages.
    pub const UNITS: &'static [&'static str] = &["USD/FEU", "USD/TEU", "USD/FEU-km", "USD/TEU-km"];

    /// The price of moving one FEU over `distance`.
    pub fn per_feu(&self, distance: Km) -> Usd {
        match *self {
            Tariff::PerFeu(v) => Usd(v),
            Tariff::PerFeuKm(v) => Usd(v * distance.0),
        }
    }
}

impl fmt::Display for Tariff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tariff::PerFeu(v) => write!(f, "{v} USD/FEU"),
            Tariff::PerFeuKm(v) => write!(f, "{v} USD/FEU-km"),
        }
    }
}

/// Great-circle distance between two points given in degrees (haversine, mean Earth radius).
pub fn great_circle(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> Km {
    const R: f64 = 6371.0088;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    Km(2.0 * R * a.sqrt().min(1.0).asin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circle_matches_known_distance() {
        // Shanghai (Yangshan) to Rotterdam is about 8,900 km as the crow flies.
        let d = great_circle(30.62, 122.06, 51.95, 4.14);
        assert!((d.0 - 8_950.0).abs() < 150.0, "{d}");
        assert_eq!(great_circle(10.0, 10.0, 10.0, 10.0), Km(0.0));
    }

    #[test]
    fn tariff_per_km_scales_with_distance() {
        assert_eq!(Tariff::PerFeuKm(0.5).per_feu(Km(100.0)), Usd(50.0));
        assert_eq!(Tariff::PerFeu(700.0).per_feu(Km(100.0)), Usd(700.0));
    }
}
