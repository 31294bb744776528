#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corridor_sim::fuzzing::simulation_toml(data));
