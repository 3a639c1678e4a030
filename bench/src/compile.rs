//! Benchmark 1: compile time of an application with `n` migrations, from
//! clean and after touching one migration, for godwit, diesel_migrations'
//! `embed_migrations!` and sqlx's `migrate!`; and godwit's macros' own cost,
//! measured as the same crate built with and without them. The rebuild
//! after editing application code is in `edit.rs`, rust-analyzer's
//! analysis in `analyzer.rs`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::apps::{repo_root, touch, AppCrate, AppWorkspace};
use crate::history::{history, Step};
use crate::report::{fmt_duration, fmt_ratio, median, Section, Table, Verdict};
use crate::time_passes::{self, Passes};

/// How the compile benchmark runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// History sizes.
    pub sizes: Vec<usize>,
    /// Builds per figure (the median is reported).
    pub reps: usize,
}

/// The application variants that are built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    /// godwit: `#[migration]` modules and `migrations!`.
    Godwit,
    /// The same crate in a workspace with the README's recommended profile
    /// ([`RECOMMENDED_PROFILE`]).
    GodwitRecommended,
    /// The same modules without `#[migration]` and with an empty set: the
    /// control that tells what the macros themselves cost.
    GodwitWithoutMacros,
    /// godwit's item form with `pub mod schema;`: the set and Diesel's
    /// schema at head (docs/SCHEMA.md).
    GodwitSchema,
    /// diesel_migrations' `embed_migrations!` over SQL files.
    Diesel,
    /// The same diesel_migrations crate under the same profile as
    /// `GodwitRecommended`.
    DieselRecommended,
    /// sqlx's `migrate!` over SQL files.
    Sqlx,
}

impl Variant {
    const ALL: [Variant; 7] = [
        Variant::Godwit,
        Variant::GodwitRecommended,
        Variant::GodwitWithoutMacros,
        Variant::GodwitSchema,
        Variant::Diesel,
        Variant::DieselRecommended,
        Variant::Sqlx,
    ];

    fn package(self, n: usize) -> String {
        match self {
            Variant::Godwit => format!("godwit-{n}"),
            Variant::GodwitRecommended => format!("godwit-rec-{n}"),
            Variant::GodwitWithoutMacros => format!("godwit-plain-{n}"),
            Variant::GodwitSchema => format!("godwit-schema-{n}"),
            Variant::Diesel => format!("diesel-{n}"),
            Variant::DieselRecommended => format!("diesel-rec-{n}"),
            Variant::Sqlx => format!("sqlx-{n}"),
        }
    }

    /// The workspace it is built in: one per dependency graph.
    fn workspace(self) -> AppWorkspace {
        match self {
            Variant::Godwit | Variant::GodwitWithoutMacros | Variant::GodwitSchema => {
                AppWorkspace::godwit("compile-godwit")
            }
            // This variant and `DieselRecommended` have target directories
            // of their own: every dependency is built again under the profile.
            Variant::GodwitRecommended => {
                recommended(AppWorkspace::godwit("compile-godwit-recommended"))
            }
            Variant::Diesel => AppWorkspace::new("compile-diesel"),
            Variant::DieselRecommended => {
                recommended(AppWorkspace::new("compile-diesel-recommended"))
            }
            Variant::Sqlx => AppWorkspace::new("compile-sqlx"),
        }
    }

    /// The file a developer edits: the newest migration.
    fn touched_file(self, last: &Step) -> PathBuf {
        match self {
            Variant::Godwit
            | Variant::GodwitRecommended
            | Variant::GodwitWithoutMacros
            | Variant::GodwitSchema => {
                PathBuf::from(format!("src/migrations/{}.rs", last.file_stem()))
            }
            Variant::Diesel | Variant::DieselRecommended => {
                PathBuf::from(format!("migrations/{}_{}/up.sql", last.version, last.name))
            }
            Variant::Sqlx => {
                PathBuf::from(format!("migrations/{}_{}.up.sql", last.version, last.name))
            }
        }
    }

