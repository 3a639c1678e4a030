//! PostgreSQL: a session advisory lock, polled with `pg_try_advisory_lock` (a
//! session blocked in `pg_advisory_lock` would hold a snapshot that a
//! concurrent index build of the lock holder waits for: a deadlock);
//! introspection reads `pg_catalog` for the current schema: `public`, or
//! the one a URL's `?schema=` names (see [`use_schema`]).

use diesel::pg::PgConnection;
use godwit_core::schema::{Constraint, ConstraintKind, Index, Schema, Table};
use godwit_core::{Action, Deferrable, IndexKey, IndexMethod};

use super::{
    lock_query, lock_taken, parse_action, parse_type, poll_lock, read_tables, split_list, text,
    Database,
};
use crate::dialect::Dialect;
use crate::runner::Options;
use crate::Error;

/// The advisory lock key: "godwit" in ASCII. Advisory locks are per
/// database, so each database has its own migration lock.
const LOCK_KEY: i64 = 0x676f_6477_6974;

/// The first half of the two-key lock of a connection opened with
/// `?schema=`: "godw" in ASCII, the second half the hash of the schema's
/// name. Two-key advisory locks are a space apart from one-key ones, so a
/// tenant's lock never stands in for the whole database's, and tenants of
/// one database do not wait for each other (two names of one hash would
/// only take turns).
const SCHEMA_LOCK_KEY: i32 = 0x676f_6477;

/// The session setting that remembers the schema `?schema=` named, which
/// the lock reads to pick its key.
const SCHEMA_SETTING: &str = "godwit.schema";

/// The call that takes (`verb` "try_advisory_lock") or releases
/// ("advisory_unlock") the migration lock: the schema's own when the
/// connection was opened with `?schema=`, the database's otherwise.
fn lock_call(verb: &str) -> String {
    format!(
        "SELECT CAST(CASE WHEN COALESCE(current_setting('{SCHEMA_SETTING}', true), '') = '' \
         THEN pg_{verb}({LOCK_KEY}) \
         ELSE pg_{verb}({SCHEMA_LOCK_KEY}, hashtext(current_setting('{SCHEMA_SETTING}'))) END AS TEXT) AS c0"
    )
}

/// Makes `schema` the connection's only schema: the version table and
/// every table a migration creates live there, and introspection reads it
/// alone. It must exist: a misspelt tenant is an error, not a new empty
/// schema migrated from scratch.
pub(crate) fn use_schema(conn: &mut PgConnection, schema: &str, shown: &str) -> Result<(), Error> {
    let found = conn
        .has_rows(&format!(
            "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = {}",
            lit(schema)
        ))
        .map_err(|e| Error::database("looking up the schema of the URL", e))?;
    if !found {
        return Err(Error::UnsupportedUrl {
            url: shown.to_string(),
            reason: format!(
                "the schema {0} does not exist in this database: create it first (CREATE SCHEMA {0})",
                Dialect::Postgres.quote(schema)
            ),
        });
    }
    conn.execute(&format!(
        "SET search_path TO {}; SELECT set_config('{SCHEMA_SETTING}', {}, false)",
        Dialect::Postgres.quote(schema),
        lit(schema)
    ))
    .map_err(|e| Error::database("setting the search_path to the schema of the URL", e))
}

impl Database for PgConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    super::text_queries!(PgConnection);

    fn lock(&mut self, options: &Options) -> Result<(), Error> {
        let got = poll_lock(options.lock_wait, || {
            let answer = lock_query(
                self,
                &lock_call("try_advisory_lock"),
                "taking the migration lock (pg_try_advisory_lock)",
            )?;
            Ok(answer.as_deref() == Some("true"))
        })?;
        lock_taken(got, Dialect::Postgres, options)
    }

    fn unlock(&mut self) -> Result<(), Error> {
        lock_query(
            self,
            &lock_call("advisory_unlock"),
            "releasing the migration lock (pg_advisory_unlock)",
        )
        .map(drop)
    }

    fn introspect(&mut self) -> Result<Schema, Error> {
        let mut schema = read_tables(self, TABLES, 1, |db, name, _| read_table(db, name))?;
        for e in self
            .query(ENUMS, 2)
            .map_err(|e| Error::database("reading the PostgreSQL enum types", e))?
        {
            schema
                .enums
                .insert(text(&e, 0).to_string(), split_list(e[1].as_deref()));
        }
        Ok(schema)
    }
}

