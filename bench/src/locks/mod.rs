//! Benchmark 4: lock time under traffic, on PostgreSQL.
//!
//! A `users` table of 1,000,000 rows; a writer thread does single-row
//! inserts and updates, one after the other, as fast as it can, and records
//! each statement's latency. Meanwhile the seed's changes run, once as
//! godwit renders and runs them (the safe paths of docs/rules/) and once as
//! the naive SQL a tool without these rules would run, each on a database of
//! its own with the same rows. The longest a single writer statement took is
//! the longest stall the application saw.

mod migrations;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use godwit::{MigrationSet, Target};

use crate::history::Backend;
use crate::report::{fmt_duration, Section, Table, Verdict};
use crate::servers::{check_reachable, ScratchDatabase};

/// The seed's changes, as godwit checks and runs them: on PostgreSQL,
/// where the lock times are measured.
pub static MIGRATIONS: MigrationSet = godwit::migrations![
    backends = [postgres];
    migrations::create_tables,
    migrations::add_status,
    migrations::unique_email,
    migrations::index_org_id,
    migrations::fk_org_id,
    migrations::validate_fk_org_id,
    migrations::add_display_name,
    migrations::backfill_display_name,
    migrations::check_display_name,
    migrations::validate_display_name,
    migrations::display_name_not_null,
];

/// Options of the lock-time benchmark.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Rows in `users` before the changes.
    pub rows: u64,
    /// Writer traffic measured before the first change, as the baseline.
    pub baseline: Duration,
    /// The writer stops after this long whatever happens (a bound on the loop).
    pub writer_limit: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rows: 1_000_000,
            baseline: Duration::from_secs(2),
            writer_limit: Duration::from_secs(600),
        }
    }
}

/// One change of the seed: its name, godwit's last revision for it, and the
/// naive SQL. `display_name` tells the writer to start writing the column
/// once the change's first statement (adding it) is done.
struct Change {
    name: &'static str,
    /// godwit's revisions, applied one `upgrade` at a time.
    godwit: &'static [&'static str],
    /// The naive statements, each run on its own (autocommit).
    naive: &'static [&'static str],
}

const CHANGES: [Change; 5] = [
    Change {
        name: "add a column with a default",
        godwit: &["l01"],
        naive: &["ALTER TABLE users ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'active'"],
    },
    Change {
        name: "a unique index",
        godwit: &["l02"],
        naive: &["CREATE UNIQUE INDEX users_email_key ON users (email)"],
    },
    Change {
        name: "a foreign key (with the index it needs)",
        godwit: &["l03", "l04", "l05"],
        naive: &[
            "CREATE INDEX idx_users_org_id ON users (org_id)",
            "ALTER TABLE users ADD CONSTRAINT fk_users_org_id FOREIGN KEY (org_id) REFERENCES organizations (id)",
        ],
    },
    Change {
        name: "a backfill (of a new nullable column)",
        godwit: &["l06", "l07"],
        naive: &[
            "ALTER TABLE users ADD COLUMN display_name TEXT",
            "UPDATE users SET display_name = name WHERE display_name IS NULL",
        ],
    },
    Change {
        name: "a NOT NULL change",
        godwit: &["l08", "l09", "l10"],
        naive: &["ALTER TABLE users ALTER COLUMN display_name SET NOT NULL"],
    },
];

/// The index in [`CHANGES`] of the backfill, whose first step adds the
/// column the writer then fills.
const BACKFILL: usize = 3;

/// One writer statement: when it started (since the writer's epoch) and how
/// long it took.
#[derive(Clone, Copy, Debug)]
struct Sample {
    start: Duration,
    latency: Duration,
}

/// What the writer saw in a window of time.
#[derive(Clone, Copy, Debug, Default)]
struct Window {
    statements: usize,
    /// Statements that took 100 ms or more.
    slow: usize,
    longest: Duration,
    p99: Duration,
    duration: Duration,
}

fn window(samples: &[Sample], from: Duration, to: Duration) -> Window {
    let mut latencies: Vec<Duration> = samples
        .iter()
        .filter(|s| s.start >= from && s.start < to)
        .map(|s| s.latency)
        .collect();
    latencies.sort();
    let p99 = latencies
        .get((latencies.len() * 99).div_ceil(100).saturating_sub(1))
        .copied()
        .unwrap_or_default();
    Window {
        statements: latencies.len(),
        slow: latencies
            .iter()
            .filter(|l| **l >= Duration::from_millis(100))
            .count(),
        longest: latencies.last().copied().unwrap_or_default(),
        p99,
        duration: to.saturating_sub(from),
    }
}

