//! `backup` and `restore`: SQLite's online copy (`VACUUM INTO`), PostgreSQL's
//! `pg_dump` custom format (checked with `pg_restore --list`), MySQL's
//! `mysqldump`; each with an info file beside it (revision, time, size).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{dialect_of, CliError};
use crate::database::{redact, take_schema, Database};
use crate::scaffold::timestamp_revision;
use crate::{connect, Dialect, MigrationSet};

/// What a backup holds, written next to it as `<file>.info.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct BackupInfo {
    /// The backup file.
    pub(super) file: PathBuf,
    /// The revision the database was at.
    pub(super) revision: Option<String>,
    /// `sqlite`, `postgres` or `mysql`.
    pub(super) backend: String,
    /// When it was taken (UTC, `YYYYMMDD_HHMMSS`).
    pub(super) taken_at: String,
    /// Size of the backup file in bytes.
    pub(super) size: u64,
    /// The database it was taken from, without password.
    pub(super) source: String,
    /// The PostgreSQL schema it holds alone (`?schema=`), if any: a
    /// restore goes back into that schema and no other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) schema: Option<String>,
}

fn info_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".info.json");
    PathBuf::from(name)
}

fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> CliError {
    move |e| CliError::Io(format!("{context}: {e}"))
}

/// The parts of a server URL the dump tools take as flags; the password goes
/// through the environment, never the command line.
struct ServerUrl {
    /// The URL without its password, for libpq's `--dbname` (it keeps
    /// `?sslmode=..`, `?host=/socket` and the rest).
    conninfo: String,
    user: Option<String>,
    password: Option<String>,
    host: String,
    port: Option<String>,
    database: String,
    /// The schema of `?schema=`, which the tools take as a flag (libpq
    /// refuses the parameter).
    schema: Option<String>,
}

fn parse_server_url(url: &str) -> Result<ServerUrl, CliError> {
    let (stripped, schema) = take_schema(url)?;
    let url = stripped.as_str();
    let bad = || CliError::Usage(format!("cannot read the database URL {}", redact(url)));
    let (_, rest) = url.split_once("://").ok_or_else(bad)?;
    let rest = rest.split('?').next().unwrap_or(rest);
    let (userinfo, hostpart) = match rest.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, rest),
    };
    let (user, password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((user, pw)) => (Some(percent_decode(user)), Some(percent_decode(pw))),
            None => (Some(percent_decode(u)), None),
        },
        None => (None, None),
    };
    let conninfo = match (url.split_once("://"), userinfo) {
        (Some((scheme, _)), Some(u)) => {
            let user = u.split(':').next().unwrap_or(u);
            let after = &url[url.rfind(&format!("{u}@")).map_or(0, |i| i + u.len() + 1)..];
            format!("{scheme}://{user}@{after}")
        }
        _ => url.to_string(),
    };
    let (hostport, database) = hostpart.split_once('/').ok_or_else(bad)?;
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), Some(p.to_string())),
        None => (hostport.to_string(), None),
    };
    if database.is_empty() {
        return Err(bad());
    }
    Ok(ServerUrl {
        conninfo,
        user,
        password,
        host,
        port,
        database: percent_decode(database),
        schema,
    })
}

/// `%40` → `@`: URLs escape the characters a password may hold.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file path of an SQLite URL, as `connect` reads it.
fn sqlite_path(url: &str) -> PathBuf {
    PathBuf::from(crate::database::sqlite_path(url))
}

fn run(command: Command, what: &str) -> Result<Vec<u8>, CliError> {
    run_with_input(command, Stdio::null(), what)
}