fn lit(s: &str) -> String {
    Dialect::Postgres.string_literal(s)
}

/// A type read as `Custom(..)` that the catalog says is the enum `name`,
/// at any depth of array (the catalog's name: `format_type` quotes one that
/// needs quotes).
fn enum_type(ty: godwit_core::ColumnType, name: &str) -> godwit_core::ColumnType {
    use godwit_core::ColumnType::{Array, Custom, Enum};
    match ty {
        Array(element) => Array(Box::new(enum_type(*element, name))),
        Custom(_) => Enum(name.to_string().into()),
        other => other,
    }
}

/// The enum types of the current schema (`c0`) with their values in order,
/// joined by U+001F (`c1`).
const ENUMS: &str = "SELECT t.typname AS c0, string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder) AS c1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid WHERE n.nspname = current_schema() GROUP BY t.typname ORDER BY t.typname";

/// The oid of a table of the current schema.
fn oid(table: &str) -> String {
    format!(
        "(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = {})",
        lit(table)
    )
}

/// The names of the attributes `keys` of relation `rel`, in order, joined by U+001F.
fn attnames(keys: &str, rel: &str) -> String {
    format!(
        "(SELECT string_agg(a.attname, chr(31) ORDER BY k.ord) FROM unnest({keys}) WITH ORDINALITY AS k(attnum, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum)"
    )
}

/// The keys of index `ix`, in order, joined by U+001F; each its attribute
/// number (0 for an expression), its `indoption` bits, its operator class
/// unless it is the type's default, and its column's name or its
/// expression's text, joined by U+001E.
const INDEX_KEYS: &str = "(SELECT string_agg(concat(CAST(ix.indkey[k.n - 1] AS TEXT), chr(30), CAST(ix.indoption[k.n - 1] AS TEXT), chr(30), CASE WHEN opc.opcdefault THEN '' ELSE opc.opcname END, chr(30), COALESCE(a.attname, pg_catalog.pg_get_indexdef(ix.indexrelid, k.n, true))), chr(31) ORDER BY k.n) \
     FROM generate_series(1, ix.indnkeyatts) AS k(n) JOIN pg_catalog.pg_opclass opc ON opc.oid = ix.indclass[k.n - 1] \
     LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1])";

/// The columns index `ix` includes without keying on them, joined by U+001F.
const INDEX_INCLUDE: &str = "(SELECT string_agg(a.attname, chr(31) ORDER BY k.n) \
     FROM generate_series(ix.indnkeyatts + 1, ix.indnatts) AS k(n) \
     JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1])";

/// One key of [`INDEX_KEYS`]. `indoption` bit 1 is DESC, bit 2 NULLS FIRST;
/// PostgreSQL sorts NULLs last ascending and first descending, which the
/// model leaves unsaid.
fn index_key(row: &str) -> IndexKey {
    let fields: Vec<&str> = row.split('\u{1e}').collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or("");
    let option: i32 = field(1).parse().unwrap_or(0);
    let descending = option & 1 != 0;
    let nulls_first = option & 2 != 0;
    IndexKey {
        target: field(3).to_string().into(),
        expression: field(0) == "0",
        descending,
        nulls_first: (nulls_first != descending).then_some(nulls_first),
        opclass: Some(field(2))
            .filter(|o| !o.is_empty())
            .map(|o| o.to_string().into()),
    }
}

/// The tables of the database, in `c0`.
const TABLES: &str = "SELECT c.relname AS c0 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname";

