//! A connection opened from a URL, to whichever backend the URL names.

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
use diesel::Connection;
use godwit_core::schema::Schema;

use super::{Database, Row};
use crate::dialect::Dialect;
use crate::runner::Options;
use crate::Error;

/// A connection to one of the backends this binary was built with.
#[non_exhaustive]
pub enum AnyConnection {
    /// SQLite (feature `sqlite`).
    #[cfg(feature = "sqlite")]
    Sqlite(diesel::sqlite::SqliteConnection),
    /// PostgreSQL (feature `postgres`).
    #[cfg(feature = "postgres")]
    Postgres(diesel::pg::PgConnection),
    /// MySQL or MariaDB (feature `mysql`).
    #[cfg(feature = "mysql")]
    Mysql(diesel::mysql::MysqlConnection),
}

impl std::fmt::Debug for AnyConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AnyConnection({})", self.dialect())
    }
}

/// Opens a connection from a URL: `sqlite://path/to/app.db` or a plain file
/// path (SQLite), `postgres://..` or `postgresql://..`, `mysql://..` (or
/// `mariadb://..`). The backend's cargo feature must be enabled.
///
/// A PostgreSQL URL may name a schema, `postgres://app@db/saas?schema=tenant_42`
/// (percent-encoded): the parameter is taken out before the driver sees it,
/// the schema must exist, and the connection works in it alone
/// (`search_path`), with a migration lock of its own, so that each schema
/// of a database is a tenant with its own version table and tables.
/// `schema=` on another backend is an error.
///
/// ```no_run
/// # fn main() -> Result<(), godwit::Error> {
/// let mut conn = godwit::connect("sqlite://app.db")?;
/// # Ok(()) }
/// ```
pub fn connect(url: &str) -> Result<AnyConnection, Error> {
    let shown = redact(url);
    #[allow(unused_variables)] // with no backend feature
    let failed = |source| Error::Connection {
        url: shown.clone(),
        source,
    };
    if let Some(c) = unescaped_in_password(url) {
        // libpq would split the URL there and echo the rest of the
        // password in its error; say what to do instead, showing nothing.
        return Err(Error::UnsupportedUrl {
            url: shown.clone(),
            reason: format!(
                "its password holds `{c}` unescaped: percent-encode it (`{}`)",
                if c == '/' { "%2F" } else { "%40" }
            ),
        });
    }
    let dialect = dialect_of(url)?;
    // The driver never sees `schema=`: libpq would refuse it as unknown.
    let (stripped, schema) = take_schema(url)?;
    #[allow(unused_variables)] // with no server backend feature
    let url = stripped.as_str();
    if schema.is_some() && dialect != Dialect::Postgres {
        return Err(Error::UnsupportedUrl {
            url: shown,
            reason: format!(
                "`schema=` is for PostgreSQL, where a database holds many schemas; on {} give each tenant {}",
                if dialect == Dialect::Mysql { "MySQL and MariaDB" } else { "SQLite" },
                if dialect == Dialect::Mysql {
                    "a database of its own and name it in the path (mysql://host/tenant_42)"
                } else {
                    "a file of its own"
                }
            ),
        });
    }
    match dialect {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => {
            let mut conn = diesel::pg::PgConnection::establish(url).map_err(failed)?;
            if let Some(schema) = schema {
                super::postgres::use_schema(&mut conn, &schema, &shown)?;
            }
            Ok(AnyConnection::Postgres(conn))
        }
        #[cfg(feature = "mysql")]
        Dialect::Mysql => {
            let url = match url.split_once("://") {
                Some((_, rest)) => format!("mysql://{rest}"),
                None => url.to_string(),
            };
            diesel::mysql::MysqlConnection::establish(&url)
                .map(AnyConnection::Mysql)
                .map_err(failed)
        }
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => {
            let path = sqlite_path(url);
            let mut conn = diesel::sqlite::SqliteConnection::establish(path).map_err(failed)?;
            // Wait for another connection's write lock (a migration, a
            // hot journal being rolled back) instead of failing at once;
            // the runner sets its own `Options::lock_wait` when it locks.
            let wait = crate::Options::default().lock_wait.as_millis();
            diesel::connection::SimpleConnection::batch_execute(
                &mut conn,
                &format!("PRAGMA busy_timeout = {wait}"),
            )
            .map_err(|e| Error::database("setting SQLite's busy timeout", e))?;
            Ok(AnyConnection::Sqlite(conn))
        }
        // A backend this binary was built without (none, with every feature).
        #[allow(unreachable_patterns)]
        other => {
            let (backend, feature) = match other {
                Dialect::Postgres => ("PostgreSQL", "postgres"),
                Dialect::Mysql => ("MySQL", "mysql"),
                Dialect::Sqlite => ("SQLite", "sqlite"),
            };
            Err(Error::UnsupportedUrl {
                url: shown,
                reason: format!(
                    "this binary was built without {backend} support: enable the `{feature}` feature of godwit"
                ),
            })
        }
    }
}

