//! Regressions of the reliability review: each test loads the embedded dataset with one
//! file edited the way the review's reproducer edits it, and checks the exact message (or
//! that the dataset loads and its export loads back).

use corridor_model::{DatasetInput, LoadErrors, Network, embedded, export, load};
use std::path::{Path, PathBuf};

/// The embedded dataset's texts with `file` replaced by `edit(text)`.
fn edited(file: &str, edit: impl FnOnce(&str) -> String) -> DatasetInput {
    let mut edit = Some(edit);
    let texts: Vec<(&str, Vec<u8>)> = embedded::file_names()
        .iter()
        .zip(embedded::TEXTS)
        .map(|(name, text)| {
            let t = if *name == file {
                (edit.take().expect("one file of that name"))(text)
            } else {
                text.to_string()
            };
            (*name, t.into_bytes())
        })
        .collect();
    DatasetInput::texts("ds", &texts)
}

/// Replace one field (by column name) of the row whose id is `id`, quoting as CSV needs.
fn set_field(text: &str, id: &str, column: &str, value: &str) -> String {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let col = rows[0].iter().position(|h| h == column).unwrap();
    let row = rows.iter_mut().find(|r| r[0] == id).unwrap();
    row[col] = value.to_string();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn errors(input: &DatasetInput) -> String {
    match load(input) {
        Ok(_) => panic!("loaded, but an error was expected"),
        Err(e) => e.to_string(),
    }
}

fn first_error(e: &LoadErrors) -> String {
    e.diagnostics[0].to_string()
}

// ── #13: a value just past its bound is not printed as the bound ──────────────────────

#[test]
fn a_capacity_just_past_its_bound_is_printed_with_the_digits_that_differ() {
    let input = edited("nodes.csv", |t| {
        set_field(t, "CN-XIAN", "capacity", "1000000001 TEU/yr")
    });
    let e = errors(&input);
    assert!(
        e.contains("field `capacity`: expected a capacity of at least 1 TEU/yr and at most 1e9 TEU/yr, found 1.000000001e9 TEU/yr"),
        "{e}"
    );
    let input = edited("nodes.csv", |t| {
        set_field(t, "KZ-DOSTYK", "capacity", "3000000.1 TEU/d")
    });
    let e = errors(&input);
    assert!(
        e.contains("at most 3000000 TEU/d, found 3000000.1 TEU/d"),
        "{e}"
    );
}

// ── #14: no number of hundreds of digits in a message ─────────────────────────────────

#[test]
fn huge_and_tiny_numbers_are_printed_short() {
    let input = edited("nodes.csv", |t| set_field(t, "KZ-DOSTYK", "lat", "1e308"));
    let e = load(&input).unwrap_err();
    assert_eq!(
        first_error(&e),
        "ds/nodes.csv:13:6: field `lat`: impossible coordinate 1e308: lat must lie within ±90°\n  hint: latitude and longitude swapped?"
    );
    let input = edited("links.csv", |t| {
        set_field(t, "L-KURYK-ALAT", "distance", "1e-300 km")
    });
    let e = errors(&input);
    assert!(
        e.contains(
            "field `distance`: distance 1e-300 km is shorter than the great-circle distance"
        ),
        "{e}"
    );
    let input = edited("nodes.csv", |t| {
        set_field(t, "KZ-DOSTYK", "handling", "-5e-324 USD/FEU")
    });
    let e = errors(&input);
    assert!(
        e.contains("a handling charge must not be negative, found -4.94066e-324"),
        "{e}"
    );
    let input = edited("emissions.csv", |t| {
        set_field(t, "EF-CASPIAN-FERRY", "wtw", "1e-300 g/tkm")
    });
    let e = errors(&input);
    assert!(
        e.contains("well-to-wheel 1e-300 g/tkm is below tank-to-wheel 106.4 g/tkm"),
        "{e}"
    );
    for line in e.lines() {
        assert!(line.len() < 300, "a long line: {line}");
    }
}

/// Export a network as the dataset texts and load them back.
fn reload(net: &Network) -> Result<Network, LoadErrors> {
    let texts: Vec<(&str, Vec<u8>)> = export::to_dataset_texts(net)
        .into_iter()
        .map(|(n, t)| (n, t.into_bytes()))
        .collect();
    load(&DatasetInput::texts("re", &texts))
}

/// The export of a network that loaded loads back into the same network, and exporting
/// that gives the same texts.
fn assert_round_trip(what: &str, a: &Network) {
    let b = reload(a).unwrap_or_else(|e| panic!("{what}: the export does not load:\n{e}"));
    assert!(a == &b, "{what}: the export loads into another network");
    assert_eq!(
        export::to_dataset_texts(a),
        export::to_dataset_texts(&b),
        "{what}: the export is not a fixed point"
    );
}

// ── #4: empirical weights that overflow when summed ──────────────────────────────────

#[test]
fn empirical_weights_near_the_largest_number_are_normalised_and_export_round_trips() {
    let huge = edited("nodes.csv", |t| {
        set_field(t, "KZ-DOSTYK", "dwell", "empirical(1h:1e308; 1000h:1e308)")
    });
    let one = edited("nodes.csv", |t| {
        set_field(t, "KZ-DOSTYK", "dwell", "empirical(1h:1; 1000h:1)")
    });
    let loaded = corridor_model::load_with_warnings(&huge).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        w,
        vec![
            "ds/nodes.csv:13:10: field `dwell`: the weights sum to more than 1.79769e308, not 1; each is divided by their sum (normalised)"
        ]
    );
    let a = loaded.network;
    let b = load(&one).unwrap();
    let k = a.node_by_key("KZ-DOSTYK").unwrap();
    assert_eq!(a.node(k).dwell, b.node(k).dwell, "1e308:1e308 is 1:1");
    let texts = export::to_dataset_texts(&a);
    assert!(
        texts[2].1.contains("\"empirical(1h:0.5, 1000h:0.5)\""),
        "{}",
        texts[2].1
    );
    assert_round_trip("weights 1e308", &a);
    // A weight that would vanish beside the largest is refused, not silently dropped.
    let e = errors(&edited("nodes.csv", |t| {
        set_field(t, "KZ-DOSTYK", "dwell", "empirical(1h:5e-324; 1000h:1e308)")
    }));
    assert!(
        e.contains("ds/nodes.csv:13:10: field `dwell`: weight `4.94066e-324` of 1h is negligible beside the largest weight `1e308`: it would count as 0"),
        "{e}"
    );
}

