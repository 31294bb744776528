//! Replays every input saved under `fuzz/regressions/<target>/` (inputs that once found a
//! bug, and seeds) through the fuzz targets' entry points: none may panic. CI runs this;
//! the fuzzer itself runs by hand (README, "Fuzzing").

use std::path::Path;

#[test]
fn saved_fuzz_inputs_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 4] = [
        ("dataset", corridor_sim::fuzzing::dataset),
        ("simulation_toml", corridor_sim::fuzzing::simulation_toml),
        ("demand_table", corridor_sim::fuzzing::demand_table),
        ("parsers", corridor_sim::fuzzing::parsers),
    ];
    let mut total = 0;
    for (name, run) in targets {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no saved inputs for {name}");
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            let r = std::panic::catch_unwind(|| run(&bytes));
            assert!(r.is_ok(), "{name}: {} panicked", f.display());
            total += 1;
        }
    }
    assert!(total >= 8, "{total}");
}
