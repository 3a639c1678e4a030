//! A database migrated the way sqlx, refinery and diesel_migrations migrate
//! one: each original up file run as the tool runs it (in a transaction of
//! its own unless marked otherwise, the whole file as one batch), and the
//! tool's history table created with the tool's own statement and filled
//! the way the tool fills it. Read here from the files directly, as the
//! tool reads them, not through `godwit::import`, which is under test.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use godwit::import::Tool;
use godwit::{AnyConnection, Database, Dialect};

/// One migration of the old tool, as the tool reads its files.
#[derive(Clone, Debug)]
pub struct OldMigration {
    /// The version, as the tool records it.
    pub version: String,
    /// The name (diesel, refinery) or the description (sqlx: the name's
    /// underscores as spaces).
    pub name: String,
    /// The up file's text, unchanged.
    pub up: String,
    /// Whether the tool runs it in a transaction.
    pub transaction: bool,
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    paths
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("a UTF-8 file name")
}

/// The migrations under `dir`, in the order `tool` applies them.
pub fn read(tool: Tool, dir: &Path) -> Vec<OldMigration> {
    let mut out = Vec::new();
    for path in entries(dir) {
        let name = file_name(&path);
        match tool {
            // `<version>_<name>/up.sql`; the version without its dashes.
            Tool::Diesel if path.join("up.sql").is_file() => {
                let (version, rest) = name.split_once('_').expect("<version>_<name>");
                let metadata = path.join("metadata.toml");
                let transaction = !(metadata.is_file()
                    && read_text(&metadata)
                        .lines()
                        .any(|l| l.replace(' ', "") == "run_in_transaction=false"));
                out.push(OldMigration {
                    version: version.replace('-', ""),
                    name: rest.to_string(),
                    up: read_text(&path.join("up.sql")),
                    transaction,
                });
            }
            // `<version>_<description>.up.sql` (or `.sql`); sqlx looks for
            // `-- no-transaction` at the very start of the file.
            Tool::Sqlx if name.ends_with(".sql") && !name.ends_with(".down.sql") => {
                let stem = name
                    .strip_suffix(".up.sql")
                    .or_else(|| name.strip_suffix(".sql"))
                    .expect(".sql");
                let (version, description) = stem.split_once('_').expect("<version>_<desc>");
                let up = read_text(&path);
                out.push(OldMigration {
                    version: version.parse::<i64>().expect("a number").to_string(),
                    name: description.replace('_', " "),
                    transaction: !up.starts_with("-- no-transaction"),
                    up,
                });
            }
            // `V<version>__<name>.sql`; the annotation on any line.
            Tool::Refinery if name.starts_with('V') && name.ends_with(".sql") => {
                let (version, rest) = name[1..].split_once("__").expect("V<n>__<name>");
                let up = read_text(&path);
                out.push(OldMigration {
                    version: version.parse::<i32>().expect("a number").to_string(),
                    name: rest.strip_suffix(".sql").expect(".sql").to_string(),
                    transaction: !up.lines().any(|l| {
                        let rest = l.trim_start_matches('-');
                        l.len() - rest.len() >= 2
                            && rest.strip_prefix(' ').unwrap_or(rest) == "refinery:noTransaction"
                    }),
                    up,
                });
            }
            _ => {}
        }
    }
    match tool {
        Tool::Diesel => out.sort_by(|a, b| a.version.cmp(&b.version)),
        _ => out.sort_by_key(|m| m.version.parse::<i64>().expect("a number")),
    }
    out
}

/// `s` as a string literal of `dialect`.
fn literal(dialect: Dialect, s: &str) -> String {
    let s = s.replace('\'', "''");
    match dialect {
        Dialect::Mysql => format!("'{}'", s.replace('\\', "\\\\")),
        _ => format!("'{s}'"),
    }
}

/// The tool's statement creating its history table.
fn history_table(tool: Tool, dialect: Dialect) -> &'static str {
    match (tool, dialect) {
        // sqlx-postgres' migrate.rs.
        (Tool::Sqlx, Dialect::Postgres) => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
    success BOOLEAN NOT NULL,
    checksum BYTEA NOT NULL,
    execution_time BIGINT NOT NULL
);"
        }
        // sqlx-mysql's and sqlx-sqlite's migrate.rs.
        (Tool::Sqlx, _) => {
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);"
        }
        // refinery_core's ASSERT_MIGRATIONS_TABLE_QUERY (int4 versions).
        (Tool::Refinery, _) => {
            "CREATE TABLE IF NOT EXISTS refinery_schema_history(
             version INT4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255));"
        }
        // diesel_migrations' setup_migration_table.sql.
        (Tool::Diesel, _) => {
            "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);"
        }
    }
}

