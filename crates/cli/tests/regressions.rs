//! Regressions of the reliability review, end to end on the real binary: each test repeats
//! a reproducer and checks the exit code and the message itself.

mod common;
use common::run;
use std::path::{Path, PathBuf};

/// A copy of the embedded dataset in a fresh temporary directory: (guard, dataset dir).
fn dataset() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let ds = d.path().join("ds");
    let (code, _, err) = run(&[
        "network",
        "export",
        "--format",
        "csv",
        "--out",
        ds.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    (d, ds)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Replace the first occurrence of `from` in a file by `to`.
fn replace_in(path: &Path, from: &str, to: &str) {
    let t = std::fs::read_to_string(path).unwrap();
    assert!(t.contains(from), "{} holds no {from:?}", path.display());
    std::fs::write(path, t.replacen(from, to, 1)).unwrap();
}

// ── #14: constraints are echoed short and exact ──────────────────────────────────────

#[test]
fn tiny_constraints_are_echoed_as_given_not_as_zero_or_a_digit_flood() {
    let base = [
        "route",
        "--from",
        "Xian",
        "--to",
        "Duisburg",
        "--date",
        "2026-03-03",
    ];
    for (flag, want) in [
        ("--max-days", "not within --max-days 1e-300"),
        ("--max-cost", "not within --max-cost 1e-300"),
    ] {
        let mut args = base.to_vec();
        args.extend([flag, "1e-300"]);
        let (code, _, err) = run(&args);
        assert_eq!(code, 3, "{err}");
        assert!(err.contains(want), "{err}");
        assert!(err.len() < 400, "{err}");
    }
}

// ── #13: a value just past its bound is not printed as the bound ──────────────────────

#[test]
fn validate_prints_a_value_past_its_bound_with_the_digits_that_differ() {
    let (_d, ds) = dataset();
    replace_in(
        &ds.join("nodes.csv"),
        ",3100000 TEU/yr,",
        ",1000000001 TEU/yr,",
    );
    let (code, _, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("nodes.csv:2:14: field `capacity`: expected a capacity of at least 1 TEU/yr and at most 1e9 TEU/yr, found 1.000000001e9 TEU/yr"),
        "{err}"
    );
}

// ── #4, #5: a dataset that validates exports one that validates ──────────────────────

#[test]
fn a_dataset_that_validates_exports_one_that_validates() {
    let (d, ds) = dataset();
    replace_in(
        &ds.join("nodes.csv"),
        "\"lognormal(p50=20h, p90=60h)\",E-DWELL-",
        "\"empirical(1h:1e308; 1000h:1e308)\",E-DWELL-",
    );
    let (code, out, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("valid"), "{out}");
    assert!(
        err.contains("field `dwell`: the weights sum to more than 1.79769e308, not 1; each is divided by their sum (normalised)"),
        "{err}"
    );
    assert!(!err.contains("inf"), "{err}");
    let re = d.path().join("re");
    let (code, _, err) = run(&[
        "--data",
        s(&ds),
        "network",
        "export",
        "--format",
        "csv",
        "--out",
        s(&re),
    ]);
    assert_eq!(code, 0, "{err}");
    let nodes = std::fs::read_to_string(re.join("nodes.csv")).unwrap();
    assert!(
        nodes.contains("\"empirical(1h:0.5, 1000h:0.5)\""),
        "{nodes}"
    );
    let (code, _, err) = run(&["--data", s(&re), "network", "validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    // Separators without waypoints are refused at the field, so a re-export onto itself
    // never writes a dataset that does not load.
    replace_in(
        &ds.join("links.csv"),
        ",25 120.5; 12 111; 1.25 103.8; 6 95; 5.8 80.5; 12 50; 12.6 43.4; 20 38.5; 29.9 32.55; 31.3 32.35; 37.2 11.5; 35.95 -5.6; 37 -9.2; 43 -9.8; 48.5 -5.3; 51 1.5,E-SEA-WAYPOINTS,",
        ",; ;,E-SEA-WAYPOINTS,",
    );
    let (code, _, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("links.csv:60:20: field `waypoints`: `; ;` lists no waypoint"),
        "{err}"
    );
}

// ── #3: an unclosed quote is an error at its line, never rows swallowed ───────────────

#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    let (_d, ds) = dataset();
    // The last row of links.csv: its note opens a quote that nothing closes.
    let links = ds.join("links.csv");
    let text = std::fs::read_to_string(&links).unwrap();
    let n = text.lines().count();
    let last = text.lines().last().unwrap().to_string();
    let (head, note) = last.rsplit_once(',').unwrap();
    std::fs::write(&links, text.replacen(&last, &format!("{head},\"{note}"), 1)).unwrap();
    let (code, out, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!(
            "links.csv:{n}:22: field `note`: the quote that opens this field is never closed (the field runs to the end of the file)"
        )),
        "{err}"
    );
    // In the middle of emissions.csv: the rows after it are not silently lost.
    let (_d, ds) = dataset();
    let em = ds.join("emissions.csv");
    let text = std::fs::read_to_string(&em).unwrap();
    let line5 = text.lines().nth(4).unwrap().to_string();
    let (head, note) = line5.rsplit_once(',').unwrap();
    std::fs::write(&em, text.replacen(&line5, &format!("{head},\"{note}"), 1)).unwrap();
    let (code, _, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("emissions.csv:5:9: field `note`: the quote that opens this field is never closed, so the rest of the file (7 lines) was read into this field"),
        "{err}"
    );
    assert!(!err.contains("no emission factor"), "{err}");
    assert!(err.ends_with("1 problem found\n"), "{err}");
}

#[test]
fn quotes_inside_unquoted_fields_and_text_after_a_closing_quote_are_errors() {
    for (country, want) in [
        (
            "\"K\"Z",
            "field `country`: text follows the closing quote of this field (`Z` after the quote)",
        ),
        (
            "K\"Z",
            "field `country`: a quote inside a field that does not start with one",
        ),
    ] {
        let (_d, ds) = dataset();
        let nodes = ds.join("nodes.csv");
        let text = std::fs::read_to_string(&nodes).unwrap();
        let line = text.lines().nth(10).unwrap().to_string();
        assert!(line.contains(",KZ,"), "{line}");
        std::fs::write(
            &nodes,
            text.replacen(&line, &line.replacen(",KZ,", &format!(",{country},"), 1), 1),
        )
        .unwrap();
        let (code, _, err) = run(&["--data", s(&ds), "network", "validate"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&format!("nodes.csv:11:4: {want}")), "{err}");
    }
}

// ── #12: no terminal escape from a dataset reaches the terminal ──────────────────────

#[test]
fn a_name_with_terminal_escapes_is_refused_and_never_printed_raw() {
    let (_d, ds) = dataset();
    replace_in(
        &ds.join("nodes.csv"),
        "KZ-SHU,Shu junction,",
        "KZ-SHU,Shu\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31mRED\u{1b}[0m,",
    );
    for args in [
        vec!["network", "validate"],
        vec!["network", "show"],
        vec![
            "route",
            "--from",
            "Xian",
            "--to",
            "KZ-SHU",
            "--date",
            "2026-03-03",
        ],
    ] {
        let mut all = vec!["--data", s(&ds)];
        all.extend(args.iter().copied());
        let (code, out, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(
                "nodes.csv:15:2: field `name`: the field holds U+001B (escape) at character 4"
            ),
            "{args:?}: {err}"
        );
        assert!(
            !out.contains('\u{1b}') && !err.contains('\u{1b}'),
            "{args:?}"
        );
    }
    // A path holding an escape is printed escaped too.
    let d = tempfile::tempdir().unwrap();
    let odd = d.path().join("x\u{1b}[2J");
    let (code, _, err) = run(&["--data", s(&odd), "network", "validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

// ── #7: named pipes and other files that are not regular are refused at once ─────────

/// Run with a guard against hangs: killed after 10 s (a hang is a failure).
fn run_guarded(args: &[&str]) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("corridor");
    let start = std::time::Instant::now();
    let mut child = std::process::Command::new(bin)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > std::time::Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("{args:?} still running after 10 s: a hang");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn mkfifo(p: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn named_pipes_are_refused_promptly_never_waited_on() {
    let (d, ds) = dataset();
    let fifo = d.path().join("demand.fifo");
    if !mkfifo(&fifo) {
        return;
    }
    let (code, err) = run_guarded(&["simulate", "--demand", s(&fifo), "--days", "2", "--quiet"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "error: {}: this is a named pipe (FIFO), not a regular file\n  hint: Corridor reads regular files only: save the data to a file and give its path",
            fifo.display()
        )),
        "{err}"
    );
    // Inside --data: a table, simulation.toml and demand.csv.
    std::fs::remove_file(ds.join("nodes.csv")).unwrap();
    assert!(mkfifo(&ds.join("nodes.csv")));
    let (code, err) = run_guarded(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("nodes.csv: this is a named pipe (FIFO), not a regular file"),
        "{err}"
    );
    let (_d2, ds) = dataset();
    assert!(mkfifo(&ds.join("simulation.toml")) && mkfifo(&ds.join("demand.csv")));
    let (code, err) = run_guarded(&[
        "--data",
        s(&ds),
        "simulate",
        "--days",
        "2",
        "--replications",
        "1",
        "--quiet",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("simulation.toml: this is a named pipe (FIFO), not a regular file")
            && err.contains("demand.csv: this is a named pipe (FIFO), not a regular file"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_named_as_such_not_as_a_missing_file() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("loop1"), d.path().join("loop2"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let (code, _, err) = run(&["simulate", "--demand", s(&a), "--days", "2", "--quiet"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{}: this is a symbolic link loop: following it never reaches a file",
            a.display()
        )),
        "{err}"
    );
}

// ── #10: standard output that closes early or cannot be written ──────────────────────

#[test]
fn an_export_piped_into_a_reader_that_stops_ends_quietly() {
    use std::io::Read;
    let bin = assert_cmd::cargo::cargo_bin("corridor");
    for format in ["json", "geojson"] {
        let mut child = std::process::Command::new(&bin)
            .args(["network", "export", "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -c 100`: read a little, then close the pipe.
        let mut first = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {err}");
        assert_eq!(err, "", "{format}");
        assert_eq!(first[0], b'{', "{format}");
    }
}

#[test]
fn help_that_cannot_be_written_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("corridor"))
        .arg("--help")
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: cannot write to standard output: No space left on device"),
        "{err}"
    );
}

// ── #15: negative numbers reach their range check; messages say what a path is ───────

#[test]
fn negative_numbers_get_their_range_message_not_unexpected_argument() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["simulate", "--days", "-1", "--quiet"],
            "error: --days must be between 1 and 3650",
        ),
        (
            &["simulate", "--warmup-days", "-5", "--quiet"],
            "error: --warmup-days must be between 0 and 365",
        ),
        (
            &["simulate", "--demand-factor", "-1", "--quiet"],
            "error: --demand-factor must be between 0 and 100",
        ),
        (
            &[
                "route",
                "--from",
                "Xian",
                "--to",
                "Duisburg",
                "--date",
                "2026-03-03",
                "--max-days",
                "-3",
            ],
            "error: --max-days must be a positive number",
        ),
        (
            &[
                "route",
                "--from",
                "Xian",
                "--to",
                "Duisburg",
                "--date",
                "2026-03-03",
                "--weights",
                "-1,1,1",
            ],
            "error: --weights takes three non-negative numbers TIME,COST,CO2, not all zero, e.g. 1,0.5,0.2; found -1,1,1",
        ),
    ];
    for (args, want) in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

#[test]
fn a_csv_export_onto_a_regular_file_calls_it_a_regular_file() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("file.txt");
    std::fs::write(&f, "mine").unwrap();
    let (code, _, err) = run(&["network", "export", "--format", "csv", "--out", s(&f)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "`{}` is a regular file; --format csv writes a dataset directory",
            f.display()
        )),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "mine");
}

// ── #11: a dataset that validates also simulates ─────────────────────────────────────

#[test]
fn validate_checks_the_simulation_inputs_and_routes_every_demand_row() {
    // Xi'an's block-train link moved to Chongqing: the network is sound, but the embedded
    // demand's Xi'an rows pinned to a corridor no longer route.
    let (_d, ds) = dataset();
    let links = std::fs::read_to_string(ds.join("links.csv")).unwrap();
    assert!(links.contains("\nL-XIAN-URUMQI,CN-XIAN,"));
    std::fs::write(
        ds.join("links.csv"),
        links.replace("\nL-XIAN-URUMQI,CN-XIAN,", "\nL-XIAN-URUMQI,CN-CHONGQING,"),
    )
    .unwrap();
    // The directory has no demand of its own: a warning (its network is valid), naming the
    // embedded row that does not fit; an error with --deny-warnings.
    let (code, out, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains(&format!(
            "warning: {}: `simulate --data {}` would read the embedded simulation files the directory lacks, and they do not fit this network",
            ds.display(),
            ds.display()
        )) && err.contains("the first: <embedded>/data/demand.csv:")
            && err.contains("no route from CN-XIAN to"),
        "{err}"
    );
    assert!(
        out.contains(
            "simulation inputs: the embedded defaults the directory lacks do not fit this network"
        ),
        "{out}"
    );
    let (code, _, err) = run(&["--deny-warnings", "--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{err}");
    // simulate refuses the same row.
    let (code, _, serr) = run(&[
        "--data",
        s(&ds),
        "simulate",
        "--days",
        "5",
        "--replications",
        "1",
        "--quiet",
    ]);
    assert_eq!(code, 2);
    assert!(serr.contains("no route from CN-XIAN to"), "{serr}");
    // With its own demand.csv holding that row, the directory's file is in error.
    std::fs::write(
        ds.join("demand.csv"),
        corridor_sim::ops_input::DEFAULT_DEMAND,
    )
    .unwrap();
    let (code, out, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("error: {}:", ds.join("demand.csv").display()))
            && err.contains("no route from CN-XIAN to"),
        "{err}"
    );

    // A broken simulation.toml beside a sound dataset is reported at its line.
    let (_d2, ds) = dataset();
    std::fs::write(ds.join("simulation.toml"), "[units]\nteu_per_wagon = -1\n").unwrap();
    let (code, out, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!("error: {}:", ds.join("simulation.toml").display())),
        "{err}"
    );
    // And a sound one says what it checked.
    let (_d3, ds) = dataset();
    let (code, out, err) = run(&["--data", s(&ds), "network", "validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("simulation inputs valid — simulation.toml (embedded), calibration.csv (embedded) and demand.csv (embedded) ("),
        "{out}"
    );
}
