//! One fresh database per test: a temporary SQLite file, or a database
//! `godwit_t_<random>` created on the PostgreSQL / MariaDB server named by
//! `GODWIT_TEST_POSTGRES_URL` / `GODWIT_TEST_MYSQL_URL` and dropped afterwards.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use godwit::{AnyConnection, Database};

/// A backend the scenarios run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Always.
    Sqlite,
    /// With feature `postgres` and `GODWIT_TEST_POSTGRES_URL`.
    Postgres,
    /// With feature `mysql` and `GODWIT_TEST_MYSQL_URL`.
    Mysql,
}

impl Backend {
    /// The environment variable naming the server's admin URL.
    pub fn env_var(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("GODWIT_TEST_POSTGRES_URL"),
            Backend::Mysql => Some("GODWIT_TEST_MYSQL_URL"),
        }
    }

    fn feature_enabled(self) -> bool {
        match self {
            Backend::Sqlite => true,
            Backend::Postgres => cfg!(feature = "postgres"),
            Backend::Mysql => cfg!(feature = "mysql"),
        }
    }
}

/// A uniquely named database, dropped (or deleted) when this goes out of scope.
pub struct TestDb {
    /// The backend.
    pub backend: Backend,
    /// The URL of the test database.
    pub url: String,
    admin_url: Option<String>,
    name: String,
}

/// A name no other test (or process) uses at the same time.
pub fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    format!("godwit_t_{:012x}", h.finish() & 0xffff_ffff_ffff)
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// A fresh database, or `None` (after printing why) when the backend is
    /// not enabled for this run.
    pub fn create(backend: Backend, test: &str) -> Option<TestDb> {
        let name = unique_name();
        if backend == Backend::Sqlite {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            return Some(TestDb {
                backend,
                url: format!("sqlite://{}", path.display()),
                admin_url: None,
                name: path.display().to_string(),
            });
        }
        let var = backend.env_var()?;
        let Ok(admin_url) = std::env::var(var) else {
            println!("{test}: skipped on {backend:?}: {var} is not set");
            return None;
        };
        if !backend.feature_enabled() {
            println!(
                "{test}: skipped on {backend:?}: built without the `{}` feature of godwit-tests",
                if backend == Backend::Postgres {
                    "postgres"
                } else {
                    "mysql"
                }
            );
            return None;
        }
        let mut admin = godwit::connect(&admin_url)
            .unwrap_or_else(|e| panic!("{var}={admin_url} is set but: {e}"));
        admin
            .execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("creating the test database {name}: {e}"));
        Some(TestDb {
            backend,
            url: with_database(&admin_url, &name),
            admin_url: Some(admin_url),
            name,
        })
    }

    /// A new connection to the test database.
    pub fn connect(&self) -> AnyConnection {
        godwit::connect(&self.url).unwrap_or_else(|e| panic!("connecting to {}: {e}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.admin_url {
            None => {
                for suffix in ["", "-journal", "-wal", "-shm", "-godwit-lock"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
            Some(admin_url) => {
                if let Ok(mut admin) = godwit::connect(admin_url) {
                    let drop = match self.backend {
                        Backend::Postgres => {
                            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
                        }
                        _ => format!("DROP DATABASE IF EXISTS {}", self.name),
                    };
                    let _ = admin.execute(&drop);
                }
            }
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
            with_database("mysql://root@127.0.0.1:3306/test?ssl_mode=disabled", "x"),
            "mysql://root@127.0.0.1:3306/x?ssl_mode=disabled"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