/// The writer: alternates a single-row insert and a single-row update until
/// told to stop (or its time limit passes).
struct Writer {
    stop: Arc<AtomicBool>,
    display_name: Arc<AtomicBool>,
    /// Set by the writer once every statement it runs writes display_name:
    /// no old-code statement is still in flight.
    switched: Arc<AtomicBool>,
    epoch: Instant,
    handle: thread::JoinHandle<Result<Vec<Sample>>>,
}

impl Writer {
    fn start(url: &str, rows: u64, limit: Duration) -> Result<Writer> {
        let mut conn =
            PgConnection::establish(url).with_context(|| format!("connecting to {url}"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let display_name = Arc::new(AtomicBool::new(false));
        let switched = Arc::new(AtomicBool::new(false));
        let epoch = Instant::now();
        let (stop2, display2, switched2) = (stop.clone(), display_name.clone(), switched.clone());
        let handle = thread::spawn(move || -> Result<Vec<Sample>> {
            let mut samples = Vec::with_capacity(1 << 20);
            let mut next_id = rows + 1;
            let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
            while !stop2.load(Ordering::Relaxed) && epoch.elapsed() < limit {
                // Old code until display_name exists; then code that writes it.
                let writes_display_name = display2.load(Ordering::Acquire);
                // The statements before this one ran, one at a time, on this
                // thread: from here on the writer is all new code.
                switched2.store(writes_display_name, Ordering::Release);
                let insert = if writes_display_name {
                    format!(
                        "INSERT INTO users (id, email, name, org_id, display_name) \
                         VALUES ({next_id}, 'w{next_id}@example.com', 'writer {next_id}', 1, 'writer {next_id}')"
                    )
                } else {
                    format!(
                        "INSERT INTO users (id, email, name, org_id) \
                         VALUES ({next_id}, 'w{next_id}@example.com', 'writer {next_id}', 1)"
                    )
                };
                next_id += 1;
                // xorshift: a row of the initial million, spread over the table.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let id = seed % rows + 1;
                let update = if writes_display_name {
                    format!("UPDATE users SET name = 'renamed {id}', display_name = 'renamed {id}' WHERE id = {id}")
                } else {
                    format!("UPDATE users SET name = 'renamed {id}' WHERE id = {id}")
                };
                for sql in [insert, update] {
                    let start = epoch.elapsed();
                    conn.batch_execute(&sql)
                        .with_context(|| format!("the writer's `{sql}`"))?;
                    samples.push(Sample {
                        start,
                        latency: epoch.elapsed() - start,
                    });
                }
            }
            Ok(samples)
        });
        Ok(Writer {
            stop,
            display_name,
            switched,
            epoch,
            handle,
        })
    }

    /// The deploy of the new code: tells the writer to write display_name
    /// and waits until no statement of the old code is still running, as a
    /// deploy finishes before the backfill starts.
    fn deploy_new_code(&self) -> Result<()> {
        self.display_name.store(true, Ordering::Release);
        let asked = Instant::now();
        while !self.switched.load(Ordering::Acquire) {
            if self.handle.is_finished() {
                return Err(anyhow!("the writer stopped"));
            }
            if asked.elapsed() > Duration::from_secs(120) {
                return Err(anyhow!(
                    "the writer did not switch to the new code in 120 s"
                ));
            }
            thread::sleep(Duration::from_millis(1));
        }
        Ok(())
    }

    fn now(&self) -> Duration {
        self.epoch.elapsed()
    }

    fn finish(self) -> Result<Vec<Sample>> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle
            .join()
            .map_err(|_| anyhow!("the writer thread panicked"))?
    }
}

/// Creates the database of one plan: the tables (godwit's first
/// migration), the organizations and `rows` users.
fn seed(rows: u64) -> Result<ScratchDatabase> {
    let db = ScratchDatabase::create(Backend::Postgres)?;
    let mut conn =
        PgConnection::establish(&db.url).with_context(|| format!("connecting to {}", db.url))?;
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("l00"))
        .map_err(|e| anyhow!("creating the tables: {e}"))?;
    conn.batch_execute(&format!(
        "INSERT INTO organizations (id, name) SELECT g, 'org ' || g FROM generate_series(1, 100) g;
         INSERT INTO users (id, email, name, org_id)
             SELECT g, 'u' || g || '@example.com', 'user ' || g, g % 100 + 1
             FROM generate_series(1, {rows}) g;"
    ))
    .context("loading the rows")?;
    // One statement per call: VACUUM refuses to run in the implicit
    // transaction of a multi-statement batch.
    for table in ["users", "organizations"] {
        conn.batch_execute(&format!("VACUUM ANALYZE {table}"))
            .with_context(|| format!("VACUUM ANALYZE {table}"))?;
    }
    Ok(db)
}

