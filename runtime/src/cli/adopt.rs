//! Adopting what exists: `import diesel|sqlx|refinery DIR` (another
//! tool's history) and `new --from-database` (a schema without history).

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::args::{DialectArg, ToolArg};
use super::{dialect_of, CliError, Context};
use crate::import::{import as run_import, ImportOptions};
use crate::scaffold::Layout;
use crate::{Database, Dialect};

/// `import TOOL DIR`: writes the history as godwit migrations after the
/// set's head and reports what the user has to look at.
pub(super) fn import<W: Write>(
    cx: &mut Context<'_, W>,
    tool: ToolArg,
    from: &Path,
    layout: &Layout,
    dialect: Option<DialectArg>,
) -> Result<u8, CliError> {
    let dialect = match (dialect, cx.cli.database_url.as_deref()) {
        (Some(d), _) => Dialect::from(d),
        (None, Some(url)) => dialect_of(url)?,
        (None, None) => Dialect::Postgres,
    };
    let existing: Vec<&str> = (0..cx.set.len())
        .filter_map(|i| cx.set.revision(i))
        .collect();
    let report = run_import(&ImportOptions {
        tool: tool.into(),
        from,
        dialect,
        dir: &layout.dir,
        src: &layout.src,
        existing: &existing,
    })
    .map_err(|e| CliError::Io(e.to_string()))?;
    let mut text = String::new();
    for m in &report.migrations {
        let mut notes = vec![format!("{} as DSL, {} as execute", m.dsl, m.raw)];
        if m.outside_transaction {
            notes.push("outside a transaction".into());
        }
        if m.irreversible.is_some() {
            notes.push("irreversible".into());
        }
        text += &format!(
            "imported {} {:?} -> {} ({})\n",
            m.revision,
            m.message,
            m.file.display(),
            notes.join(", ")
        );
    }
    text += &format!(
        "{} migrations from {} read as {} SQL{}{}",
        report.migrations.len(),
        from.display(),
        dialect.name(),
        report
            .set_file
            .as_ref()
            .map(|f| format!("; added to the list in {}", f.display()))
            .unwrap_or_else(|| "; no migrations! list found: add them to yours".into()),
        report
            .backends_added
            .as_ref()
            .map(|b| format!(", with `{b}`"))
            .unwrap_or_default()
    );
    if !report.unmatched_downs.is_empty() {
        text += &format!(
            "\n{} down migrations do not undo their up migration; each is declared irreversible, \
             its original down migration kept beside it, commented out: mend it and remove \
             `irreversible`, or keep it one-way:",
            report.unmatched_downs.len()
        );
        for (revision, diff) in &report.unmatched_downs {
            text += &format!("\n  {revision}: {}", shortened(&diff.replace('\n', "; ")));
        }
    }
    if !report.refused_downs.is_empty() {
        text += &format!(
            "\n{} down migrations are refused by the checker; each is declared irreversible, \
             its original down migration kept beside it, commented out: mend it and remove \
             `irreversible`, or keep it one-way:",
            report.refused_downs.len()
        );
        for (revision, why) in &report.refused_downs {
            text += &format!("\n  {revision}: {}", shortened(why));
        }
    }
    if let Some((widest, columns)) = report.wide_tables.first() {
        text += &format!(
            "\n{} table(s) have more than 32 columns (the widest, `{widest}`, has {columns}): \
             with `pub mod schema;`, enable diesel's `{}` feature in the crate's diesel dependency",
            report.wide_tables.len(),
            if *columns > 64 {
                "128-column-tables"
            } else {
                "64-column-tables"
            }
        );
    }
    if !report.problems.is_empty() {
        text += &format!(
            "\nthe build will refuse {} things (structural rules, which apply to imported history too):",
            report.problems.len()
        );
        for (revision, problem) in &report.problems {
            text += &format!("\n  {revision}: {problem}");
        }
    }
    cx.out.line(
        &text,
        json!({
            "imported": report.migrations.iter().map(|m| json!({
                "revision": m.revision,
                "message": m.message,
                "file": m.file,
                "dsl": m.dsl,
                "execute": m.raw,
                "transaction": !m.outside_transaction,
                "irreversible": m.irreversible,
            })).collect::<Vec<_>>(),
            "set_file": report.set_file,
            "backends_added": report.backends_added,
            "unmatched_downs": report.unmatched_downs.iter().map(|(r, d)| json!({"revision": r, "difference": d})).collect::<Vec<_>>(),
            "refused_downs": report.refused_downs.iter().map(|(r, d)| json!({"revision": r, "problem": d})).collect::<Vec<_>>(),
            "wide_tables": report.wide_tables.iter().map(|(t, n)| json!({"table": t, "columns": n})).collect::<Vec<_>>(),
            "problems": report.problems.iter().map(|(r, p)| json!({"revision": r, "problem": p})).collect::<Vec<_>>(),
        }),
    );
    Ok(u8::from(!report.problems.is_empty()))
}

/// `new "message" --from-database`: the first migration, creating the
/// schema the database has.
pub(super) fn from_database<W: Write>(
    cx: &mut Context<'_, W>,
    message: &str,
    layout: &Layout,
) -> Result<u8, CliError> {
    let set = cx.set;
    if !set.is_empty() {
        return Err(CliError::Usage(format!(
            "--from-database writes the first migration, and the set has {} already; \
             write later changes with `new \"message\"`",
            set.len()
        )));
    }
    let mut db = cx.open()?;
    let dialect = db.dialect();
    let crate::database::definitions::Baseline {
        ops,
        tables,
        unread,
    } = crate::database::definitions::creation_ops(&mut db)?;
    if ops.is_empty() {
        return Err(CliError::Usage(
            "the database has no table, view, type or function to start from".into(),
        ));
    }
    let setting = crate::import::backends_of(dialect).setting();
    let made = crate::scaffold::baseline_migration(
        &layout.dir,
        &layout.src,
        message,
        &ops,
        &setting,
        std::time::SystemTime::now(),
    )
    .map_err(|e| CliError::Io(e.to_string()))?;
    let mut text = format!(
        "wrote {} (revision {}): {} op(s) creating {} table(s), as the database has them{}\n\
         run `upgrade` on that database: it holds this schema, so the migration is recorded as applied without running",
        made.file.display(),
        made.revision,
        ops.len(),
        tables,
        made.set_file
            .as_ref()
            .map(|f| format!("; added to the list in {}", f.display()))
            .unwrap_or_default()
    );
    if !unread.is_empty() {
        text += &format!(
            "\nleft out, their definitions read as nothing the model follows: {}; add them with `op.execute(..)`",
            unread.join(", ")
        );
    }
    cx.out.line(
        &text,
        json!({ "file": made.file, "revision": made.revision, "module": made.module, "ops": ops.len(), "tables": tables, "left_out": unread, "set_file": made.set_file }),
    );
    Ok(0)
}

/// A difference cut to a line's worth: one between two function bodies
/// quotes both whole (`--json` keeps it whole).
fn shortened(text: &str) -> String {
    const MOST: usize = 240;
    match text.char_indices().nth(MOST) {
        Some((at, _)) => format!("{} ..", &text[..at]),
        None => text.to_string(),
    }
}