    fn app(self, n: usize) -> AppCrate {
        let steps = history(n);
        match self {
            Variant::Godwit | Variant::GodwitRecommended => {
                godwit_app(&self.package(n), &steps, true)
            }
            Variant::GodwitWithoutMacros => godwit_app(&self.package(n), &steps, false),
            Variant::GodwitSchema => godwit_schema_app(&self.package(n), &steps),
            Variant::Diesel | Variant::DieselRecommended => diesel_app(&self.package(n), &steps),
            Variant::Sqlx => sqlx_app(&self.package(n), &steps),
        }
    }
}

/// The rebuild after touching one migration, at most this many times
/// diesel_migrations' at this many migrations.
const TOUCH_TARGETS: [(usize, f64); 2] = [(300, 2.0), (1000, 3.0)];

/// The debug profile the README recommends for a workspace with many
/// migrations: proc macros (and build scripts, and what they use) compiled
/// with optimisations, and the dependencies' debug info as line tables only
/// (backtraces keep their files and lines; the linker has far less to
/// merge). Keep it the README's text.
pub const RECOMMENDED_PROFILE: &str = "\n[profile.dev.build-override]\nopt-level = 3\n\n\
     [profile.dev.package.\"*\"]\ndebug = \"line-tables-only\"\n";

/// `ws` under [`RECOMMENDED_PROFILE`].
pub fn recommended(ws: AppWorkspace) -> AppWorkspace {
    AppWorkspace {
        manifest_extra: ws.manifest_extra + RECOMMENDED_PROFILE,
        ..ws
    }
}

/// The target directories of this benchmark's godwit and diesel_migrations
/// workspaces under the recommended profile, which the edit benchmark's
/// workspaces share: `(godwit, diesel_migrations)`.
pub fn recommended_targets() -> (PathBuf, PathBuf) {
    (
        Variant::GodwitRecommended.workspace().target,
        Variant::DieselRecommended.workspace().target,
    )
}

/// The godwit dependency line for a generated crate.
pub fn godwit_dependency(features: &[&str]) -> String {
    let features: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    format!(
        "godwit = {{ path = {:?}, default-features = false, features = [{}] }}\n",
        repo_root().join("runtime"),
        features.join(", ")
    )
}

/// The migration modules of a godwit application: `src/migrations/`.
pub fn godwit_migration_files(steps: &[Step], attribute: bool) -> Vec<(PathBuf, String)> {
    let mut files = Vec::with_capacity(steps.len() + 1);
    let mut mods = String::new();
    for s in steps {
        files.push((
            PathBuf::from(format!("src/migrations/{}.rs", s.file_stem())),
            s.godwit_source(attribute),
        ));
        mods.push_str(&format!("pub mod {};\n", s.file_stem()));
    }
    files.push((PathBuf::from("src/migrations/mod.rs"), mods));
    files
}

/// The `migrations![..]` invocation over every step.
pub fn godwit_set(steps: &[Step]) -> String {
    let paths: Vec<String> = steps
        .iter()
        .map(|s| format!("    migrations::{}::{},", s.file_stem(), s.name))
        .collect();
    format!(
        "pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![\n{}\n];\n",
        paths.join("\n")
    )
}

/// The godwit application binary `package` over `steps`: with the
/// modules under the `migration` attribute and `migrations![..]` when `macros`, else the
/// control (plain modules, an empty set).
pub fn godwit_app(package: &str, steps: &[Step], macros: bool) -> AppCrate {
    let set = if macros {
        godwit_set(steps)
    } else {
        "pub static MIGRATIONS: godwit::MigrationSet = godwit::MigrationSet::__from_ordered(&[]);\n"
            .to_string()
    };
    let main = format!(
        "#![allow(dead_code)]\n\nmod migrations;\n\n{set}\n\
         fn main() {{\n    println!(\"{{}} migrations\", MIGRATIONS.len());\n}}\n"
    );
    let mut files = godwit_migration_files(steps, macros);
    files.push((PathBuf::from("src/main.rs"), main));
    AppCrate {
        name: package.to_string(),
        dependencies: godwit_dependency(&["sqlite"]),
        files,
    }
}

