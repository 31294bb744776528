//! Finding places by what people type: ids, names, aliases, any case, with or without
//! accents and apostrophes ("Xian", "Xi'an", "XIAN"); close misspellings get suggestions,
//! and a known city that is not in the network (`Warsaw`) gets the nearest places that are,
//! by great-circle distance (the cities of `data/cities.csv`, each with its source).

use corridor_model::Network;
use corridor_model::diag::edit_distance;
use corridor_model::network::NodeId;
use corridor_model::units::great_circle;

/// A place that could not be resolved, with the closest matches.
#[derive(Clone, Debug, PartialEq)]
pub struct NameError {
    /// What was typed.
    pub query: String,
    /// Candidate (node id, display name) pairs, best first; several when ambiguous.
    pub candidates: Vec<(String, String)>,
    /// True when the query matched several places equally.
    pub ambiguous: bool,
    /// When the query names a known city outside the network: the city and the nearest
    /// places of the network (id, name, great-circle km), nearest first.
    pub nearby: Option<Box<Nearby>>,
}

/// A known city that is not a place of the network and the places nearest to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Nearby {
    /// The city's name.
    pub city: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: String,
    /// (node id, node name, great-circle km), nearest first.
    pub places: Vec<(String, String, f64)>,
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = self
            .candidates
            .iter()
            .map(|(k, n)| format!("`{n}` ({k})"))
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(n) = &self.nearby {
            let list = n
                .places
                .iter()
                .map(|(k, name, km)| format!("`{name}` ({k}, {km:.0} km)"))
                .collect::<Vec<_>>()
                .join(", ");
            return write!(
                f,
                "unknown place `{}`: {} ({}) is not a place of the network; the nearest places are {list}",
                self.query, n.city, n.country
            );
        }
        if self.ambiguous {
            write!(
                f,
                "`{}` matches several places: {list}; use the id",
                self.query
            )
        } else if self.candidates.is_empty() {
            write!(
                f,
                "unknown place `{}`; `corridor network show` lists the places",
                self.query
            )
        } else {
            write!(f, "unknown place `{}`; did you mean {list}?", self.query)
        }
    }
}

impl std::error::Error for NameError {}

/// Lower-case, fold the accents of the region's languages, drop everything but letters
/// and digits.
pub fn normalise(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'ə' => 'e',
            'ğ' => 'g',
            'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ī' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' => 'n',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ō' | 'ő' => 'o',
            'ś' | 'š' | 'ş' | 'ș' => 's',
            'ț' | 'ţ' => 't',
            'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Every spelling a node answers to, normalised.
fn spellings(net: &Network, id: NodeId) -> Vec<String> {
    let n = net.node(id);
    let mut v = vec![normalise(&n.key), normalise(&n.name)];
    if let Some((_, rest)) = n.key.split_once('-') {
        v.push(normalise(rest));
    }
    if let Some((short, _)) = n.name.split_once(" (") {
        v.push(normalise(short));
    }
    v.extend(n.aliases.iter().map(|a| normalise(a)));
    v
}

/// Resolve what a user typed to a node.
pub fn find_node(net: &Network, query: &str) -> Result<NodeId, NameError> {
    if let Some(id) = net.node_by_key(query.trim()) {
        return Ok(id);
    }
    let q = normalise(query);
    let exact: Vec<NodeId> = net
        .node_ids()
        .filter(|&id| spellings(net, id).contains(&q))
        .collect();
    let show = |id: NodeId| (net.node(id).key.clone(), net.node(id).name.clone());
    match exact.len() {
        1 => return Ok(exact[0]),
        n if n > 1 => {
            return Err(NameError {
                query: query.into(),
                candidates: exact.into_iter().map(show).collect(),
                ambiguous: true,
                nearby: None,
            });
        }
        _ => {}
    }
    let limit = (q.chars().count() / 4).max(1);
    let mut near: Vec<(usize, NodeId)> = net
        .node_ids()
        .filter_map(|id| {
            spellings(net, id)
                .iter()
                .map(|s| edit_distance(&q, s))
                .min()
                .map(|d| (d, id))
        })
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort_by_key(|x| x.0);
    near.truncate(3);
    Err(NameError {
        query: query.into(),
        candidates: near.into_iter().map(|(_, id)| show(id)).collect(),
        ambiguous: false,
        nearby: nearby(net, &q, 3).map(Box::new),
    })
}

/// One city of `data/cities.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    /// Name.
    pub name: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Where the coordinates come from.
    pub src: String,
}

const CITIES: &str = include_str!("../data/cities.csv");

/// The embedded list of major cities (`data/cities.csv`).
pub fn cities() -> Vec<City> {
    CITIES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let [name, aliases, country, lat, lon, src] = f[..] else {
                return None;
            };
            Some(City {
                name: name.into(),
                aliases: aliases
                    .split(';')
                    .filter(|a| !a.is_empty())
                    .map(String::from)
                    .collect(),
                country: country.into(),
                lat: lat.parse().ok()?,
                lon: lon.parse().ok()?,
                src: src.into(),
            })
        })
        .collect()
}

/// The `k` places of the network nearest to the city a normalised query names, if it
/// names one of [`cities`].
fn nearby(net: &Network, q: &str, k: usize) -> Option<Nearby> {
    let city = cities()
        .into_iter()
        .find(|c| normalise(&c.name) == q || c.aliases.iter().any(|a| normalise(a) == q))?;
    let mut d: Vec<(f64, NodeId)> = net
        .node_ids()
        .map(|id| {
            let n = net.node(id);
            (great_circle(city.lat, city.lon, n.lat(), n.lon()).0, id)
        })
        .collect();
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(Nearby {
        city: city.name,
        country: city.country,
        places: d
            .into_iter()
            .take(k)
            .map(|(km, id)| (net.node(id).key.clone(), net.node(id).name.clone(), km))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_city_row_parses_with_coordinates_in_range_and_a_source() {
        let rows = super::super::names::CITIES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count()
            - 1;
        let cities = super::cities();
        assert_eq!(cities.len(), rows, "a row of cities.csv does not parse");
        for c in &cities {
            assert!((-90.0..=90.0).contains(&c.lat) && (-180.0..=180.0).contains(&c.lon));
            assert!(c.src.starts_with("https://"), "{}", c.name);
            assert!(corridor_model::network::Country::parse(&c.country).is_some());
        }
    }
}
