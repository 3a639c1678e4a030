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

use godwit::{AnyConnection, Target};
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

    // The application's own work, through Diesel on the schema the
    // migrations generate (`godwit_example::schema`).
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let email = format!("ada-{stamp}@example.com");
    let work = match &mut db {
        #[cfg(feature = "sqlite")]
        AnyConnection::Sqlite(conn) => godwit_example::sign_up!(conn, &email)?,
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(conn) => godwit_example::sign_up!(conn, &email)?,
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(conn) => godwit_example::sign_up!(conn, &email)?,
        // godwit built with a backend this example's features leave out.
        _ => return Err("build the example with the feature of this database's backend".into()),
    };
    println!("signed up {} (id {})", work.user.email, work.user.id);
    println!("users: {}", work.users);
    println!("users with preferences: {}", work.themes.len());
    Ok(())
}
