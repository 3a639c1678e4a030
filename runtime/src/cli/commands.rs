//! The commands that inspect, record or print, one function each
//! (`upgrade` and `downgrade` are in `migrate.rs`, `verify` in
//! `round_trip.rs`).

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::args::{parse_target, BackendArg, DialectArg};
use super::{backup, dialect_of, CliError, Context};
use crate::database::redact;
use crate::runner::VersionState;
use crate::scaffold::Layout;
use crate::{Database, Dialect, Target};
use godwit_core::Backend;

/// `current`.
pub(super) fn current<W: Write>(cx: &mut Context<'_, W>) -> Result<u8, CliError> {
    let set = cx.set;
    let mut db = cx.open()?;
    let current = set.current(&mut db)?;
    let head = set.head();
    let text = match current {
        None => "base (no migration applied)".to_string(),
        Some(r) if Some(r) == head => format!("{r} (head)"),
        Some(r) => r.to_string(),
    };
    cx.out
        .line(&text, json!({ "current": current, "head": head }));
    Ok(0)
}

/// `history`.
pub(super) fn history<W: Write>(cx: &mut Context<'_, W>) -> Result<u8, CliError> {
    let history = cx.set.history(&mut cx.open()?)?;
    cx.out.history(&history);
    Ok(0)
}

/// `heads`.
pub(super) fn heads<W: Write>(cx: &mut Context<'_, W>) -> Result<u8, CliError> {
    let set = cx.set;
    let head = set.head();
    let text = match head.and_then(|h| set.get(h)) {
        Some(m) => format!("{} (head)  {}", m.revision, m.message),
        None => "no migrations".into(),
    };
    cx.out.line(
        &text,
        json!({ "heads": head.into_iter().collect::<Vec<_>>() }),
    );
    Ok(0)
}

/// `check`: exit 0 at head, 1 behind or not deployable.
pub(super) fn check<W: Write>(cx: &mut Context<'_, W>) -> Result<u8, CliError> {
    let (set, program) = (cx.set, cx.program);
    let mut db = cx.open()?;
    // An edited, unknown or half-applied migration makes the next upgrade
    // refuse: not deployable, whatever the count says.
    let problems: Vec<String> = set
        .history(&mut db)?
        .iter()
        .filter_map(|h| {
            let record = h.record.as_ref()?;
            let embedded = set.get(&h.revision).map(|m| &*m.checksum);
            if !h.known {
                Some(format!("{} is applied but not in this binary", h.revision))
            } else if record.state != VersionState::Applied {
                Some(format!("{} is {}", h.revision, record.state))
            } else if embedded != Some(record.checksum.as_str()) {
                Some(format!(
                    "{} was edited after it was applied (checksum differs)",
                    h.revision
                ))
            } else {
                None
            }
        })
        .collect();
    if !problems.is_empty() {
        let text = format!(
            "not deployable: {}; `{program} upgrade` would refuse",
            problems.join("; ")
        );
        cx.out
            .line(&text, json!({ "at_head": false, "problems": problems }));
        return Ok(1);
    }
    let current = set.current(&mut db)?;
    let pending = set.len() - set.count_up_to(current);
    let at_head = pending == 0;
    let text = if at_head {
        format!("ok: at head {}", current.unwrap_or("base"))
    } else {
        format!(
            "behind: at {}, head is {}; {pending} migration(s) pending (run `{program} upgrade`)",
            current.unwrap_or("base"),
            set.head().unwrap_or("base")
        )
    };
    cx.out.line(
        &text,
        json!({ "at_head": at_head, "current": current, "head": set.head(), "pending": pending }),
    );
    Ok(if at_head { 0 } else { 1 })
}

/// `stamp REV`.
pub(super) fn stamp<W: Write>(cx: &mut Context<'_, W>, revision: &str) -> Result<u8, CliError> {
    let set = cx.set;
    let target = parse_target(revision)?;
    let mut db = cx.open()?;
    set.stamp(&mut db, target)?;
    let now = set.current(&mut db)?;
    cx.out.line(
        &format!(
            "stamped: the database is recorded at {}",
            now.unwrap_or("base")
        ),
        json!({ "current": now }),
    );
    Ok(0)
}

