//! The backends a set is checked for, and the oldest server version of each
//! it must run on: `migrations![backends = [postgres >= 12, sqlite]; ..]`.
//!
//! By default a set is checked for every backend whose godwit feature is
//! enabled (`mysql` meaning both MySQL and MariaDB), each at its default
//! minimum version. The rules read the list: a SQL fragment must parse for
//! each backend, and the limits of each backend are rules of their own.

use std::fmt;

pub mod limits;

use crate::sql_text::Syntax;

/// A database server godwit applies migrations to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// MySQL (Oracle's server).
    Mysql,
    /// MariaDB, where it differs from MySQL.
    Mariadb,
    /// SQLite.
    Sqlite,
}

impl Backend {
    /// Every backend, in the order messages list them.
    pub const ALL: [Backend; 4] = [
        Backend::Postgres,
        Backend::Mysql,
        Backend::Mariadb,
        Backend::Sqlite,
    ];

    /// Its name in `backends = [..]`: `postgres`, `mysql`, `mariadb`, `sqlite`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Mysql => "mysql",
            Backend::Mariadb => "mariadb",
            Backend::Sqlite => "sqlite",
        }
    }

    /// The backend named `name` in `backends = [..]`.
    pub fn from_name(name: &str) -> Option<Backend> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }

    /// How its SQL is lexed and parsed (MariaDB's as MySQL's).
    pub fn syntax(self) -> Syntax {
        match self {
            Backend::Postgres => Syntax::Postgres,
            Backend::Mysql | Backend::Mariadb => Syntax::Mysql,
            Backend::Sqlite => Syntax::Sqlite,
        }
    }

    /// The oldest version checked for when the set names none: PostgreSQL
    /// 12 (NOT NULL proven by a valid check, no rewrite for a constant
    /// default, generated columns), MySQL 8.0.29 (INSTANT ADD and DROP
    /// COLUMN, expression defaults, enforced CHECKs), MariaDB 10.6 (INSTANT
    /// ADD and DROP COLUMN, RENAME COLUMN and INDEX), SQLite 3.35 (`DROP
    /// COLUMN`, `RENAME COLUMN`, `RETURNING`).
    pub fn default_min_version(self) -> Version {
        match self {
            Backend::Postgres => Version::new(12, 0),
            Backend::Mysql => Version::patch(8, 0, 29),
            Backend::Mariadb => Version::new(10, 6),
            Backend::Sqlite => Version::new(3, 35),
        }
    }

    /// The oldest version a set may declare: what the runtime's SQL runs
    /// on (PostgreSQL 10: identity columns; MySQL 8.0.12: ALGORITHM=INSTANT;
    /// MariaDB 10.5: RENAME COLUMN and RENAME INDEX; SQLite 3.35: DROP
    /// COLUMN). Between it and the default, the rules say what the older
    /// servers lack.
    pub fn oldest_supported(self) -> Version {
        match self {
            Backend::Postgres => Version::new(10, 0),
            Backend::Mysql => Version::patch(8, 0, 12),
            Backend::Mariadb => Version::new(10, 5),
            Backend::Sqlite => Version::new(3, 35),
        }
    }

    /// Whether this is MySQL or MariaDB.
    pub fn is_mysql_like(self) -> bool {
        matches!(self, Backend::Mysql | Backend::Mariadb)
    }
}

impl fmt::Display for Backend {
    /// Its name in prose: `PostgreSQL`, `MySQL`, `MariaDB`, `SQLite`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Postgres => "PostgreSQL",
            Backend::Mysql => "MySQL",
            Backend::Mariadb => "MariaDB",
            Backend::Sqlite => "SQLite",
        })
    }
}

/// A server version: major, minor and patch (`12` is `12.0.0`; MySQL's
/// features arrive in patch releases of 8.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl Version {
    /// `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Version {
        Version::patch(major, minor, 0)
    }

    /// `major.minor.patch`.
    pub const fn patch(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Reads `12`, `8.0`, `8.0.13` or `3.35`.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next().unwrap_or(Some(0))?;
        let patch = parts.next().unwrap_or(Some(0))?;
        parts
            .next()
            .is_none()
            .then_some(Version::patch(major, minor, patch))
    }
}

impl fmt::Display for Version {
    /// `12.0`, `8.0.29`: the patch only when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// One backend a set is checked for, from its oldest version up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// The backend.
    pub backend: Backend,
    /// The oldest version the set must run on.
    pub min_version: Version,
}

impl Target {
    /// `backend` from its default minimum version.
    pub fn new(backend: Backend) -> Target {
        Target {
            backend,
            min_version: backend.default_min_version(),
        }
    }
}

/// The backends a set is checked for, each once, in [`Backend::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Backends {
    targets: Vec<Target>,
}

impl Default for Backends {
    fn default() -> Self {
        Backends::all()
    }
}

impl Backends {
    /// Every backend at its default minimum version.
    pub fn all() -> Backends {
        Backends::new(Backend::ALL.map(Target::new))
    }

    /// These targets (a backend named twice keeps its oldest version).
    pub fn new(targets: impl IntoIterator<Item = Target>) -> Backends {
        let mut out: Vec<Target> = Vec::new();
        for t in targets {
            match out.iter_mut().find(|o| o.backend == t.backend) {
                Some(o) => o.min_version = o.min_version.min(t.min_version),
                None => out.push(t),
            }
        }
        out.sort_by_key(|t| t.backend);
        Backends { targets: out }
    }

    /// The targets, in [`Backend::ALL`]'s order.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The backends, in [`Backend::ALL`]'s order.
    pub fn iter(&self) -> impl Iterator<Item = Backend> + '_ {
        self.targets.iter().map(|t| t.backend)
    }

    /// Whether the set is checked for `backend`.
    pub fn has(&self, backend: Backend) -> bool {
        self.iter().any(|b| b == backend)
    }

    /// The oldest version of `backend` the set must run on, if it is declared.
    pub fn min_version(&self, backend: Backend) -> Option<Version> {
        self.targets
            .iter()
            .find(|t| t.backend == backend)
            .map(|t| t.min_version)
    }

    /// Whether no backend is declared.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The syntax raw SQL is read in: the first declared backend's
    /// (PostgreSQL's when it is declared, or none is).
    pub fn primary_syntax(&self) -> Syntax {
        self.iter().next().map_or(Syntax::Postgres, Backend::syntax)
    }

    /// Whether `backend` is declared with a minimum version older than
    /// `version`: the set must run on a server that lacks what came in it.
    pub fn older_than(&self, backend: Backend, version: Version) -> bool {
        self.min_version(backend).is_some_and(|v| v < version)
    }

    /// Whether MySQL or MariaDB is declared.
    pub fn has_mysql_like(&self) -> bool {
        self.iter().any(Backend::is_mysql_like)
    }

    /// The backends in prose: `PostgreSQL, MySQL and SQLite`.
    pub fn describe(&self) -> String {
        let names: Vec<String> = self.iter().map(|b| b.to_string()).collect();
        match names.split_last() {
            None => "no backend".to_string(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// The setting that declares them: `backends = [postgres, sqlite];`.
    /// A version other than the default is kept: `backends = [mysql >= 8.0.13];`.
    pub fn setting(&self) -> String {
        let names: Vec<String> = self
            .targets
            .iter()
            .map(|t| match t.min_version == t.backend.default_min_version() {
                true => t.backend.name().to_string(),
                false => format!("{} >= {}", t.backend.name(), t.min_version),
            })
            .collect();
        format!("backends = [{}];", names.join(", "))
    }
}
