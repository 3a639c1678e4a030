//! MySQL and MariaDB: `GET_LOCK` on a name holding the database's name (the
//! lock is server-wide); introspection reads `information_schema`.

use diesel::mysql::MysqlConnection;
use godwit_core::schema::{primary_key_name, Constraint, ConstraintKind, Index, Schema, Table};
use godwit_core::{Deferrable, IndexKey, IndexMethod};

use super::{lock_query, lock_taken, parse_action, parse_type, read_tables, text, Database};
use crate::dialect::Dialect;
use crate::runner::Options;
use crate::Error;

const LOCK_NAME: &str = "CONCAT('godwit.', DATABASE())";

impl Database for MysqlConnection {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    super::text_queries!(MysqlConnection);

    fn lock(&mut self, options: &Options) -> Result<(), Error> {
        let secs = options.lock_wait.as_secs().max(1);
        let answer = lock_query(
            self,
            &format!("SELECT CAST(GET_LOCK({LOCK_NAME}, {secs}) AS CHAR) AS c0"),
            "taking the migration lock (GET_LOCK)",
        )?;
        lock_taken(answer.as_deref() == Some("1"), Dialect::Mysql, options)
    }

    fn unlock(&mut self) -> Result<(), Error> {
        let sql = format!("SELECT CAST(RELEASE_LOCK({LOCK_NAME}) AS CHAR) AS c0");
        lock_query(self, &sql, "releasing the migration lock (RELEASE_LOCK)").map(drop)
    }

    fn introspect(&mut self) -> Result<Schema, Error> {
        // MySQL 8.0.13+ keeps an expression key's text in STATISTICS.EXPRESSION;
        // MariaDB has no expression keys, nor the column.
        let expression = self
            .query(STATISTICS_EXPRESSION, 1)
            .map_err(|e| Error::database("reading the MySQL schema", e))?
            .first()
            .is_some_and(|r| text(r, 0) != "0");
        read_tables(self, TABLES, 1, |db, name, _| {
            read_table(db, name, expression)
        })
    }
}

/// A foreign key read from its rows: name, columns, referenced table,
/// referenced columns, ON DELETE and ON UPDATE rules.
type ForeignKeyRows = (String, Vec<String>, String, Vec<String>, String, String);

/// An index read from its rows: name, unique, keys, method.
type IndexRows = (String, bool, Vec<IndexKey>, Option<IndexMethod>);

/// Whether `information_schema.STATISTICS` has the column `EXPRESSION`, in `c0`.
const STATISTICS_EXPRESSION: &str = "SELECT CAST(COUNT(*) AS CHAR) AS c0 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS' AND COLUMN_NAME = 'EXPRESSION'";

fn lit(s: &str) -> String {
    Dialect::Mysql.string_literal(s)
}

/// The tables of the database, in `c0`.
const TABLES: &str = "SELECT CAST(TABLE_NAME AS CHAR) AS c0 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";

