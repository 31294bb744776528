//! `corridor sweep` as a user runs it: shards as processes, a shard killed with SIGKILL and
//! resumed, the Slurm script and the Kubernetes manifest run locally index by index, the
//! Slurm script submitted to a real Slurm (`.ci/slurm` starts one) with its summarise step
//! as a dependent job, the manifest against the Kubernetes schema (kubernetes-validate), the
//! DuckDB query of the README against `sweep summarize`, and the errors.

use assert_cmd::Command;
use std::io::BufRead;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("corridor")
}

fn corridor() -> Command {
    Command::cargo_bin("corridor").unwrap()
}

/// A quick plan: one year, a short warm-up; `reps` replications of `growth.len()` variants.
fn plan(dir: &Path, growth: &str, reps: u32) -> PathBuf {
    let p = dir.join("plan.toml");
    std::fs::write(
        &p,
        format!(
            "name = \"cli-test\"\nscenario = \"red-sea-closure\"\nreplications = {reps}\n\
             [[axis]]\nparam = \"demand.growth\"\nname = \"growth\"\nvalues = {growth}\n\
             [[axis]]\nparam = \"intervention.red-sea-closed.start\"\nvalues = [\"2025-02-01\"]\n\
             [[axis]]\nparam = \"run.last_year\"\nvalues = [2025]\n\
             [[axis]]\nparam = \"run.warmup_days\"\nvalues = [5]\n"
        ),
    )
    .unwrap();
    p
}

