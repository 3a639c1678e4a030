//! Benchmarks 2 and 3: start-up with nothing to apply, and applying the
//! whole history, for godwit's runner, diesel_migrations and the floor.
//!
//! The 1000-migration set has to be compiled into a binary, and compiling it
//! here would slow every `cargo test --workspace`; so the benchmark builds a
//! generated *runner* crate (release profile) that holds the godwit set and
//! diesel's `embed_migrations!` of the same SQL for each backend, and whose
//! `main` is [`runner_main`]. The runner prints one line per result; the
//! `godwit-bench` binary reads them back with [`parse_line`].

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use diesel::backend::Backend as DieselBackend;
use diesel::migration::MigrationSource;
use diesel::query_builder::SqlQuery;
use diesel::query_dsl::LoadQuery;
use diesel::{Connection, MysqlConnection, PgConnection, QueryableByName, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use godwit::{Database, Dialect, MigrationSet, Schema, Target};

use crate::apps::{repo_root, AppCrate, AppWorkspace};
use crate::compile::{
    diesel_migration_files, godwit_dependency, godwit_migration_files, godwit_set,
};
use crate::history::{history, Backend};
use crate::report::Section;
use crate::servers::{check_reachable, ScratchDatabase};

/// What the three contenders are called in the runner's output.
const TOOLS: [&str; 3] = ["godwit", "diesel_migrations", "floor"];

/// The applying benchmark's contenders: the three, and godwit's command
/// line (`upgrade`, run in the runner's process, as an application's
/// binary runs it).
const APPLY_TOOLS: [&str; 4] = ["godwit", "diesel_migrations", "floor", "godwit_cli"];

/// Part of godwit's start-up measured on its own: `MIGRATIONS.current(..)`,
/// which reads and checks the version table without the lock.
const GODWIT_CURRENT: &str = "godwit_current";

/// The diesel side of the runner: `embed_migrations!` of each backend's SQL.
/// Each is a `const` in the runner (as in a diesel application), handed over
/// as a function that returns it, since `run_pending_migrations` takes its
/// source by value.
pub struct DieselSets {
    /// `migrations_sqlite/`.
    pub sqlite: fn() -> EmbeddedMigrations,
    /// `migrations_postgres/`.
    pub postgres: fn() -> EmbeddedMigrations,
    /// `migrations_mysql/`.
    pub mysql: fn() -> EmbeddedMigrations,
}

/// How long the runner may spend, per backend and benchmark.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Repetitions of applying the whole history, at most.
    pub apply_reps: usize,
    /// Stop repeating the applying benchmark once this much time has gone.
    pub apply_time: Duration,
    /// Rounds of the start-up benchmark (each runs all three once), at most.
    pub startup_rounds: usize,
    /// Stop the start-up rounds once this much time has gone.
    pub startup_time: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            apply_reps: 5,
            apply_time: Duration::from_secs(60),
            startup_rounds: 200,
            startup_time: Duration::from_secs(5),
        }
    }
}

/// A line of the runner's output.
#[derive(Clone, Debug, PartialEq)]
pub enum RunnerLine {
    /// Samples, in seconds, of one benchmark ("startup" or "apply") for one
    /// backend and tool.
    Samples {
        /// "startup" or "apply".
        bench: String,
        /// The backend.
        backend: Backend,
        /// "godwit", "diesel_migrations" or "floor".
        tool: String,
        /// The measurements.
        samples: Vec<Duration>,
    },
    /// A backend that was not measured, and why.
    Skipped {
        /// The backend.
        backend: Backend,
        /// Why.
        reason: String,
    },
}

impl RunnerLine {
    /// The line as the runner prints it.
    pub fn to_line(&self) -> String {
        match self {
            RunnerLine::Samples {
                bench,
                backend,
                tool,
                samples,
            } => {
                let s: Vec<String> = samples
                    .iter()
                    .map(|d| format!("{:.9}", d.as_secs_f64()))
                    .collect();
                format!(
                    "RESULT\t{bench}\t{}\t{tool}\t{}",
                    backend.key(),
                    s.join(",")
                )
            }
            RunnerLine::Skipped { backend, reason } => {
                format!(
                    "SKIP\t{}\t{}",
                    backend.key(),
                    reason.replace(['\n', '\t'], " ")
                )
            }
        }
    }
}