/// One table.
fn read_table(
    db: &mut MysqlConnection,
    name: &str,
    has_expression: bool,
) -> diesel::QueryResult<Table> {
    let mut table = Table::default();
    let where_table = format!("TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {}", lit(name));
    for c in db.query(
        &format!(
            "SELECT CAST(COLUMN_NAME AS CHAR) AS c0, CAST(COLUMN_TYPE AS CHAR) AS c1, CAST(IS_NULLABLE AS CHAR) AS c2, CAST(COLUMN_DEFAULT AS CHAR) AS c3, CAST(EXTRA AS CHAR) AS c4, CAST(GENERATION_EXPRESSION AS CHAR) AS c5 \
             FROM information_schema.COLUMNS WHERE {where_table} ORDER BY ORDINAL_POSITION"
        ),
        6,
    )? {
        let cname = text(&c, 0).to_string();
        let ty = parse_type(Dialect::Mysql, text(&c, 1));
        let extra = text(&c, 4).to_ascii_lowercase();
        // "VIRTUAL GENERATED" or "STORED GENERATED" (MariaDB and MySQL).
        let generated = extra
            .contains("generated")
            .then(|| godwit_core::Generated {
                expr: text(&c, 5).to_string().into(),
                stored: extra.contains("stored"),
            });
        // MariaDB reports "no default" on a nullable column as the text NULL.
        let default = c[3]
            .as_ref()
            .filter(|d| !d.eq_ignore_ascii_case("null") && generated.is_none())
            .map(|d| godwit_core::DefaultValue::Sql(d.clone().into()));
        table.columns.push(godwit_core::schema::ColumnState {
            name: cname,
            ty,
            nullable: text(&c, 2) == "YES",
            default,
            autoincrement: extra.contains("auto_increment"),
            serial: false,
            generated,
            deprecated: false,
            marked_deprecated: false,
        });
    }
    let mut fk_names = Vec::new();
    let mut fks: Vec<ForeignKeyRows> = Vec::new();
    for f in db.query(
        &format!(
            "SELECT CAST(k.CONSTRAINT_NAME AS CHAR) AS c0, CAST(k.COLUMN_NAME AS CHAR) AS c1, CAST(k.REFERENCED_TABLE_NAME AS CHAR) AS c2, CAST(k.REFERENCED_COLUMN_NAME AS CHAR) AS c3, CAST(r.DELETE_RULE AS CHAR) AS c4, CAST(r.UPDATE_RULE AS CHAR) AS c5 \
             FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
             ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = {} AND k.REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            lit(name)
        ),
        6,
    )? {
        let cname = text(&f, 0).to_string();
        match fks.last_mut() {
            Some(g) if g.0 == cname => {
                g.1.push(text(&f, 1).to_string());
                g.3.push(text(&f, 3).to_string());
            }
            _ => fks.push((
                cname,
                vec![text(&f, 1).to_string()],
                text(&f, 2).to_string(),
                vec![text(&f, 3).to_string()],
                text(&f, 4).to_string(),
                text(&f, 5).to_string(),
            )),
        }
    }
    for (cname, columns, ref_table, ref_columns, delete, update) in fks {
        fk_names.push(cname.clone());
        table.constraints.insert(
            cname,
            Constraint {
                kind: ConstraintKind::ForeignKey {
                    columns,
                    ref_table,
                    ref_columns,
                    on_delete: parse_action(&delete),
                    on_update: parse_action(&update),
                    deferrable: Deferrable::NotDeferrable,
                },
                valid: true,
            },
        );
    }
    let mut indexes: Vec<IndexRows> = Vec::new();
    let expression = if has_expression {
        "CAST(EXPRESSION AS CHAR)"
    } else {
        "NULL"
    };
    for i in db.query(
        &format!(
            "SELECT CAST(INDEX_NAME AS CHAR) AS c0, CAST(NON_UNIQUE AS CHAR) AS c1, CAST(COLUMN_NAME AS CHAR) AS c2, \
             CAST(COLLATION AS CHAR) AS c3, CAST(INDEX_TYPE AS CHAR) AS c4, {expression} AS c5 \
             FROM information_schema.STATISTICS WHERE {where_table} ORDER BY INDEX_NAME, SEQ_IN_INDEX"
        ),
        6,
    )? {
        let iname = text(&i, 0).to_string();
        // A key with no column is an expression (MySQL 8.0.13+).
        let key = IndexKey {
            descending: text(&i, 3) == "D",
            ..match &i[2] {
                Some(column) => IndexKey::column(column.clone()),
                None => IndexKey {
                    expression: true,
                    ..IndexKey::column(text(&i, 5).to_string())
                },
            }
        };
        match indexes.last_mut() {
            Some(g) if g.0 == iname => g.2.push(key),
            _ => indexes.push((
                iname,
                text(&i, 1) == "0",
                vec![key],
                IndexMethod::from_name(text(&i, 4)),
            )),
        }
    }
    for (iname, unique, keys, method) in indexes {
        let columns = || keys.iter().map(|k| k.target.to_string()).collect();
        if iname == "PRIMARY" {
            table.constraints.insert(
                primary_key_name(name),
                Constraint {
                    kind: ConstraintKind::PrimaryKey { columns: columns() },
                    valid: true,
                },
            );
        } else if fk_names.contains(&iname) {
            // The index the server made for a foreign key that had none.
        } else {
            table.indexes.insert(
                iname,
                Index {
                    keys,
                    unique,
                    predicate: None,
                    method,
                    include: Vec::new(),
                },
            );
        }
    }
    let column_names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    for c in db.query(
        &format!(
            "SELECT CAST(c.CONSTRAINT_NAME AS CHAR) AS c0, CAST(c.CHECK_CLAUSE AS CHAR) AS c1 \
             FROM information_schema.TABLE_CONSTRAINTS t JOIN information_schema.CHECK_CONSTRAINTS c \
             ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME \
             WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = {} AND t.CONSTRAINT_TYPE = 'CHECK'",
            lit(name)
        ),
        2,
    )? {
        let cname = text(&c, 0).to_string();
        let clause = text(&c, 1).to_string();
        // MariaDB's JSON columns are LONGTEXT with a check named after the
        // column, `json_valid(`column`)`; a rename of the column renames it
        // in the check and leaves the name as it was.
        let lower = clause.to_ascii_lowercase();
        let validated = lower
            .strip_prefix("json_valid(")
            .and_then(|rest| rest.strip_suffix(')'))
            .map(|c| c.trim().trim_matches('`'));
        if column_names.contains(&cname) && lower.starts_with("json_valid")
            || validated.is_some_and(|v| column_names.iter().any(|c| c.eq_ignore_ascii_case(v)))
        {
            continue;
        }
        table.constraints.insert(
            cname,
            Constraint {
                kind: ConstraintKind::Check { expr: clause },
                valid: true,
            },
        );
    }
    Ok(table)
}