/// Every row of a results directory as text, sorted (values by their bits).
fn rows(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for v in std::fs::read_dir(dir).unwrap().flatten() {
        let name = v.file_name().to_string_lossy().to_string();
        if !name.starts_with("variant=") {
            continue;
        }
        for f in std::fs::read_dir(v.path()).unwrap().flatten() {
            let part = corridor_sweep::store::read_part(&f.path()).unwrap();
            for r in part.rows {
                out.push(format!(
                    "{name} {:?} {} {} {} {} {} {}",
                    part.params,
                    r.replication,
                    r.seed,
                    r.row.metric,
                    r.row.scope,
                    r.row.year,
                    r.row.value.to_bits()
                ));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no rows in {}", dir.display());
    out
}

/// The same rows, or the first that differs.
fn same(a: &[String], b: &[String], what: &str) {
    if let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) {
        panic!("{what}: row {i} differs:\n  {}\n  {}", a[i], b[i]);
    }
    assert_eq!(a.len(), b.len(), "{what}: row counts");
}

fn run(plan: &Path, out: &Path, extra: &[&str]) -> String {
    let o = corridor()
        .args(["sweep", "run"])
        .arg(plan)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn shards_as_processes_give_the_unsharded_rows() {
    let t = tempfile::tempdir().unwrap();
    let p = plan(t.path(), "[0.0, 0.2]", 2);
    let one = t.path().join("one");
    run(&p, &one, &["--threads", "1"]);
    let reference = rows(&one);
    // N shards as N processes at once into one directory (7 shards of 4 units: some have
    // none), and N = 2 one after the other in reverse order.
    for n in [2u32, 3, 7] {
        let out = t.path().join(format!("split{n}"));
        let children: Vec<_> = (0..n)
            .map(|i| {
                std::process::Command::new(bin())
                    .args(["sweep", "run"])
                    .arg(&p)
                    .arg("--out")
                    .arg(&out)
                    .args(["--shard", &format!("{i}/{n}"), "--threads", "1"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for (i, c) in children.into_iter().enumerate() {
            let o = c.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "shard {i}/{n}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        same(&rows(&out), &reference, &format!("{n} shards at once"));
    }
    let out = t.path().join("split2-in-turn");
    for i in [1, 0] {
        run(&p, &out, &["--shard", &format!("{i}/2"), "--threads", "2"]);
    }
    same(&rows(&out), &reference, "2 shards in turn");
    // A rerun is idempotent: nothing run, nothing rewritten.
    let before = std::fs::metadata(one.join("variant=v0000/part-0-of-1.parquet"))
        .unwrap()
        .modified()
        .unwrap();
    let s = run(&p, &one, &[]);
    assert!(
        s.contains("0 run, 0 resumed from the journal, 4 already complete"),
        "{s}"
    );
    let after = std::fs::metadata(one.join("variant=v0000/part-0-of-1.parquet"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn a_shard_killed_mid_run_resumes_where_it_stopped() {
    let t = tempfile::tempdir().unwrap();
    let p = plan(t.path(), "[0.0, 0.1, 0.2]", 4);
    let reference = t.path().join("reference");
    run(&p, &reference, &[]);
    let out = t.path().join("killed");
    let mut child = std::process::Command::new(bin())
        .args(["sweep", "run"])
        .arg(&p)
        .arg("--out")
        .arg(&out)
        .args(["--threads", "1", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL) once the first unit is in its journal.
    let journals = out.join("_shards/0-of-1/journal");
    let unit_done = || {
        std::fs::read_dir(&journals).is_ok_and(|d| {
            d.flatten()
                .any(|f| std::fs::read_to_string(f.path()).is_ok_and(|j| j.contains('\n')))
        })
    };
    let start = Instant::now();
    while !unit_done() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no unit finished"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    let m = std::fs::read_to_string(out.join("_shards/0-of-1/manifest.json")).unwrap();
    assert!(m.contains("\"status\": \"running\""), "{m}");
    let s = run(&p, &out, &[]);
    let resumed: u64 = s
        .split(" run, ")
        .nth(1)
        .and_then(|x| x.split(' ').next())
        .and_then(|x| x.parse().ok())
        .unwrap();
    assert!(resumed >= 1, "{s}");
    assert!(!s.contains(" 12 run,"), "{s}");
    same(&rows(&out), &rows(&reference), "killed and resumed");
    assert_eq!(std::fs::read_dir(&journals).unwrap().count(), 0);
}

#[test]
fn the_slurm_script_run_index_by_index_gives_the_unsharded_rows() {
    let t = tempfile::tempdir().unwrap();
    let p = plan(t.path(), "[0.0, 0.2]", 2);
    let one = t.path().join("one");
    run(&p, &one, &[]);
    let out = t.path().join("slurm");
    let o = corridor()
        .args(["sweep", "slurm"])
        .arg(&p)
        .args(["--shards", "3", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let script = String::from_utf8(o.stdout).unwrap();
    assert!(script.starts_with("#!/bin/bash\n"));
    assert!(script.contains("#SBATCH --array=0-2\n"), "{script}");
    assert!(
        script.contains("--shard \"${SLURM_ARRAY_TASK_ID}/3\""),
        "{script}"
    );
    let path = t.path().join("sweep.sbatch");
    std::fs::write(&path, &script).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(syntax.success());
    // Each task as if resubmitted alone (sbatch --array=I): an array of one.
    for i in 0..3 {
        let st = std::process::Command::new("bash")
            .arg(&path)
            .env("SLURM_ARRAY_TASK_ID", i.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "1")
            .env("SLURM_CPUS_PER_TASK", "1")
            .env("CORRIDOR", bin())
            .status()
            .unwrap();
        assert!(st.success(), "task {i}");
    }
    same(&rows(&out), &rows(&one), "slurm");
}

/// Whether a tool a test needs is here: when not, the test prints `SKIPPED: …` and returns,
/// unless `require` is set to 1 (CI sets it), when it fails with the reason.
fn available(check: Result<(), String>, require: &str, what: &str) -> bool {
    let Err(why) = check else { return true };
    assert!(
        std::env::var(require).as_deref() != Ok("1"),
        "{require}=1 but {what} is not available: {why}"
    );
    eprintln!("SKIPPED: {what} is not available ({why}); set {require}=1 to make this a failure");
    false
}

/// A Slurm controller answering and a node that can take jobs.
fn slurm_up() -> Result<(), String> {
    let o = std::process::Command::new("sinfo")
        .args(["-h", "-N", "-o", "%N %T"])
        .output()
        .map_err(|e| format!("sinfo: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let usable = ["idle", "mixed", "allocated", "completing"];
    if o.status.success()
        && text
            .lines()
            .any(|l| usable.iter().any(|s| l.ends_with(&format!(" {s}"))))
    {
        Ok(())
    } else {
        Err(format!(
            "sinfo (exit {:?}): {}",
            o.status.code(),
            text.trim()
        ))
    }
}

/// Every Slurm output file (`*.out`) in `dir`, for a failure's message.
fn slurm_logs(dir: &Path) -> String {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|e| e == "out"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            format!(
                "---- {}\n{}",
                p.display(),
                std::fs::read_to_string(p).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn a_real_slurm_job_array_gives_the_unsharded_rows() {
    if !available(
        slurm_up(),
        "CORRIDOR_REQUIRE_SLURM",
        "a running Slurm (.ci/slurm starts one)",
    ) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    // The tasks run in this directory (sbatch --chdir), as on a shared file system.
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let p = plan(t.path(), "[0.0, 0.2]", 2);
    let one = t.path().join("one");
    run(&p, &one, &[]);
    let o = corridor()
        .current_dir(t.path())
        .args([
            "sweep",
            "slurm",
            "plan.toml",
            "--shards",
            "3",
            "--cpus",
            "1",
        ])
        .args(["--out", "slurm", "--time", "00:10:00"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let script = String::from_utf8(o.stdout).unwrap();
    assert!(script.contains("#SBATCH --array=0-2\n"), "{script}");
    assert!(
        script.contains(&format!(
            "CORRIDOR=\"${{CORRIDOR:-{}}}\"\n",
            bin().display()
        )),
        "the tasks run the binary that wrote the script:\n{script}"
    );
    let path = t.path().join("sweep.sbatch");
    std::fs::write(&path, &script).unwrap();
    // The summarise step exactly as the script's header prints it.
    let summarise = script
        .lines()
        .find_map(|l| l.strip_prefix("#   sbatch --dependency=afterok:$jobid "))
        .unwrap_or_else(|| panic!("no summarise line in the header:\n{script}"));

    // The array, with --wait (its exit code the tasks' worst); the script's own default
    // binary, so no CORRIDOR in the tasks' environment.
    let mut array = std::process::Command::new("timeout")
        .args(["300", "sbatch", "--parsable", "--wait", "--chdir"])
        .arg(t.path())
        .arg(&path)
        .env_remove("CORRIDOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(array.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let jobid = first.trim().split(';').next().unwrap().to_string();
    assert!(
        !jobid.is_empty() && jobid.chars().all(|c| c.is_ascii_digit()),
        "sbatch printed no job id: {first:?}"
    );
    // The summarise job, submitted while the array is queued or running: the dependency
    // holds it until every task has succeeded (and cancels it if one fails).
    let dependent = std::process::Command::new("timeout")
        .args(["300", "bash", "-c"])
        .arg(format!(
            "jobid={jobid}; sbatch --parsable --wait --kill-on-invalid-dep=yes --chdir {} \
             --output summarise-%j.out --dependency=afterok:$jobid {summarise}",
            t.path().display()
        ))
        .env_remove("CORRIDOR")
        .output()
        .unwrap();
    let array_status = array.wait().unwrap();
    let mut array_err = String::new();
    std::io::Read::read_to_string(&mut array.stderr.take().unwrap(), &mut array_err).unwrap();
    if !array_status.success() || !dependent.status.success() {
        let _ = std::process::Command::new("scancel").arg(&jobid).status();
    }
    assert!(
        array_status.success(),
        "the job array {jobid}: exit {:?} (124: timed out)\n{array_err}\n{}",
        array_status.code(),
        slurm_logs(t.path())
    );
    assert!(
        dependent.status.success(),
        "the summarise job after {jobid}: exit {:?} (124: timed out)\n{}{}\n{}",
        dependent.status.code(),
        String::from_utf8_lossy(&dependent.stdout),
        String::from_utf8_lossy(&dependent.stderr),
        slurm_logs(t.path())
    );
    // Each task's output where the script's #SBATCH --output puts it, in --chdir.
    for i in 0..3 {
        let log = t.path().join(format!("corridor-cli-test-{jobid}_{i}.out"));
        assert!(
            log.exists(),
            "no {}:\n{}",
            log.display(),
            slurm_logs(t.path())
        );
    }
    same(&rows(&t.path().join("slurm")), &rows(&one), "a real Slurm");
    let summary = std::fs::read_to_string(t.path().join("slurm/summary.csv"))
        .unwrap_or_else(|e| panic!("slurm/summary.csv: {e}\n{}", slurm_logs(t.path())));
    let o = corridor()
        .args(["sweep", "summarize", "--csv"])
        .arg(&one)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reference = String::from_utf8(o.stdout).unwrap();
    assert!(reference.lines().count() > 1, "{reference}");
    assert_eq!(summary, reference, "the dependent job's summary");

    // A failed task resubmitted alone (an array of one, SLURM_ARRAY_TASK_COUNT=1): task 1
    // with its parts gone rewrites them, and the rows are the unsharded ones again.
    let mut gone = 0;
    for v in std::fs::read_dir(t.path().join("slurm")).unwrap().flatten() {
        let part = v.path().join("part-1-of-3.parquet");
        if part.exists() {
            std::fs::remove_file(part).unwrap();
            gone += 1;
        }
    }
    assert!(gone >= 1, "task 1 wrote no part");
    let o = std::process::Command::new("timeout")
        .args([
            "300",
            "sbatch",
            "--parsable",
            "--wait",
            "--array=1",
            "--chdir",
        ])
        .arg(t.path())
        .arg(&path)
        .env_remove("CORRIDOR")
        .output()
        .unwrap();
    let again = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let log = t.path().join(format!("corridor-cli-test-{again}_1.out"));
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        o.status.success(),
        "sbatch --array=1: exit {:?} (124: timed out)\n{}\n{said}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        said.contains("shard 1-of-3") && said.contains(&format!("{gone} parts written")),
        "{}: {said}",
        log.display()
    );
    same(
        &rows(&t.path().join("slurm")),
        &rows(&one),
        "a task resubmitted",
    );
}

#[test]
fn the_slurm_script_names_an_awkward_binary_path_as_it_is() {
    let job = corridor_sweep::cluster::Job {
        name: "t".into(),
        plan: "plan.toml".into(),
        out: "out dir".into(),
        shards: 2,
        cpus: 1,
        data: None,
        projects: vec![],
    };
    let binary = r#"/opt/a b/'q'/"d"/$x/`c`/\/}/corridor"#;
    let script = job.slurm(binary, "1:00:00");
    let line = script
        .lines()
        .find(|l| l.starts_with("CORRIDOR="))
        .unwrap_or_else(|| panic!("no CORRIDOR= line:\n{script}"));
    let wrap = script
        .lines()
        .find_map(|l| l.split_once(" --wrap=").map(|(_, w)| w))
        .unwrap_or_else(|| panic!("no --wrap= in the header:\n{script}"));
    // The script's line, and the header's --wrap (as sbatch's /bin/sh would run it, its
    // first word printed instead of run), both give the path back, CORRIDOR unset.
    for (shell, code) in [
        ("bash", format!("{line}\nprintf %s \"$CORRIDOR\"")),
        (
            "sh",
            format!("w={wrap}; eval \"printf %s ${{w%% sweep *}}\""),
        ),
    ] {
        let o = std::process::Command::new(shell)
            .args(["-c", &code])
            .env_remove("CORRIDOR")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{shell}: {code}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            binary,
            "{shell}: {code}"
        );
    }
}

fn python_with(module: &str) -> bool {
    std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_kubernetes_job_run_index_by_index_gives_the_unsharded_rows() {
    let t = tempfile::tempdir().unwrap();
    let p = plan(t.path(), "[0.0, 0.2]", 2);
    let one = t.path().join("one");
    run(&p, &one, &[]);
    let o = corridor()
        .current_dir(t.path())
        .args(["sweep", "k8s", "plan.toml", "--shards", "3", "--out", "k8s"])
        .args(["--image", "registry.example/corridor:test", "--mount"])
        .arg(t.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = String::from_utf8(o.stdout).unwrap();
    let manifest = t.path().join("job.yaml");
    std::fs::write(&manifest, &yaml).unwrap();
    if !python_with("yaml") {
        eprintln!(
            "SKIPPED: the manifest's YAML check needs python3 with PyYAML (pip install pyyaml)"
        );
        return;
    }
    // Parse it and print each index's command, environment and working directory.
    let check = r#"
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert doc["apiVersion"] == "batch/v1" and doc["kind"] == "Job", doc
spec = doc["spec"]
assert spec["completionMode"] == "Indexed" and spec["completions"] == 3, spec
pod = spec["template"]["spec"]
assert pod["restartPolicy"] in ("OnFailure", "Never")
c = pod["containers"][0]
assert c["image"] == "registry.example/corridor:test"
env = {e["name"]: e["value"] for e in c["env"]}
print(json.dumps({"command": c["command"], "env": env, "dir": c["workingDir"]}))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", check])
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let job: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cmd: Vec<String> = job["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    assert_eq!(cmd[0], "corridor");
    for i in 0..3 {
        let mut c = std::process::Command::new(bin());
        c.args(&cmd[1..])
            .current_dir(job["dir"].as_str().unwrap())
            .env("JOB_COMPLETION_INDEX", i.to_string());
        for (k, v) in job["env"].as_object().unwrap() {
            c.env(k, v.as_str().unwrap());
        }
        assert!(c.status().unwrap().success(), "index {i}");
    }
    same(&rows(&t.path().join("k8s")), &rows(&one), "kubernetes");
}

/// kubernetes-validate on the command line.
fn kubernetes_validate() -> Result<(), String> {
    match std::process::Command::new("kubernetes-validate")
        .arg("--version")
        .output()
    {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "kubernetes-validate --version: exit {:?}",
            o.status.code()
        )),
        Err(e) => Err(format!(
            "kubernetes-validate: {e} (pip install kubernetes-validate)"
        )),
    }
}

#[test]
fn the_kubernetes_job_is_valid_against_the_kubernetes_schema() {
    if !available(
        kubernetes_validate(),
        "CORRIDOR_REQUIRE_K8S_SCHEMA",
        "kubernetes-validate",
    ) {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    plan(t.path(), "[0.0, 0.2]", 2);
    let o = corridor()
        .current_dir(t.path())
        .args(["sweep", "k8s", "plan.toml", "--shards", "3", "--out", "k8s"])
        .args(["--image", "registry.example/corridor:test"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let yaml = String::from_utf8(o.stdout).unwrap();
    // (file, `--strict -k VERSION FILE`'s exit code and what it says)
    let validate = |name: &str, text: &str, version: &str| {
        let f = t.path().join(name);
        std::fs::write(&f, text).unwrap();
        let o = std::process::Command::new("kubernetes-validate")
            .args(["--strict", "-k", version])
            .arg(&f)
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code(), said)
    };
    // Indexed Jobs are GA from 1.24; the oldest schema bundled and the newest.
    for version in ["1.25.0", "1.37.0"] {
        let (code, said) = validate("job.yaml", &yaml, version);
        assert_eq!(code, Some(0), "{version}: {said}\n{yaml}");
        assert!(
            said.contains("passed for resource job/corridor-cli-test"),
            "{said}"
        );
        // Broken copies are rejected, so the check above is not vacuous: a misspelt
        // field (strict: no unknown properties) and a string for an integer.
        for (broken, from, to, why) in [
            (
                "misspelt.yaml",
                "  completionMode: Indexed\n",
                "  completionsMode: Indexed\n",
                "'completionsMode' was unexpected",
            ),
            (
                "string.yaml",
                "  completions: 3\n",
                "  completions: \"three\"\n",
                "'three' is not of type 'integer'",
            ),
        ] {
            assert!(yaml.contains(from), "{from:?} not in\n{yaml}");
            let (code, said) = validate(broken, &yaml.replacen(from, to, 1), version);
            assert_eq!(code, Some(1), "{version} {broken}: {said}");
            assert!(said.contains(why), "{version} {broken}: {said}");
        }
    }
}

#[test]
fn duckdb_computes_the_same_summary() {
    let t = tempfile::tempdir().unwrap();
    let p = plan(t.path(), "[0.0, 0.2]", 3);
    let out = t.path().join("out");
    run(&p, &out, &[]);
    let o = corridor()
        .args(["sweep", "summarize", "--json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let ours: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let table = corridor()
        .args(["sweep", "summarize"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 120), "{text}");
    if !python_with("duckdb") {
        eprintln!(
            "SKIPPED: the DuckDB comparison needs python3 with duckdb (pip install duckdb); CI installs it"
        );
        return;
    }
    let sql = corridor()
        .args(["sweep", "summarize", "--sql"])
        .arg(&out)
        .output()
        .unwrap();
    let sql = String::from_utf8(sql.stdout).unwrap();
    let py = "import duckdb, json, sys\nprint(json.dumps(duckdb.sql(sys.argv[1]).fetchall()))";
    let o = std::process::Command::new("python3")
        .args(["-c", py, &sql])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs: Vec<Vec<serde_json::Value>> = serde_json::from_slice(&o.stdout).unwrap();
    let ours = ours["summary"]["rows"].as_array().unwrap();
    assert_eq!(ours.len(), theirs.len());
    let close = |a: &serde_json::Value, b: &serde_json::Value, what: &str| {
        let (x, y) = (a.as_f64().unwrap(), b.as_f64().unwrap());
        assert!(
            (x - y).abs() <= 1e-9 * x.abs().max(1.0),
            "{what}: {x} vs {y}"
        );
    };
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a["variant"], b[0]);
        assert_eq!(a["metric"], b[1]);
        assert_eq!(a["scope"], b[2]);
        assert_eq!(a["year"], b[3]);
        assert_eq!(a["n"], b[4]);
        for (k, i) in [
            ("mean", 5),
            ("sd", 6),
            ("ci95_lo", 7),
            ("ci95_hi", 8),
            ("p05", 9),
            ("p50", 10),
            ("p95", 11),
        ] {
            close(&a[k], &b[i], k);
        }
    }
}

#[test]
fn bad_plans_and_directories_exit_2_with_the_place() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("bad.toml");
    std::fs::write(
        &p,
        "name = \"bad\"\nscenario = \"red-sea-closure\"\n[[axis]]\nparam = \"intervention.red-sea.length_days\"\nvalues = [30]\n",
    )
    .unwrap();
    let o = corridor().args(["sweep", "show"]).arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("bad.toml:4: field `axis.param`") && e.contains("red-sea-closed"),
        "{e}"
    );
    std::fs::write(&p, "name = \"bad\"\nscenario = \"red-see-closure\"\n[[axis]]\nparam = \"demand.growth\"\nvalues = [0.1]\n").unwrap();
    let o = corridor().args(["sweep", "show"]).arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("bad.toml:2: field `scenario`") && e.contains("red-sea-closure"),
        "{e}"
    );
    // --shard env without a cluster's variables.
    let good = plan(t.path(), "[0.0]", 1);
    let o = corridor()
        .args(["sweep", "run"])
        .arg(&good)
        .args(["--shard", "env", "--out"])
        .arg(t.path().join("o"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("SLURM_ARRAY_TASK_ID"));
    // A directory of the user's files is refused, untouched.
    let mine = t.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep").unwrap();
    let o = corridor()
        .args(["sweep", "run"])
        .arg(&good)
        .arg("--out")
        .arg(&mine)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a Corridor sweep's"));
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}

#[test]
fn the_readme_shows_the_query_summarize_prints() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let q = corridor_sweep::summary::duckdb_query("results");
    assert!(
        readme.contains(&format!("duckdb -c \"{q}\"")),
        "README's DuckDB query differs from:\n{q}"
    );
}
