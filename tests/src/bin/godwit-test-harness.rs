//! Runs diesel_migrations' `conn.run_pending_migrations(&MIGRATIONS)` on the
//! database at the URL given as the only argument. Prints one
//! `applied <version>` line per migration godwit applied in this process (its
//! log event "migration done"; printed also when a later one was refused),
//! one `skipped <version>` line per migration godwit found applied by
//! another process and left for Diesel to record (its event "already
//! applied by another process"), then one `ran <version>` line per
//! migration Diesel reports as run (both kinds). Exits 0 on
//! success, 3 when godwit refused a migration for the harness
//! (`Error::HarnessRefused`, the message on stderr), 1 on any other error.
//! The harness concurrency tests start several at once.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use diesel_migrations::MigrationHarness;
use godwit::AnyConnection;
use godwit_tests::MIGRATIONS;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// `applied <revision>` and `skipped <revision>` lines, from godwit's log events.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>);

#[derive(Default)]
struct Fields {
    revision: Option<String>,
    message: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "revision" => self.revision = Some(format!("{value:?}")),
            "message" => self.message = format!("{value:?}"),
            _ => {}
        }
    }
}

impl<S: Subscriber> Layer<S> for Events {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut f = Fields::default();
        event.record(&mut f);
        let what = if f.message == "migration done" {
            "applied"
        } else if f.message.starts_with("already applied by another process") {
            "skipped"
        } else {
            return;
        };
        if let Some(revision) = f.revision {
            let mut lines = self.0.lock().unwrap_or_else(|p| p.into_inner());
            lines.push(format!("{what} {revision}"));
        }
    }
}

fn main() -> ExitCode {
    let events = Events::default();
    tracing_subscriber::registry()
        .with(events.clone())
        .with(tracing_subscriber::filter::LevelFilter::INFO)
        .init();
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: godwit-test-harness DATABASE_URL");
        return ExitCode::from(2);
    };
    let mut conn = match godwit::connect(&url) {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let ran: Result<Vec<String>, _> = match &mut conn {
        AnyConnection::Sqlite(c) => run(c),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(c) => run(c),
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(c) => run(c),
        #[allow(unreachable_patterns)]
        _ => {
            eprintln!("a backend this binary was built without");
            return ExitCode::from(2);
        }
    };
    for line in events.0.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        println!("{line}");
    }
    match ran {
        Ok(versions) => {
            for v in versions {
                println!("ran {v}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            match e.downcast_ref::<godwit::Error>() {
                Some(godwit::Error::HarnessRefused { .. }) => ExitCode::from(3),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn run<B, C>(conn: &mut C) -> diesel::migration::Result<Vec<String>>
where
    B: diesel::backend::Backend,
    C: MigrationHarness<B>,
    &'static godwit::MigrationSet: diesel::migration::MigrationSource<B>,
{
    Ok(conn
        .run_pending_migrations(&MIGRATIONS)?
        .into_iter()
        .map(|v| v.to_string())
        .collect())
}
