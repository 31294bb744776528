//! End-to-end tests of what a forwarder reads: tables that fit 120 columns, notes and the
//! verdict, the cost breakdown in text, JSON and CSV, `--tonnes-per-teu`, and the hints
//! newcomers get.

mod common;
use assert_cmd::Command;
use common::run;

const SHIP: [&str; 10] = [
    "--from",
    "Xian",
    "--to",
    "Duisburg",
    "--date",
    "2026-03-03",
    "--teu",
    "2",
    "--samples",
    "300",
];

fn width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn with_columns(cols: &str, args: &[&str]) -> String {
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .env("COLUMNS", cols)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_table_fits_the_width_and_wide_keeps_one_line_per_row() {
    for cmd in [
        vec!["compare"],
        vec!["compare", "--explain"],
        vec!["route"],
        vec!["route", "--explain", "--avoid-country", "RU"],
    ] {
        let args = [&cmd[..], &SHIP].concat();
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        assert!(
            width(&out) <= 120,
            "{cmd:?}: {} columns\n{out}",
            width(&out)
        );
        // Narrower, the table rows keep their columns; everything else wraps to fit.
        let narrow = with_columns("90", &args);
        let row = |l: &str| {
            l.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '─' || c == '#')
                && l.contains("  ")
                && !l.starts_with("Route ")
        };
        for l in narrow.lines().filter(|l| !row(l)) {
            assert!(l.chars().count() <= 90, "{cmd:?} at 90: {l}");
        }
    }
    // --wide: today's layout, a corridor per line with its full name and VIA as a column.
    let (code, out, _) = run(&[&["compare", "--wide"][..], &SHIP].concat());
    assert_eq!(code, 0);
    assert!(width(&out) > 120);
    let header = out.lines().find(|l| l.starts_with("CORRIDOR")).unwrap();
    assert!(header.ends_with("VIA"), "{header}");
    let btk = out
        .lines()
        .find(|l| l.starts_with("Middle Corridor via the Caspian and Baku–Tbilisi–Kars"))
        .unwrap();
    assert!(
        btk.contains("Akhalkalaki → Kartsakhi → Kars → Istanbul"),
        "{btk}"
    );
}

#[test]
fn compare_shows_the_full_chain_of_places_a_legend_the_verdict_and_the_notes() {
    let (code, out, err) = run(&[&["compare", "--avoid-country", "RU"][..], &SHIP].concat());
    assert_eq!(code, 0, "{err}");
    let flat = out.replace("\n        ", " ");
    let via = flat
        .lines()
        .skip_while(|l| !l.starts_with("middle_btk "))
        .nth(1)
        .unwrap();
    assert!(
        via.starts_with("    via Xi'an →")
            && via.contains("Aktau ~ Alat")
            && via.contains("Akhalkalaki → Kartsakhi → Kars → Istanbul → Kapıkule"),
        "{via}"
    );
    assert!(
        out.contains(
            "\n  middle_btk        Middle Corridor via the Caspian and Baku–Tbilisi–Kars\n"
        )
    );
    let flat = out.replace("\n  ", " ");
    assert!(flat.contains("\nFastest without RU: "), "{out}");
    assert!(
        flat.contains(" would be ") && flat.contains(" faster but crosses RU."),
        "{out}"
    );
    for want in [
        "Times assume space on the next departure",
        "Terminal to terminal",
        "no trucking at either end",
        "COST is for the whole shipment of 2 TEU (1 FEU)",
        "10 t of cargo per TEU",
        // The sea lanes at the Drewry reading in force on 2026-03-03, the others undated.
        "Priced at the dated tariffs in force on the shipment's date: L-SHA-RTM-SUEZ at 2840 USD/FEU, from 2026-01-08",
        "The links' own tariffs carry no year",
    ] {
        assert!(flat.contains(want), "{want}:\n{out}");
    }
}

#[test]
fn the_header_says_when_the_size_is_the_default() {
    let base = ["--from", "Xian", "--to", "Duisburg", "--date", "2026-03-03"];
    let (code, out, _) = run(&[&["compare"][..], &base].concat());
    assert_eq!(code, 0);
    assert!(out.lines().nth(1).unwrap().starts_with(
        "Cargo: 1 TEU (0.5 FEU) by default: no --teu or --feu given; 10 t at 10 t per TEU"
    ));
    let (_, out, _) = run(&[&["route", "--json"][..], &base].concat());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["shipment"]["size_defaulted"], true);
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == "default_size")
    );
    let (_, out, _) = run(&[&["route"][..], &SHIP].concat());
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .starts_with("Cargo: 2 TEU (1 FEU); 20 t")
    );
}

#[test]
fn json_carries_notes_the_summary_and_a_breakdown_that_sums_to_the_total() {
    let (code, out, _) = run(&[&["compare", "--json"][..], &SHIP].concat());
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["summary"].as_str().unwrap().starts_with("Fastest: "));
    let ids: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for id in [
        "space_on_next_departure",
        "terminal_to_terminal",
        "cost_basis",
        "cargo_weight",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    for r in v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["available"] == true)
    {
        let lines = r["cost_breakdown"].as_array().unwrap();
        for (col, total) in [
            ("usd", "cost_usd"),
            ("usd_per_feu", "cost_usd_per_feu"),
            ("usd_per_teu", "cost_usd_per_teu"),
        ] {
            let sum: f64 = lines.iter().map(|l| l[col].as_f64().unwrap()).sum();
            assert_eq!(sum, r[total].as_f64().unwrap(), "{} {col}", r["corridor"]);
        }
    }
}

