//! One original migration into godwit's: its SQL read statement by
//! statement, each written as the DSL ops that do exactly the same where
//! there are such ops, as `op.execute` with the statement as written
//! otherwise; and the module's source.

use std::fmt::Write as _;

use godwit_core::model::{ColumnChange, DefaultValue, Op};
use godwit_core::schema::Schema;
use godwit_core::sql_text;
use godwit_core::translate::{self, Meaning};

use super::sources::Original;
use super::Tool;
use crate::dialect::{Dialect, Statement};

/// One statement of a body: DSL ops, or the statement as written.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Piece {
    /// Ops that do exactly what the statement did.
    Ops(Vec<Op>),
    /// A statement kept as written (`op.execute`).
    Raw(String),
}

impl Piece {
    /// The ops this piece stands for in the model.
    pub(super) fn ops(&self) -> Vec<Op> {
        match self {
            Piece::Ops(ops) => ops.clone(),
            Piece::Raw(sql) => vec![Op::Execute {
                sql: sql.clone().into(),
            }],
        }
    }
}

/// The statements of `sql` as pieces, read on `schema` (the model before
/// them), which is left as they leave it.
pub(super) fn body(sql: &str, dialect: Dialect, schema: &mut Schema) -> Vec<Piece> {
    let syntax = dialect.syntax();
    let mut out = Vec::new();
    for text in sql_text::statements(sql, syntax) {
        let text = text.trim().trim_end_matches(';').trim();
        if text.is_empty() {
            continue;
        }
        let read = translate::read(text, syntax, schema);
        let piece = match read.as_slice() {
            [one] => match &one.meaning {
                Meaning::Ops(ops)
                    if !ops.is_empty()
                        && exact(ops, dialect, schema)
                        && !model_drops(text, dialect) =>
                {
                    match respelled(ops.clone(), text, dialect) {
                        Some(ops) => Piece::Ops(ops),
                        None => Piece::Raw(text.to_string()),
                    }
                }
                _ => Piece::Raw(text.to_string()),
            },
            _ => Piece::Raw(text.to_string()),
        };
        for op in piece.ops() {
            // What does not replay is the checker's to report, on the
            // migration as written.
            let _ = schema.apply(&op);
        }
        out.push(piece);
    }
    out
}

/// Whether `ops` say exactly what the statement said: every one of them
/// applies, and rendered for the backend and read back, they leave the
/// schema model as they do themselves. Nothing the model follows is lost on
/// the way; what it does not follow the reader calls opaque, and that
/// statement stays as written.
fn exact(ops: &[Op], dialect: Dialect, schema: &Schema) -> bool {
    let mut after = schema.clone();
    let mut rendered = Vec::new();
    for op in ops {
        let Ok(statements) = dialect.render(op, &after) else {
            return false;
        };
        for statement in statements {
            match statement {
                Statement::Sql(sql) => rendered.push(sql),
                _ => return false,
            }
        }
        if after.apply(op).is_err() {
            return false;
        }
    }
    let mut again = schema.clone();
    for statement in translate::read(&rendered.join(";\n"), dialect.syntax(), schema) {
        let Meaning::Ops(ops) = statement.meaning else {
            return false;
        };
        for op in &ops {
            if again.apply(op).is_err() {
                return false;
            }
        }
    }
    after.differences(&again).is_empty()
}

