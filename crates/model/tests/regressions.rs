//! Regressions of the reliability review: each test loads the embedded dataset with one
//! file edited the way the review's reproducer edits it, and checks the exact message (or
//! that the dataset loads and its export loads back).

use corridor_model::{DatasetInput, LoadErrors, embedded, load};

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
