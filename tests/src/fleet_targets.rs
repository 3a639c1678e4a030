//! The targets of a fleet for the fleet tests: PostgreSQL databases and
//! schemas, MariaDB databases and SQLite files, the databases behind them
//! dropped when the value is, and the targets file the command line reads.

use std::path::PathBuf;

use godwit::{AnyConnection, Database};

use crate::{testdb::unique_name, Backend, TestDb, MIGRATIONS};

/// Targets of a fleet, and the databases behind them, dropped at the end.
pub struct Targets {
    /// The URLs, in the order the fleet gets them.
    pub urls: Vec<String>,
    /// The databases (and SQLite files), kept alive for the test.
    pub dbs: Vec<TestDb>,
    /// What the databases are named after, in skip messages too.
    test: String,
    /// The targets file, once written.
    file: PathBuf,
}

impl Targets {
    /// No targets yet, for the test `test`.
    pub fn new(test: &str) -> Targets {
        Targets {
            urls: Vec::new(),
            dbs: Vec::new(),
            test: test.to_string(),
            file: std::env::temp_dir().join(format!("{}_{test}.targets", unique_name())),
        }
    }

    /// `n` databases (or files) of `backend`; none when its server is not
    /// configured.
    pub fn databases(&mut self, backend: Backend, n: usize) {
        for _ in 0..n {
            if let Some(db) = TestDb::create(backend, &self.test) {
                self.urls.push(db.url.clone());
                self.dbs.push(db);
            }
        }
    }

    /// `n` schemas `tenant_1`.. of one new PostgreSQL database.
    pub fn schemas(&mut self, n: usize) {
        let Some(db) = TestDb::create(Backend::Postgres, &format!("{}_schemas", self.test)) else {
            return;
        };
        let mut admin = db.connect();
        for i in 1..=n {
            admin.execute(&format!("CREATE SCHEMA tenant_{i}")).unwrap();
            self.urls.push(format!("{}?schema=tenant_{i}", db.url));
        }
        self.dbs.push(db);
    }

    /// A connection to target `i`.
    pub fn connect(&self, i: usize) -> AnyConnection {
        godwit::connect(&self.urls[i]).unwrap_or_else(|e| panic!("{}: {e}", self.urls[i]))
    }

    /// Makes target `i` fail at `0002` (which creates `posts`): the table
    /// is there already.
    pub fn break_one(&self, i: usize) {
        self.connect(i)
            .execute("CREATE TABLE posts (id INTEGER PRIMARY KEY)")
            .unwrap();
    }

    /// Undoes [`Targets::break_one`].
    pub fn mend(&self, i: usize) {
        self.connect(i).execute("DROP TABLE posts").unwrap();
    }

    /// Where target `i` stands.
    pub fn current(&self, i: usize) -> Option<&'static str> {
        MIGRATIONS.current(&mut self.connect(i)).unwrap()
    }

    /// Writes the targets file (a comment, the URLs, a blank line between)
    /// and returns its path.
    pub fn write(&self) -> String {
        let text = format!("# the fleet\n\n{}\n\n", self.urls.join("\n"));
        std::fs::write(&self.file, text).unwrap();
        self.file.display().to_string()
    }
}

impl Drop for Targets {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}