/// Whether the statement says something the model does not keep and godwit
/// would create otherwise, so that it must stay as written:
///
/// - a time type's precision other than godwit's: on PostgreSQL any
///   (`timestamp(3)`; godwit writes none), on MySQL and MariaDB any but 6
///   (`DATETIME` is seconds; godwit writes `DATETIME(6)`);
/// - an identity column `GENERATED ALWAYS` (godwit's are `BY DEFAULT`), or
///   with sequence options (`AS IDENTITY (START WITH 100)`);
/// - MySQL's `ON UPDATE CURRENT_TIMESTAMP` on a column.
fn model_drops(text: &str, dialect: Dialect) -> bool {
    let words: Vec<String> = sql_text::tokens(text, dialect.syntax())
        .filter(|t| !t.is_trivia())
        .map(|t| t.text.to_ascii_lowercase())
        .collect();
    let identity = words
        .windows(4)
        .any(|w| w[0] == "generated" && w[1] == "always" && w[2] == "as" && w[3] == "identity")
        || words.windows(2).any(|w| w[0] == "identity" && w[1] == "(");
    // MySQL's `ON UPDATE CURRENT_TIMESTAMP` on a column (not a foreign
    // key's `ON UPDATE CASCADE`).
    let on_update = words.windows(3).any(|w| {
        w[0] == "on"
            && w[1] == "update"
            && matches!(
                w[2].as_str(),
                "current_timestamp" | "now" | "localtimestamp" | "localtime"
            )
    });
    identity || on_update || time_precision_differs(&words, dialect)
}

/// [`model_drops`]'s time precisions, over the statement's words.
fn time_precision_differs(words: &[String], dialect: Dialect) -> bool {
    let types = ["timestamp", "timestamptz", "datetime", "time", "timetz"];
    words.iter().enumerate().any(|(i, w)| {
        if !types.contains(&w.as_str()) {
            return false;
        }
        let precision = match (words.get(i + 1), words.get(i + 2), words.get(i + 3)) {
            (Some(open), Some(p), Some(close)) if open == "(" && close == ")" => Some(p.as_str()),
            _ => None,
        };
        match dialect {
            Dialect::Postgres => precision.is_some(),
            Dialect::Mysql => precision != Some("6"),
            Dialect::Sqlite => false,
        }
    })
}

/// `ops` with the current time spelled as the statement spelled it, where
/// the database keeps the spelling: PostgreSQL stores `DEFAULT now()` as
/// `now()` and `DEFAULT CURRENT_TIMESTAMP` as `CURRENT_TIMESTAMP` (both
/// `now()` in the model, which `pg_dump` would tell apart). `None` when one
/// statement spells it both ways: which default had which is not known.
fn respelled(mut ops: Vec<Op>, text: &str, dialect: Dialect) -> Option<Vec<Op>> {
    if dialect != Dialect::Postgres {
        return Some(ops);
    }
    let words: Vec<String> = sql_text::tokens(text, dialect.syntax())
        .filter(|t| !t.is_trivia())
        .map(|t| t.text.to_ascii_lowercase())
        .collect();
    let now_calls = words
        .windows(2)
        .filter(|w| w[0] == "now" && w[1] == "(")
        .count();
    if now_calls == 0 {
        return Some(ops);
    }
    if words.iter().any(|w| w == "current_timestamp") {
        return None;
    }
    let spelled = |d: &mut Option<DefaultValue>| {
        if matches!(d, Some(DefaultValue::Now)) {
            *d = Some(DefaultValue::Sql("now()".into()));
        }
    };
    for op in &mut ops {
        match op {
            Op::CreateTable { columns, .. } => {
                for c in columns.to_mut() {
                    spelled(&mut c.default);
                }
            }
            Op::AddColumn { column, .. } => spelled(&mut column.default),
            Op::AlterColumn { changes, .. } => {
                for change in changes.to_mut() {
                    if let ColumnChange::SetDefault(d @ DefaultValue::Now) = change {
                        *d = DefaultValue::Sql("now()".into());
                    }
                }
            }
            _ => {}
        }
    }
    Some(ops)
}

/// The message of an imported migration: its name in words, with the tool
/// and version added where the name alone would be too vague a message.
pub(super) fn message(tool: Tool, original: &Original) -> String {
    let words = original
        .name
        .split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let tagged = format!("{} migration {}", tool.name(), original.version);
    if words.is_empty() {
        tagged
    } else if godwit_core::validate::vague_message(&words).is_none() {
        words
    } else {
        format!("{words} ({tagged})")
    }
}

/// A module name from a message that is not a Rust keyword.
pub(super) fn module_ident(message: &str) -> String {
    let name = crate::scaffold::module_name(message);
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "try", "type", "unsafe", "use", "where", "while", "abstract", "become", "box",
        "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield",
    ];
    if KEYWORDS.contains(&name.as_str()) {
        format!("m_{name}")
    } else {
        name
    }
}

