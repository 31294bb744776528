//! `corridor report`: one self-contained file (no script, no reference outside it, no
//! `src=`/`href=` at all), well-formed markup (parsed as XML), the figures and their
//! sources present; Markdown with the SVGs beside it; an existing file kept without
//! --force.

use assert_cmd::Command;
use quick_xml::events::Event;
use std::path::Path;

fn corridor() -> Command {
    Command::cargo_bin("corridor").unwrap()
}

/// Parse the whole document as XML: every element closed, attributes quoted, entities
/// known. Returns the element names seen and every attribute as (name, value).
fn parse(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    // The doctype line is HTML's; the rest must be XML.
    let body = text
        .strip_prefix("<!DOCTYPE html>\n")
        .expect("an HTML5 doctype");
    let mut r = quick_xml::Reader::from_str(body);
    r.config_mut().check_end_names = true;
    let (mut names, mut attrs, mut depth) = (Vec::new(), Vec::new(), 0i64);
    loop {
        match r.read_event() {
            Ok(ev @ (Event::Start(_) | Event::Empty(_))) => {
                let (Event::Start(e) | Event::Empty(e)) = &ev else {
                    unreachable!()
                };
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                }
                names.push(String::from_utf8_lossy(e.name().as_ref()).to_string());
                for a in e.attributes() {
                    let a = a.expect("a well-formed attribute");
                    attrs.push((
                        String::from_utf8_lossy(a.key.as_ref()).to_string(),
                        a.unescape_value().expect("known entities").to_string(),
                    ));
                }
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                t.unescape().expect("text with known entities only");
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at byte {}: {e}", r.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "every element closed");
    assert_eq!(names.first().map(String::as_str), Some("html"));
    (names, attrs)
}

fn check_self_contained(text: &str) {
    let (names, attrs) = parse(text);
    for forbidden in [
        "script", "link", "img", "iframe", "object", "embed", "image", "use",
    ] {
        assert!(
            !names.iter().any(|n| n == forbidden),
            "a <{forbidden}> element"
        );
    }
    for (k, v) in &attrs {
        assert!(
            !matches!(
                k.as_str(),
                "src" | "href" | "xlink:href" | "action" | "srcset" | "poster" | "data"
            ),
            "attribute {k}={v}"
        );
        assert!(!v.contains("url("), "{k}={v}");
        assert!(
            !v.contains("http"),
            "an attribute names an address: {k}={v}"
        );
    }
    assert!(!text.contains("src=") && !text.contains("href="));
    assert!(!text.contains("@import") && !text.contains("url("));
    // Addresses appear only as the text of the Sources table (to copy, never loaded).
    for (i, _) in text.match_indices("http") {
        let before = &text[..i];
        let cell = before.rfind("<td");
        assert!(
            cell.is_some_and(|c| before[c..].starts_with(r#"<td class="url">"#)
                && !before[c..].contains("</td>")),
            "an address outside the Sources table: {}",
            &text[i.saturating_sub(80)..(i + 40).min(text.len())]
        );
    }
}

#[test]
fn an_html_report_is_one_self_contained_well_formed_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    corridor()
        .args([
            "report",
            "--scenario",
            "middle-corridor-2030",
            "--compare",
            "baseline",
            "--years",
            "2026..2027",
            "--replications",
            "2",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "one file"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    check_self_contained(&text);
    for needle in [
        "Corridor report: middle-corridor-2030 against baseline",
        r#"data-link="L-KURYK-ALAT""#,
        "Door-to-door days by corridor",
        "Project pipeline",
        "Containers delivered, middle-corridor-2030 minus baseline",
        "What explains each difference",
        "Assumptions",
        "Sources",
        "@media print",
        "size: A4",
        "Source: Corridor comparison",
    ] {
        assert!(text.contains(needle), "missing {needle}");
    }
    assert!(text.matches("<svg").count() >= 8);
    // An existing file is kept without --force, replaced with it.
    corridor()
        .args([
            "report",
            "--scenario",
            "baseline",
            "--years",
            "2026",
            "--replications",
            "1",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("against baseline")
    );
    corridor()
        .args([
            "report",
            "--scenario",
            "baseline",
            "--years",
            "2026",
            "--replications",
            "1",
            "--force",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let single = std::fs::read_to_string(&out).unwrap();
    check_self_contained(&single);
    assert!(single.contains("Corridor report: baseline"));
}

#[test]
fn a_markdown_report_has_its_svgs_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("red-sea.md");
    corridor()
        .args([
            "report",
            "--scenario",
            "red-sea-closure",
            "--years",
            "2026",
            "--replications",
            "1",
            "--format",
            "md",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# Corridor report: red-sea-closure"));
    let linked: Vec<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("!["))
        .filter_map(|l| l.split("](").nth(1))
        .map(|l| l.trim_end_matches(')'))
        .collect();
    assert!(linked.len() >= 4, "{linked:?}");
    for f in linked {
        let svg = std::fs::read_to_string(dir.path().join(f)).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{f}"
        );
        assert!(Path::new(f).extension().is_some_and(|e| e == "svg"));
    }
}

#[test]
fn a_bad_scenario_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = corridor()
        .args(["report", "--scenario", "red-sea", "-o"])
        .arg(dir.path().join("x.html"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("red-sea-closure"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