// ── #5: the export of a valid dataset always loads ───────────────────────────────────

#[test]
fn separators_without_waypoints_or_passages_are_an_error_not_an_empty_list() {
    let e = errors(&edited("links.csv", |t| {
        set_field(t, "L-SHA-RTM-SUEZ", "waypoints", "; ;")
    }));
    assert!(
        e.contains("ds/links.csv:60:20: field `waypoints`: `; ;` lists no waypoint"),
        "{e}"
    );
    let e = errors(&edited("links.csv", |t| {
        set_field(t, "L-SHA-RTM-SUEZ", "passages", " ; ")
    }));
    assert!(
        e.contains("ds/links.csv:60:10: field `passages`: `;` lists no passage"),
        "{e}"
    );
}

#[test]
fn separators_without_countries_or_sources_are_an_error_not_a_panic_or_an_empty_list() {
    // `;` as a link's countries once made the loader panic (a link dropped without a
    // message), and `; ;` as a source list loaded as "no source" and exported as empty.
    let e = errors(&edited("links.csv", |t| {
        set_field(t, "L-XIAN-URUMQI", "countries", ";")
    }));
    assert!(
        e.contains("ds/links.csv:2:8: field `countries`: `;` lists no country"),
        "{e}"
    );
    let e = errors(&edited("emissions.csv", |t| {
        set_field(t, "EF-ROAD", "wtw_src", "; ;")
    }));
    assert!(e.contains("field `wtw_src`: `; ;` names no source"), "{e}");
}