/// What the module says of itself besides its bodies.
pub(super) struct Header<'a> {
    pub(super) tool: Tool,
    pub(super) original: &'a Original,
    pub(super) revision: &'a str,
    pub(super) down_revision: Option<&'a str>,
    pub(super) message: &'a str,
    pub(super) module: &'a str,
    pub(super) irreversible: Option<&'a str>,
    /// The original down migration, kept for the user to mend when it does
    /// not undo the upgrade or the checker refuses it.
    pub(super) unmatched_down: Option<(&'a [Piece], super::KeptDown)>,
}

/// The source of the migration's file.
pub(super) fn module_source(h: &Header<'_>, up: &[Piece], down: Option<&[Piece]>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Imported from {}: {}",
        h.tool.name(),
        h.original.path.display()
    );
    let _ = writeln!(s, "use godwit::migration;\n");
    let _ = writeln!(s, "#[migration(");
    let _ = writeln!(s, "    revision = {:?},", h.revision);
    if let Some(down) = h.down_revision {
        let _ = writeln!(s, "    down_revision = {down:?},");
    }
    let _ = writeln!(s, "    message = {:?},", h.message);
    let _ = writeln!(s, "    imported = {:?},", h.tool.name());
    if !h.original.transaction {
        let _ = writeln!(s, "    transaction = false,");
    }
    if let Some(why) = h.irreversible {
        let _ = writeln!(s, "    irreversible = {why:?},");
    }
    let _ = writeln!(s, ")]");
    let _ = writeln!(s, "pub mod {} {{", h.module);
    let _ = writeln!(s, "    use godwit::dsl::*;\n");
    function(&mut s, "upgrade", up, "");
    if let Some(down) = down {
        s.push('\n');
        function(&mut s, "downgrade", down, "");
    }
    if let Some((unmatched, why)) = h.unmatched_down {
        let why = match why {
            super::KeptDown::Unmatched => "which does not undo the upgrade",
            super::KeptDown::Refused => "which the checker refuses (see `irreversible`)",
        };
        let _ = writeln!(
            s,
            "\n    // The original down migration, {why}:\n    \
             // mend it, uncomment it and remove `irreversible`, or keep the\n    \
             // migration one-way."
        );
        function(&mut s, "downgrade", unmatched, "// ");
    }
    let _ = writeln!(s, "}}");
    s
}

fn function(s: &mut String, name: &str, pieces: &[Piece], prefix: &str) {
    // An empty body (a down migration of comments only) does not use `op`:
    // named `_op`, it compiles without an unused-variable warning.
    let op = if pieces.is_empty() { "_op" } else { "op" };
    let _ = writeln!(s, "    {prefix}pub fn {name}({op}: &mut Ops) {{");
    for piece in pieces {
        let text = match piece {
            Piece::Ops(ops) => ops.iter().map(|op| format!("{op};\n")).collect(),
            // Written as it is: indenting the lines of the literal would
            // change the statement (a string spanning lines, a function body).
            Piece::Raw(sql) if prefix.is_empty() => {
                let _ = writeln!(s, "        op.execute({});", string_literal(sql));
                continue;
            }
            Piece::Raw(sql) => format!("op.execute({});\n", string_literal(sql)),
        };
        for line in text.lines() {
            if line.is_empty() && prefix.is_empty() {
                s.push('\n');
            } else if prefix.is_empty() {
                let _ = writeln!(s, "        {line}");
            } else {
                let _ = writeln!(s, "    {prefix}    {line}");
            }
        }
    }
    let _ = writeln!(s, "    {prefix}}}");
}

