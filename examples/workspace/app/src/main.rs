//! An application whose migrations are a crate of the workspace
//! (`migrations`, beside this one).
//!
//! It starts the way a deployed service does: it applies the pending
//! migrations (the embedded run on deploy), then does its work through
//! Diesel on the schema that crate generates (`migrations::schema`). The
//! migration command line is that crate's `migrate` binary. The database is
//! `DATABASE_URL`, by default an SQLite file in the working directory.

use std::process::ExitCode;

use godwit::{AnyConnection, Target};
use migrations::MIGRATIONS;

/// Writes a note for a new user, then counts: an insert, a load filtered by
/// email, a count, and a join through the foreign key. Written once for
/// every backend's connection (the `AnyConnection` the runner uses holds one
/// of them).
macro_rules! take_note {
    ($conn:expr, $email:expr) => {{
        use diesel::prelude::*;
        use migrations::schema::{notes, users};
        let email: &str = $email;
        $conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::insert_into(users::table)
                .values(users::email.eq(email))
                .execute(conn)?;
            let user_id: i64 = users::table
                .filter(users::email.eq(email))
                .select(users::id)
                .first(conn)?;
            diesel::insert_into(notes::table)
                .values((
                    notes::user_id.eq(user_id),
                    notes::body.eq("water the plants"),
                ))
                .execute(conn)?;
            let users: i64 = users::table.count().get_result(conn)?;
            let unpinned: i64 = notes::table
                .inner_join(users::table)
                .filter(notes::pinned.eq(false))
                .count()
                .get_result(conn)?;
            Ok(Work {
                user_id,
                users,
                unpinned,
            })
        })
    }};
}

/// What one start of the application did.
struct Work {
    /// The user it signed up.
    user_id: i64,
    /// How many users there are now.
    users: i64,
    /// How many notes are not pinned (every one: nothing pins them yet).
    unpinned: i64,
}

fn main() -> ExitCode {
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
    let url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| migrations::DEFAULT_DATABASE_URL.into());
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
    }

    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let email = format!("grace-{stamp}@example.com");
    let work = match &mut db {
        #[cfg(feature = "sqlite")]
        AnyConnection::Sqlite(conn) => take_note!(conn, &email)?,
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(conn) => take_note!(conn, &email)?,
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(conn) => take_note!(conn, &email)?,
        // godwit built with a backend this example's features leave out.
        _ => return Err("build the example with the feature of this database's backend".into()),
    };
    println!("signed up user {} with a note", work.user_id);
    println!("users: {}", work.users);
    println!("notes not pinned: {}", work.unpinned);
    Ok(())
}
