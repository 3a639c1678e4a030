//! What introspection leaves out because `check_drift` need not compare it:
//! the text of views, triggers and functions. `new --from-database` needs
//! it to write them: each is read as the CREATE statement the database
//! gives back and translated into the model like raw SQL, so that it
//! becomes the same op a migration would have.

use godwit_core::schema::Schema;
use godwit_core::translate::{self, Meaning};
use godwit_core::Op;

use super::{text, Database};
use crate::dialect::Dialect;
use crate::Error;

/// The ops that create the schema this database has, from nothing (what
/// `new --from-database` writes), with the tables they create counted, and
/// the views, triggers and functions whose definitions no op says.
pub fn creation_ops<D: Database + ?Sized>(db: &mut D) -> Result<Baseline, Error> {
    let found = db.introspect()?;
    let mut unread = Vec::new();
    let schema = with_definitions(db, found, &mut unread)?;
    Ok(Baseline {
        ops: schema.creation_ops(),
        tables: schema.tables.len(),
        unread,
    })
}

/// What [`creation_ops`] found.
#[derive(Clone, Debug)]
pub struct Baseline {
    /// The ops, in an order each applies in.
    pub ops: Vec<Op>,
    /// How many tables they create.
    pub tables: usize,
    /// The views, triggers and functions left out, by name.
    pub unread: Vec<String>,
}

/// `schema` (from [`Database::introspect`]) with its views, triggers and
/// functions as they are defined; the CREATE statements no op says, by
/// name, in `unread`.
pub fn with_definitions<D: Database + ?Sized>(
    db: &mut D,
    mut schema: Schema,
    unread: &mut Vec<String>,
) -> Result<Schema, Error> {
    let d = db.dialect();
    let statements = statements(db)?;
    // Their placeholders (names only) make way for what the statements say.
    schema.views.clear();
    for table in schema.tables.values_mut() {
        std::sync::Arc::make_mut(table).triggers.clear();
    }
    // Functions, then views (which may read each other: a pass per level),
    // then triggers, which name both.
    let mut left: Vec<(String, String)> = statements;
    loop {
        let before = left.len();
        left.retain(|(name, sql)| !apply(sql, d, &mut schema, name));
        if left.is_empty() || left.len() == before {
            break;
        }
    }
    unread.extend(left.into_iter().map(|(name, _)| name));
    Ok(schema)
}

/// Applies what `sql` says to `schema`; false when it says nothing the
/// model follows or does not apply yet.
fn apply(sql: &str, d: Dialect, schema: &mut Schema, name: &str) -> bool {
    let ops = match translate::read_one(sql, d.syntax(), schema).meaning {
        Meaning::Ops(ops) if !ops.is_empty() => Some(ops),
        _ => None,
    };
    let Some(ops) = ops else {
        tracing::debug!(
            object = name,
            "its definition reads as nothing the model follows"
        );
        return false;
    };
    let mut after = schema.clone();
    for op in &ops {
        if after.apply(op).is_err() {
            return false;
        }
    }
    *schema = after;
    true
}

/// The CREATE statement of every function, view and trigger, by name, in
/// that order.
fn statements<D: Database + ?Sized>(db: &mut D) -> Result<Vec<(String, String)>, Error> {
    let d = db.dialect();
    let queries: Vec<&str> = match d {
        Dialect::Postgres => vec![
            // Functions the database's extensions brought are theirs.
            "SELECT CAST(p.proname AS TEXT) AS c0, pg_catalog.pg_get_functiondef(p.oid) AS c1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND p.prokind = 'f' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.objid = p.oid AND dep.deptype = 'e') ORDER BY p.oid",
            "SELECT CAST(c.relname AS TEXT) AS c0, 'CREATE ' || CASE c.relkind WHEN 'm' THEN 'MATERIALIZED ' ELSE '' END || 'VIEW ' || quote_ident(c.relname) || ' AS ' || pg_catalog.pg_get_viewdef(c.oid) AS c1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm') ORDER BY c.oid",
            "SELECT CAST(t.tgname AS TEXT) AS c0, pg_catalog.pg_get_triggerdef(t.oid) AS c1 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY t.oid",
        ],
        Dialect::Mysql => vec![
            "SELECT CAST(TABLE_NAME AS CHAR) AS c0, CONCAT('CREATE VIEW `', TABLE_NAME, '` AS ', VIEW_DEFINITION) AS c1 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
            "SELECT CAST(TRIGGER_NAME AS CHAR) AS c0, CONCAT('CREATE TRIGGER `', TRIGGER_NAME, '` ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ON `', EVENT_OBJECT_TABLE, '` FOR EACH ROW ', ACTION_STATEMENT) AS c1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY ACTION_ORDER",
        ],
        Dialect::Sqlite => vec![
            "SELECT name AS c0, sql AS c1 FROM sqlite_master WHERE type = 'view' ORDER BY rowid",
            "SELECT name AS c0, sql AS c1 FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid",
        ],
    };
    let mut out = Vec::new();
    for q in queries {
        let rows = db.query(q, 2).map_err(|e| {
            Error::database(
                "reading the definitions of views, triggers and functions",
                e,
            )
        })?;
        out.extend(
            rows.iter()
                .map(|r| (text(r, 0).to_string(), text(r, 1).trim().to_string())),
        );
    }
    Ok(out)
}
