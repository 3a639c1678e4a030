//! Drops of several objects in one statement, functions told apart as
//! PostgreSQL does, and the columns a view reads through its aliases.

use super::*;
use crate::schema::signature_key;

/// The model after `sql`, each statement read and applied in turn; the
/// first statement that does not read as ops, or whose ops do not apply,
/// is the error.
fn run(sql: &str, base: &Schema) -> Result<Schema, String> {
    let mut schema = base.clone();
    for text in sql_text::statements(sql, Syntax::Postgres) {
        let text = text.trim().trim_end_matches(';').trim();
        if text.is_empty() {
            continue;
        }
        match read_one(text, Syntax::Postgres, &schema).meaning {
            Meaning::Ops(ops) => {
                for op in &ops {
                    schema
                        .apply(op)
                        .map_err(|e| format!("`{text}`: {}", e.message))?;
                }
            }
            Meaning::Renames(renames) => {
                for r in &renames {
                    schema
                        .rename(r)
                        .map_err(|e| format!("`{text}`: {}", e.message))?;
                }
            }
            other => return Err(format!("`{text}`: {other:?}")),
        }
    }
    Ok(schema)
}

fn ops_of(sql: &str, base: &Schema) -> Vec<String> {
    match read_one(sql, Syntax::Postgres, base).meaning {
        Meaning::Ops(ops) => ops.iter().map(|o| format!("{o};")).collect(),
        other => vec![format!("{other:?}")],
    }
}

