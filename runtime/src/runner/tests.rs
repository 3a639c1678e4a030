//! The migration lock outlives no run, even one that panics.

use std::sync::OnceLock;
use std::time::Duration;

use super::Options;
use crate::__private::Migration;
use crate::database::connect;
use crate::{Error, MigrationSet};

static MODELS: OnceLock<Vec<&'static Migration>> = OnceLock::new();
static EMPTY: MigrationSet = MigrationSet::__from_embedded(&[], &MODELS);

#[test]
fn a_panic_under_the_lock_releases_it() {
    let path = std::env::temp_dir().join(format!("godwit-lock-panic-{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let options = Options {
        lock_wait: Duration::from_millis(500),
        ..Options::default()
    };
    let mut db = connect(&url).expect("a fresh SQLite file");
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        EMPTY.locked(&mut db, &options, |_, _| -> Result<(), Error> {
            panic!("a bug under the lock")
        })
    }));
    assert!(run.is_err(), "the panic goes on after the lock is released");
    // SQLite's lock is the process's: another connection of this process
    // would wait for it, and time out, had the panic kept it.
    let mut other = connect(&url).expect("a second connection");
    let again = EMPTY.locked(&mut other, &options, |_, _| Ok(()));
    drop((db, other));
    for suffix in ["", "-godwit-lock", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    again.expect("the lock is free after the panic");
}
