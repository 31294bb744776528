//! Data-driven validation tests: `tests/fixtures/invalid/<rule>/` holds the files that
//! differ from `tests/fixtures/base/` (plus `REMOVE`, a list of base files to drop) and
//! `expected.txt`, the loader's full report. One helper runs them all.
//!
//! To accept new output after an intended change: `UPDATE_EXPECT=1 cargo test -p corridor-model --test fixtures`
//! (then read the diff).

use corridor_model::{DatasetInput, load};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// The base dataset with a rule's overrides applied, labelled with the rule's name.
fn input_for(rule: &str) -> DatasetInput {
    input_in("invalid", rule)
}

fn input_in(kind: &str, rule: &str) -> DatasetInput {
    let base = fixtures().join("base");
    let dir = fixtures().join(kind).join(rule);
    let removed: Vec<String> = std::fs::read_to_string(dir.join("REMOVE"))
        .map(|t| {
            t.lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut texts = Vec::new();
    for f in corridor_model::load::FILES {
        if removed.iter().any(|r| r == f) {
            continue;
        }
        let over = dir.join(f);
        let path = if over.exists() { over } else { base.join(f) };
        texts.push((f, std::fs::read(&path).unwrap()));
    }
    DatasetInput::texts(rule, &texts)
}

fn rules() -> Vec<String> {
    rules_in("invalid")
}

fn rules_in(kind: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures().join(kind))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn base_fixture_is_valid() {
    let net = load(&DatasetInput::dir(&fixtures().join("base"))).unwrap();
    assert_eq!(
        (net.nodes.len(), net.links.len(), net.services.len()),
        (4, 3, 2)
    );
}

#[test]
fn every_malformed_fixture_gives_its_expected_report() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for rule in rules() {
        let report = match load(&input_for(&rule)) {
            Ok(_) => "(loaded without error)\n".to_string(),
            Err(e) => format!("{e}\n"),
        };
        let path = fixtures().join("invalid").join(&rule).join("expected.txt");
        if update {
            std::fs::write(&path, &report).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != report {
            failures.push(format!(
                "── {rule}\nexpected:\n{expected}\nactual:\n{report}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ (UPDATE_EXPECT=1 to accept):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_row_level_rule_names_line_and_field() {
    // Rules whose problem is not in one row of a CSV table.
    let whole_file = [
        "missing_file",
        "not_utf8",
        "toml_syntax",
        "toml_unknown_origin",
        "not_connected",
        "wrong_field_count",
        "missing_column",
        "emissions_missing_mode",
    ];
    for rule in rules() {
        let errs = load(&input_for(&rule)).expect_err(&rule);
        assert!(!errs.diagnostics.is_empty(), "{rule}");
        for d in &errs.diagnostics {
            assert!(d.file.starts_with(&format!("{rule}/")), "{rule}: {d}");
            if d.file.ends_with(".toml") {
                assert!(d.line.is_some(), "{rule}: {d}");
            } else if !whole_file.contains(&rule.as_str()) {
                assert!(
                    d.line.is_some() && d.column.is_some() && d.field.is_some(),
                    "{rule}: {d}"
                );
            } else if rule != "missing_file" && rule != "emissions_missing_mode" {
                assert!(d.line.is_some(), "{rule}: {d}");
            }
        }
    }
}

#[test]
fn all_errors_in_a_file_are_reported_at_once() {
    let errs = load(&input_for("many_errors_in_one_file")).unwrap_err();
    let lines: Vec<u64> = errs.diagnostics.iter().filter_map(|d| d.line).collect();
    assert_eq!(lines, vec![2, 3, 4], "{errs}");
}

/// `tests/fixtures/warnings/<rule>/`: data that is legal but suspicious loads, and its
/// `expected.txt` holds the warnings (`warning: FILE:LINE:COL: …`), one per problem.
#[test]
fn every_suspicious_fixture_loads_with_its_expected_warnings() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let rules = rules_in("warnings");
    assert!(rules.len() >= 4, "{rules:?}");
    let mut failures = Vec::new();
    for rule in rules {
        let report = match corridor_model::load_with_warnings(&input_in("warnings", &rule)) {
            Ok(l) if l.warnings.is_empty() => "(loaded without a warning)\n".to_string(),
            Ok(l) => corridor_model::diag::warning_text(&l.warnings),
            Err(e) => format!("(refused)\n{e}\n"),
        };
        let path = fixtures().join("warnings").join(&rule).join("expected.txt");
        if update {
            std::fs::write(&path, &report).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != report {
            failures.push(format!(
                "── {rule}\nexpected:\n{expected}\nactual:\n{report}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn dated_tariffs_price_their_days_and_the_file_is_optional() {
    use corridor_model::calendar::days_from_civil;
    let net = load(&DatasetInput::dir(&fixtures().join("base"))).unwrap();
    let l3 = net.link_by_key("L-3").unwrap();
    let price = |y, m, d| {
        net.price_per_feu_on(l3, days_from_civil(y, m, d))
            .unwrap()
            .0
    };
    // links.csv: 1000 USD/FEU; tariffs.csv: 800 in 2023, 1200 from 2025 on.
    assert_eq!(price(2022, 12, 31), 1000.0);
    assert_eq!(price(2023, 1, 1), 800.0);
    assert_eq!(price(2023, 12, 31), 800.0);
    assert_eq!(price(2024, 1, 1), 1000.0);
    assert_eq!(price(2025, 1, 1), 1200.0);
    assert_eq!(price(2199, 12, 31), 1200.0);
    assert_eq!(net.dated_tariffs(l3).count(), 2);
    let other = net.link_by_key("L-1").unwrap();
    assert_eq!(net.dated_tariffs(other).count(), 0);
    // Without tariffs.csv every day is priced at the link's own tariff.
    let texts: Vec<(&str, Vec<u8>)> = corridor_model::load::FILES
        .iter()
        .filter(|f| **f != "tariffs.csv")
        .map(|f| (*f, std::fs::read(fixtures().join("base").join(f)).unwrap()))
        .collect();
    let plain = load(&DatasetInput::texts("base", &texts)).unwrap();
    assert!(!plain.has_dated_tariffs());
    let p = |y, m, d| {
        plain
            .price_per_feu_on(l3, days_from_civil(y, m, d))
            .unwrap()
            .0
    };
    assert_eq!((p(2023, 6, 1), p(2026, 1, 1)), (1000.0, 1000.0));
}