/// sqlx's checksum of the file (SHA-384), computed by the server.
fn sqlx_checksum(dialect: Dialect, sql: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("sha384(convert_to({}, 'UTF8'))", literal(dialect, sql)),
        Dialect::Mysql => format!("UNHEX(SHA2({}, 384))", literal(dialect, sql)),
        Dialect::Sqlite => panic!("no SHA-384 in SQLite: the sqlx fixtures are for servers"),
    }
}

/// refinery's checksum: SipHash-1-3 (zero keys) of name, version and SQL.
fn refinery_checksum(m: &OldMigration) -> u64 {
    // std's `DefaultHasher::new()` is SipHash-1-3 with zero keys, as the
    // `siphasher` refinery uses.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    m.name.hash(&mut hasher);
    m.version
        .parse::<i32>()
        .expect("a number")
        .hash(&mut hasher);
    m.up.hash(&mut hasher);
    hasher.finish()
}

/// Now in RFC 3339, as refinery writes `applied_on`.
fn rfc3339_now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    let secs = since.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:09}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_nanos()
    )
}

fn run(conn: &mut AnyConnection, sql: &str) {
    conn.execute(sql)
        .unwrap_or_else(|e| panic!("running `{sql}`: {e}"));
}

/// Migrates the database as `tool` would: its history table, then each
/// migration and its row. The database then holds what a team that used
/// the tool has in production.
pub fn migrate(tool: Tool, conn: &mut AnyConnection, migrations: &[OldMigration]) {
    let d = conn.dialect();
    run(conn, history_table(tool, d));
    for m in migrations {
        let started = std::time::Instant::now();
        match tool {
            Tool::Sqlx => {
                let row = |success: bool| {
                    format!(
                        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                         VALUES ({}, {}, {}, {}, -1)",
                        m.version,
                        literal(d, &m.name),
                        if success { "TRUE" } else { "FALSE" },
                        sqlx_checksum(d, &m.up)
                    )
                };
                if d == Dialect::Mysql {
                    // sqlx-mysql records the attempt first (MySQL's DDL
                    // commits), then marks it done.
                    run(conn, &row(false));
                    run(conn, &m.up);
                    run(
                        conn,
                        &format!(
                            "UPDATE _sqlx_migrations SET success = TRUE WHERE version = {}",
                            m.version
                        ),
                    );
                } else if m.transaction {
                    run(conn, "BEGIN");
                    run(conn, &m.up);
                    run(conn, &row(true));
                    run(conn, "COMMIT");
                } else {
                    run(conn, &m.up);
                    run(conn, &row(true));
                }
                run(
                    conn,
                    &format!(
                        "UPDATE _sqlx_migrations SET execution_time = {} WHERE version = {}",
                        started.elapsed().as_nanos(),
                        m.version
                    ),
                );
            }
            Tool::Refinery | Tool::Diesel => {
                let row = if tool == Tool::Refinery {
                    format!(
                        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                         VALUES ({}, {}, '{}', '{}')",
                        m.version,
                        literal(d, &m.name),
                        rfc3339_now(),
                        refinery_checksum(m)
                    )
                } else {
                    format!(
                        "INSERT INTO __diesel_schema_migrations (version) VALUES ({})",
                        literal(d, &m.version)
                    )
                };
                if m.transaction {
                    run(conn, "BEGIN");
                    run(conn, &m.up);
                    run(conn, &row);
                    run(conn, "COMMIT");
                } else {
                    run(conn, &m.up);
                    run(conn, &row);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixtures_read_as_the_tools_read_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/import");
        let sqlx = read(Tool::Sqlx, &root.join("sqlx/postgres"));
        assert_eq!(sqlx.len(), 10);
        assert_eq!(sqlx[0].version, "20240105093000");
        assert_eq!(sqlx[0].name, "create customers");
        assert_eq!(
            sqlx.iter().filter(|m| !m.transaction).count(),
            1,
            "one no-transaction migration"
        );
        let refinery = read(Tool::Refinery, &root.join("refinery"));
        let versions: Vec<&str> = refinery.iter().map(|m| m.version.as_str()).collect();
        assert_eq!(versions, ["1", "2", "3", "4", "5", "6", "7", "10"]);
        assert!(!refinery[6].transaction && refinery[5].transaction);
        let diesel = read(Tool::Diesel, &root.join("diesel"));
        assert_eq!(diesel[0].version, "00000000000000");
        assert_eq!(diesel[3].version, "20240201100000");
        assert!(!diesel[3].transaction && diesel[2].transaction);
    }

    #[test]
    fn timestamps_are_rfc3339() {
        let now = rfc3339_now();
        assert_eq!(now.len(), "2024-01-01T00:00:00.000000000Z".len(), "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
    }
}
