//! Micro-benchmarks of what the runner computes in memory for a history of
//! 1000 migrations, without a database: rendering every migration from base
//! to head with one schema model carried forward (what `upgrade` does before
//! each migration it applies, here through the offline `sql`), and the
//! schema model at the head (the one replay a run starts with).
//!
//! `cargo bench --manifest-path bench/Cargo.toml --bench runner`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use godwit::dialect::Dialect;
use godwit::{MigrationSet, Target};
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
    let mut group = c.benchmark_group("MigrationSet");
    group.sample_size(20);
    group.bench_function(format!("sql(Postgres, base, head) of {N}"), |b| {
        b.iter(|| {
            set.sql(Dialect::Postgres, Target::Base, Target::Head)
                .expect("the history renders")
        })
    });
    group.bench_function(format!("schema_at({N})"), |b| {
        b.iter(|| set.schema_at(black_box(N)).expect("the history replays"))
    });
    group.finish();
}

criterion_group!(in_memory, runner);
criterion_main!(in_memory);