/// Reads a line the runner printed; `None` for any other output.
pub fn parse_line(line: &str) -> Option<RunnerLine> {
    let fields: Vec<&str> = line.split('\t').collect();
    match fields[..] {
        ["RESULT", bench, backend, tool, samples] => Some(RunnerLine::Samples {
            bench: bench.to_string(),
            backend: Backend::from_key(backend)?,
            tool: tool.to_string(),
            samples: samples
                .split(',')
                .filter_map(|s| s.parse::<f64>().ok())
                .map(Duration::from_secs_f64)
                .collect(),
        }),
        ["SKIP", backend, reason] => Some(RunnerLine::Skipped {
            backend: Backend::from_key(backend)?,
            reason: reason.to_string(),
        }),
        _ => None,
    }
}

/// A row of a version table, for the floor's one query.
#[derive(QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[allow(dead_code)] // read, so that the query does its whole work
    revision: String,
}

/// The floor of start-up: one query of the version table.
fn read_versions<C>(conn: &mut C, n: usize) -> Result<()>
where
    C: Connection,
    for<'a> SqlQuery: LoadQuery<'a, C, VersionRow>,
{
    use diesel::RunQueryDsl;
    let rows: Vec<VersionRow> = diesel::sql_query("SELECT revision FROM godwit_version")
        .load(conn)
        .context("reading the version table")?;
    if rows.len() != n {
        bail!("the version table has {} rows, not {n}", rows.len());
    }
    Ok(())
}

/// Each migration's upgrade as godwit renders it for `dialect`, one SQL
/// text per migration: what the floor runs.
fn rendered(set: &MigrationSet, dialect: Dialect) -> Result<Vec<String>> {
    let mut schema = Schema::new();
    let mut out = Vec::with_capacity(set.len());
    for m in set.migrations() {
        let mut sql = String::new();
        for op in m.upgrade.iter() {
            let statements = dialect
                .render(op, &schema)
                .map_err(|e| anyhow!("rendering {} of {}: {e}", op, m.revision))?;
            for s in statements {
                match s {
                    godwit::dialect::Statement::Sql(text) => {
                        sql.push_str(&text);
                        sql.push_str(";\n");
                    }
                    other => bail!("the history renders to more than plain SQL: {other:?}"),
                }
            }
            schema
                .apply(op)
                .map_err(|e| anyhow!("replaying {op}: {}", e.message))?;
        }
        out.push(sql);
    }
    Ok(out)
}

fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<(Duration, T)> {
    let started = Instant::now();
    let value = f()?;
    Ok((started.elapsed(), value))
}

