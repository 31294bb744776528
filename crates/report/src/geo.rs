//! The map's geography: a projection of longitude and latitude to the drawing, and the
//! country outlines of Natural Earth (world-atlas's `countries-50m.json`, vendored in
//! `vendor/`, see its README) decoded from TopoJSON, projected, clipped to the view and
//! thinned to what a screen shows.

use crate::svg::c1;
use serde::Deserialize;
use std::fmt::Write;

/// The vendored TopoJSON (Natural Earth 1:50m countries, world-atlas 2.0.2).
pub const COUNTRIES_TOPOJSON: &str = include_str!("../vendor/world-atlas-2.0.2/countries-50m.json");

/// An equirectangular projection of a longitude/latitude box onto a drawing `width` wide,
/// with x stretched by the cosine of a standard parallel (so shapes at mid latitudes keep
/// their proportions).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// West, east longitude; south, north latitude (degrees).
    pub lon: (f64, f64),
    /// See `lon`.
    pub lat: (f64, f64),
    /// Width of the drawing, user units.
    pub width: f64,
    /// The standard parallel, degrees.
    pub parallel: f64,
}

impl View {
    /// Europe, Africa's sea route and Asia to the Pacific: every place of the corridors.
    pub const EURASIA: View = View {
        lon: (-25.0, 128.0),
        lat: (-38.0, 62.0),
        width: 1000.0,
        parallel: 30.0,
    };

    /// The Middle Corridor's heart: the Black Sea, the Caucasus, the Caspian, Kazakhstan.
    pub const MIDDLE: View = View {
        lon: (26.0, 82.0),
        lat: (34.0, 52.0),
        width: 1000.0,
        parallel: 43.0,
    };

    /// The view around a box of places (lat, lon), with a margin of degrees.
    pub fn around(points: &[(f64, f64)], margin: f64, width: f64) -> View {
        let (mut s, mut n, mut w, mut e) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        for &(lat, lon) in points {
            s = s.min(lat);
            n = n.max(lat);
            w = w.min(lon);
            e = e.max(lon);
        }
        if points.is_empty() {
            return View::EURASIA;
        }
        View {
            lon: ((w - margin).max(-180.0), (e + margin).min(180.0)),
            lat: ((s - margin).max(-85.0), (n + margin).min(85.0)),
            width,
            parallel: ((s + n) / 2.0).clamp(-60.0, 60.0),
        }
    }

    fn k(&self) -> f64 {
        self.width / ((self.lon.1 - self.lon.0) * self.parallel.to_radians().cos())
    }

    /// Height of the drawing.
    pub fn height(&self) -> f64 {
        (self.lat.1 - self.lat.0) * self.width
            / (self.lon.1 - self.lon.0)
            / self.parallel.to_radians().cos()
    }

    /// (x, y) of a (lat, lon).
    pub fn project(&self, lat: f64, lon: f64) -> (f64, f64) {
        let k = self.k();
        let c = self.parallel.to_radians().cos();
        ((lon - self.lon.0) * c * k, (self.lat.1 - lat) * k)
    }
}

#[derive(Deserialize)]
struct Topology {
    transform: Transform,
    arcs: Vec<Vec<[i64; 2]>>,
    objects: Objects,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct Objects {
    countries: Collection,
}

#[derive(Deserialize)]
struct Collection {
    geometries: Vec<Geometry>,
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    arcs: serde_json::Value,
    #[serde(default)]
    properties: Props,
}

#[derive(Deserialize, Default)]
struct Props {
    #[serde(default)]
    name: String,
}

/// A country's outline: its name and rings of (lon, lat).
pub struct Country {
    /// Natural Earth's name.
    pub name: String,
    /// Rings (outer and holes), each closed.
    pub rings: Vec<Vec<(f64, f64)>>,
}

fn decode_arcs(t: &Topology) -> Vec<Vec<(f64, f64)>> {
    let [sx, sy] = t.transform.scale;
    let [tx, ty] = t.transform.translate;
    t.arcs
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0i64, 0i64);
            arc.iter()
                .map(|[dx, dy]| {
                    x += dx;
                    y += dy;
                    (x as f64 * sx + tx, y as f64 * sy + ty)
                })
                .collect()
        })
        .collect()
}