/// The same application with its set in item form and Diesel's schema at
/// head (`pub mod schema;`), whose crate depends on diesel as such an
/// application does.
fn godwit_schema_app(package: &str, steps: &[Step]) -> AppCrate {
    let paths: Vec<String> = steps
        .iter()
        .map(|s| format!("    migrations::{}::{},", s.file_stem(), s.name))
        .collect();
    let main = format!(
        "#![allow(dead_code)]\n\nmod migrations;\n\n\
         godwit::migrations! {{\n    pub static MIGRATIONS;\n    pub mod schema;\n{}\n}}\n\n\
         fn main() {{\n    println!(\"{{}} migrations\", MIGRATIONS.len());\n}}\n",
        paths.join("\n")
    );
    let mut files = godwit_migration_files(steps, true);
    files.push((PathBuf::from("src/main.rs"), main));
    AppCrate {
        name: package.to_string(),
        dependencies: format!(
            "{}diesel = {{ version = \"2.3\", default-features = false, features = [\"sqlite\"] }}\n",
            godwit_dependency(&["sqlite"])
        ),
        files,
    }
}

/// The build script both peers' documentation recommends, so that cargo
/// rebuilds the crate when a migration file changes.
pub const RERUN_BUILD_RS: &str =
    "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n}\n";

/// diesel's migration directories for one backend's SQL: `<version>_<name>/up.sql`.
pub fn diesel_migration_files(
    steps: &[Step],
    dir: &str,
    backend: crate::history::Backend,
) -> Vec<(PathBuf, String)> {
    let mut files = Vec::with_capacity(2 * steps.len());
    for s in steps {
        let d = format!("{dir}/{}_{}", s.version, s.name);
        files.push((
            PathBuf::from(format!("{d}/up.sql")),
            Step::sql_file(&s.up_sql()),
        ));
        files.push((
            PathBuf::from(format!("{d}/down.sql")),
            Step::sql_file(&s.down_sql(backend)),
        ));
    }
    files
}

fn diesel_app(package: &str, steps: &[Step]) -> AppCrate {
    let mut files = diesel_migration_files(steps, "migrations", crate::history::Backend::Sqlite);
    files.push((PathBuf::from("build.rs"), RERUN_BUILD_RS.to_string()));
    files.push((
        PathBuf::from("src/main.rs"),
        "use diesel::migration::MigrationSource;\n\
         use diesel_migrations::{embed_migrations, EmbeddedMigrations};\n\n\
         pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!(\"migrations\");\n\n\
         fn main() {\n    let n = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&MIGRATIONS)\n        \
         .map(|m| m.len())\n        .unwrap_or(0);\n    println!(\"{n} migrations\");\n}\n"
            .to_string(),
    ));
    AppCrate {
        name: package.to_string(),
        dependencies: DIESEL_DEPENDENCIES.to_string(),
        files,
    }
}

/// diesel and diesel_migrations for SQLite, with the SQLite library bundled
/// as godwit bundles it.
pub const DIESEL_DEPENDENCIES: &str =
    "diesel = { version = \"2.3\", default-features = false, features = [\"sqlite\"] }\n\
     diesel_migrations = { version = \"2.3\", default-features = false, features = [\"sqlite\"] }\n\
     libsqlite3-sys = { version = \"0.35\", features = [\"bundled\"] }\n";