#[test]
fn explain_lists_the_cost_by_category_summing_to_the_total() {
    let (code, out, _) = run(&[&["route", "--explain", "--prefer", "time"][..], &SHIP].concat());
    assert_eq!(code, 0);
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("COST "))
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect();
    let (total, lines) = table.split_last().unwrap();
    let usd = |l: &str| -> f64 {
        let cells: Vec<&str> = l
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        cells[1].parse().unwrap()
    };
    assert!(total.starts_with("total "), "{total}");
    assert_eq!(
        lines.iter().map(|l| usd(l)).sum::<f64>(),
        usd(total),
        "{table:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("rail tariff ")),
        "{table:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("gauge change ")),
        "{table:?}"
    );
}

#[test]
fn csv_parses_back_with_the_breakdown_summing_to_the_total() {
    for cmd in ["compare", "route"] {
        let (code, out, err) = run(&[&[cmd, "--csv"][..], &SHIP].concat());
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("note: Terminal to terminal"), "{err}");
        let mut rd = csv::Reader::from_reader(out.as_bytes());
        let h = rd.headers().unwrap().clone();
        let col = |name: &str| h.iter().position(|x| x == name).unwrap();
        let cats: Vec<usize> = [
            "rail_tariff_usd",
            "road_haulage_usd",
            "ferry_freight_usd",
            "sea_freight_usd",
            "port_terminal_handling_usd",
            "gauge_change_usd",
            "border_fees_usd",
        ]
        .iter()
        .map(|c| col(c))
        .collect();
        let mut n = 0;
        for rec in rd.records() {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), h.len());
            if rec[col("cost_usd")].is_empty() {
                continue;
            }
            let sum: f64 = cats.iter().map(|&i| rec[i].parse::<f64>().unwrap()).sum();
            assert_eq!(sum, rec[col("cost_usd")].parse::<f64>().unwrap(), "{cmd}");
            assert!(rec[col("via")].starts_with("CN-XIAN;"));
            n += 1;
        }
        assert!(n >= 3, "{cmd}: {n} rows");
    }
    // A reason with commas and quotes is quoted (RFC 4180) and reads back whole.
    let (code, out, _) =
        run(&[&["compare", "--csv", "--avoid-country", "RU,IR"][..], &SHIP].concat());
    assert_eq!(code, 0);
    let mut rd = csv::Reader::from_reader(out.as_bytes());
    let northern = rd
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "northern")
        .unwrap();
    assert_eq!(&northern[2], "false");
    assert_eq!(&northern[3], "removed by --avoid-country RU");
}

#[test]
fn tonnes_per_teu_scales_the_emissions_and_is_validated() {
    let get = |t: &str| {
        let (code, out, err) =
            run(&[&["route", "--json", "--tonnes-per-teu", t][..], &SHIP].concat());
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let (a, b) = (get("10"), get("20"));
    let co2 = |v: &serde_json::Value| v["routes"][0]["co2e_wtw_kg"].as_f64().unwrap();
    assert!(
        (co2(&b) / co2(&a) - 2.0).abs() < 0.01,
        "{} {}",
        co2(&a),
        co2(&b)
    );
    assert_eq!(b["shipment"]["tonnes"], 40.0);
    assert_eq!(b["shipment"]["tonnes_per_teu"], 20.0);
    for bad in ["0", "-3", "41", "nan", "inf"] {
        let (code, _, err) = run(&[&["compare", "--tonnes-per-teu", bad][..], &SHIP].concat());
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(
            err.contains("--tonnes-per-teu") && !err.contains("panicked"),
            "{bad}: {err}"
        );
    }
    let (_, _, err) = run(&[&["compare", "--tonnes-per-teu", "41"][..], &SHIP].concat());
    assert!(err.contains("at most 40 t"), "{err}");
}

#[test]
fn newcomer_mistakes_get_hints_and_exit_2() {
    let (code, _, err) = run(&["route", "--from", "Xian", "--to", "Duisburg", "2026-03-03"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("add --date before it (`--date 2026-03-03`)"),
        "{err}"
    );
    let (code, _, err) = run(&["simulate", "--demand-factor", "50%", "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("write 1.5 for +50 %"), "{err}");
    for (city, nearest) in [("Warsaw", "PL-MALASZEWICZE"), ("Dusseldorf", "DE-DUISBURG")] {
        let (code, _, err) = run(&[
            "compare",
            "--from",
            "Xian",
            "--to",
            city,
            "--date",
            "2026-03-03",
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("is not a place of the network; the nearest places are")
                && err.contains(&format!("({nearest}, ")),
            "{err}"
        );
        // Three places, each with its distance.
        assert_eq!(err.matches(" km)").count(), 3, "{err}");
    }
}