fn ring(arcs: &[Vec<(f64, f64)>], ids: &serde_json::Value) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for id in ids
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_i64())
    {
        let (i, rev) = if id < 0 {
            ((!id) as usize, true)
        } else {
            (id as usize, false)
        };
        let Some(a) = arcs.get(i) else { continue };
        let pts: Vec<(f64, f64)> = if rev {
            a.iter().rev().copied().collect()
        } else {
            a.clone()
        };
        // Consecutive arcs share their end point.
        let skip = usize::from(!out.is_empty());
        out.extend(pts.into_iter().skip(skip));
    }
    out
}

/// Every country of the vendored TopoJSON.
pub fn countries() -> Vec<Country> {
    let Ok(t) = serde_json::from_str::<Topology>(COUNTRIES_TOPOJSON) else {
        return Vec::new();
    };
    let arcs = decode_arcs(&t);
    let empty = Vec::new();
    t.objects
        .countries
        .geometries
        .iter()
        .map(|g| {
            let polys: Vec<&serde_json::Value> = match g.kind.as_str() {
                "Polygon" => vec![&g.arcs],
                "MultiPolygon" => g.arcs.as_array().unwrap_or(&empty).iter().collect(),
                _ => Vec::new(),
            };
            let rings = polys
                .iter()
                .flat_map(|p| p.as_array().unwrap_or(&empty).iter())
                .map(|r| ring(&arcs, r))
                .filter(|r| r.len() >= 3)
                .collect();
            Country {
                name: g.properties.name.clone(),
                rings,
            }
        })
        .collect()
}

/// The SVG path data of a country in `view`: rings outside the view left out, points
/// closer than `min_px` to the last one kept dropped; empty if nothing shows.
pub fn path_data(c: &Country, view: &View, min_px: f64) -> String {
    let (w, h) = (view.width, view.height());
    let mut d = String::new();
    for r in &c.rings {
        let pts: Vec<(f64, f64)> = r.iter().map(|&(lon, lat)| view.project(lat, lon)).collect();
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in &pts {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        if x1 < 0.0 || y1 < 0.0 || x0 > w || y0 > h || (x1 - x0).max(y1 - y0) < min_px {
            continue;
        }
        let mut last = (f64::MAX, f64::MAX);
        let mut n = 0;
        // A ring across the antimeridian (Fiji, Chukotka) jumps by ~360°: the jump starts a
        // new open sub-path instead of a line across the map.
        let mut split = false;
        for (i, &(x, y)) in pts.iter().enumerate() {
            let jump = i > 0 && (r[i].0 - r[i - 1].0).abs() > 180.0;
            split |= jump;
            let far = (x - last.0).abs().max((y - last.1).abs()) >= min_px;
            if i == 0 || jump || far || i + 1 == pts.len() {
                let cmd = if i == 0 || jump { 'M' } else { 'L' };
                let _ = write!(d, "{cmd}{},{}", c1(x), c1(y));
                last = (x, y);
                n += 1;
            }
        }
        if n < 3 {
            continue;
        }
        if !split {
            d.push('Z');
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_countries_decode() {
        let cs = countries();
        assert!(cs.len() > 200, "{} countries", cs.len());
        let kz = cs
            .iter()
            .find(|c| c.name == "Kazakhstan")
            .expect("Kazakhstan");
        // Its outline lies in its box (46–87 °E, 40–56 °N).
        for r in &kz.rings {
            for &(lon, lat) in r {
                assert!((46.0..88.0).contains(&lon) && (40.0..56.0).contains(&lat));
            }
        }
        assert!(!path_data(kz, &View::EURASIA, 0.7).is_empty());
    }

    #[test]
    fn projection_corners() {
        let v = View::EURASIA;
        assert_eq!(v.project(62.0, -25.0), (0.0, 0.0));
        let (x, y) = v.project(-38.0, 128.0);
        assert!((x - 1000.0).abs() < 1e-9 && (y - v.height()).abs() < 1e-9);
    }
}
