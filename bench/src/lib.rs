//! godwit's benchmarks against the tools users would pick instead:
//! compile time, start-up, applying and lock time under traffic; and a fleet
//! of databases upgraded by one command against a shell loop.
//!
//! The `godwit-bench` binary runs them (`cargo run --release --manifest-path
//! bench/Cargo.toml -- all`); the criterion micro-benchmarks in `benches/` use [`history`] to
//! build the same generated history in memory.
#![warn(missing_docs)]

pub mod analyzer;
pub mod apps;
pub mod compile;
pub mod edit;
pub mod findings;
pub mod fleet;
pub mod header;
pub mod history;
pub mod locks;
pub mod micro;
pub mod report;
pub mod runtime;
pub mod servers;
pub mod time_passes;
