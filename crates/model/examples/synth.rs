//! Write a synthetic grid dataset: `cargo run --release -p corridor-model --example synth -- DIR LINKS`.

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(links)) = (args.next(), args.next()) else {
        eprintln!("usage: synth DIR LINKS");
        std::process::exit(2);
    };
    let links: usize = links.parse().unwrap_or_else(|_| {
        eprintln!("LINKS must be a number");
        std::process::exit(2)
    });
    std::fs::create_dir_all(&dir).expect("create the output directory");
    for (name, text) in corridor_model::synth::grid_dataset(links) {
        std::fs::write(std::path::Path::new(&dir).join(name), text).expect("write a dataset file");
    }
}
