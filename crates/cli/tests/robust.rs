//! The robustness review's cases, end to end on the real binary: streams and special files
//! are refused quickly, no command destroys a user's file (devices, symbolic links,
//! existing files without --force, a dataset killed mid-export), positions are right on
//! CRLF files, and the small newcomer traps have their fixes.

mod common;
use common::run;
use corridor_model::{DatasetInput, Network, load};
use std::path::Path;
use std::time::{Duration, Instant};

/// Run with a guard against hangs: the process is killed after `limit` (a hang is a
/// failure; this is not a speed target).
fn run_guarded(args: &[&str], limit: Duration) -> (i32, String, Duration) {
    let bin = assert_cmd::cargo::cargo_bin("corridor");
    let start = Instant::now();
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
            return (status.code().unwrap_or(-1), err, start.elapsed());
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("{args:?} still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn endless_streams_as_the_demand_table_are_refused_at_once() {
    for dev in ["/dev/zero", "/dev/urandom"] {
        if !Path::new(dev).exists() {
            continue;
        }
        let (code, err, _) = run_guarded(
            &[
                "simulate",
                "--demand",
                dev,
                "--quiet",
                "--replications",
                "1",
            ],
            Duration::from_secs(30),
        );
        assert_eq!(code, 2, "{dev}: {err}");
        assert!(
            err.contains(&format!(
                "error: {dev}: this is a device, not a regular file"
            )),
            "{dev}: {err}"
        );
    }
    // A directory or a missing path: exit 2 naming it.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().display().to_string();
    let (code, _, err) = run(&["simulate", "--demand", &dir, "--quiet"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("this is a directory, not a file"), "{err}");
    let (code, _, err) = run(&["simulate", "--demand", "/no/such/demand.csv", "--quiet"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("/no/such/demand.csv: file not found"), "{err}");
}

#[test]
fn a_dataset_file_that_is_a_device_is_refused_unread() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("net");
    let (code, _, err) = run(&[
        "network",
        "export",
        "--format",
        "csv",
        "--out",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(data.join("links.csv")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/dev/zero", data.join("links.csv")).unwrap();
    let (code, err, _) = run_guarded(
        &["--data", data.to_str().unwrap(), "network", "validate"],
        Duration::from_secs(30),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("links.csv: this is a device, not a regular file"),
        "{err}"
    );
}

fn export(args: &[&str]) -> (i32, String) {
    let mut all = vec!["network", "export"];
    all.extend_from_slice(args);
    let (code, _, err) = run(&all);
    (code, err)
}

#[test]
fn an_export_never_replaces_a_device_a_link_or_an_existing_file_without_force() {
    let d = tempfile::tempdir().unwrap();
    let target = d.path().join("keep.json");
    std::fs::write(&target, "precious").unwrap();
    let t = target.to_str().unwrap();
    for format in ["json", "geojson"] {
        let (code, err) = export(&["--format", format, "--out", t]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("already exists; pass --force to replace it"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    }
    #[cfg(unix)]
    {
        let link = d.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let (code, err) = export(&[
            "--format",
            "json",
            "--out",
            link.to_str().unwrap(),
            "--force",
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is a symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        if Path::new("/dev/null").exists() {
            let (code, err) = export(&["--format", "geojson", "--out", "/dev/null", "--force"]);
            assert_eq!(code, 2, "{err}");
            assert!(err.contains("`/dev/null` is a device"), "{err}");
        }
    }
    // A dataset's own file, in every format.
    let data = d.path().join("net");
    let ds = data.to_str().unwrap();
    assert_eq!(export(&["--format", "csv", "--out", ds]).0, 0);
    let nodes = data.join("nodes.csv");
    let before = std::fs::read(&nodes).unwrap();
    for format in ["json", "geojson"] {
        let (code, err) = export(&["--format", format, "--out", nodes.to_str().unwrap()]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(std::fs::read(&nodes).unwrap(), before);
    }
    let (code, err) = export(&["--format", "csv", "--out", ds]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("already holds dataset.toml; pass --force"),
        "{err}"
    );
    // With --force the JSON goes where asked, whole.
    let (code, err) = export(&["--format", "json", "--out", t, "--force"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(v["schema"], "corridor.network");
}

fn write_dataset(dir: &Path, texts: &[(&'static str, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in texts {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn load_dir(dir: &Path) -> Result<Network, String> {
    load(&DatasetInput::dir(dir)).map_err(|e| e.to_string())
}

/// `kill -9` during `export --format csv --force` onto an existing dataset: whenever it
/// lands, the target is the old dataset or the new one, whole, and its other files stay.
#[test]
fn a_killed_export_leaves_the_old_or_the_new_dataset_whole() {
    let d = tempfile::tempdir().unwrap();
    let big = d.path().join("big");
    let texts = corridor_model::synth::grid_dataset(150_000);
    write_dataset(&big, &texts);
    let new = load_dir(&big).unwrap();
    let target = d.path().join("target");
    let (code, err) = export(&["--format", "csv", "--out", target.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(target.join("demand.csv"), "mine").unwrap();
    let old = load_dir(&target).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("corridor");
    let spawn = |out: &Path, force: bool| {
        let mut c = std::process::Command::new(&bin);
        c.args([
            "--data",
            big.to_str().unwrap(),
            "network",
            "export",
            "--format",
            "csv",
            "--out",
        ])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
        if force {
            c.arg("--force");
        }
        c.spawn().unwrap()
    };
    // Wait until the child has started writing its temporary directory (the load comes
    // first); returns when it appeared.
    let writing = |child: &std::process::Child, name: &str| {
        let tmp = d
            .path()
            .join(format!(".{name}.corridor-tmp-{}", child.id()));
        let t0 = Instant::now();
        while !tmp.exists() {
            assert!(
                t0.elapsed() < Duration::from_secs(120),
                "the export never started writing"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        Instant::now()
    };
    // How long the writing takes here, to spread the kills over it.
    let mut probe = spawn(&d.path().join("probe"), false);
    let started = writing(&probe, "probe");
    assert!(probe.wait().unwrap().success());
    let write_time = started.elapsed();
    let mut saw = (0, 0);
    for k in 0..10u32 {
        let mut child = spawn(&target, true);
        writing(&child, "target");
        // From the first file written to past the swap (the last kills find it done).
        let delay = write_time.mul_f64(0.13 * k as f64 + 0.02);
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = load_dir(&target)
            .unwrap_or_else(|e| panic!("kill {k} after {delay:?} left a broken dataset:\n{e}"));
        if now == old {
            saw.0 += 1;
        } else if now == new {
            saw.1 += 1;
        } else {
            panic!("kill {k} after {delay:?}: the dataset is neither the old nor the new one");
        }
        assert_eq!(
            std::fs::read_to_string(target.join("demand.csv")).unwrap(),
            "mine"
        );
        // Put the old dataset back for the next kill.
        if now == new {
            let (code, err) = export(&[
                "--format",
                "csv",
                "--force",
                "--out",
                target.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{err}");
        }
    }
    eprintln!(
        "kills that left the old dataset: {}, the new one: {}",
        saw.0, saw.1
    );
    // A later export removes what killed runs left beside the target.
    let (code, err) = export(&[
        "--format",
        "csv",
        "--force",
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let stray: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".target"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn crlf_files_and_quoted_line_breaks_report_the_editors_line() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("net");
    assert_eq!(
        export(&["--format", "csv", "--out", data.to_str().unwrap()]).0,
        0
    );
    // links.csv as Excel saves it (CRLF), with a note spanning three lines before a bad row.
    let links = std::fs::read_to_string(data.join("links.csv")).unwrap();
    let mut lines: Vec<String> = links.lines().map(String::from).collect();
    lines[3] = lines[3].replacen(",rail,", ",rial,", 1);
    let last = lines[1].rfind(',').unwrap();
    lines[1] = format!("{}\"a note\nover\nthree lines\"", &lines[1][..=last]);
    std::fs::write(data.join("links.csv"), lines.join("\r\n") + "\r\n").unwrap();
    let (code, _, err) = run(&["--data", data.to_str().unwrap(), "network", "validate"]);
    assert_eq!(code, 2, "{err}");
    // Header 1, row 2 spans lines 2–4, row 3 is line 5, the bad row 4 is line 6.
    assert!(
        err.contains("links.csv:6:4: field `mode`: unknown mode `rial`"),
        "{err}"
    );
}

#[test]
fn newcomer_traps_have_their_fixes() {
    let base = [
        "--from",
        "Xian",
        "--to",
        "Duisburg",
        "--date",
        "2026-03-03",
        "--samples",
        "200",
    ];
    // The documented comma form of --weights.
    let mut a = vec!["route"];
    a.extend_from_slice(&base);
    a.extend_from_slice(&["--weights", "1,0.5,0.2"]);
    let (code, out, err) = run(&a);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("ranked by weights time 1 / cost 0.5 / CO2e 0.2"),
        "{out}"
    );
    let mut a = vec!["route"];
    a.extend_from_slice(&base);
    a.extend_from_slice(&["--weights", "1,0.5"]);
    let (code, _, err) = run(&a);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--weights takes three non-negative numbers"),
        "{err}"
    );
    // One date range, stated.
    let (code, _, err) = run(&[
        "compare",
        "--from",
        "Xian",
        "--to",
        "Duisburg",
        "--date",
        "9999-12-31",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("outside the dates Corridor handles, 1970-01-01 to 2200-12-31"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "compare",
        "--from",
        "Xian",
        "--to",
        "Duisburg",
        "--date",
        "1900-01-01",
    ]);
    assert_eq!(
        code, 2,
        "route used to accept 1900 while simulate stopped at 1970: {err}"
    );
    let (code, _, err) = run(&["simulate", "--year", "1969", "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("1970-01-01 to 2200-12-31"), "{err}");
    // An avoided country no link crosses is a warning, an error with --deny-warnings.
    let mut a = vec!["compare"];
    a.extend_from_slice(&base);
    a.extend_from_slice(&["--avoid-country", "YE"]);
    let (code, _, err) = run(&a);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: --avoid-country YE: no link or place of the network is in YE"),
        "{err}"
    );
    let mut a = vec!["--deny-warnings", "compare"];
    a.extend_from_slice(&base);
    a.extend_from_slice(&["--avoid-country", "YE"]);
    assert_eq!(run(&a).0, 2);
}

#[test]
fn a_zero_flow_is_a_warning_and_both_volumes_an_error_naming_the_row() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("demand.csv");
    std::fs::write(
        &p,
        "from,to,teu_per_year,tonnes_per_year,corridor,src,note\r\nCN-XIAN,DE-DUISBURG,1000,,northern,S31,\r\nCN-XIAN,AZ-ALAT,0,,middle_btk,S10,\r\n",
    )
    .unwrap();
    let ps = p.to_str().unwrap();
    let args = [
        "simulate",
        "--demand",
        ps,
        "--days",
        "5",
        "--warmup-days",
        "0",
        "--replications",
        "1",
        "--quiet",
    ];
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "warning: {ps}:3:3: field `teu_per_year`: the flow is 0 a year: it generates nothing"
        )),
        "{err}"
    );
    let mut deny = vec!["--deny-warnings"];
    deny.extend_from_slice(&args);
    assert_eq!(run(&deny).0, 2);
}

#[test]
fn warnings_for_legal_but_suspicious_data() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("net");
    assert_eq!(
        export(&["--format", "csv", "--out", data.to_str().unwrap()]).0,
        0
    );
    let edit = |file: &str, from: &str, to: &str| {
        let p = data.join(file);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{file}: {from}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    };
    // A ferry on a rail link, weights that sum to 1.3, a departure listed twice, a line
    // break in a name (other control characters are errors: see regressions.rs).
    edit(
        "services.csv",
        "S-XIAN-WEST,L-XIAN-URUMQI,forward,block_train",
        "S-XIAN-WEST,L-XIAN-URUMQI,forward,ferry",
    );
    edit(
        "nodes.csv",
        "\"lognormal(p50=20h, p90=30h)\"",
        "\"empirical(10h:0.5, 20h:0.8)\"",
    );
    edit("services.csv", "every(22h)", "weekly(Mon 08:00; Mon 08:00)");
    edit(
        "nodes.csv",
        ",Baku International Sea Trade Port (Alat),",
        ",\"Baku\nPort\",",
    );
    let (code, out, err) = run(&["--data", data.to_str().unwrap(), "network", "validate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("; 4 warnings"), "{out}");
    for want in [
        "field `kind`: a ferry service on the rail link `L-XIAN-URUMQI`",
        "field `dwell`: the weights sum to 1.3, not 1; each is divided by 1.3 (normalised)",
        "field `schedule`: 1 departure is listed twice; each counts once",
        "field `name`: the name holds a line break",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    assert!(
        err.lines()
            .all(|l| !l.starts_with("warning: ") || l.contains("/net/")),
        "{err}"
    );
    let (code, _, err) = run(&[
        "--deny-warnings",
        "--data",
        data.to_str().unwrap(),
        "network",
        "validate",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("4 problems found"), "{err}");
}
