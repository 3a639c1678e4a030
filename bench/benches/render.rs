//! Micro-benchmarks of the SQL dialects: every upgrade op of the generated
//! history rendered for each backend, the schema before each op replayed as
//! the runner does.
//!
//! `cargo bench --manifest-path bench/Cargo.toml --bench render`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use godwit::{Dialect, Schema};
use godwit_bench::history::{history, Step};
use godwit_core::Migration;

const N: usize = 1000;

fn render(c: &mut Criterion) {
    let migrations: Vec<Migration> = history(N).iter().map(Step::migration).collect();
    // The schema before each op, computed once: the benchmark times rendering.
    let mut schema = Schema::new();
    let mut cases = Vec::new();
    for m in &migrations {
        for op in m.upgrade.iter() {
            cases.push((op.clone(), schema.clone()));
            schema.apply(op).expect("the history replays");
        }
    }
    let mut group = c.benchmark_group("Dialect::render");
    for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        group.bench_function(
            format!("{} ops of {N} migrations, {dialect:?}", cases.len()),
            |b| {
                b.iter(|| {
                    for (op, before) in &cases {
                        black_box(dialect.render(black_box(op), before).expect("renders"));
                    }
                })
            },
        );
    }
    group.finish();
}

criterion_group!(dialects, render);
criterion_main!(dialects);