/// `url` without its `schema` query parameter, and the parameter's value
/// (percent-decoded): the PostgreSQL schema the connection works in.
/// An empty or repeated `schema` is refused.
pub(crate) fn take_schema(url: &str) -> Result<(String, Option<String>), Error> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None));
    };
    let bad = |reason: &str| Error::UnsupportedUrl {
        url: redact(url),
        reason: reason.to_string(),
    };
    let mut schema = None;
    let mut kept = Vec::new();
    for param in query.split('&') {
        match param.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("schema") => {
                if schema.is_some() {
                    return Err(bad("it names `schema=` twice: give one schema"));
                }
                let name = percent_decode(v);
                if name.is_empty() {
                    return Err(bad("its `schema=` is empty: name a schema"));
                }
                schema = Some(name);
            }
            _ if param.eq_ignore_ascii_case("schema") => {
                return Err(bad("its `schema` has no value: write `schema=NAME`"))
            }
            _ => kept.push(param),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, schema))
}

/// `%XX` sequences decoded (a `+` is left as it is: URLs of databases are
/// not form data); an invalid sequence is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The backend a URL names, as [`connect`] reads it: `postgres://` or
/// `postgresql://`, `mysql://` or `mariadb://`, `sqlite://` or a plain path
/// (any case of the scheme), whether or not this binary was built with it.
pub(crate) fn dialect_of(url: &str) -> Result<Dialect, Error> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") => Ok(Dialect::Postgres),
        Some("mysql" | "mariadb") => Ok(Dialect::Mysql),
        Some("sqlite") | None => Ok(Dialect::Sqlite),
        Some(other) => Err(Error::UnsupportedUrl {
            url: redact(url),
            reason: format!(
                "`{other}://` is not a database godwit knows: use sqlite://, postgres:// or mysql://"
            ),
        }),
    }
}

/// The file an SQLite URL names: `sqlite://app.db` (any case of the
/// scheme) or a plain path. `connect`, `backup` and `restore` share it so
/// they always mean the same file.
pub fn sqlite_path(url: &str) -> &str {
    match url.split_once("://") {
        Some((scheme, path)) if scheme.eq_ignore_ascii_case("sqlite") => path,
        _ => url,
    }
}

/// Query parameters that carry a secret (libpq accepts `password=` in the URL).
const SECRET_PARAMETERS: &[&str] = &["password", "sslpassword", "passfile"];

/// A `/` or `@` in the password of a server URL (between the first `:` of
/// the credentials and the last `@` before the query), which URL parsers
/// take for the end of the credentials or of the host.
fn unescaped_in_password(url: &str) -> Option<char> {
    let (_, rest) = url.split_once("://")?;
    let before_query = rest.split('?').next().unwrap_or(rest);
    let (userinfo, _) = before_query.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    password.chars().find(|c| matches!(c, '/' | '@'))
}

