//! Micro-benchmarks of what the runner computes in memory for a history of
//! 1000 migrations, without a database: finding each applied revision in the
//! set (done for every row of the version table whenever the runner reads
//! it) and the schema model before each migration (done before rendering
//! each migration it applies).
//!
//! `cargo bench --manifest-path bench/Cargo.toml --bench runner`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use godwit::MigrationSet;
use godwit_bench::history::history;
use godwit_core::Migration;

const N: usize = 1000;

/// The generated history as a set, as `migrations!` would build it (leaked:
/// a set holds `'static` migrations).
fn set() -> MigrationSet {
    let migrations: Vec<&'static Migration> = history(N)
        .iter()
        .map(|s| &*Box::leak(Box::new(s.migration())))
        .collect();
    MigrationSet::__from_ordered(Box::leak(migrations.into_boxed_slice()))
}

fn runner(c: &mut Criterion) {
    let set = set();
    let revisions: Vec<String> = set
        .migrations()
        .iter()
        .map(|m| m.revision.to_string())
        .collect();
    let mut group = c.benchmark_group("MigrationSet");
    group.bench_function(format!("position of each of {N} revisions"), |b| {
        b.iter(|| {
            for r in &revisions {
                black_box(set.position(black_box(r)));
            }
        })
    });
    group.sample_size(10);
    group.bench_function(format!("schema_at(k) for each k of {N}"), |b| {
        b.iter(|| {
            for k in 0..N {
                black_box(set.schema_at(k).expect("the history replays"));
            }
        })
    });
    group.finish();
}

criterion_group!(in_memory, runner);
criterion_main!(in_memory);
