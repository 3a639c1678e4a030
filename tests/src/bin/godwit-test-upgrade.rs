//! Runs `MIGRATIONS.upgrade(.., Target::Head)` on the database at the URL
//! given as the only argument; prints one `applied <revision>` line per
//! migration this process ran. The concurrency tests start several at once.

use std::process::ExitCode;

use godwit::Target;
use godwit_tests::MIGRATIONS;

fn main() -> ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: godwit-test-upgrade DATABASE_URL");
        return ExitCode::from(2);
    };
    let result =
        godwit::connect(&url).and_then(|mut conn| MIGRATIONS.upgrade(&mut conn, Target::Head));
    match result {
        Ok(report) => {
            for step in report.steps {
                println!("applied {}", step.revision);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