/// `sql [FROM:]TO [--dialect D]`, offline.
pub(super) fn sql<W: Write>(
    cx: &mut Context<'_, W>,
    range: &str,
    dialect: Option<DialectArg>,
) -> Result<u8, CliError> {
    let dialect = match dialect {
        Some(d) => Dialect::from(d),
        None => dialect_of(cx.url().map_err(|_| {
            CliError::Usage(
                "say which SQL to print: --dialect postgres|mysql|sqlite (or give --database-url)"
                    .into(),
            )
        })?)?,
    };
    let (from, to) = match range.split_once(':') {
        Some((from, to)) => (parse_target(from)?, parse_target(to)?),
        None => (Target::Base, parse_target(range)?),
    };
    let sql = cx.set.sql_with(dialect, from, to, &cx.options())?;
    cx.out.text(&sql);
    Ok(0)
}

/// `schema`: the schema as the database has it.
pub(super) fn schema<W: Write>(cx: &mut Context<'_, W>) -> Result<u8, CliError> {
    let schema = cx.open()?.introspect()?;
    cx.out.schema(&schema);
    Ok(0)
}

/// `schema --diesel [--backend B]`: Diesel's schema at head, offline. The
/// text the set's `pub mod schema;` holds unless another backend is asked
/// for; without either, the database URL's backend (`mysql://` is MySQL:
/// say `--backend mariadb` for MariaDB's).
pub(super) fn diesel_schema<W: Write>(
    cx: &mut Context<'_, W>,
    backend: Option<BackendArg>,
) -> Result<u8, CliError> {
    let embedded = cx.set.diesel_schema();
    let backend = match (backend, embedded) {
        (Some(b), _) => Backend::from(b),
        (None, Some((_, text))) => {
            cx.out.text(text);
            return Ok(0);
        }
        (None, None) => match cx.url().ok().map(dialect_of).transpose()? {
            Some(Dialect::Postgres) => Backend::Postgres,
            Some(Dialect::Mysql) => Backend::Mysql,
            Some(Dialect::Sqlite) => Backend::Sqlite,
            None => {
                return Err(CliError::Usage(
                    "say whose Diesel types to print: --backend postgres|mysql|mariadb|sqlite (or give --database-url)".into(),
                ))
            }
        },
    };
    let schema = cx.set.schema_at(cx.set.len())?;
    cx.out
        .text(&godwit_core::diesel_schema::print(&schema, backend));
    Ok(0)
}

/// `backup [--dir DIR]`.
pub(super) fn backup<W: Write>(cx: &mut Context<'_, W>, dir: &Path) -> Result<u8, CliError> {
    let url = cx.url()?;
    let made = backup::backup(cx.set, &mut cx.open()?, url, dir)?;
    let text = format!(
        "backed up {} at {} to {} ({} bytes)",
        redact(url),
        made.revision.as_deref().unwrap_or("base"),
        made.file.display(),
        made.size
    );
    cx.out.line(&text, json!({ "backup": made }));
    Ok(0)
}

/// `restore FILE [--force]`.
pub(super) fn restore<W: Write>(
    cx: &mut Context<'_, W>,
    file: &Path,
    force: bool,
) -> Result<u8, CliError> {
    let url = cx.url()?;
    let restored = backup::restore(cx.set, url, file, force)?;
    let text = format!(
        "restored {} to {} (revision {})",
        file.display(),
        redact(url),
        restored.revision.as_deref().unwrap_or("base")
    );
    cx.out.line(&text, json!({ "restored": restored }));
    Ok(0)
}

/// `new "message"`: the next migration file, where `layout` says.
pub(super) fn new<W: Write>(
    cx: &mut Context<'_, W>,
    message: &str,
    layout: &Layout,
) -> Result<u8, CliError> {
    let set = cx.set;
    let made = crate::scaffold::new_migration(
        &layout.dir,
        &layout.src,
        message,
        set.head(),
        std::time::SystemTime::now(),
    )
    .map_err(|e| CliError::Io(e.to_string()))?;
    let text = format!(
        "wrote {} (revision {}, follows {}){}",
        made.file.display(),
        made.revision,
        set.head().unwrap_or("base"),
        made.set_file
            .as_ref()
            .map(|f| format!("; added to the list in {}", f.display()))
            .unwrap_or_else(|| format!(
                "; no migrations! list found under {}: add it to yours, or say where with --src",
                layout.src.display()
            ))
    );
    cx.out.line(
        &text,
        json!({ "file": made.file, "revision": made.revision, "module": made.module, "down_revision": set.head(), "set_file": made.set_file }),
    );
    Ok(0)
}
