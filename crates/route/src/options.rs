//! The options of a shipment request checked against the network: one set of checks for
//! every front end (the CLI's flags, the HTTP API's fields).
//!
//! Each check returns the value or an [`OptionError`] whose message does not name the
//! option, so the front end puts its own name in front (`--avoid-mode`, `avoid_mode[1]`).
//! An option that is legal but touches nothing of the network (a country no link crosses)
//! comes back with an [`Unused`] note, reported as a warning.

use crate::plan::{Generalised, Weights};
use corridor_model::Network;
use corridor_model::diag::{did_you_mean, suggest};
use corridor_model::network::{Country, Mode, NodeId, PassageId, ServiceId};
use corridor_model::ranges::{num, num_beside};
use std::fmt;

/// The most places a route may be asked to pass.
pub const MAX_VIA: usize = 8;
/// The largest shipment, TEU: a very large container ship's load; a shipment, not a fleet.
pub const MAX_TEU: f64 = 25_000.0;

/// What is wrong with an option's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionError {
    /// It names something the network does not have (a place, passage or service).
    NotFound(String),
    /// It is not a valid value.
    Invalid(String),
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::NotFound(m) | OptionError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for OptionError {}

/// A legal value that changes nothing: what the network lacks for it to matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unused(pub String);

impl fmt::Display for Unused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A country to avoid, by its ISO 3166-1 alpha-2 code (any case).
pub fn country(net: &Network, text: &str) -> Result<(Country, Option<Unused>), OptionError> {
    let code = Country::parse(&text.trim().to_uppercase()).ok_or_else(|| {
        OptionError::Invalid(format!(
            "`{text}` is not an ISO 3166-1 alpha-2 country code (e.g. RU, IR)"
        ))
    })?;
    let touched = net.link_ids().any(|l| net.countries(l).contains(&code))
        || net.nodes.iter().any(|n| n.country == code);
    let unused = (!touched).then(|| {
        Unused(format!(
            "no link or place of the network is in {code}, so it changes nothing"
        ))
    });
    Ok((code, unused))
}

/// A mode to avoid (`rail`, `caspian_ferry`, …).
pub fn mode(net: &Network, text: &str) -> Result<(Mode, Option<Unused>), OptionError> {
    let mode = Mode::parse(text.trim()).ok_or_else(|| {
        OptionError::Invalid(format!(
            "unknown mode `{text}`; modes are {}",
            Mode::expected()
        ))
    })?;
    let unused = (!net.links.iter().any(|l| l.mode == mode)).then(|| {
        Unused(format!(
            "no link of the network is {mode}, so it changes nothing"
        ))
    });
    Ok((mode, unused))
}

/// A sea passage to avoid, by key or name (any case).
pub fn passage(net: &Network, text: &str) -> Result<(PassageId, Option<Unused>), OptionError> {
    let q = text.trim().to_lowercase();
    let keys = || net.passages.iter().map(|x| x.key.as_str());
    let Some(i) = net
        .passages
        .iter()
        .position(|x| x.key == q || x.name.to_lowercase() == q)
    else {
        let hint = did_you_mean(&q, keys())
            .map(|h| format!("; {h}"))
            .unwrap_or_else(|| format!("; passages are {}", keys().collect::<Vec<_>>().join(", ")));
        return Err(OptionError::NotFound(format!(
            "unknown passage `{text}`{hint}"
        )));
    };
    let id = PassageId(i as u32);
    let unused = (!net.link_ids().any(|l| net.passages_of(l).contains(&id))).then(|| {
        Unused(format!(
            "{}: no link of the network uses it, so it changes nothing",
            net.passages[i].key
        ))
    });
    Ok((id, unused))
}

/// A timetabled service to avoid, by its id in services.csv.
pub fn service(net: &Network, text: &str) -> Result<ServiceId, OptionError> {
    let id = text.trim();
    match net.services.iter().position(|s| s.key == id) {
        Some(i) => Ok(ServiceId(i as u32)),
        None => {
            let hint = suggest(id, net.services.iter().map(|s| s.key.as_str()))
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_else(|| "; service ids are in services.csv".into());
            Err(OptionError::NotFound(format!(
                "unknown service `{id}`{hint}"
            )))
        }
    }
}

/// A place to avoid that no link touches changes nothing.
pub fn unused_node(net: &Network, n: NodeId) -> Option<Unused> {
    net.arcs(n).is_empty().then(|| {
        Unused(format!(
            "{}: no link touches it, so it changes nothing",
            net.node(n).key
        ))
    })
}

/// The cargo in TEU from a size in TEU or in FEU (not both; 1 TEU when neither), above 0
/// and at most [`MAX_TEU`].
pub fn cargo_teu(teu: Option<f64>, feu: Option<f64>) -> Result<f64, OptionError> {
    let t = match (teu, feu) {
        (Some(_), Some(_)) => {
            return Err(OptionError::Invalid(
                "give the cargo in TEU or in FEU, not both".into(),
            ));
        }
        (Some(t), None) => t,
        (None, Some(f)) => f * 2.0,
        (None, None) => 1.0,
    };
    if !(t.is_finite() && t > 0.0 && t <= MAX_TEU) {
        return Err(OptionError::Invalid(format!(
            "the cargo size must be a number of TEU above 0 and at most 25000, found {}",
            num_beside(t, &[MAX_TEU])
        )));
    }
    Ok(t)
}

