//! Schema dumps to compare databases by: `pg_dump --schema-only` and
//! `mariadb-dump --no-data`, without what must differ between two
//! databases with the same schema (godwit's version table, the tables
//! `exclude` names, comments, session settings, AUTO_INCREMENT counters).

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

/// Lines only one side has, and where the two first part, for a failure.
pub fn diff(left: &str, right: &str, left_name: &str, right_name: &str) -> String {
    let l: Vec<&str> = left.lines().collect();
    let r: Vec<&str> = right.lines().collect();
    let first = l.iter().zip(&r).take_while(|(a, b)| a == b).count();
    let mut out = format!("first difference at line {}:\n", first + 1);
    let around = |lines: &[&str], name: &str, out: &mut String| {
        out.push_str(&format!("  {name}:\n"));
        for line in lines.iter().skip(first.saturating_sub(3)).take(8) {
            out.push_str(&format!("    | {line}\n"));
        }
    };
    around(&l, left_name, &mut out);
    around(&r, right_name, &mut out);
    let only = |a: &[&str], b: &[&str]| -> Vec<String> {
        let other: BTreeSet<&str> = b.iter().copied().collect();
        a.iter()
            .filter(|x| !other.contains(*x))
            .map(|x| x.to_string())
            .collect()
    };
    for (name, lines) in [(left_name, only(&l, &r)), (right_name, only(&r, &l))] {
        out.push_str(&format!("  only in {name}:\n"));
        for line in lines {
            out.push_str(&format!("    + {line}\n"));
        }
    }
    out
}

/// A command's standard output; panics with its standard error otherwise.
pub fn run(cmd: &mut Command, stdin: &str) -> String {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {what}: {e}"));
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("writing to the command");
    let out = child.wait_with_output().expect("the command ends");
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `psql` and the `pg_dump` of the server's major version (a newer
/// `pg_dump` dumps differently; an older one refuses).
pub struct PgTools {
    /// `psql`.
    pub psql: String,
    /// The `pg_dump` of the server's version.
    pub pg_dump: String,
}

/// The tools for the server at `url`.
pub fn pg_tools(url: &str) -> PgTools {
    let psql = "psql".to_string();
    let version = run(
        Command::new(&psql).args(["-X", "-At", "-c", "SHOW server_version_num", url]),
        "",
    );
    let major = version.trim().parse::<u32>().expect("a version number") / 10000;
    let own = format!("/usr/lib/postgresql/{major}/bin/pg_dump");
    let pg_dump = if std::path::Path::new(&own).exists() {
        own
    } else {
        "pg_dump".to_string()
    };
    let dump_version = run(Command::new(&pg_dump).arg("--version"), "");
    assert!(
        dump_version.contains(&format!(") {major}.")),
        "{pg_dump} is `{}`, the server is {major}: install postgresql-client-{major}",
        dump_version.trim()
    );
    PgTools { psql, pg_dump }
}

/// The schema as `pg_dump` writes it, without what must differ: godwit's
/// version table, the tables `exclude` names, the header comments and the
/// session settings.
pub fn pg_schema(tools: &PgTools, url: &str, exclude: &[&str]) -> String {
    let dump = run(
        Command::new(&tools.pg_dump)
            .args(exclude.iter().map(|t| format!("--exclude-table={t}")))
            .args([
                "--schema-only",
                "--no-owner",
                "--no-privileges",
                "--exclude-table=godwit_version",
                url,
            ]),
        "",
    );
    let mut out = String::new();
    for line in dump.lines() {
        let skip = line.starts_with("--")
            || line.starts_with("SET ")
            || line.starts_with("SELECT pg_catalog.set_config")
            || line.starts_with("\\restrict")
            || line.starts_with("\\unrestrict")
            || (line.is_empty() && out.ends_with("\n\n"));
        if !skip {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `mariadb-dump --no-data` of the database named by `url`, views and
/// triggers included, without comments, session settings, the version
/// table, the tables `exclude` names and the counters of AUTO_INCREMENT.
pub fn mariadb_schema(url: &str, exclude: &[&str]) -> String {
    let rest = url.strip_prefix("mysql://").expect("a mysql:// URL");
    let (auth, rest) = rest.rsplit_once('@').unwrap_or(("root", rest));
    let (host_port, db) = rest.split_once('/').expect("a database name");
    let db = db.split('?').next().unwrap_or(db);
    let (host, port) = host_port.split_once(':').unwrap_or((host_port, "3306"));
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let mut cmd = Command::new("mariadb-dump");
    cmd.args([
        "--no-data",
        "--skip-comments",
        "--skip-add-drop-table",
        "--skip-set-charset",
        "--protocol=TCP",
        &format!("--host={host}"),
        &format!("--port={port}"),
        &format!("--user={user}"),
        &format!("--ignore-table={db}.godwit_version"),
        db,
    ]);
    cmd.args(exclude.iter().map(|t| format!("--ignore-table={db}.{t}")));
    if !password.is_empty() {
        cmd.env("MYSQL_PWD", password);
    }
    let dump = run(&mut cmd, "");
    let mut out = String::new();
    // The definitions inside a CREATE TABLE, sorted (a column a downgrade
    // adds back comes last), without their commas.
    let mut body: Vec<String> = Vec::new();
    for line in dump.lines() {
        // Views and triggers come inside version comments (`/*!50001 ..*/`)
        // among session settings: only their definitions are kept.
        let object = line.contains("VIEW `") || line.contains("TRIGGER ");
        if (line.starts_with("/*!") && !object) || line.starts_with("--") || line.trim().is_empty()
        {
            continue;
        }
        let mut line = line.to_string();
        if let Some(at) = line.find(" AUTO_INCREMENT=") {
            let end = line[at + 1..].find(' ').map_or(line.len(), |e| at + 1 + e);
            line.replace_range(at..end, "");
        }
        if line.starts_with("  ") {
            body.push(line.trim_end_matches(',').to_string());
            continue;
        }
        body.sort();
        for definition in body.drain(..) {
            out.push_str(&definition);
            out.push('\n');
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