/// The writer's view of one plan: the baseline and each change's window.
struct PlanResult {
    baseline: Window,
    changes: Vec<Window>,
    all: Window,
}

/// Runs one plan (`godwit` or naive) on a fresh database under traffic.
fn run_plan(opts: &Options, godwit: bool, log: &mut dyn FnMut(&str)) -> Result<PlanResult> {
    let plan = if godwit { "godwit" } else { "naive" };
    log(&format!("locks: {plan}: loading {} rows", opts.rows));
    let db = seed(opts.rows)?;
    let mut conn =
        PgConnection::establish(&db.url).with_context(|| format!("connecting to {}", db.url))?;
    if !godwit {
        // A bound on the naive statements; none of them needs this long.
        conn.batch_execute("SET statement_timeout = '300s'")?;
    }
    let writer = Writer::start(&db.url, opts.rows, opts.writer_limit)?;
    thread::sleep(opts.baseline);
    let mut windows = Vec::new();
    let first = writer.now();
    for (i, change) in CHANGES.iter().enumerate() {
        log(&format!("locks: {plan}: {}", change.name));
        let from = writer.now();
        if godwit {
            for (k, revision) in change.godwit.iter().enumerate() {
                MIGRATIONS
                    .upgrade(&mut conn, Target::Revision(revision))
                    .map_err(|e| anyhow!("godwit upgrade to {revision}: {e}"))?;
                if i == BACKFILL && k == 0 {
                    writer.deploy_new_code()?;
                }
            }
        } else {
            for (k, sql) in change.naive.iter().enumerate() {
                conn.batch_execute(sql)
                    .with_context(|| format!("running `{sql}`"))?;
                if i == BACKFILL && k == 0 {
                    writer.deploy_new_code()?;
                }
            }
        }
        windows.push((from, writer.now()));
    }
    let last = writer.now();
    let samples = writer.finish()?;
    let result = PlanResult {
        baseline: window(&samples, Duration::ZERO, first),
        changes: windows
            .iter()
            .map(|&(from, to)| window(&samples, from, to))
            .collect(),
        all: window(&samples, first, last),
    };
    log(&format!(
        "locks: {plan}: longest stall {} over {} writer statements",
        fmt_duration(result.all.longest),
        result.all.statements
    ));
    Ok(result)
}