/// `url` with its password replaced by `***`, for messages and logs: the
/// password of the user information (split at the last `@` before the path,
/// as URL parsers do, so a password holding `@` is hidden whole) and any
/// secret query parameter.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    // The credentials end at the last `@`, even past a `/` or `@` the
    // password holds unescaped (over-redacting a path is harmless).
    let location = match before_query.rsplit_once('@') {
        Some((userinfo, rest)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{rest}"),
            None => before_query.to_string(),
        },
        None => before_query.to_string(),
    };
    let mut out = format!("{scheme}://{location}");
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if SECRET_PARAMETERS.contains(&k.to_ascii_lowercase().as_str()) => {
                    format!("{k}=***")
                }
                _ => p.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod redact_tests {
    use super::{redact, sqlite_path};

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact("mysql://app:p@ss@db.internal/prod"),
            "mysql://app:***@db.internal/prod"
        );
        assert_eq!(
            redact("postgres://app@db/prod?sslmode=require&password=hunter2"),
            "postgres://app@db/prod?sslmode=require&password=***"
        );
        assert_eq!(
            redact("postgres://app:pa/ss@db/prod"),
            "postgres://app:***@db/prod"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact("app.db"), "app.db");
    }

    #[test]
    fn unescaped_passwords_are_refused_without_showing_them() {
        use super::{connect, unescaped_in_password};
        assert_eq!(unescaped_in_password("postgres://u:a/b@h/d"), Some('/'));
        assert_eq!(unescaped_in_password("postgres://u:a@b@h/d"), Some('@'));
        assert_eq!(unescaped_in_password("postgres://u:a%40b@h/d"), None);
        assert_eq!(unescaped_in_password("postgres://h/d?password=a/b"), None);
        assert_eq!(unescaped_in_password("app.db"), None);
        let err = connect("postgres://u:hunter/22@h/d")
            .unwrap_err()
            .to_string();
        assert!(err.contains("percent-encode it (`%2F`)"), "{err}");
        assert!(!err.contains("hunter") && !err.contains("22@"), "{err}");
    }

    #[test]
    fn the_schema_parameter_is_taken_out() {
        use super::take_schema;
        let (url, schema) = take_schema("postgres://u:pw@h/db?schema=tenant_42").unwrap();
        assert_eq!(
            (url.as_str(), schema.as_deref()),
            ("postgres://u:pw@h/db", Some("tenant_42"))
        );
        let (url, schema) =
            take_schema("postgres://h/db?sslmode=disable&schema=T%20x&application_name=a").unwrap();
        assert_eq!(url, "postgres://h/db?sslmode=disable&application_name=a");
        assert_eq!(schema.as_deref(), Some("T x"));
        let (url, schema) = take_schema("postgres://h/db?sslmode=disable").unwrap();
        assert_eq!(
            (url.as_str(), schema),
            ("postgres://h/db?sslmode=disable", None)
        );
        for bad in [
            "postgres://h/db?schema=",
            "postgres://h/db?schema=a&schema=b",
            "postgres://h/db?schema",
        ] {
            assert!(take_schema(bad).is_err(), "{bad}");
        }
        let err = take_schema("postgres://u:hunter2@h/db?schema=a&schema=b")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2") && err.contains("twice"), "{err}");
        assert_eq!(
            redact("postgres://u:hunter2@h/db?schema=t1&password=x"),
            "postgres://u:***@h/db?schema=t1&password=***"
        );
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://app.db"), "app.db");
        assert_eq!(sqlite_path("SQLITE:///tmp/a.db"), "/tmp/a.db");
        assert_eq!(sqlite_path("/tmp/a.db"), "/tmp/a.db");
    }
}

macro_rules! each {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            AnyConnection::Sqlite($c) => $e,
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres($c) => $e,
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql($c) => $e,
        }
    };
}

impl Database for AnyConnection {
    fn dialect(&self) -> Dialect {
        each!(self, c => c.dialect())
    }
    fn execute(&mut self, sql: &str) -> diesel::QueryResult<()> {
        each!(self, c => c.execute(sql))
    }
    fn query(&mut self, sql: &str, columns: usize) -> diesel::QueryResult<Vec<Row>> {
        each!(self, c => c.query(sql, columns))
    }
    fn has_rows(&mut self, sql: &str) -> diesel::QueryResult<bool> {
        each!(self, c => c.has_rows(sql))
    }
    fn lock(&mut self, options: &Options) -> Result<(), Error> {
        each!(self, c => c.lock(options))
    }
    fn unlock(&mut self) -> Result<(), Error> {
        each!(self, c => c.unlock())
    }
    fn introspect(&mut self) -> Result<Schema, Error> {
        each!(self, c => c.introspect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1/test"),
            "mysql://root@127.0.0.1/test"
        );
        assert_eq!(redact("app.db"), "app.db");
    }

    #[test]
    fn unknown_schemes_are_refused() {
        let err = connect("oracle://db/app").unwrap_err();
        assert!(err
            .to_string()
            .contains("`oracle://` is not a database godwit knows"));
    }
}
