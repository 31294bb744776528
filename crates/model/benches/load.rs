//! Load time of a synthetic network from the dataset's text format (1 million links).
//! Peak memory is measured through the CLI by `bench/load_1m.sh`.

use corridor_model::{DatasetInput, Input, load};
use criterion::{Criterion, criterion_group, criterion_main};
use std::borrow::Cow;

fn input(links: usize) -> DatasetInput {
    let texts = corridor_model::synth::grid_dataset(links);
    // Leaked once per size so each iteration parses borrowed bytes, without a copy.
    let files = corridor_model::load::FILES.map(|f| {
        let t = texts.iter().find(|(n, _)| *n == f).unwrap().1.clone();
        Input::Bytes(Cow::Borrowed(Box::leak(t.into_boxed_str()).as_bytes()))
    });
    DatasetInput {
        label: "synthetic".into(),
        files,
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    let embedded = corridor_model::embedded::input();
    g.bench_function("embedded_dataset", |b| {
        b.iter_with_large_drop(|| load(&embedded).unwrap())
    });
    for links in [10_000usize, 1_000_000] {
        let inp = input(links);
        g.bench_function(format!("grid_{links}_links"), |b| {
            b.iter_with_large_drop(|| load(&inp).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