#[test]
fn an_emission_id_starting_with_a_hash_is_exported_quoted_not_as_a_comment() {
    let input = edited("emissions.csv", |t| {
        assert!(t.contains("\nEF-ROAD,road,"));
        t.replacen("\nEF-ROAD,road,", "\n\"#EF-ROAD\",road,", 1)
    });
    let a = load(&input).unwrap_or_else(|e| panic!("{e}"));
    let texts = export::to_dataset_texts(&a);
    assert!(
        texts[5].1.contains("\n\"#EF-ROAD\",\"road\","),
        "{}",
        texts[5].1
    );
    assert_round_trip("an id starting with #", &a);
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// A fixture dataset: `base` with the files of `dir` instead (and none listed in REMOVE).
fn fixture(dir: &Path) -> DatasetInput {
    let base = fixtures().join("base");
    let removed = std::fs::read_to_string(dir.join("REMOVE")).unwrap_or_default();
    let mut texts = Vec::new();
    for f in corridor_model::load::FILES {
        if removed.lines().any(|l| l.trim() == f) {
            continue;
        }
        let over = dir.join(f);
        let path = if over.exists() { over } else { base.join(f) };
        texts.push((f, std::fs::read(&path).unwrap()));
    }
    DatasetInput::texts(&dir.display().to_string(), &texts)
}

#[test]
fn every_dataset_that_loads_exports_a_dataset_that_loads_back_the_same() {
    let mut dirs = vec![fixtures().join("base")];
    for kind in ["warnings", "invalid"] {
        let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures().join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        dirs.extend(v);
    }
    let mut loaded = 0;
    for dir in &dirs {
        if let Ok(net) = load(&fixture(dir)) {
            assert_round_trip(&dir.display().to_string(), &net);
            loaded += 1;
        }
    }
    assert!(loaded >= 5, "only {loaded} fixtures load");
    assert_round_trip("embedded", &embedded::network().unwrap());
}

/// Values that once broke the round trip, or might: separators without items, weights at
/// the edge of the numbers, units that convert, leading `#`, quotes, spaces, line breaks.
const TRICKY: &[&str] = &[
    "",
    " ",
    ";",
    "; ;",
    "#x",
    " #x",
    "\"q\"",
    "a, b",
    "two\nlines",
    "empirical(1h:1e308; 1000h:1e308)",
    "empirical(1h:1e-300; 2h:1e-300)",
    "empirical(2h, 1h, 1h)",
    "empirical(90min:0.3; 1d:0.7)",
    "tri(60min, 1h, 2d)",
    "lognormal(p50=1min, p90=1d)",
    "fixed(0h)",
    "by_speed(p50=40km/h, p90=1km/d)",
    "10 nm",
    "1e-300 km",
    "55 FEU",
    "0.12 USD/TEU-km",
    "90 USD/TEU",
    "0.028 kg/tkm",
    "86400min",
    "7min",
    "1e-9h",
    "0 h",
    "1.25 103.8; 12.6 43.3",
    "1.25 103.8;;",
    "suez",
    "suez; ;",
    "S1;S1",
    "KZ;KZ",
    "1435;1435",
    "1435mm",
    "middle_btk;middle_btk",
    "0.000001 TEU/d",
    "3000000 TEU/d",
    "5 Mt/yr",
    "both",
    "forward",
    "2024",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// Whatever one field of the embedded dataset is set to, a dataset that loads exports
    /// a dataset that loads back into the same network.
    #[test]
    fn a_dataset_that_loads_always_exports_one_that_loads_back_the_same(
        file in 1usize..6,
        row in 0usize..1000,
        col in 0usize..32,
        pick in 0usize..TRICKY.len(),
        random in "[ -~]{0,12}",
        use_random in proptest::bool::weighted(0.2),
    ) {
        let name = corridor_model::load::FILES[file];
        let text = embedded::TEXTS[file];
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let r = 1 + row % (rows.len() - 1);
        let c = col % rows[0].len();
        let value = if use_random { random.as_str() } else { TRICKY[pick] };
        let input = edited(name, |t| set_field(t, &rows[r][0], &rows[0][c], value));
        if let Ok(net) = load(&input) {
            assert_round_trip(&format!("{name} row {} `{}` = {value:?}", rows[r][0], rows[0][c]), &net);
        }
    }
}

// ── #12: control characters and bidirectional overrides are refused at load ──────────

#[test]
fn control_characters_and_bidi_overrides_are_refused_at_their_field() {
    let e = errors(&edited("nodes.csv", |t| {
        set_field(
            t,
            "KZ-SHU",
            "name",
            "Shu\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mRED\u{1b}[0m",
        )
    }));
    assert!(
        e.contains("ds/nodes.csv:15:2: field `name`: the field holds U+001B (escape) at character 4\n  hint: remove it: control characters and bidirectional overrides are never part of a dataset's text"),
        "{e}"
    );
    assert!(!e.contains('\u{1b}'), "printed raw: {e:?}");
    for (file, id, col, text, want) in [
        (
            "links.csv",
            "L-KURYK-ALAT",
            "note",
            "ferry \u{202e}txt.exe",
            "U+202E (right-to-left override) at character 7",
        ),
        (
            "services.csv",
            "S-KURYK-ALAT-FERRY",
            "operator",
            "ASCO\u{9b}31m",
            "U+009B (a C1 control character) at character 5",
        ),
        (
            "sources.csv",
            "S1",
            "title",
            "del\u{7f}",
            "U+007F (delete) at character 4",
        ),
        (
            "nodes.csv",
            "KZ-SHU",
            "aliases",
            "Shu\u{2066}x",
            "U+2066 (left-to-right isolate) at character 4",
        ),
    ] {
        let e = errors(&edited(file, |t| set_field(t, id, col, text)));
        assert!(
            e.contains(&format!("field `{col}`: the field holds {want}")),
            "{e}"
        );
    }
    // dataset.toml: a TOML escape can hold one too.
    let e = errors(&edited("dataset.toml", |t| {
        t.replacen("name = \"", "name = \"\\u001b[2J", 1)
    }));
    assert!(
        e.contains(
            "ds/dataset.toml:4: field `name`: the text holds U+001B (escape) at character 1"
        ),
        "{e}"
    );
    // Tabs and line breaks in a quoted note are text.
    load(&edited("links.csv", |t| {
        set_field(t, "L-KURYK-ALAT", "note", "two\tcolumns\nand two lines")
    }))
    .unwrap_or_else(|e| panic!("{e}"));
}