/// The SQL as a Rust string literal that keeps its lines: a raw string
/// with as many `#` as it needs, or an escaped one for a lone carriage
/// return, which a raw string cannot hold.
fn string_literal(sql: &str) -> String {
    let sql = sql.replace("\r\n", "\n");
    if sql.contains('\r') {
        return format!("{sql:?}");
    }
    let mut hashes = String::from("#");
    while sql.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{sql}\"{hashes}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original(name: &str) -> Original {
        Original {
            version: "20150101000000".into(),
            name: name.into(),
            up: String::new(),
            down: None,
            transaction: true,
            path: "m".into(),
        }
    }

    #[test]
    fn messages_keep_the_name_and_stay_specific() {
        assert_eq!(
            message(Tool::Diesel, &original("create_users_table")),
            "create users table"
        );
        assert_eq!(
            message(Tool::Diesel, &original("init")),
            "init (diesel migration 20150101000000)"
        );
        assert_eq!(
            message(Tool::Sqlx, &original("")),
            "sqlx migration 20150101000000"
        );
        assert_eq!(module_ident("type"), "m_type");
    }

    #[test]
    fn raw_strings_hold_any_statement() {
        assert_eq!(string_literal("SELECT 1"), "r#\"SELECT 1\"#");
        assert_eq!(string_literal("SELECT '\"#'"), "r##\"SELECT '\"#'\"##");
        assert_eq!(string_literal("a\rb"), "\"a\\rb\"");
    }

    #[test]
    fn dsl_where_exact_execute_otherwise() {
        let mut schema = Schema::new();
        let pieces = body(
            "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(255) NOT NULL);\n\
             -- a comment\n\
             INSERT INTO users VALUES (1, 'a@b');\n\
             CREATE INDEX users_email ON users (email);\n\
             GRANT SELECT ON users TO reader;",
            Dialect::Postgres,
            &mut schema,
        );
        assert_eq!(pieces.len(), 4, "{pieces:?}");
        assert!(matches!(&pieces[0], Piece::Ops(ops) if ops.len() == 1));
        assert!(matches!(&pieces[1], Piece::Raw(sql) if sql.starts_with("-- a comment\nINSERT")));
        assert!(matches!(&pieces[2], Piece::Ops(_)));
        assert!(matches!(&pieces[3], Piece::Raw(_)));
        assert!(schema.table("users").is_ok());
    }

    #[test]
    fn an_empty_body_does_not_use_op() {
        let mut s = String::new();
        function(&mut s, "downgrade", &[], "");
        assert_eq!(s, "    pub fn downgrade(_op: &mut Ops) {\n    }\n");
        let mut s = String::new();
        function(&mut s, "downgrade", &[Piece::Raw("SELECT 1".into())], "");
        assert!(s.starts_with("    pub fn downgrade(op: &mut Ops) {"), "{s}");
    }

    #[test]
    fn statements_over_several_lines_are_kept_as_written() {
        let sql = "INSERT INTO notes (body) VALUES ('two\n  lines')";
        let mut s = String::new();
        function(&mut s, "upgrade", &[Piece::Raw(sql.into())], "");
        assert!(s.contains(&format!("op.execute(r#\"{sql}\"#);")), "{s}");
    }

    #[test]
    fn the_current_time_keeps_its_spelling() {
        let read = |sql: &str| body(sql, Dialect::Postgres, &mut Schema::new());
        let now = read("CREATE TABLE t (a TIMESTAMP DEFAULT NOW())");
        assert!(
            matches!(&now[0], Piece::Ops(ops) if ops[0].to_string().contains("server_default(sql(\"now()\"))")),
            "{now:?}"
        );
        let standard = read("CREATE TABLE t (a TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
        assert!(
            matches!(&standard[0], Piece::Ops(ops) if ops[0].to_string().contains("server_default(now())")),
            "{standard:?}"
        );
        // Both spellings in one statement: which column had which is lost.
        let both = read(
            "CREATE TABLE t (a TIMESTAMP DEFAULT now(), b TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
        );
        assert!(matches!(&both[0], Piece::Raw(_)), "{both:?}");
    }

    #[test]
    fn what_the_model_drops_stays_as_written() {
        assert!(model_drops(
            "CREATE TABLE t (a TIMESTAMP(3))",
            Dialect::Postgres
        ));
        assert!(!model_drops(
            "CREATE TABLE t (a TIMESTAMP)",
            Dialect::Postgres
        ));
        assert!(model_drops("CREATE TABLE t (a DATETIME)", Dialect::Mysql));
        assert!(!model_drops(
            "CREATE TABLE t (a DATETIME(6))",
            Dialect::Mysql
        ));
        assert!(model_drops(
            "CREATE TABLE t (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY)",
            Dialect::Postgres
        ));
        assert!(model_drops(
            "CREATE TABLE t (id INT GENERATED BY DEFAULT AS IDENTITY (START WITH 9))",
            Dialect::Postgres
        ));
        assert!(!model_drops(
            "CREATE TABLE t (id INT GENERATED BY DEFAULT AS IDENTITY)",
            Dialect::Postgres
        ));
        let pieces = body(
            "CREATE TABLE t (a DATETIME NOT NULL)",
            Dialect::Mysql,
            &mut Schema::new(),
        );
        assert!(matches!(&pieces[0], Piece::Raw(_)), "{pieces:?}");
        assert!(model_drops(
            "CREATE TABLE w (seen DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
            Dialect::Mysql
        ));
        assert!(!model_drops(
            "CREATE TABLE c (p INT REFERENCES p (id) ON UPDATE CASCADE)",
            Dialect::Postgres
        ));
    }

    #[test]
    fn a_table_with_on_update_stays_as_written_and_the_model_has_it() {
        let mut schema = Schema::new();
        let pieces = body(
            "CREATE TABLE workers (id VARCHAR(36) PRIMARY KEY, \
             last_seen DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6));\n\
             CREATE TABLE jobs (id VARCHAR(36) PRIMARY KEY, lock_by VARCHAR(36), \
             FOREIGN KEY (lock_by) REFERENCES workers (id))",
            Dialect::Mysql,
            &mut schema,
        );
        assert!(matches!(&pieces[0], Piece::Raw(_)), "{pieces:?}");
        assert!(matches!(&pieces[1], Piece::Ops(_)), "{pieces:?}");
        assert!(schema.tables.contains_key("workers"));
    }

    #[test]
    fn default_null_is_no_default() {
        let mut schema = Schema::new();
        let pieces = body(
            "CREATE TABLE r (id BIGINT PRIMARY KEY, parent UUID DEFAULT NULL);\n\
             ALTER TABLE r ALTER COLUMN id SET DEFAULT NULL",
            Dialect::Postgres,
            &mut schema,
        );
        let parent = schema.tables["r"].column("parent").expect("a column");
        assert_eq!(parent.default, None);
        assert!(
            matches!(&pieces[1], Piece::Ops(ops) if ops[0].to_string().contains("drop_default")),
            "{pieces:?}"
        );
    }

    #[test]
    fn a_drop_of_several_objects_is_every_op_it_stands_for() {
        let mut schema = Schema::new();
        body(
            "CREATE TABLE t (id serial PRIMARY KEY, a int);\n\
             CREATE FUNCTION f1 (x numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT x $$;\n\
             CREATE FUNCTION touch () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
             CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch ();\n\
             CREATE VIEW v1 AS SELECT id, a FROM t;\n\
             CREATE VIEW v2 AS SELECT id FROM v1;",
            Dialect::Postgres,
            &mut schema,
        );
        let pieces = body(
            "DROP FUNCTION f1, touch CASCADE; DROP VIEW IF EXISTS v1, v2 CASCADE",
            Dialect::Postgres,
            &mut schema,
        );
        assert!(
            matches!(&pieces[..], [Piece::Ops(f), Piece::Ops(v)] if f.len() == 3 && v.len() == 2),
            "{pieces:?}"
        );
        assert!(schema.functions.is_empty() && schema.views.is_empty());
        assert!(schema.table("t").unwrap().triggers.is_empty());
        // A function's rename has no op: it stays as written, and is followed.
        let pieces = body(
            "CREATE FUNCTION f1 (x numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT x $$;\n\
             ALTER FUNCTION f1 (numeric) RENAME TO f2",
            Dialect::Postgres,
            &mut schema,
        );
        assert!(matches!(&pieces[1], Piece::Raw(_)), "{pieces:?}");
        assert_eq!(schema.functions.values().next().unwrap().name(), "f2");
    }
}