fn sqlx_app(package: &str, steps: &[Step]) -> AppCrate {
    let mut files = Vec::with_capacity(2 * steps.len() + 2);
    for s in steps {
        let stem = format!("migrations/{}_{}", s.version, s.name);
        files.push((
            PathBuf::from(format!("{stem}.up.sql")),
            Step::sql_file(&s.up_sql()),
        ));
        files.push((
            PathBuf::from(format!("{stem}.down.sql")),
            Step::sql_file(&s.down_sql(crate::history::Backend::Sqlite)),
        ));
    }
    files.push((PathBuf::from("build.rs"), RERUN_BUILD_RS.to_string()));
    files.push((
        PathBuf::from("src/main.rs"),
        "static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!(\"./migrations\");\n\n\
         fn main() {\n    println!(\"{} migrations\", MIGRATOR.iter().count());\n}\n"
            .to_string(),
    ));
    AppCrate {
        name: package.to_string(),
        dependencies: "sqlx = { version = \"0.8\", default-features = false, features = [\"sqlite\", \"migrate\", \"macros\"] }\n"
            .to_string(),
        files,
    }
}

/// Build times of one variant at one size.
#[derive(Clone, Debug, Default)]
struct Times {
    clean: Vec<Duration>,
    touched: Vec<Duration>,
    /// rustc's `-Z time-passes` (godwit variants only).
    passes: Passes,
}

/// The pass that runs every macro: rustc's `macro_expand_crate`.
const EXPAND: &str = "macro_expand_crate";

/// Runs the compile benchmark; `log` gets a line per build.
pub fn run(opts: &Options, log: &mut dyn FnMut(&str)) -> Result<Section> {
    // Write every crate, then build each workspace's dependencies untimed.
    for ws_variants in [
        &[
            Variant::Godwit,
            Variant::GodwitWithoutMacros,
            Variant::GodwitSchema,
        ][..],
        &[Variant::GodwitRecommended][..],
        &[Variant::Diesel][..],
        &[Variant::DieselRecommended][..],
        &[Variant::Sqlx][..],
    ] {
        let ws = ws_variants[0].workspace();
        let crates: Vec<AppCrate> = opts
            .sizes
            .iter()
            .flat_map(|&n| ws_variants.iter().map(move |v| v.app(n)))
            .collect();
        // godwit's dependencies at the workspace's versions; the peers' at
        // the versions pinned in bench/locks/.
        let seed = match ws_variants[0] {
            Variant::Diesel | Variant::DieselRecommended => {
                repo_root().join("bench/locks/diesel.lock")
            }
            Variant::Sqlx => repo_root().join("bench/locks/sqlx.lock"),
            _ => repo_root().join("Cargo.lock"),
        };
        ws.write(&crates, Some(&seed))?;
    }
    let smallest = opts.sizes.iter().copied().min().unwrap_or(1);
    for v in [
        Variant::GodwitWithoutMacros,
        Variant::GodwitRecommended,
        Variant::Diesel,
        Variant::DieselRecommended,
        Variant::Sqlx,
    ] {
        log(&format!(
            "compile: building the dependencies of {}",
            v.package(smallest)
        ));
        v.workspace().prepare(&v.package(smallest), false)?;
    }

    let mut results: Vec<(usize, Variant, Times)> = Vec::new();
    for &n in &opts.sizes {
        let last = history(n)
            .pop()
            .expect("a history has at least one migration");
        let mut times: Vec<Times> = vec![Times::default(); Variant::ALL.len()];
        // Variants interleaved within each repetition, so that load from
        // elsewhere spreads over all of them.
        for _ in 0..opts.reps {
            for (v, t) in Variant::ALL.iter().zip(times.iter_mut()) {
                let ws = v.workspace();
                let package = v.package(n);
                ws.clean(&package, false)?;
                let b = ws.build(&package, false)?;
                log(&format!(
                    "compile: {package} from clean: {}",
                    fmt_duration(b.elapsed)
                ));
                t.clean.push(b.elapsed);
            }
        }
        for _ in 0..opts.reps {
            for (v, t) in Variant::ALL.iter().zip(times.iter_mut()) {
                let ws = v.workspace();
                let package = v.package(n);
                touch(&ws.crate_dir(&package).join(v.touched_file(&last)))?;
                let b = ws.build(&package, false)?;
                log(&format!(
                    "compile: {package} after touching one migration: {}",
                    fmt_duration(b.elapsed)
                ));
                t.touched.push(b.elapsed);
            }
        }
        // rustc's pass times, with and without the macros.
        for (v, t) in Variant::ALL.iter().zip(times.iter_mut()) {
            if matches!(v, Variant::Godwit | Variant::GodwitWithoutMacros) {
                let ws = v.workspace();
                let package = v.package(n);
                let touched = ws.crate_dir(&package).join(v.touched_file(&last));
                t.passes = time_passes::measure(&ws, &package, |_| touch(&touched))?;
                log(&format!(
                    "compile: {package}: rustc's macro expansion {:.3} s of {:.3} s",
                    t.passes.get(EXPAND).copied().unwrap_or_default(),
                    t.passes.get("total").copied().unwrap_or_default()
                ));
            }
        }
        for (v, t) in Variant::ALL.iter().zip(times) {
            results.push((n, *v, t));
        }
    }
    let edits = crate::edit::run(&opts.sizes, opts.reps, log)?;
    let largest = opts.sizes.iter().copied().max().unwrap_or(1);
    let analysis = crate::analyzer::run(largest, opts.reps, log)?;
    let mut s = section(opts, &results);
    crate::edit::report(&mut s, &edits, opts.reps);
    crate::analyzer::report(&mut s, &analysis, opts.reps);
    Ok(s)
}

