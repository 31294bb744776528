//! End-to-end tests of the `corridor` binary: real process, real files in a temp dir.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn corridor() -> Command {
    Command::cargo_bin("corridor").unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// A full dataset directory for a malformed fixture: the base files with the rule's
/// overrides applied and `REMOVE`d files left out.
fn materialise(rule: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixtures().join("invalid").join(rule);
    let removed = std::fs::read_to_string(dir.join("REMOVE")).unwrap_or_default();
    for f in corridor_files() {
        if removed.lines().any(|l| l.trim() == f) {
            continue;
        }
        let over = dir.join(f);
        let src = if over.exists() {
            over
        } else {
            fixtures().join("base").join(f)
        };
        std::fs::copy(src, tmp.path().join(f)).unwrap();
    }
    tmp
}

fn corridor_files() -> [&'static str; 7] {
    corridor_model::load::FILES
}

fn stdout(args: &[&str]) -> String {
    let out = corridor().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn validate_embedded_dataset() {
    insta::assert_snapshot!(stdout(&["network", "validate"]));
}

#[test]
fn show_nodes_in_a_country() {
    insta::assert_snapshot!(stdout(&["network", "show", "--country", "GE"]));
}

#[test]
fn show_seaports() {
    insta::assert_snapshot!(stdout(&["network", "show", "--kind", "seaport"]));
}

#[test]
fn show_caspian_links() {
    insta::assert_snapshot!(stdout(&[
        "network",
        "show",
        "--links",
        "--mode",
        "caspian_ferry"
    ]));
}

#[test]
fn show_lowercase_country_works_and_bad_country_is_a_usage_error() {
    assert_eq!(
        stdout(&["network", "show", "--country", "az"]),
        stdout(&["network", "show", "--country", "AZ"])
    );
    let out = corridor()
        .args(["network", "show", "--country", "Azerbaijan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an ISO 3166-1 alpha-2"));
}

#[test]
fn sources_lists_cited_sources_with_counts() {
    let out = stdout(&["network", "sources"]);
    assert!(
        out.contains("S114") && out.contains("E-CASPIAN-LEG"),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap()
            .contains("sources cited by the dataset")
    );
    let long = stdout(&["network", "sources", "--long"]);
    assert!(
        long.contains("why: corridor-operations §5b"),
        "estimates show their reasoning"
    );
}

#[test]
fn invalid_datasets_exit_2_with_the_precise_message() {
    for rule in [
        "unknown_node",
        "gauge_mismatch",
        "bad_unit",
        "not_connected",
        "missing_file",
    ] {
        let dir = materialise(rule);
        let out = corridor()
            .args(["network", "validate"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{rule}");
        assert!(out.stdout.is_empty(), "{rule}: nothing on stdout");
        let stderr = String::from_utf8(out.stderr)
            .unwrap()
            .replace(&dir.path().display().to_string(), "<DIR>");
        insta::assert_snapshot!(format!("validate_{rule}"), stderr);
    }
}

#[test]
fn data_flag_is_accepted_by_every_command() {
    let dir = fixtures().join("base");
    let d = dir.to_str().unwrap();
    assert!(stdout(&["--data", d, "network", "validate"]).contains("valid — 4 nodes"));
    assert!(stdout(&["network", "show", "--data", d]).contains("4 nodes"));
    assert!(stdout(&["--data", d, "network", "sources"]).contains("S1"));
    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "--data", d, "network", "export", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(v["links"].as_array().unwrap().len(), 3);
    // An invalid --data fails every command with exit 2.
    let bad = materialise("unknown_node");
    let out = corridor()
        .arg("--data")
        .arg(bad.path())
        .args(["network", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn geojson_export_to_a_file_is_valid_geojson() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("net.geojson");
    corridor()
        .args(["network", "export", "--format", "geojson", "--out"])
        .arg(&path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    let gj: geojson::GeoJson = text.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!()
    };
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["network", "export", "--format", "json"])).unwrap();
    assert_eq!(
        fc.features.len(),
        json["nodes"].as_array().unwrap().len() + json["links"].as_array().unwrap().len()
    );
    // No temp files left behind.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn csv_export_round_trips_and_never_overwrites_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("net");
    corridor()
        .args(["network", "export", "--format", "csv", "--out"])
        .arg(&out)
        .assert()
        .success();
    let v = corridor()
        .args(["network", "validate"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    // The exported dataset shows the same tables as the embedded one.
    assert_eq!(
        stdout(&[
            "--data",
            out.to_str().unwrap(),
            "network",
            "show",
            "--links"
        ]),
        stdout(&["network", "show", "--links"])
    );
    // A second export refuses to overwrite the user's files.
    std::fs::write(out.join("nodes.csv"), "user data\n").unwrap();
    let again = corridor()
        .args(["network", "export", "--format", "csv", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(out.join("nodes.csv")).unwrap(),
        "user data\n"
    );
    corridor()
        .args(["network", "export", "--format", "csv", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_ne!(
        std::fs::read_to_string(out.join("nodes.csv")).unwrap(),
        "user data\n"
    );
}

#[test]
fn csv_export_needs_a_directory() {
    let out = corridor()
        .args(["network", "export", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out DIR"));
}

#[test]
fn every_command_has_help_with_examples() {
    for args in [
        vec!["--help"],
        vec!["network", "--help"],
        vec!["network", "validate", "--help"],
        vec!["network", "show", "--help"],
        vec!["network", "export", "--help"],
        vec!["network", "sources", "--help"],
    ] {
        let out = stdout(&args);
        assert!(out.contains("Usage:"), "{args:?}");
        if args.len() > 2 || args == ["--help"] {
            assert!(out.contains("Examples:"), "{args:?} has no examples");
        }
    }
}

#[test]
fn a_missing_directory_is_a_usage_error() {
    let out = corridor()
        .args(["network", "validate", "/nonexistent/corridor-data"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a directory"));
}
