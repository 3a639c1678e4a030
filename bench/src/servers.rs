//! The database servers the benchmarks run on, and the throw-away databases
//! each benchmark creates on them and drops afterwards.
//!
//! PostgreSQL and MariaDB are found at `GODWIT_BENCH_POSTGRES_URL` and
//! `GODWIT_BENCH_MYSQL_URL` (defaults: the local servers of the development
//! machine). A server that cannot be reached is skipped, and the report says
//! so.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::apps::scratch_dir;
use crate::history::Backend;

/// PostgreSQL's default URL: any database the user may connect to.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// MariaDB's (or MySQL's) default URL.
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";

impl Backend {
    /// How the report names the backend.
    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
            Backend::Mysql => "MariaDB",
        }
    }

    /// The short name used on the command line and in the runner's output.
    pub fn key(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::Mysql => "mysql",
        }
    }

    /// The backend with this [`Backend::key`].
    pub fn from_key(key: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.key() == key)
    }

    /// The URL of the server's administrative database (`None` for SQLite).
    pub fn admin_url(self) -> Option<String> {
        let (var, default) = match self {
            Backend::Sqlite => return None,
            Backend::Postgres => ("GODWIT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
            Backend::Mysql => ("GODWIT_BENCH_MYSQL_URL", DEFAULT_MYSQL_URL),
        };
        Some(std::env::var(var).unwrap_or_else(|_| default.to_string()))
    }
}

/// `url` with its database name replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Whether the backend's server answers; `Err` says why not.
pub fn check_reachable(backend: Backend) -> Result<()> {
    let Some(url) = backend.admin_url() else {
        return Ok(());
    };
    match backend {
        Backend::Sqlite => Ok(()),
        Backend::Postgres => diesel::PgConnection::establish(&url)
            .map(drop)
            .with_context(|| format!("connecting to {url}")),
        Backend::Mysql => diesel::MysqlConnection::establish(&url)
            .map(drop)
            .with_context(|| format!("connecting to {url}")),
    }
}

/// A database made for one benchmark, dropped when this value is.
#[derive(Debug)]
pub struct ScratchDatabase {
    /// Its backend.
    pub backend: Backend,
    /// The URL to connect to it (a file path for SQLite).
    pub url: String,
    name: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl ScratchDatabase {
    /// Creates a new, empty database with a name no other run uses.
    pub fn create(backend: Backend) -> Result<Self> {
        let name = format!(
            "godwit_bench_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let url = match backend {
            Backend::Sqlite => {
                let dir = scratch_dir().join("sqlite");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                let path = dir.join(format!("{name}.db"));
                remove_sqlite_files(&path);
                path.to_string_lossy().into_owned()
            }
            Backend::Postgres | Backend::Mysql => {
                let admin = backend.admin_url().expect("a server backend has a URL");
                admin_execute(backend, &admin, &format!("CREATE DATABASE {name}"))?;
                with_database(&admin, &name)
            }
        };
        Ok(ScratchDatabase { backend, url, name })
    }
}

fn admin_execute(backend: Backend, admin: &str, sql: &str) -> Result<()> {
    let result = match backend {
        Backend::Sqlite => return Ok(()),
        Backend::Postgres => diesel::PgConnection::establish(admin)
            .with_context(|| format!("connecting to {admin}"))?
            .batch_execute(sql),
        Backend::Mysql => diesel::MysqlConnection::establish(admin)
            .with_context(|| format!("connecting to {admin}"))?
            .batch_execute(sql),
    };
    result.with_context(|| format!("running `{sql}` on {admin}"))
}

fn remove_sqlite_files(path: &std::path::Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let outcome = match self.backend {
            Backend::Sqlite => {
                remove_sqlite_files(std::path::Path::new(&self.url));
                Ok(())
            }
            Backend::Postgres => {
                let admin = self
                    .backend
                    .admin_url()
                    .expect("a server backend has a URL");
                // WITH (FORCE) ends sessions left behind (PostgreSQL 13+).
                admin_execute(
                    self.backend,
                    &admin,
                    &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                )
                .or_else(|_| {
                    admin_execute(
                        self.backend,
                        &admin,
                        &format!("DROP DATABASE IF EXISTS {}", self.name),
                    )
                })
            }
            Backend::Mysql => {
                let admin = self
                    .backend
                    .admin_url()
                    .expect("a server backend has a URL");
                admin_execute(
                    self.backend,
                    &admin,
                    &format!("DROP DATABASE IF EXISTS {}", self.name),
                )
            }
        };
        if let Err(e) = outcome {
            eprintln!(
                "godwit-bench: could not drop the database {}: {e:#}",
                self.name
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("mysql://root@localhost:3306/test?ssl_mode=disabled", "x"),
            "mysql://root@localhost:3306/x?ssl_mode=disabled"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
