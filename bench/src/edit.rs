//! Section 1's rebuild after editing application code: the migrations in a
//! library crate of their own (godwit's set) against diesel_migrations'
//! `embed_migrations!` in the application crate itself, each rebuilt after
//! the same change to an application source file that is not a migration.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::apps::{repo_root, write_if_changed, AppCrate, AppWorkspace};
use crate::compile::{
    godwit_dependency, godwit_migration_files, godwit_set, recommended, recommended_targets,
};
use crate::history::{history, Backend};
use crate::report::{fmt_duration, fmt_ratio, median, Section, Table, Verdict};
use crate::time_passes::{self, Passes};

/// The application source file a developer edits.
const EDITED_FILE: &str = "src/app.rs";

/// The godwit library crate that holds the set.
fn migrations_package(n: usize) -> String {
    format!("godwit-migrations-{n}")
}

/// The godwit application crate that uses it.
fn godwit_package(n: usize) -> String {
    format!("godwit-app-{n}")
}

/// The diesel_migrations application crate, migrations embedded.
fn diesel_package(n: usize) -> String {
    format!("diesel-app-{n}")
}

/// The godwit workspace: its own manifest, the compile benchmark's godwit
/// target directory (same dependencies, same profile), so that only the
/// generated crates are built.
fn godwit_workspace() -> AppWorkspace {
    AppWorkspace {
        target: AppWorkspace::new("compile-godwit").target,
        ..AppWorkspace::godwit("compile-edit-godwit")
    }
}

/// The diesel_migrations workspace, sharing the compile benchmark's diesel
/// target directory.
fn diesel_workspace() -> AppWorkspace {
    AppWorkspace {
        target: AppWorkspace::new("compile-diesel").target,
        ..AppWorkspace::new("compile-edit-diesel")
    }
}

/// Both workspaces again under the README's recommended profile, sharing
/// the compile benchmark's target directories for that profile.
fn recommended_workspaces() -> (AppWorkspace, AppWorkspace) {
    let (godwit_target, diesel_target) = recommended_targets();
    let godwit = AppWorkspace {
        target: godwit_target,
        ..recommended(AppWorkspace::godwit("compile-edit-godwit-recommended"))
    };
    let diesel = AppWorkspace {
        target: diesel_target,
        ..recommended(AppWorkspace::new("compile-edit-diesel-recommended"))
    };
    (godwit, diesel)
}

/// `src/app.rs`: a few functions of application code, the same in both
/// applications. `edit` goes into a string literal, so that each edit
/// changes what rustc compiles, not only the file's modification time.
pub fn app_source(edit: usize) -> String {
    format!(
        "//! Application code: configuration and what the application prints.\n\n\
         /// The banner the application prints; rewritten by each edit.\n\
         pub const BANNER: &str = \"godwit-bench application, edit {edit}\";\n\n\
         /// Settings read from the environment.\n\
         #[derive(Debug, Clone, PartialEq, Eq)]\n\
         pub struct Config {{\n    pub database_url: String,\n    pub port: u16,\n    pub pool_size: u32,\n}}\n\n\
         /// Reads the settings from `vars`, with defaults for what is missing.\n\
         pub fn config_from(vars: &[(String, String)]) -> Result<Config, String> {{\n    \
             let get = |key: &str| vars.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());\n    \
             let port = match get(\"PORT\") {{\n        Some(p) => parse_port(p)?,\n        None => 8080,\n    }};\n    \
             let pool_size = get(\"POOL_SIZE\")\n        .map(|s| s.parse::<u32>().map_err(|e| format!(\"POOL_SIZE {{s}}: {{e}}\")))\n        \
             .transpose()?\n        .unwrap_or(4);\n    \
             Ok(Config {{\n        database_url: get(\"DATABASE_URL\").unwrap_or(\"app.db\").to_string(),\n        port,\n        pool_size,\n    }})\n}}\n\n\
         /// A TCP port, 1 to 65535.\n\
         pub fn parse_port(s: &str) -> Result<u16, String> {{\n    \
             match s.trim().parse::<u16>() {{\n        Ok(0) => Err(\"port 0 is not a port\".to_string()),\n        \
             Ok(p) => Ok(p),\n        Err(e) => Err(format!(\"port {{s}}: {{e}}\")),\n    }}\n}}\n\n\
         /// The line printed at start-up.\n\
         pub fn summary(migrations: usize, config: &Config) -> String {{\n    \
             format!(\n        \"{{BANNER}}: {{migrations}} migrations for {{}} on port {{}} ({{}} connections)\",\n        \
             config.database_url, config.port, config.pool_size\n    )\n}}\n"
    )
}