/// The runner's work on one backend, for one concrete connection type.
fn bench_backend<C, B>(
    backend: Backend,
    set: &MigrationSet,
    diesel_set: fn() -> EmbeddedMigrations,
    budget: Budget,
    out: &mut dyn FnMut(RunnerLine),
) -> Result<()>
where
    B: DieselBackend,
    C: Connection<Backend = B> + Database + MigrationHarness<B>,
    EmbeddedMigrations: MigrationSource<B>,
    for<'a> SqlQuery: LoadQuery<'a, C, VersionRow>,
{
    let n = set.len();
    let dialect = match backend {
        Backend::Sqlite => Dialect::Sqlite,
        Backend::Postgres => Dialect::Postgres,
        Backend::Mysql => Dialect::Mysql,
    };
    let floor_sql = rendered(set, dialect)?;
    let connect = |db: &ScratchDatabase| -> Result<C> {
        C::establish(&db.url).with_context(|| format!("connecting to {}", db.url))
    };

    // 3. Applying: each contender on a database of its own, interleaved.
    let mut samples: [Vec<Duration>; 4] = Default::default();
    let mut kept: [Option<ScratchDatabase>; 4] = Default::default();
    let started = Instant::now();
    for rep in 0..budget.apply_reps {
        if rep > 0 && started.elapsed() > budget.apply_time {
            break;
        }
        for (tool, sample) in samples.iter_mut().enumerate() {
            let db = ScratchDatabase::create(backend)?;
            let mut conn = connect(&db)?;
            let (t, ()) = timed(|| match tool {
                0 => {
                    let report = set
                        .upgrade(&mut conn, Target::Head)
                        .map_err(|e| anyhow!("godwit upgrade: {e}"))?;
                    if report.steps.len() != n {
                        bail!("godwit applied {} migrations, not {n}", report.steps.len());
                    }
                    Ok(())
                }
                1 => {
                    let applied = conn
                        .run_pending_migrations(diesel_set())
                        .map_err(|e| anyhow!("diesel_migrations: {e}"))?;
                    if applied.len() != n {
                        bail!(
                            "diesel_migrations applied {} migrations, not {n}",
                            applied.len()
                        );
                    }
                    Ok(())
                }
                3 => {
                    let args = ["godwit", "--json", "--database-url", &db.url, "upgrade"];
                    let code = godwit::cli::run_with(set, args, &godwit::cli::Settings::default());
                    if code != ExitCode::SUCCESS {
                        bail!("godwit's command line failed (its error is above)");
                    }
                    Ok(())
                }
                _ => {
                    for sql in &floor_sql {
                        conn.transaction::<_, diesel::result::Error, _>(|c| c.batch_execute(sql))
                            .with_context(|| format!("running {sql}"))?;
                    }
                    Ok(())
                }
            })?;
            sample.push(t);
            kept[tool] = Some(db);
        }
    }
    for (tool, s) in APPLY_TOOLS.iter().zip(&samples) {
        out(RunnerLine::Samples {
            bench: "apply".into(),
            backend,
            tool: tool.to_string(),
            samples: s.clone(),
        });
    }

    // 2. Start-up with nothing to apply: godwit and diesel on the databases
    // they migrated; the floor reads godwit's version table.
    let [Some(godwit_db), Some(diesel_db), _, _] = &kept else {
        bail!("no database was migrated");
    };
    let mut g = connect(godwit_db)?;
    let mut d = connect(diesel_db)?;
    let mut f = connect(godwit_db)?;
    let mut samples: [Vec<Duration>; 4] = Default::default();
    let started = Instant::now();
    for round in 0..budget.startup_rounds {
        if round >= 5 && started.elapsed() > budget.startup_time {
            break;
        }
        let (t, ()) = timed(|| {
            let report = set
                .upgrade(&mut g, Target::Head)
                .map_err(|e| anyhow!("godwit upgrade: {e}"))?;
            if !report.steps.is_empty() {
                bail!(
                    "godwit applied {} migrations at start-up",
                    report.steps.len()
                );
            }
            Ok(())
        })?;
        samples[0].push(t);
        let (t, ()) = timed(|| {
            let applied = d
                .run_pending_migrations(diesel_set())
                .map_err(|e| anyhow!("diesel_migrations: {e}"))?;
            if !applied.is_empty() {
                bail!(
                    "diesel_migrations applied {} migrations at start-up",
                    applied.len()
                );
            }
            Ok(())
        })?;
        samples[1].push(t);
        let (t, ()) = timed(|| read_versions(&mut f, n))?;
        samples[2].push(t);
        let (t, ()) = timed(|| {
            let current = set
                .current(&mut g)
                .map_err(|e| anyhow!("godwit current: {e}"))?;
            if current != set.head() {
                bail!("godwit says the database is at {current:?}, not the head");
            }
            Ok(())
        })?;
        samples[3].push(t);
    }
    for (tool, s) in TOOLS.iter().chain([&GODWIT_CURRENT]).zip(&samples) {
        out(RunnerLine::Samples {
            bench: "startup".into(),
            backend,
            tool: tool.to_string(),
            samples: s.clone(),
        });
    }
    Ok(())
}

