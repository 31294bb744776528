//! Synthetic networks in the dataset's own text format, for benchmarks and scale tests.
//!
//! A grid of junctions (0.05° apart) joined by rail links to the right and below; 1 % of
//! the links carry a scheduled service. Every figure cites the one estimate source, as the
//! loader requires.

use crate::units::great_circle;
use std::fmt::Write;

/// The five dataset files (name, text) of a grid network with about `links` links.
pub fn grid_dataset(links: usize) -> Vec<(&'static str, String)> {
    let width = ((links as f64 / 2.0).sqrt().ceil() as usize).max(2);
    let height = (links / (2 * width)).max(1) + 2;
    let step = 0.05;
    let coord = |i: usize| {
        (
            30.0 + (i / width) as f64 * step,
            40.0 + (i % width) as f64 * step,
        )
    };
    let key = |i: usize| format!("N-{i}");

    let mut nodes = String::with_capacity(width * height * 70);
    nodes.push_str("id,name,aliases,country,kind,lat,lon,coord_src,gauges,dwell,dwell_src,handling,handling_src,capacity,capacity_src,note\n");
    let mut edges = Vec::with_capacity(links);
    'outer: for i in 0..width * height {
        for j in [i + 1, i + width] {
            if edges.len() == links {
                break 'outer;
            }
            let right_ok = j == i + 1 && (i + 1) % width != 0;
            if (right_ok || j == i + width) && j < width * height {
                edges.push((i, j));
            }
        }
    }
    let used = edges.iter().map(|e| e.1).max().unwrap_or(1) + 1;
    for i in 0..used {
        let (lat, lon) = coord(i);
        let dwell = if i % 100 == 0 {
            "lognormal(p50=20h; p90=30h),E-1"
        } else {
            ","
        };
        writeln!(
            nodes,
            "{},Junction {i},,KZ,junction,{lat:.4},{lon:.4},E-1,1520,{dwell},,,,,",
            key(i)
        )
        .unwrap();
    }
    let mut lk = String::with_capacity(links * 140);
    lk.push_str("id,from,to,mode,gauge,traction,traction_src,countries,corridors,distance,distance_src,time,time_src,capacity,capacity_src,tariff,tariff_src,note\n");
    let mut svc = String::with_capacity(links / 100 * 120);
    svc.push_str("id,link,direction,kind,operator,schedule,schedule_src,payload,payload_src,rule,max_hold,max_hold_src,note\n");
    for (k, &(a, b)) in edges.iter().enumerate() {
        let ((la, oa), (lb, ob)) = (coord(a), coord(b));
        let d = (great_circle(la, oa, lb, ob).0 * 1.3).ceil();
        writeln!(
            lk,
            "L-{k},{},{},rail,1520,electric,E-1,KZ,c0,{d} km,E-1,by_speed(p50=700km/d; p90=538km/d),E-1,,,1.03 USD/FEU-km,E-1,",
            key(a),
            key(b)
        )
        .unwrap();
        if k % 100 == 0 {
            writeln!(
                svc,
                "S-{k},L-{k},both,block_train,,every({}h; 06:00),E-1,55 FEU,E-1,fixed,,,",
                6 + k % 19
            )
            .unwrap();
        }
    }
    let toml = format!(
        "name = \"Synthetic grid\"\nversion = \"1\"\ndescription = \"{} links\"\n\n[[corridor]]\nkey = \"c0\"\nname = \"Grid\"\n\n[connectivity]\norigins = [\"N-0\"]\ndestinations = [\"{}\"]\n\n[cargo]\ntonnes_per_teu = 10.0\ntonnes_per_teu_src = \"E-1\"\n",
        edges.len(),
        key(used - 1)
    );
    let sources = "id,kind,title,year,url,note\nE-1,estimate,Synthetic figures,,,Generated for benchmarks; not data.\n".to_string();
    let emissions = "id,mode,traction,service_kind,ttw,ttw_src,wtw,wtw_src,note\nEF-RAIL,rail,,,27.79 g/tkm,E-1,32.6 g/tkm,E-1,\n".to_string();
    vec![
        ("dataset.toml", toml),
        ("sources.csv", sources),
        ("nodes.csv", nodes),
        ("links.csv", lk),
        ("services.csv", svc),
        ("emissions.csv", emissions),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_small_grid_loads_with_the_requested_link_count() {
        let texts: Vec<(&str, Vec<u8>)> = super::grid_dataset(1000)
            .into_iter()
            .map(|(n, t)| (n, t.into_bytes()))
            .collect();
        let net = crate::load(&crate::DatasetInput::texts("grid", &texts))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(net.links.len(), 1000);
        assert_eq!(net.services.len(), 10);
        assert_eq!(net.arc_count(), 2000);
    }
}
