//! Micro-benchmarks of the checker the macros run at compile time, over the
//! generated history of the `godwit-bench` report: ordering the revision
//! chain, replaying the schema model, and every rule over the history.
//!
//! `cargo bench --manifest-path bench/Cargo.toml --bench checker`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use godwit_bench::history::{history, Step};
use godwit_core::schema::Schema;
use godwit_core::Migration;

const SIZES: [usize; 2] = [100, 1000];

fn set(n: usize) -> Vec<Migration> {
    let mut migrations: Vec<Migration> = history(n).iter().map(Step::migration).collect();
    // Listed newest first, so that ordering has work to do.
    migrations.reverse();
    migrations
}

fn chain_order(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain::order");
    for n in SIZES {
        let migrations = set(n);
        group.bench_function(format!("{n} migrations"), |b| {
            b.iter(|| godwit_core::chain::order(black_box(&migrations)))
        });
    }
    group.finish();
}

fn schema_replay(c: &mut Criterion) {
    let mut group = c.benchmark_group("Schema::apply");
    for n in SIZES {
        let migrations = set(n);
        let order = godwit_core::chain::order(&migrations).expect("the history is one chain");
        group.bench_function(format!("upgrade ops of {n} migrations"), |b| {
            b.iter_batched(
                Schema::new,
                |mut schema| {
                    for &i in &order {
                        for op in migrations[i].upgrade.iter() {
                            schema.apply(black_box(op)).expect("the history replays");
                        }
                    }
                    schema
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn check_history(c: &mut Criterion) {
    let mut group = c.benchmark_group("check_history");
    for n in SIZES {
        let migrations = set(n);
        let order = godwit_core::chain::order(&migrations).expect("the history is one chain");
        group.bench_function(format!("{n} migrations"), |b| {
            b.iter(|| godwit_core::check_history(black_box(&migrations), black_box(&order)))
        });
    }
    group.finish();
}

criterion_group!(checker, chain_order, schema_replay, check_history);
criterion_main!(checker);