/// Runs the benchmark and writes its section.
pub fn run(opts: &Options, log: &mut dyn FnMut(&str)) -> Result<Section> {
    let mut s = Section::new("4. Lock time under traffic (PostgreSQL)");
    s.para(format!(
        "A `users` table of {} rows (and 100 organizations). A writer thread runs single-row \
         statements back to back on its own connection, alternating an INSERT of a new user and \
         an UPDATE of a random existing one, and records each statement's latency; the longest is \
         the longest the application was stalled. Meanwhile the seed's changes run, once as godwit \
         runs them and once as the naive SQL, each plan on a fresh database with the same rows. \
         godwit's plan follows docs/rules/: the default column as is (PostgreSQL 11+ adds it \
         without a rewrite), the unique index `CONCURRENTLY`, the foreign key's index \
         `CONCURRENTLY` then the key `NOT VALID` then `VALIDATE`, the backfill in batches of 1000 \
         rows each committed on its own, NOT NULL through a `NOT VALID` check, validated, then \
         `SET NOT NULL` without a scan. The naive plan runs `ADD COLUMN .. DEFAULT`, `CREATE \
         UNIQUE INDEX`, `CREATE INDEX` and `ADD FOREIGN KEY` validated at once, one `UPDATE` for \
         the backfill, and a plain `SET NOT NULL`. Once the new column exists the new code is \
         deployed: the writer writes the column too, and the backfill starts once no statement \
         of the old code is in flight (the expand/contract order). p99 is over the writer \
         statements that started during the change.",
        opts.rows
    ));
    if let Err(e) = check_reachable(Backend::Postgres) {
        let reason = format!("{e:#}");
        s.para(format!(
            "**Skipped**: PostgreSQL is unreachable ({reason})."
        ));
        s.target(
            "lock time: godwit's longest stall under 100 ms where the naive plan stalls for seconds",
            format!("not measured: PostgreSQL unreachable ({reason})"),
            Verdict::NotMeasured,
        );
        return Ok(s);
    }
    let godwit = run_plan(opts, true, log)?;
    let naive = run_plan(opts, false, log)?;

    let mut t = Table::new([
        "change",
        "godwit: longest stall",
        "godwit: p99",
        "godwit: took",
        "naive: longest stall",
        "naive: p99",
        "naive: took",
    ]);
    let mut row = |label: String, g: &Window, n: &Window| {
        t.row([
            label,
            fmt_duration(g.longest),
            fmt_duration(g.p99),
            fmt_duration(g.duration),
            fmt_duration(n.longest),
            fmt_duration(n.p99),
            fmt_duration(n.duration),
        ]);
    };
    row(
        "no change (baseline)".into(),
        &godwit.baseline,
        &naive.baseline,
    );
    for (i, change) in CHANGES.iter().enumerate() {
        row(
            change.name.to_string(),
            &godwit.changes[i],
            &naive.changes[i],
        );
    }
    row("**all changes**".into(), &godwit.all, &naive.all);
    s.table(&t);
    s.para(format!(
        "The writer ran {} statements during godwit's changes and {} during the naive ones.",
        godwit.all.statements, naive.all.statements
    ));
    let met = godwit.all.longest < Duration::from_millis(100)
        && naive.all.longest >= Duration::from_secs(1);
    if !met {
        if let Some((i, w)) = godwit
            .changes
            .iter()
            .enumerate()
            .max_by_key(|(_, w)| w.longest)
        {
            let mut why = format!(
                "**Where godwit's longest stall came from.** During \"{}\": {} of its {} writer \
                 statements took 100 ms or more, the longest {}; its p99 was {}.",
                CHANGES[i].name,
                w.slow,
                w.statements,
                fmt_duration(w.longest),
                fmt_duration(w.p99)
            );
            if i == BACKFILL {
                let batches = (opts.rows / 1000).max(1) as u32;
                why.push_str(&format!(
                    " A writer statement waits for the backfill only while a batch holds the \
                     row it updates, at most one batch: {} on average here ({} batches of 1000 \
                     rows in {}). A longer stall is not that wait; most likely it is the disk: a \
                     commit, the writer's or a batch's, waiting on the write-ahead log while \
                     the backfill writes it batch after batch, with no pause between them. The naive plan's single \
                     UPDATE took {} on the same rows.",
                    fmt_duration(w.duration / batches),
                    batches,
                    fmt_duration(w.duration),
                    fmt_duration(naive.changes[i].duration)
                ));
            }
            s.para(why);
        }
    }
    s.target(
        "lock time: godwit's longest stall under 100 ms where the naive plan stalls for seconds",
        format!(
            "godwit {} (p99 {}), naive {} (p99 {})",
            fmt_duration(godwit.all.longest),
            fmt_duration(godwit.all.p99),
            fmt_duration(naive.all.longest),
            fmt_duration(naive.all.p99)
        ),
        if met { Verdict::Met } else { Verdict::Missed },
    );
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_take_the_statements_that_started_in_them() {
        let ms = Duration::from_millis;
        let samples: Vec<Sample> = (0..200)
            .map(|i| Sample {
                start: ms(i),
                latency: ms(if i == 150 { 900 } else { 1 }),
            })
            .collect();
        let w = window(&samples, ms(100), ms(200));
        assert_eq!(w.statements, 100);
        assert_eq!(w.longest, ms(900));
        assert_eq!(w.p99, ms(1));
        assert_eq!(window(&samples, ms(0), ms(100)).longest, ms(1));
    }

    #[test]
    fn the_plans_list_every_change_of_the_history() {
        let revisions: Vec<&str> = CHANGES
            .iter()
            .flat_map(|c| c.godwit.iter().copied())
            .collect();
        let set: Vec<&str> = MIGRATIONS.migrations()[1..]
            .iter()
            .map(|m| &*m.revision)
            .collect();
        assert_eq!(revisions, set);
    }
}
