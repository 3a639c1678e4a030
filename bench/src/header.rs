//! The top of the report: the command, the machine, the history every
//! benchmark uses, and how to read the tables.

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the machine looked like while the benchmarks ran.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    /// Logical CPUs.
    pub cpus: usize,
    /// `rustc -V`.
    pub rustc: String,
    /// The 1-minute load average when the run started.
    pub load_at_start: String,
    /// The 1-minute load average when it ended.
    pub load_at_end: String,
}

/// The 1-minute load average, from `/proc/loadavg` (empty where there is none).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_default()
}

impl Machine {
    /// Reads what can be read before the run.
    pub fn at_start() -> Machine {
        let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .arg("-V")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        Machine {
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            rustc,
            load_at_start: load_average(),
            load_at_end: String::new(),
        }
    }
}

/// `YYYY-MM-DD HH:MM UTC` for a time since the Unix epoch.
pub fn utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from a day count (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// The report's header.
pub fn header(machine: &Machine, started: SystemTime, took: Duration, command: &str) -> String {
    format!(
        "# Benchmarks

godwit measured against the tools a Diesel user would pick instead, in one
run, on one machine. This file is written by the benchmark itself:

```sh
cargo run --release --manifest-path bench/Cargo.toml -- all
```

It needs the PostgreSQL and MariaDB servers of the development machine
(`GODWIT_BENCH_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/test`;
`GODWIT_BENCH_MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`); a
benchmark whose server cannot be reached is skipped and says so. Section 1's
rust-analyzer table runs the binary `GODWIT_BENCH_RUST_ANALYZER` names, else
`rust-analyzer` on `PATH` (`rustup component add rust-analyzer`, which
`.ci/run` does for the editor test, or `cargo install ra_ap_rust-analyzer
--locked --version 0.0.340`, which builds one for rustc 1.95);
without a working one the table says it was not measured. Each
benchmark creates databases of its own (`godwit_bench_*`) and drops them. The
first run downloads the peers' crates (diesel_migrations 2.3 and sqlx 0.8, at
the versions pinned in `bench/locks/`) and builds everything in release;
generated crates live under `target/godwit-bench/`. `compile`, `runtime`,
`locks` or `micro` instead of `all` runs one part; `-- --help` lists the
options.

**This run:** `{command}`, started {}, took {:.1} min, on {} CPUs with
{}; 1-minute load average {} at the start and {} at the end. Timings taken
while other work runs on the machine are noisy: compare ratios within one run,
not absolute figures across runs.

**The history.** Every benchmark but the lock-time one uses the same generated
history of n small migrations, cycling through four kinds on table
`t_{{i / 4}}`: create the table (a BIGINT key and a VARCHAR(100) name) with an
index on the name; add a nullable TEXT column; add a NOT NULL VARCHAR(20)
column with a default; add an INTEGER column with a default. Each has a
downgrade. godwit gets them as `#[migration]` modules, one file each, listed in
`migrations![..]`; diesel_migrations and sqlx get the equivalent SQL as
`up.sql`/`down.sql` files (per backend where the SQL differs).

**Reading the tables.** Absolute times are medians. A ratio is godwit's time
divided by the other's, both measured in this run: below 1.00x godwit is
faster. The targets come from the issue that asked for these benchmarks;
each is listed with the figure measured for it.",
        utc(started),
        took.as_secs_f64() / 60.0,
        machine.cpus,
        if machine.rustc.is_empty() {
            "an unknown rustc"
        } else {
            &machine.rustc
        },
        machine.load_at_start,
        machine.load_at_end,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01 00:00 UTC");
        assert_eq!(
            utc(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            "2023-11-14 22:13 UTC"
        );
    }
}