fn section(opts: &Options, results: &[(usize, Variant, Times)]) -> Section {
    let get = |n: usize, v: Variant| -> (Duration, Duration) {
        results
            .iter()
            .find(|(m, w, _)| *m == n && *w == v)
            .map(|(_, _, t)| (median(&t.clean), median(&t.touched)))
            .unwrap_or_default()
    };
    let mut s = Section::new("1. Compile time");
    s.para(format!(
        "`cargo build` (debug profile, incremental) of a generated application binary with n migrations, \
         median of {} builds. The migrations are the history described above, one file per migration; \
         the peers embed the equivalent SQLite SQL files. **Dependencies are already built**: \
         \"from clean\" is `cargo clean -p <app>` then `cargo build`, so it times the application crate \
         (and, for the peers, the one-line `build.rs` their documentation recommends so that cargo \
         notices edited migrations); \"touched\" sets the newest migration file's modification time \
         and builds again. Ratios are godwit's time divided by the peer's, measured in the same run. \
         godwit's own crates build as the registry dependency a user has: not incrementally \
         (`incremental = false` for them in the workspace's profile; the bench depends on godwit by \
         path, which cargo would otherwise compile incrementally, as it does workspace code). \
         The last columns are the same godwit and diesel_migrations crates in workspaces with the \
         debug profile the README recommends for long histories, `[profile.dev.build-override] \
         opt-level = 3` (proc macros and build scripts compiled with optimisations) and \
         `[profile.dev.package.\"*\"] debug = \"line-tables-only\"` (dependencies' debug info, \
         most of the bytes the linker reads, as line tables only), each tool's workspace with a \
         target directory of its own under that profile (the edit benchmark below shares it); \
         \"from clean\" then also compiles the application's build script optimised, if it has \
         one. The targets are judged on the default profile.",
        opts.reps
    ));
    for (title, pick) in [
        ("From clean", 0usize),
        ("After touching one migration", 1usize),
    ] {
        let mut t = Table::new([
            title,
            "godwit",
            "diesel_migrations",
            "sqlx",
            "godwit ÷ diesel_migrations",
            "godwit ÷ sqlx",
            "godwit, recommended profile",
            "diesel_migrations, same profile",
            "÷",
        ]);
        for &n in &opts.sizes {
            let f = |v| {
                let (c, i) = get(n, v);
                if pick == 0 {
                    c
                } else {
                    i
                }
            };
            let (g, d, x) = (f(Variant::Godwit), f(Variant::Diesel), f(Variant::Sqlx));
            let (o, od) = (f(Variant::GodwitRecommended), f(Variant::DieselRecommended));
            t.row([
                format!("{n} migrations"),
                fmt_duration(g),
                fmt_duration(d),
                fmt_duration(x),
                fmt_ratio(g, d),
                fmt_ratio(g, x),
                fmt_duration(o),
                fmt_duration(od),
                fmt_ratio(o, od),
            ]);
        }
        s.table(&t);
    }

    s.para(
        "**Diesel's schema module.** The godwit application again, its set in item form with \
         `pub mod schema;` (docs/SCHEMA.md): the set and Diesel's schema at head, a `table!` per \
         table of the history and `allow_tables_to_appear_in_same_query!` of them all, as \
         `diesel print-schema` would print them; its crate depends on diesel. Most of the \
         difference is Diesel's `table!` code, which a hand-written `schema.rs` costs as much.",
    );
    let mut t = Table::new([
        "Schema module",
        "godwit, from clean",
        "with `pub mod schema;`, from clean",
        "÷",
        "godwit, touched",
        "with `pub mod schema;`, touched",
        "÷",
    ]);
    for &n in &opts.sizes {
        let (gc, gt) = get(n, Variant::Godwit);
        let (sc, st) = get(n, Variant::GodwitSchema);
        t.row([
            format!("{n} migrations ({} tables)", n.div_ceil(4)),
            fmt_duration(gc),
            fmt_duration(sc),
            fmt_ratio(sc, gc),
            fmt_duration(gt),
            fmt_duration(st),
            fmt_ratio(st, gt),
        ]);
    }
    s.table(&t);

    let passes = |n: usize, v: Variant| -> Passes {
        results
            .iter()
            .find(|(m, w, _)| *m == n && *w == v)
            .map(|(_, _, t)| t.passes.clone())
            .unwrap_or_default()
    };
    let secs =
        |p: &Passes, name: &str| Duration::from_secs_f64(p.get(name).copied().unwrap_or(0.0));

    s.para(
        "**The macros' own time.** rustc's `-Z time-passes` (enabled for the application crate \
         alone with `RUSTC_BOOTSTRAP=1`, through `RUSTC_WORKSPACE_WRAPPER`) reports how long macro \
         expansion took (`macro_expand_crate`): the `#[migration]` and `migrations!` proc macros \
         and the callback chain between them. The control is the same crate with no \
         `#[migration]` on its modules and an empty set instead of `migrations![..]` (the bodies \
         still compile as Rust against `godwit::dsl`); the difference is the macros' own time. \
         The last columns compare whole builds of the two crates from clean: that difference \
         also counts type-checking and compiling the descriptors the macros emit.",
    );
    let mut t = Table::new([
        "",
        "macro expansion, with macros",
        "without",
        "macros' own time",
        "per migration",
        "whole build from clean, with − without",
        "per migration",
    ]);
    let mut worst_per_migration: Option<(usize, Duration)> = None;
    for &n in &opts.sizes {
        let with = secs(&passes(n, Variant::Godwit), EXPAND);
        let without = secs(&passes(n, Variant::GodwitWithoutMacros), EXPAND);
        let cost = with.saturating_sub(without);
        let per = cost / n.max(1) as u32;
        s.figure(format!("compile.per_migration.{n}"), per);
        if worst_per_migration.is_none_or(|(_, w)| per > w) {
            worst_per_migration = Some((n, per));
        }
        let (gc, _) = get(n, Variant::Godwit);
        let (pc, _) = get(n, Variant::GodwitWithoutMacros);
        let build_cost = gc.saturating_sub(pc);
        t.row([
            format!("{n} migrations"),
            fmt_duration(with),
            fmt_duration(without),
            fmt_duration(cost),
            fmt_duration(per),
            fmt_duration(build_cost),
            fmt_duration(build_cost / n.max(1) as u32),
        ]);
    }
    s.table(&t);

    if let Some(&n) = opts.sizes.iter().max() {
        s.para(format!(
            "Where rustc spends the time at {n} migrations (`-Z time-passes`, the second of two \
             builds with it, each after touching a migration: the first build with the flag \
             type-checks the whole crate again, which a developer's next build does not):"
        ));
        let (with, without) = (
            passes(n, Variant::Godwit),
            passes(n, Variant::GodwitWithoutMacros),
        );
        let mut t = Table::new(["rustc pass", "with macros", "without"]);
        for (name, label) in [
            (EXPAND, "macro expansion (`macro_expand_crate`)"),
            ("type_check_crate", "type checking (`type_check_crate`)"),
            (
                "MIR_borrow_checking",
                "borrow checking (`MIR_borrow_checking`)",
            ),
            ("codegen_crate", "code generation (`codegen_crate`)"),
            ("link", "linking (`link`)"),
            ("total", "total rustc time (`total`)"),
        ] {
            t.row([
                label.to_string(),
                fmt_duration(secs(&with, name)),
                fmt_duration(secs(&without, name)),
            ]);
        }
        s.table(&t);
    }

    if let Some(&n) = opts.sizes.iter().max() {
        let (_, g) = get(n, Variant::Godwit);
        let (_, d) = get(n, Variant::Diesel);
        let with = passes(n, Variant::Godwit);
        s.figure("compile.n", Duration::from_secs(n as u64));
        s.figure("compile.godwit.touched", g);
        s.figure("compile.diesel.touched", d);
        s.figure(
            "compile.plain.touched",
            get(n, Variant::GodwitWithoutMacros).1,
        );
        s.figure(
            "compile.recommended.touched",
            get(n, Variant::GodwitRecommended).1,
        );
        s.figure(
            "compile.recommended.diesel.touched",
            get(n, Variant::DieselRecommended).1,
        );
        s.figure("compile.expand", secs(&with, EXPAND));
        s.figure("compile.typeck", secs(&with, "type_check_crate"));
        s.figure("compile.codegen", secs(&with, "codegen_crate"));
        s.figure("compile.total", secs(&with, "total"));
    }
    // Touching one migration, against diesel_migrations at the sizes the
    // targets name.
    for (n, limit) in TOUCH_TARGETS {
        if !opts.sizes.contains(&n) {
            continue;
        }
        let (_, g) = get(n, Variant::Godwit);
        let (_, d) = get(n, Variant::Diesel);
        // What the same modules cost without the macros: the floor a
        // rebuild of godwit's crate cannot go under.
        let (_, p) = get(n, Variant::GodwitWithoutMacros);
        let ratio = g.as_secs_f64() / d.as_secs_f64().max(1e-9);
        s.target(
            format!("rebuild after touching one migration at {n} migrations at most {limit:.1}x diesel_migrations'"),
            format!(
                "{} (godwit {} vs {}; the crate without the macros {})",
                fmt_ratio(g, d),
                fmt_duration(g),
                fmt_duration(d),
                fmt_ratio(p, d)
            ),
            if ratio <= limit {
                Verdict::Met
            } else {
                Verdict::Missed
            },
        );
    }
    if let Some((n, per)) = worst_per_migration {
        s.target(
            "the macros' own time under 2 ms per migration",
            format!(
                "{} per migration (worst size: {n}, from clean)",
                fmt_duration(per)
            ),
            if per < Duration::from_millis(2) {
                Verdict::Met
            } else {
                Verdict::Missed
            },
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The profile the benchmark measures is the one the README gives: its
    /// `toml` block for the workspace, comment line aside, line for line.
    #[test]
    fn the_recommended_profile_is_the_readmes() {
        let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
        let start = "```toml\n# Cargo.toml of the workspace\n";
        let block = readme
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once("```"))
            .map(|(block, _)| block)
            .expect("README.md has a toml block for the workspace's profile");
        assert_eq!(block.trim(), RECOMMENDED_PROFILE.trim());
    }
}