/// Explicit ranking weights (time, cost, CO2): three non-negative numbers, not all zero.
/// The message reads after the option's name ("--weights takes three …").
pub fn weights(w: &[f64]) -> Result<Weights, OptionError> {
    if w.len() == 3 && w.iter().all(|x| x.is_finite() && *x >= 0.0) && w.iter().sum::<f64>() > 0.0 {
        return Ok(Weights::scaled(w[0], w[1], w[2]));
    }
    Err(OptionError::Invalid(format!(
        "takes three non-negative numbers TIME,COST,CO2, not all zero, e.g. 1,0.5,0.2; found {}",
        w.iter().map(|&x| num(x)).collect::<Vec<_>>().join(",")
    )))
}

/// A preset ranking: `time`, `cost`, `co2` or `balanced`.
pub fn prefer(name: &str) -> Result<Weights, OptionError> {
    Weights::preset(name).ok_or_else(|| {
        OptionError::Invalid(format!(
            "unknown preference `{name}`; use time, cost, co2 or balanced"
        ))
    })
}

/// The highest value of time (USD per TEU-day) and carbon price (USD per t CO2e) taken.
pub const MAX_GENERALISED: f64 = 100_000.0;

/// The generalised cost of `balanced` with the given value of time and carbon price (the
/// simulation's defaults where not given): each finite, at least 0 and at most
/// [`MAX_GENERALISED`]. Errors name which of the two (`value of time`, `carbon price`).
pub fn generalised(
    usd_per_teu_day: Option<f64>,
    usd_per_t_co2e: Option<f64>,
) -> Result<Generalised, OptionError> {
    let d = Generalised::DEFAULT;
    let check = |what: &str, v: Option<f64>, default: f64| match v {
        None => Ok(default),
        Some(x) if x.is_finite() && (0.0..=MAX_GENERALISED).contains(&x) => Ok(x),
        Some(x) => Err(OptionError::Invalid(format!(
            "the {what} must be a number from 0 to 100000, found {}",
            num_beside(x, &[0.0, MAX_GENERALISED])
        ))),
    };
    Ok(Generalised {
        usd_per_teu_day: check("value of time", usd_per_teu_day, d.usd_per_teu_day)?,
        usd_per_t_co2e: check("carbon price", usd_per_t_co2e, d.usd_per_t_co2e)?,
    })
}

/// A limit (longest time in days, highest cost in USD): a positive number if given. The
/// message reads after the option's name ("--max-days must be …").
pub fn positive(v: Option<f64>) -> Result<(), OptionError> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0) => {
            Err(OptionError::Invalid("must be a positive number".into()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_option_is_checked_with_the_same_message_for_every_front_end() {
        let net = corridor_model::embedded::network().unwrap();
        assert_eq!(
            country(&net, "ru").unwrap(),
            (Country::parse("RU").unwrap(), None)
        );
        assert_eq!(
            country(&net, "JP").unwrap().1,
            Some(Unused(
                "no link or place of the network is in JP, so it changes nothing".into()
            ))
        );
        assert_eq!(
            country(&net, "Russia").unwrap_err(),
            OptionError::Invalid(
                "`Russia` is not an ISO 3166-1 alpha-2 country code (e.g. RU, IR)".into()
            )
        );
        assert!(
            matches!(mode(&net, "rial"), Err(OptionError::Invalid(m)) if m.starts_with("unknown mode `rial`; modes are "))
        );
        assert!(passage(&net, "Suez").unwrap().1.is_none());
        assert!(
            matches!(passage(&net, "sues"), Err(OptionError::NotFound(m)) if m.contains("unknown passage `sues`") && m.contains("suez"))
        );
        assert!(
            matches!(service(&net, "S-KURYK-ALAT-FERY"), Err(OptionError::NotFound(m)) if m.contains("did you mean `S-KURYK-ALAT-FERRY`?"))
        );
        assert_eq!(cargo_teu(None, Some(2.0)).unwrap(), 4.0);
        assert_eq!(cargo_teu(None, None).unwrap(), 1.0);
        assert!(cargo_teu(Some(1.0), Some(1.0)).is_err());
        assert_eq!(
            cargo_teu(Some(25_000.5), None).unwrap_err().to_string(),
            "the cargo size must be a number of TEU above 0 and at most 25000, found 25000.5"
        );
        assert_eq!(
            weights(&[-1.0, 1.0, 1.0]).unwrap_err().to_string(),
            "takes three non-negative numbers TIME,COST,CO2, not all zero, e.g. 1,0.5,0.2; found -1,1,1"
        );
        assert!(weights(&[0.0, 0.0, 0.0]).is_err() && weights(&[1.0, 0.0]).is_err());
        assert_eq!(weights(&[1.0, 0.5, 0.0]).unwrap().cost, 0.5);
        assert!(prefer("fast").is_err() && prefer("co2").is_ok());
        assert!(positive(Some(0.0)).is_err() && positive(Some(f64::NAN)).is_err());
        assert!(positive(None).is_ok() && positive(Some(3.0)).is_ok());
        assert_eq!(generalised(None, None).unwrap(), Generalised::DEFAULT);
        assert_eq!(
            generalised(Some(30.0), Some(90.0)).unwrap().usd_per_t_co2e,
            90.0
        );
        assert_eq!(
            generalised(Some(-1.0), None).unwrap_err().to_string(),
            "the value of time must be a number from 0 to 100000, found -1"
        );
        assert!(generalised(None, Some(f64::INFINITY)).is_err());
    }
}