const FUNCTIONS: &str = "
    CREATE TABLE t (id serial PRIMARY KEY, a int);
    CREATE FUNCTION f1 (x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x $$;
    CREATE FUNCTION f2 (x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x $$;
    CREATE FUNCTION touch () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch ();
    CREATE TRIGGER t_touch2 AFTER INSERT ON t FOR EACH ROW EXECUTE PROCEDURE touch ()";

#[test]
fn drop_function_drops_every_name_of_its_list() {
    let base = run(FUNCTIONS, &Schema::new()).unwrap();
    assert_eq!(
        ops_of("DROP FUNCTION f1, f2 (numeric)", &base),
        [
            r#"op.drop_function("f1 (x numeric)");"#,
            r#"op.drop_function("f2 (numeric)");"#
        ]
    );
    // CASCADE takes the triggers running a function with it.
    let after = run(
        "DROP FUNCTION IF EXISTS f1, nope, touch, f2 (x numeric) CASCADE",
        &base,
    )
    .unwrap();
    assert!(after.functions.is_empty(), "{:?}", after.functions);
    assert!(after.tables["t"].triggers.is_empty());
    // Without CASCADE a trigger still running it keeps it.
    let refused = run("DROP FUNCTION f1, touch", &base).unwrap_err();
    assert!(refused.contains("trigger"), "{refused}");
    // A name without arguments is its one function; of two, which one
    // is not known.
    let two = run(
        "CREATE FUNCTION f1 (x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$",
        &base,
    )
    .unwrap();
    assert!(ops_of("DROP FUNCTION f2, f1", &two)[0].starts_with("Opaque"));
    // What was never there is the replay's to report, unless IF EXISTS.
    assert!(run("DROP FUNCTION f1, nope", &base)
        .unwrap_err()
        .contains("does not exist"));
    assert_eq!(
        ops_of("DROP FUNCTION IF EXISTS nope, nada (int)", &base),
        Vec::<String>::new()
    );
}

#[test]
fn a_function_is_its_name_and_input_types() {
    use crate::schema::signature_key as key;
    for (a, b) in [
        (
            "hot_rank (numeric, published timestamp with time zone)",
            "hot_rank(NUMERIC, timestamptz)",
        ),
        (
            "controversy_rank (upvotes numeric, downvotes numeric)",
            "controversy_rank(numeric,numeric)",
        ),
        (
            "public.f (IN a int4, OUT b text, c int DEFAULT 1)",
            "f(integer, integer)",
        ),
        (
            "f (a inout int, b varchar(20) = 'x')",
            "f(int, character varying)",
        ),
        (
            "f (x double precision, timestamp(3) without time zone)",
            "f(float8, timestamp)",
        ),
        ("f (VARIADIC xs int[])", "f(integer[])"),
        ("\"Touch\" ()", "\"Touch\"()"),
    ] {
        assert_eq!(key(a), key(b), "{a} / {b}");
    }
    assert_ne!(key("f (int)"), key("f (bigint)"));
    assert_ne!(key("f (int)"), key("g (int)"));
    assert_ne!(key("\"Touch\" ()"), key("touch ()"));
    // As written in a history: created with argument names, dropped with
    // types only, and the other way round.
    let base = run(
        "CREATE FUNCTION f3 (up numeric, down numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT up $$",
        &Schema::new(),
    )
    .unwrap();
    let after = run("DROP FUNCTION f3 (numeric, numeric)", &base).unwrap();
    assert!(after.functions.is_empty());
    let after = run(
        "CREATE OR REPLACE FUNCTION f3 (a numeric, b numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT b $$;
         DROP FUNCTION f3 (x numeric, y numeric)",
        &base,
    )
    .unwrap();
    assert!(after.functions.is_empty());
    assert!(run(
        "CREATE FUNCTION f3 (numeric, numeric) RETURNS numeric LANGUAGE sql AS $$ SELECT 1 $$",
        &base
    )
    .unwrap_err()
    .contains("already exists"));
}

const VIEWS: &str = "
    CREATE TABLE t (id serial PRIMARY KEY, a int, deleted boolean);
    CREATE TABLE u (id serial PRIMARY KEY, t_id int REFERENCES t (id), deleted boolean);
    CREATE VIEW v1 AS SELECT id, a FROM t;
    CREATE VIEW v2 AS SELECT x.id, x.a FROM v1 x;
    CREATE MATERIALIZED VIEW m1 AS SELECT id FROM u;
    CREATE MATERIALIZED VIEW m2 AS SELECT id FROM m1";

#[test]
fn drop_of_a_list_does_not_look_again_for_what_went_with_an_earlier_name() {
    let base = run(VIEWS, &Schema::new()).unwrap();
    for sql in [
        "DROP VIEW IF EXISTS v1, v2 CASCADE",
        "DROP VIEW v1, v2 CASCADE",
        "DROP VIEW v2, v1",
        // Without CASCADE, dependents in the same list may go together.
        "DROP VIEW v1, v2",
    ] {
        let after = run(sql, &base).unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(after.views.keys().all(|v| v.starts_with('m')), "{sql}");
    }
    assert_eq!(
        ops_of("DROP VIEW IF EXISTS v1, v2 CASCADE", &base),
        [
            r#"op.drop_view("v2");"#,
            r#"op.drop_view("v1").if_exists();"#
        ]
    );
    // A dependent outside the list still forbids the drop.
    assert!(run("DROP VIEW v1", &base).unwrap_err().contains("v2"));
    let after = run("DROP MATERIALIZED VIEW m1, m2", &base).unwrap();
    assert!(after.views.keys().all(|v| v.starts_with('v')));
    let after = run("DROP TABLE IF EXISTS u, t CASCADE", &base).unwrap();
    assert!(after.tables.is_empty() && after.views.is_empty());
    let after = run("DROP TABLE t, u CASCADE", &base).unwrap();
    assert!(after.tables.is_empty() && after.views.is_empty());
    assert!(run("DROP TABLE t, nope", &base)
        .unwrap_err()
        .contains("nope"));
}

#[test]
fn a_view_reads_the_columns_of_what_its_aliases_stand_for() {
    let base = run(
        "CREATE TABLE community (id serial PRIMARY KEY, deleted boolean, name text);
         CREATE TABLE user_ (id serial PRIMARY KEY, name text);
         CREATE VIEW community_view AS SELECT c.id, c.deleted, u.name AS creator
             FROM community c JOIN user_ u ON u.id = c.id;
         ALTER TABLE user_ ADD COLUMN deleted boolean",
        &Schema::new(),
    )
    .unwrap();
    // `c.deleted` is `community.deleted`, not `user_.deleted`.
    run("ALTER TABLE user_ DROP COLUMN deleted", &base).unwrap();
    assert!(run("ALTER TABLE community DROP COLUMN deleted", &base)
        .unwrap_err()
        .contains("community_view"));
    let reads = |query: &str, table: &str, column: &str, tables: &[&str]| {
        reads_column(query, table, column, |r| tables.contains(&r))
    };
    let q = "SELECT c.id, deleted, x.name AS n FROM community AS c, (SELECT name FROM user_) x";
    assert!(reads(q, "community", "deleted", &["community"]));
    // A bare name that two tables have could be either: not claimed.
    assert!(!reads(q, "community", "deleted", &["community", "user_"]));
    // `x` stands for a derived table, `n` names an output column.
    assert!(!reads(q, "user_", "name", &["community"]));
    assert!(!reads(q, "community", "n", &[]));
    assert!(reads(
        "SELECT community.name FROM community",
        "community",
        "name",
        &[]
    ));
    assert!(reads(
        "SELECT public.community.name FROM public.community",
        "community",
        "name",
        &[]
    ));
    // `*` took the columns there were when the view was created.
    assert!(!reads(
        "SELECT * FROM community",
        "community",
        "name",
        &["community"]
    ));
}

#[test]
fn a_table_out_of_sight_stays_so_under_its_new_name() {
    let mut schema = Schema::new();
    let execute = |sql: &str| crate::model::Op::Execute {
        sql: sql.to_string().into(),
    };
    schema
        .apply(&execute("CREATE TABLE t AS SELECT 1 AS a"))
        .unwrap();
    schema
        .apply(&execute(
            "ALTER TABLE t RENAME TO u; ALTER TABLE u RENAME COLUMN a TO b",
        ))
        .unwrap();
}

#[test]
fn a_renamed_function_keeps_its_triggers() {
    let base = run(FUNCTIONS, &Schema::new()).unwrap();
    let after = run(
        "ALTER TRIGGER t_touch ON public.t RENAME TO t_touch_renamed;
         ALTER FUNCTION touch () RENAME TO touch_renamed;
         ALTER FUNCTION f1 RENAME TO \"F1\"",
        &base,
    )
    .unwrap();
    let t = &after.tables["t"];
    assert!(t.triggers.contains_key("t_touch_renamed") && !t.triggers.contains_key("t_touch"));
    assert!(t
        .triggers
        .values()
        .all(|tr| tr.function().as_deref() == Some("touch_renamed")));
    assert!(after
        .functions
        .contains_key(&signature_key("\"F1\" (numeric)")));
    // Dropped by its new name, it takes its triggers with it.
    let after = run("DROP FUNCTION touch_renamed, \"F1\" CASCADE", &after).unwrap();
    assert!(after.tables["t"].triggers.is_empty());
    assert_eq!(after.functions.len(), 1);
    // What the model does not know stays opaque; other changes are not renames.
    for sql in [
        "ALTER FUNCTION nope () RENAME TO other",
        "ALTER TRIGGER nope ON t RENAME TO other",
    ] {
        assert!(ops_of(sql, &base)[0].starts_with("Opaque"), "{sql}");
    }
    assert!(!matches!(
        read_one(
            "ALTER FUNCTION f1 (numeric) OWNER TO someone",
            Syntax::Postgres,
            &base
        )
        .meaning,
        Meaning::Renames(_)
    ));
}

#[test]
fn execute_procedure_is_execute_function() {
    let base = run(FUNCTIONS, &Schema::new()).unwrap();
    let again = run(
        "DROP TRIGGER t_touch2 ON t;
         CREATE TRIGGER t_touch2 AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch ()",
        &base,
    )
    .unwrap();
    assert!(base.differences(&again).is_empty());
    let other = run(
        "DROP TRIGGER t_touch2 ON t;
         CREATE TRIGGER t_touch2 AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch ()",
        &base,
    )
    .unwrap();
    assert!(!base.differences(&other).is_empty());
}