/// The runner's `main`: `runner [backend ..]` measures on each backend (all
/// three by default) and prints [`RunnerLine`]s.
pub fn runner_main(set: &MigrationSet, diesel: &DieselSets) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let backends: Vec<Backend> = if args.is_empty() {
        Backend::ALL.to_vec()
    } else {
        args.iter().filter_map(|a| Backend::from_key(a)).collect()
    };
    let budget = Budget::default();
    let mut print = |line: RunnerLine| println!("{}", line.to_line());
    let mut failed = false;
    for backend in backends {
        if let Err(e) = check_reachable(backend) {
            print(RunnerLine::Skipped {
                backend,
                reason: format!("{e:#}"),
            });
            continue;
        }
        let result = match backend {
            Backend::Sqlite => bench_backend::<SqliteConnection, _>(
                backend,
                set,
                diesel.sqlite,
                budget,
                &mut print,
            ),
            Backend::Postgres => {
                bench_backend::<PgConnection, _>(backend, set, diesel.postgres, budget, &mut print)
            }
            Backend::Mysql => {
                bench_backend::<MysqlConnection, _>(backend, set, diesel.mysql, budget, &mut print)
            }
        };
        if let Err(e) = result {
            eprintln!("{}: {e:#}", backend.label());
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The generated runner crate for an `n`-migration history.
fn runner_crate(n: usize) -> AppCrate {
    let steps = history(n);
    let mut files = godwit_migration_files(&steps, true);
    for backend in Backend::ALL {
        files.extend(diesel_migration_files(
            &steps,
            &format!("migrations_{}", backend.key()),
            backend,
        ));
    }
    files.push((
        PathBuf::from("src/main.rs"),
        format!(
            "mod migrations;\n\n{}\n\
             use diesel_migrations::{{embed_migrations, EmbeddedMigrations}};\n\
             const SQLITE: EmbeddedMigrations = embed_migrations!(\"migrations_sqlite\");\n\
             const POSTGRES: EmbeddedMigrations = embed_migrations!(\"migrations_postgres\");\n\
             const MYSQL: EmbeddedMigrations = embed_migrations!(\"migrations_mysql\");\n\n\
             fn main() -> std::process::ExitCode {{\n    \
             godwit_bench::runtime::runner_main(\n        &MIGRATIONS,\n        \
             &godwit_bench::runtime::DieselSets {{\n            \
             sqlite: || SQLITE,\n            postgres: || POSTGRES,\n            mysql: || MYSQL,\n        }},\n    )\n}}\n",
            godwit_set(&steps)
        ),
    ));
    AppCrate {
        name: format!("runner-{n}"),
        dependencies: format!(
            "{}godwit-bench = {{ path = {:?} }}\n\
             diesel_migrations = {{ version = \"2.3\", default-features = false, features = [\"sqlite\", \"postgres\", \"mysql\"] }}\n",
            godwit_dependency(&["sqlite", "postgres", "mysql"]),
            repo_root().join("bench"),
        ),
        files,
    }
}

/// Options of the start-up and applying benchmarks.
#[derive(Clone, Debug)]
pub struct Options {
    /// Migrations in the history.
    pub n: usize,
    /// Backends to measure.
    pub backends: Vec<Backend>,
}

/// Builds the runner, runs it, and writes the start-up and applying sections.
pub fn run(opts: &Options, log: &mut dyn FnMut(&str)) -> Result<Vec<Section>> {
    let ws = AppWorkspace::sharing_repo_target("runtime");
    let app = runner_crate(opts.n);
    ws.write(
        std::slice::from_ref(&app),
        Some(&crate::apps::bench_root().join("Cargo.lock")),
    )?;
    log(&format!("runtime: building {} (release)", app.name));
    ws.prepare(&app.name, true)?;
    let binary = ws.target.join("release").join(&app.name);
    log(&format!(
        "runtime: running {} on {}",
        app.name,
        opts.backends
            .iter()
            .map(|b| b.label())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let output = std::process::Command::new(&binary)
        .args(opts.backends.iter().map(|b| b.key()))
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {}", binary.display()))?;
    let lines: Vec<RunnerLine> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(parse_line)
        .collect();
    if !output.status.success() {
        bail!("the runner failed (its errors are above)");
    }
    Ok(vec![
        startup_section(opts, &lines),
        apply_section(opts, &lines),
    ])
}

mod sections;
use sections::{apply_section, startup_section};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runner_lines_read_back() {
        let lines = [
            RunnerLine::Samples {
                bench: "startup".into(),
                backend: Backend::Postgres,
                tool: "floor".into(),
                samples: vec![Duration::from_micros(250), Duration::from_millis(3)],
            },
            RunnerLine::Skipped {
                backend: Backend::Mysql,
                reason: "connecting to mysql://x\nrefused".into(),
            },
        ];
        for l in &lines {
            let back = parse_line(&l.to_line()).expect("a runner line");
            match (l, &back) {
                (RunnerLine::Skipped { .. }, RunnerLine::Skipped { reason, .. }) => {
                    assert_eq!(reason, "connecting to mysql://x refused")
                }
                _ => assert_eq!(&back, l),
            }
        }
        assert_eq!(parse_line("something else"), None);
    }
}