/// `main` over the application code, given how it counts its migrations.
fn main_source(head: &str, count: &str) -> String {
    format!(
        "{head}mod app;\n\n\
         fn main() {{\n    \
             let vars: Vec<(String, String)> = std::env::vars().collect();\n    \
             match app::config_from(&vars) {{\n        \
                 Ok(config) => println!(\"{{}}\", app::summary({count}, &config)),\n        \
                 Err(e) => eprintln!(\"{{e}}\"),\n    }}\n}}\n"
    )
}

/// The library crate of godwit's set: the migration modules and
/// `migrations![..]` over them, as the compile benchmark's godwit crate has.
fn migrations_crate(n: usize) -> AppCrate {
    let steps = history(n);
    let lib = format!(
        "#![allow(dead_code)]\n\nmod migrations;\n\n{}",
        godwit_set(&steps)
    );
    let mut files = godwit_migration_files(&steps, true);
    files.push((PathBuf::from("src/lib.rs"), lib));
    AppCrate {
        name: migrations_package(n),
        dependencies: godwit_dependency(&["sqlite"]),
        files,
    }
}

/// The godwit application: depends on the migrations crate (as
/// `migrations`) and on godwit.
fn godwit_app_crate(n: usize, edit: usize) -> AppCrate {
    let main = main_source(
        "/// The set is the migrations crate's; this crate holds none.\n\
         fn count(set: &godwit::MigrationSet) -> usize {\n    set.len()\n}\n\n",
        "count(&migrations::MIGRATIONS)",
    );
    AppCrate {
        name: godwit_package(n),
        dependencies: format!(
            "{}migrations = {{ path = \"../{}\", package = \"{}\" }}\n",
            godwit_dependency(&["sqlite"]),
            migrations_package(n),
            migrations_package(n)
        ),
        files: vec![
            (PathBuf::from("src/main.rs"), main),
            (PathBuf::from(EDITED_FILE), app_source(edit)),
        ],
    }
}

/// The diesel_migrations application: `embed_migrations!` in the
/// application crate, with the `build.rs` diesel's documentation recommends.
fn diesel_app_crate(n: usize, edit: usize) -> AppCrate {
    let steps = history(n);
    let mut files = crate::compile::diesel_migration_files(&steps, "migrations", Backend::Sqlite);
    files.push((
        PathBuf::from("build.rs"),
        crate::compile::RERUN_BUILD_RS.to_string(),
    ));
    files.push((
        PathBuf::from("src/main.rs"),
        main_source(
            "use diesel::migration::MigrationSource;\n\
             use diesel_migrations::{embed_migrations, EmbeddedMigrations};\n\n\
             pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!(\"migrations\");\n\n",
            "MigrationSource::<diesel::sqlite::Sqlite>::migrations(&MIGRATIONS)\
             .map(|m| m.len()).unwrap_or(0)",
        ),
    ));
    files.push((PathBuf::from(EDITED_FILE), app_source(edit)));
    AppCrate {
        name: diesel_package(n),
        dependencies: crate::compile::DIESEL_DEPENDENCIES.to_string(),
        files,
    }
}

/// Rebuild times after an edit, per size: godwit's and diesel_migrations'.
#[derive(Clone, Debug, Default)]
pub struct EditTimes {
    /// `(n, godwit, diesel_migrations)`, each a list of samples.
    pub sizes: Vec<(usize, Vec<Duration>, Vec<Duration>)>,
    /// The same under the README's recommended profile.
    pub recommended: Vec<(usize, Vec<Duration>, Vec<Duration>)>,
    /// The size in bytes of each application's debug binary, per size:
    /// `(n, godwit, diesel_migrations)`; the linker writes all of it.
    pub binaries: Vec<(usize, u64, u64)>,
    /// rustc's pass times for the second of two more edits of each application crate at
    /// the largest size: godwit's, diesel_migrations'.
    pub passes: (Passes, Passes),
    /// The same under the README's recommended profile.
    pub recommended_passes: (Passes, Passes),
}

