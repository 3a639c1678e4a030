//! The migration command line: `cargo run -p migrations --bin migrate --
//! new "add users.bio column"`, `-- upgrade`, `-- history`, `-- verify`.
//!
//! It is a binary of this crate rather than of the application, so that
//! running it (writing and trying a migration) builds this crate alone:
//! neither the application nor its dependencies are compiled or linked.

use std::process::ExitCode;

fn main() -> ExitCode {
    let settings = godwit::cli::Settings {
        default_database_url: Some(migrations::DEFAULT_DATABASE_URL.into()),
        program: Some("migrate".into()),
    };
    godwit::cli::run_with(&migrations::MIGRATIONS, std::env::args_os(), &settings)
}
