//! An application that owns its schema with godwit.
//!
//! With no arguments it starts the way a deployed service does: it applies
//! the pending migrations (the embedded run on deploy), then does its work.
//! With arguments it is the migration command line:
//! `godwit-example history`, `godwit-example downgrade -1`, `godwit-example verify`, ...
//!
//! The database is `DATABASE_URL`, by default an SQLite file in the
//! working directory.

use std::process::ExitCode;

use godwit::{Database, Target};
use godwit_example::MIGRATIONS;

/// Where the application keeps its data unless told otherwise.
const DEFAULT_DATABASE_URL: &str = "sqlite://godwit-example.db";

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.len() > 1 {
        // `godwit-example migrate history` and `godwit-example history` are the same.
        if args[1] == "migrate" {
            args.remove(1);
        }
        let settings = godwit::cli::Settings {
            default_database_url: Some(DEFAULT_DATABASE_URL.into()),
            program: Some("godwit-example".into()),
        };
        return godwit::cli::run_with(&MIGRATIONS, args, &settings);
    }
    match serve() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Starts the application: migrate, then work.
fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into());
    let mut db = godwit::connect(&url)?;

    let report = MIGRATIONS.upgrade(&mut db, Target::Head)?;
    if report.steps.is_empty() {
        println!(
            "schema up to date at {}: no migration to apply",
            report.to.unwrap_or("base")
        );
    } else {
        println!(
            "applied {} migration(s): {} -> {}",
            report.steps.len(),
            report.from.unwrap_or("base"),
            report.to.unwrap_or("base")
        );
        for step in &report.steps {
            println!(
                "  {}  {} ({} ms)",
                step.revision,
                step.message,
                step.duration.as_millis()
            );
        }
    }

    // The application's own work, against the schema the migrations built.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    db.execute(&format!(
        "INSERT INTO users (email, display_name) VALUES ('ada-{stamp}@example.com', 'Ada')"
    ))?;
    // Rows come back as text; the dialect says how to cast the count to it.
    let count_sql = format!(
        "SELECT {} AS c0 FROM users",
        db.dialect().cast_text("COUNT(*)")
    );
    let rows = db.query(&count_sql, 1)?;
    let count = rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_else(|| "0".into());
    println!("users: {count}");
    Ok(())
}