/// Writes the workspaces, builds every crate once untimed, then times
/// `reps` edits of `src/app.rs` per size, the two tools and the two
/// profiles interleaved.
pub fn run(sizes: &[usize], reps: usize, log: &mut dyn FnMut(&str)) -> Result<EditTimes> {
    let (gw, dw) = (godwit_workspace(), diesel_workspace());
    let (rgw, rdw) = recommended_workspaces();
    let mut godwit_crates = Vec::new();
    for &n in sizes {
        godwit_crates.push(migrations_crate(n));
        godwit_crates.push(godwit_app_crate(n, 0));
    }
    let diesel_crates: Vec<AppCrate> = sizes.iter().map(|&n| diesel_app_crate(n, 0)).collect();
    for (g, d) in [(&gw, &dw), (&rgw, &rdw)] {
        g.write(&godwit_crates, Some(&repo_root().join("Cargo.lock")))?;
        d.write(
            &diesel_crates,
            Some(&repo_root().join("bench/locks/diesel.lock")),
        )?;
    }
    let mut times = EditTimes::default();
    for &n in sizes {
        let (g, d) = (godwit_package(n), diesel_package(n));
        log(&format!(
            "compile: building {g} and {d}, both profiles (untimed)"
        ));
        for ws in [&gw, &rgw] {
            ws.prepare(&g, false)?;
        }
        for ws in [&dw, &rdw] {
            ws.prepare(&d, false)?;
        }
        let (mut gt, mut dt) = (Vec::new(), Vec::new());
        let (mut rgt, mut rdt) = (Vec::new(), Vec::new());
        for rep in 1..=reps {
            for (ws, package, samples) in [
                (&gw, &g, &mut gt),
                (&dw, &d, &mut dt),
                (&rgw, &g, &mut rgt),
                (&rdw, &d, &mut rdt),
            ] {
                write_if_changed(&ws.crate_dir(package).join(EDITED_FILE), &app_source(rep))?;
                let b = ws.build(package, false)?;
                log(&format!(
                    "compile: {package} after editing {EDITED_FILE} ({}): {}",
                    ws.dir.file_name().unwrap_or_default().to_string_lossy(),
                    fmt_duration(b.elapsed)
                ));
                samples.push(b.elapsed);
            }
        }
        times.sizes.push((n, gt, dt));
        times.recommended.push((n, rgt, rdt));
        let bytes = |ws: &AppWorkspace, package: &str| {
            std::fs::metadata(ws.target.join("debug").join(package)).map_or(0, |m| m.len())
        };
        times.binaries.push((n, bytes(&gw, &g), bytes(&dw, &d)));
    }
    if let Some(&n) = sizes.iter().max() {
        // Two more edits of each, built with `-Z time-passes`.
        let mut passes = Vec::new();
        for (ws, package) in [
            (&gw, godwit_package(n)),
            (&dw, diesel_package(n)),
            (&rgw, godwit_package(n)),
            (&rdw, diesel_package(n)),
        ] {
            let edited = ws.crate_dir(&package).join(EDITED_FILE);
            let p = time_passes::measure(ws, &package, |i| {
                write_if_changed(&edited, &app_source(reps + 1 + i))
            })?;
            log(&format!(
                "compile: {package} after an edit: rustc {:.3} s, of which linking {:.3} s",
                p.get("total").copied().unwrap_or_default(),
                p.get("link").copied().unwrap_or_default()
            ));
            passes.push(p);
        }
        let mut passes = passes.into_iter();
        let mut next = || passes.next().unwrap_or_default();
        times.passes = (next(), next());
        times.recommended_passes = (next(), next());
    }
    Ok(times)
}

