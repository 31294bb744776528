//! The validation table: every published figure keeps its label (a `band` figure in its
//! band, a known gap still open), and docs/validation.md is the command's current output.

use assert_cmd::Command;
use std::path::Path;

#[test]
fn every_published_figure_keeps_its_label_and_the_document_is_current() {
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .args(["validation", "--markdown"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}: {err}\n{text}",
        out.status.code()
    );
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| V-")).collect();
    // 20 figures of data/validation.csv (V-SIM-KHORGOS, V-SIM-BAKU-TEU and V-SIM-TITR are
    // calibration points labelled known gaps; V-SIM-BTK a floor counted in the run beside
    // them) and the other 4 calibration points of the 2024 run.
    assert_eq!(rows.len(), 24, "{text}");
    let status = |id: &str| {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| {id} |")))
            .unwrap_or_else(|| panic!("no row {id}"));
        row.split(" | ").nth(6).unwrap().to_string()
    };
    assert_eq!(status("V-MC-XIAN-BAKU"), "within");
    assert_eq!(status("V-SEA-RATE-2024"), "within");
    assert_eq!(status("V-MC-RATE-WB"), "known gap");
    assert_eq!(status("V-SIM-CAL-1"), "within");
    assert_eq!(status("V-SIM-KHORGOS"), "known gap");
    assert_eq!(status("V-SIM-BAKU-TEU"), "known gap");
    assert_eq!(status("V-SIM-TITR"), "known gap");
    // The BTK's 2024 cargo is at least its 432,284 t of 2022 [S76] and at most its 5 Mt.
    assert_eq!(status("V-SIM-BTK"), "within");
    // Baku's 37,515 wagons of 2024 [S45], which nothing was fitted to, within 5 %.
    assert!(
        rows.iter()
            .any(|r| r.contains("Railway wagons handled at the Port of Baku")
                && r.contains("| within |")),
        "{text}"
    );
    assert!(
        rows.iter()
            .all(|r| !r.contains("| OUTSIDE |") && !r.contains("| gap closed |"))
    );
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/validation.md");
    let doc = std::fs::read_to_string(doc).unwrap();
    assert!(
        doc == text,
        "docs/validation.md is out of date: regenerate it with `cargo run --release -- validation --markdown > docs/validation.md`"
    );
}

#[test]
fn a_dataset_of_ones_own_is_refused() {
    let out = Command::cargo_bin("corridor")
        .unwrap()
        .args(["--data", "data", "validation"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("it takes no --data"), "{err}");
}