/// [`run`], its standard input read from `input`.
fn run_with_input(mut command: Command, input: Stdio, what: &str) -> Result<Vec<u8>, CliError> {
    let output = command.stdin(input).output().map_err(|e| {
        CliError::Io(format!(
            "cannot run {what}: {e} (is it installed and on PATH?)"
        ))
    })?;
    if !output.status.success() {
        return Err(CliError::Io(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(output.stdout)
}

/// A PostgreSQL tool connected as the URL says; the password goes through
/// the environment, never the command line (where `ps` would show it).
fn pg_command(program: &str, server: &ServerUrl) -> Command {
    let mut c = Command::new(program);
    c.arg(format!("--dbname={}", server.conninfo));
    if let Some(pw) = &server.password {
        c.env("PGPASSWORD", pw);
    }
    c
}

fn mysql_command(program: &str, server: &ServerUrl) -> Command {
    let mut c = Command::new(program);
    c.arg("--host").arg(&server.host);
    if let Some(p) = &server.port {
        c.arg("--port").arg(p);
    }
    if let Some(u) = &server.user {
        c.arg("--user").arg(u);
    }
    if let Some(pw) = &server.password {
        c.env("MYSQL_PWD", pw);
    }
    c
}

/// Backs the database at `url` up into `dir`.
pub(super) fn backup(
    set: &MigrationSet,
    db: &mut crate::AnyConnection,
    url: &str,
    dir: &Path,
) -> Result<BackupInfo, CliError> {
    let dialect = dialect_of(url)?;
    let revision = set.current(db)?.map(str::to_string);
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    let taken_at = timestamp_revision(SystemTime::now());
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let stem = format!(
        "{}-{taken_at}-{nanos:09}",
        revision.as_deref().unwrap_or("base")
    );
    let file = match dialect {
        Dialect::Sqlite => {
            let file = dir.join(format!("{stem}.sqlite"));
            // VACUUM INTO copies a consistent snapshot while others keep working.
            let target = file.display().to_string().replace('\'', "''");
            db.execute(&format!("VACUUM INTO '{target}'"))
                .map_err(|e| {
                    CliError::Io(format!("backing up {} with VACUUM INTO: {e}", redact(url)))
                })?;
            file
        }
        Dialect::Postgres => {
            let server = parse_server_url(url)?;
            let file = dir.join(format!("{stem}.pgdump"));
            let mut c = pg_command("pg_dump", &server);
            c.arg("--format=custom").arg("--file").arg(&file);
            if let Some(schema) = &server.schema {
                // A quoted pattern matches that one name, whatever it holds.
                c.arg(format!("--schema={}", Dialect::Postgres.quote(schema)));
            }
            run(c, "pg_dump")?;
            // A dump pg_restore cannot list is not a backup.
            let mut list = Command::new("pg_restore");
            list.arg("--list").arg(&file);
            let listing = run(list, "pg_restore --list")?;
            if listing.is_empty() {
                return Err(CliError::Io(format!(
                    "pg_restore --list {} printed nothing: the dump is not usable",
                    file.display()
                )));
            }
            file
        }
        Dialect::Mysql => {
            let server = parse_server_url(url)?;
            let file = dir.join(format!("{stem}.sql"));
            let mut c = mysql_command("mysqldump", &server);
            c.args([
                "--single-transaction",
                "--routines",
                "--triggers",
                "--add-drop-table",
            ])
            .arg(&server.database);
            let dump = run(c, "mysqldump")?;
            std::fs::write(&file, dump).map_err(io(format!("writing {}", file.display())))?;
            file
        }
    };
    let size = std::fs::metadata(&file)
        .map_err(io(format!("reading {}", file.display())))?
        .len();
    let info = BackupInfo {
        file: file.clone(),
        revision,
        backend: dialect.name().to_string(),
        taken_at,
        size,
        source: redact(url),
        schema: take_schema(url)?.1,
    };
    let text = serde_json::to_string_pretty(&info).map_err(|e| CliError::Io(e.to_string()))?;
    std::fs::write(info_path(&file), text).map_err(io("writing the backup's info file"))?;
    Ok(info)
}

/// Restores `file` into the database at `url`, refusing to overwrite a
/// database at a newer revision than the backup unless `force`.
pub(super) fn restore(
    set: &MigrationSet,
    url: &str,
    file: &Path,
    force: bool,
) -> Result<BackupInfo, CliError> {
    let info_file = info_path(file);
    let text = std::fs::read_to_string(&info_file).map_err(io(format!(
        "reading {} (restore takes a backup made by `backup`, with its info file)",
        info_file.display()
    )))?;
    let info: BackupInfo = serde_json::from_str(&text)
        .map_err(|e| CliError::Io(format!("{}: {e}", info_file.display())))?;
    let dialect = dialect_of(url)?;
    let schema = take_schema(url)?.1;
    if info.schema != schema {
        // The dump names its schema in every statement: restored elsewhere,
        // it would overwrite the schema it came from.
        let what = |s: &Option<String>| match s {
            Some(s) => format!("the schema {}", Dialect::Postgres.quote(s)),
            None => "a whole database".to_string(),
        };
        return Err(CliError::Usage(format!(
            "{} is a backup of {}; {} names {}: restore it where it was taken",
            file.display(),
            what(&info.schema),
            redact(url),
            what(&schema)
        )));
    }
    if info.backend != dialect.name() {
        return Err(CliError::Usage(format!(
            "{} is a {} backup; {} is a {} database",
            file.display(),
            info.backend,
            redact(url),
            dialect.name()
        )));
    }
    {
        let mut db = connect(url)?;
        // A database this binary cannot place in its chain (an unknown
        // revision, a half-applied migration) is not "older": refuse.
        let current = match set.current(&mut db) {
            Ok(c) => c,
            Err(e) if !force => {
                return Err(CliError::Usage(format!(
                    "refusing to restore: cannot tell where {} stands ({e}); pass --force to overwrite it anyway",
                    redact(url)
                )))
            }
            Err(_) => None,
        };
        let newer = set.count_up_to(current) > set.count_up_to(info.revision.as_deref());
        if newer && !force {
            return Err(CliError::Usage(format!(
                "refusing to restore: {} is at {}, newer than the backup ({}); restoring would lose the migrations applied since. Downgrade first, or pass --force",
                redact(url),
                current.unwrap_or("base"),
                info.revision.as_deref().unwrap_or("base")
            )));
        }
        // Nothing is removed before the tools have shown they can read the
        // backup and reach the server with these credentials.
        if dialect == Dialect::Postgres {
            let server = parse_server_url(url)?;
            let mut list = Command::new("pg_restore");
            list.arg("--list").arg(file);
            let listing = String::from_utf8_lossy(&run(list, "pg_restore --list")?).into_owned();
            let mut probe = pg_command("pg_dump", &server);
            probe.args(["--schema-only", "--file", "/dev/null"]);
            run(
                probe,
                "pg_dump (checking the connection before the restore)",
            )?;
            clear_postgres(&mut db, url, server.schema.as_deref(), &listing)?;
        }
        if dialect == Dialect::Mysql {
            let server = parse_server_url(url)?;
            let mut probe = mysql_command("mysql", &server);
            probe.args(["--execute", "SELECT 1"]).arg(&server.database);
            run(probe, "mysql (checking the connection before the restore)")?;
            clear_mysql(&mut db, url)?;
        }
    }
    match dialect {
        Dialect::Sqlite => {
            let path = sqlite_path(url);
            let staging = path.with_extension("restoring");
            std::fs::copy(file, &staging).map_err(io(format!("copying {}", file.display())))?;
            for suffix in ["-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            // A rename is atomic: the database is the old one or the backup, never half of each.
            std::fs::rename(&staging, &path)
                .map_err(io(format!("replacing {}", path.display())))?;
        }
        Dialect::Postgres => {
            let server = parse_server_url(url)?;
            let mut c = pg_command("pg_restore", &server);
            // One transaction: the restore is applied whole or not at all.
            c.args([
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--clean",
                "--if-exists",
            ]);
            if let Some(schema) = &server.schema {
                // The schema's objects, not the schema itself: it stays,
                // with whatever grants it has.
                c.arg(format!("--schema={schema}"));
            }
            c.arg(file);
            run(c, "pg_restore")?;
        }
        Dialect::Mysql => {
            let server = parse_server_url(url)?;
            let dump =
                std::fs::File::open(file).map_err(io(format!("opening {}", file.display())))?;
            let mut c = mysql_command("mysql", &server);
            c.arg(&server.database);
            run_with_input(c, Stdio::from(dump), "mysql")?;
        }
    }
    Ok(info)
}

/// Drops the tables of `public` (or of the URL's schema) that the backup
/// does not hold (they are newer than it); `pg_restore --clean` replaces
/// the ones it does.
fn clear_postgres(
    db: &mut crate::AnyConnection,
    url: &str,
    schema: Option<&str>,
    listing: &str,
) -> Result<(), CliError> {
    let schema = schema.unwrap_or("public");
    let rows = db
        .query(
            &format!(
                "SELECT tablename AS c0 FROM pg_tables WHERE schemaname = {}",
                Dialect::Postgres.string_literal(schema)
            ),
            1,
        )
        .map_err(|e| CliError::Io(format!("listing the tables of {}: {e}", redact(url))))?;
    for row in rows {
        let Some(Some(name)) = row.first() else {
            continue;
        };
        let in_backup = listing.lines().any(|l| {
            l.contains(&format!(" TABLE {schema} ")) && l.split_whitespace().any(|w| w == name)
        });
        if !in_backup {
            db.execute(&format!(
                "DROP TABLE IF EXISTS {} CASCADE",
                Dialect::Postgres.quote(name)
            ))
            .map_err(|e| {
                CliError::Io(format!(
                    "dropping table {name} (newer than the backup): {e}"
                ))
            })?;
        }
    }
    Ok(())
}

fn clear_mysql(db: &mut crate::AnyConnection, url: &str) -> Result<(), CliError> {
    let rows = db
        .query("SELECT table_name AS c0 FROM information_schema.tables WHERE table_schema = DATABASE()", 1)
        .map_err(|e| CliError::Io(format!("listing the tables of {}: {e}", redact(url))))?;
    // One statement at a time: a table name may hold a `;`.
    let mut statements = vec!["SET FOREIGN_KEY_CHECKS = 0".to_string()];
    for row in rows {
        if let Some(Some(name)) = row.first() {
            statements.push(format!(
                "DROP TABLE IF EXISTS {}",
                Dialect::Mysql.quote(name)
            ));
        }
    }
    statements.push("SET FOREIGN_KEY_CHECKS = 1".to_string());
    for s in &statements {
        db.execute(s).map_err(|e| {
            CliError::Io(format!("clearing {} before the restore: {e}", redact(url)))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls() {
        let s = parse_server_url("postgres://u:secret@db.local:5433/app?sslmode=disable")
            .expect("parses");
        assert_eq!(
            (s.user.as_deref(), s.password.as_deref()),
            (Some("u"), Some("secret"))
        );
        assert_eq!(
            (s.host.as_str(), s.port.as_deref(), s.database.as_str()),
            ("db.local", Some("5433"), "app")
        );
        assert!(parse_server_url("mysql://root@127.0.0.1:3306/").is_err());
        let s = parse_server_url("postgres://app:p%40ss@db/prod?sslmode=require").expect("parses");
        assert_eq!(s.password.as_deref(), Some("p@ss"));
        assert_eq!(s.conninfo, "postgres://app@db/prod?sslmode=require");
        assert_eq!(sqlite_path("sqlite://app.db"), PathBuf::from("app.db"));
        assert_eq!(sqlite_path("/tmp/app.db"), PathBuf::from("/tmp/app.db"));
    }
}