/// Appends the table, and the target (judged at the largest size), to
/// section 1.
pub fn report(s: &mut Section, times: &EditTimes, reps: usize) {
    s.para(format!(
        "**Editing application code, migrations in their own crate.** What a developer who is \
         not touching the migrations waits for. godwit: a workspace of a library crate holding \
         the n migration modules and `migrations![..]` over them (the godwit crate above, as a \
         library) and an application binary crate that depends on it and uses \
         `migrations::MIGRATIONS`. diesel_migrations: `embed_migrations!(\"migrations\")` in \
         the application crate itself, as its documentation recommends (with the same \
         `build.rs`). Both applications have the same application code in `{EDITED_FILE}` (a \
         few functions: reading settings, parsing a port, the start-up line). Timed: rewriting \
         `{EDITED_FILE}` with a new string literal in it (`\"…, edit <k>\"`, k counting the \
         edits, so that rustc compiles changed code, not only a newer file) and then \
         `cargo build -p <application>`, median of {reps}; the migrations library is not \
         rebuilt, diesel_migrations' application crate expands `embed_migrations!` again. \
         Dependencies (and godwit's migrations crate) are built before the clock starts. \
         The last columns are the same two applications under the debug profile the README \
         recommends (see the tables above), and the size of each application's debug binary \
         under the default profile, which the linker writes again on every build."
    ));
    let mut t = Table::new([
        "Editing application code",
        "godwit (migrations crate)",
        "diesel_migrations (`embed_migrations!` in the application)",
        "godwit ÷ diesel_migrations",
        "godwit, recommended profile",
        "diesel_migrations, same profile",
        "÷",
        "binaries linked (debug): godwit, diesel_migrations",
    ]);
    let mb = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1e6);
    for (n, g, d) in &times.sizes {
        let (g, d) = (median(g), median(d));
        let sizes = times
            .binaries
            .iter()
            .find(|(m, _, _)| m == n)
            .map_or_else(String::new, |(_, gb, db)| {
                format!("{}, {}", mb(*gb), mb(*db))
            });
        let (rg, rd) = times
            .recommended
            .iter()
            .find(|(m, _, _)| m == n)
            .map(|(_, rg, rd)| (median(rg), median(rd)))
            .unwrap_or_default();
        t.row([
            format!("{n} migrations"),
            fmt_duration(g),
            fmt_duration(d),
            fmt_ratio(g, d),
            fmt_duration(rg),
            fmt_duration(rd),
            fmt_ratio(rg, rd),
            sizes,
        ]);
    }
    s.table(&t);
    if let Some((n, g, d)) = times.sizes.iter().max_by_key(|(n, _, _)| *n) {
        let (g, d) = (median(g), median(d));
        let secs = |p: &Passes, name: &str| {
            Duration::from_secs_f64(p.get(name).copied().unwrap_or_default())
        };
        s.para(format!(
            "Where rustc spends the time on the application crate at {n} migrations \
             (`-Z time-passes`, the second of two more edits of each), under the default \
             profile and under the recommended one:"
        ));
        let (gp, dp) = &times.passes;
        let (rgp, rdp) = &times.recommended_passes;
        let mut t = Table::new([
            "rustc pass",
            "godwit's application",
            "diesel_migrations'",
            "godwit's, recommended profile",
            "diesel_migrations', recommended profile",
        ]);
        for (name, label) in [
            (
                "macro_expand_crate",
                "macro expansion (`macro_expand_crate`)",
            ),
            ("type_check_crate", "type checking (`type_check_crate`)"),
            ("codegen_crate", "code generation (`codegen_crate`)"),
            ("link", "linking (`link`)"),
            ("total", "total rustc time (`total`)"),
        ] {
            t.row([
                label.to_string(),
                fmt_duration(secs(gp, name)),
                fmt_duration(secs(dp, name)),
                fmt_duration(secs(rgp, name)),
                fmt_duration(secs(rdp, name)),
            ]);
        }
        s.table(&t);
        s.figure("compile.edit.n", Duration::from_secs(*n as u64));
        s.figure("compile.edit.godwit", g);
        s.figure("compile.edit.diesel", d);
        s.figure("compile.edit.godwit.total", secs(gp, "total"));
        s.figure("compile.edit.godwit.link", secs(gp, "link"));
        s.figure("compile.edit.diesel.expand", secs(dp, "macro_expand_crate"));
        s.figure("compile.edit.diesel.link", secs(dp, "link"));
        if let Some((_, rg, rd)) = times.recommended.iter().find(|(m, _, _)| m == n) {
            s.figure("compile.edit.recommended.godwit", median(rg));
            s.figure("compile.edit.recommended.diesel", median(rd));
        }
        s.figure("compile.edit.recommended.godwit.link", secs(rgp, "link"));
        s.figure("compile.edit.recommended.diesel.link", secs(rdp, "link"));
        let ratio = g.as_secs_f64() / d.as_secs_f64().max(1e-9);
        s.target(
            format!(
                "rebuild after editing application code at {n} migrations (migrations in \
                 their own crate) at most 1.0x diesel_migrations'"
            ),
            format!(
                "{} (godwit {} vs {})",
                fmt_ratio(g, d),
                fmt_duration(g),
                fmt_duration(d)
            ),
            if ratio <= 1.0 {
                Verdict::Met
            } else {
                Verdict::Missed
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_edit_changes_the_code() {
        assert_ne!(app_source(1), app_source(2));
        assert!(app_source(7).contains("\"godwit-bench application, edit 7\""));
    }

    #[test]
    fn the_application_crates_differ_only_in_how_they_hold_migrations() {
        let g = godwit_app_crate(3, 0);
        let d = diesel_app_crate(3, 0);
        let app = |c: &AppCrate| {
            c.files
                .iter()
                .find(|(p, _)| p == &PathBuf::from(EDITED_FILE))
                .map(|(_, text)| text.clone())
        };
        assert_eq!(app(&g), app(&d));
        assert!(g.dependencies.contains("package = \"godwit-migrations-3\""));
        // godwit's application crate holds no migration; diesel's embeds them.
        assert_eq!(g.files.len(), 2);
        assert!(d.files.iter().any(|(p, _)| p.ends_with("up.sql")));
        let lib = migrations_crate(3);
        let lib_rs = &lib.files.last().expect("lib.rs").1;
        assert!(lib_rs.contains("godwit::migrations!["));
    }
}