/// One table.
fn read_table(db: &mut PgConnection, name: &str) -> diesel::QueryResult<Table> {
    let rel = oid(name);
    let mut table = Table::default();
    for c in db.query(
        &format!(
            "SELECT a.attname AS c0, pg_catalog.format_type(a.atttypid, a.atttypmod) AS c1, CAST(a.attnotnull AS TEXT) AS c2, pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS c3, CAST(a.attidentity AS TEXT) AS c4, \
             CAST(COALESCE(NULLIF(et.typtype, 'b'), t.typtype) AS TEXT) AS c5, COALESCE(et.typname, t.typname) AS c6, CAST(a.attgenerated AS TEXT) AS c7, \
             CAST(EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S' WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a') AS TEXT) AS c8 \
             FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             JOIN pg_catalog.pg_type t ON t.oid = a.atttypid LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' \
             WHERE a.attrelid = {rel} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
        ),
        9,
    )? {
        let cname = text(&c, 0).to_string();
        let mut ty = parse_type(Dialect::Postgres, text(&c, 1));
        // An enum type (or an array of one) is known by its catalog kind 'e'.
        if text(&c, 5) == "e" {
            ty = enum_type(ty, text(&c, 6));
        }
        let mut default = c[3].clone();
        // A stored generated column keeps its expression where a default is.
        let generated = (text(&c, 7) == "s").then(|| godwit_core::Generated {
            expr: default.take().unwrap_or_default().into(),
            stored: true,
        });
        // SERIAL: the `nextval` default of a sequence the column owns.
        let serial = text(&c, 8) == "true"
            && default
                .as_deref()
                .is_some_and(|d| d.trim_start().starts_with("nextval("));
        if serial {
            default = None;
        }
        table.columns.push(godwit_core::schema::ColumnState {
            name: cname,
            ty,
            nullable: text(&c, 2) != "true",
            default: default.map(|d| godwit_core::DefaultValue::Sql(d.into())),
            autoincrement: serial || !text(&c, 4).is_empty(),
            serial,
            generated,
            deprecated: false,
            marked_deprecated: false,
        });
    }
    for i in db.query(
        &format!(
            "SELECT i.relname AS c0, CAST(ix.indisunique AS TEXT) AS c1, pg_catalog.pg_get_expr(ix.indpred, ix.indrelid) AS c2, {INDEX_KEYS} AS c3, \
             CAST(EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x')) AS TEXT) AS c4, \
             am.amname AS c5, {INDEX_INCLUDE} AS c6 \
             FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid JOIN pg_catalog.pg_am am ON am.oid = i.relam WHERE ix.indrelid = {rel}"
        ),
        7,
    )? {
        if text(&i, 4) == "true" {
            continue; // the index of a primary key or unique constraint
        }
        table.indexes.insert(
            text(&i, 0).to_string(),
            Index {
                keys: split_list(i[3].as_deref()).iter().map(|k| index_key(k)).collect(),
                unique: text(&i, 1) == "true",
                predicate: i[2].clone(),
                method: IndexMethod::from_name(text(&i, 5)),
                include: split_list(i[6].as_deref()),
            },
        );
    }
    for c in db.query(
        &format!(
            "SELECT con.conname AS c0, CAST(con.contype AS TEXT) AS c1, CAST(con.convalidated AS TEXT) AS c2, {} AS c3, rc.relname AS c4, {} AS c5, CAST(con.confdeltype AS TEXT) AS c6, pg_catalog.pg_get_expr(con.conbin, con.conrelid) AS c7, \
             CAST(con.confupdtype AS TEXT) AS c8, CASE WHEN con.condeferred THEN 'deferred' WHEN con.condeferrable THEN 'deferrable' END AS c9 \
             FROM pg_catalog.pg_constraint con LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid \
             WHERE con.conrelid = {rel} AND con.contype IN ('p', 'u', 'f', 'c')",
            attnames("con.conkey", "con.conrelid"),
            attnames("con.confkey", "con.confrelid")
        ),
        10,
    )? {
        let columns = split_list(c[3].as_deref());
        let kind = match text(&c, 1) {
            "p" => ConstraintKind::PrimaryKey { columns },
            "u" => ConstraintKind::Unique { columns },
            "f" => ConstraintKind::ForeignKey {
                columns,
                ref_table: text(&c, 4).to_string(),
                ref_columns: split_list(c[5].as_deref()),
                on_delete: action(text(&c, 6)),
                on_update: action(text(&c, 8)),
                deferrable: match text(&c, 9) {
                    "deferred" => Deferrable::InitiallyDeferred,
                    "deferrable" => Deferrable::InitiallyImmediate,
                    _ => Deferrable::NotDeferrable,
                },
            },
            _ => ConstraintKind::Check {
                expr: text(&c, 7).to_string(),
            },
        };
        table.constraints.insert(
            text(&c, 0).to_string(),
            Constraint {
                kind,
                valid: text(&c, 2) == "true",
            },
        );
    }
    Ok(table)
}

/// A foreign key action from its `pg_constraint` letter.
fn action(letter: &str) -> Action {
    parse_action(match letter {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    })
}
