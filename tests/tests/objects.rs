//! Views, materialized views, functions, triggers, extensions and comments go up and down on
//! every backend that has them: after each step the catalog holds exactly
//! what the model does, each view can be read and each trigger fires; a
//! view or trigger survives SQLite's rebuild of its table.

use godwit::{AnyConnection, Database, Dialect, MigrationSet, Target};
use godwit_tests::{
    Backend, TestDb, COMMENTS, EXTENSIONS, IF_EXISTS, MATERIALIZED_VIEWS, TRIGGERS_MYSQL,
    TRIGGERS_POSTGRES, TRIGGERS_SQLITE, VIEWS,
};

/// The views (`false`) and materialized views (`true`) the catalog holds,
/// by name.
fn catalog_views(conn: &mut AnyConnection) -> Vec<(String, bool)> {
    let sql = match conn.dialect() {
        Dialect::Postgres => "SELECT viewname AS c0, 'f' AS c1 FROM pg_catalog.pg_views WHERE schemaname = current_schema() UNION ALL SELECT matviewname, 't' FROM pg_catalog.pg_matviews WHERE schemaname = current_schema() ORDER BY 1",
        Dialect::Mysql => "SELECT CAST(TABLE_NAME AS CHAR) AS c0, 'f' AS c1 FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
        Dialect::Sqlite => "SELECT name AS c0, 'f' AS c1 FROM sqlite_master WHERE type = 'view' ORDER BY 1",
    };
    conn.query(sql, 2)
        .expect("the catalog answers")
        .into_iter()
        .map(|r| {
            (
                r[0].clone().unwrap_or_default(),
                r[1].as_deref() == Some("t"),
            )
        })
        .collect()
}

/// The number of rows of `view`, read through it.
fn rows_of(conn: &mut AnyConnection, view: &str) -> u64 {
    let text = match conn.dialect() {
        Dialect::Mysql => "CHAR",
        Dialect::Postgres | Dialect::Sqlite => "TEXT",
    };
    let sql = format!(
        "SELECT CAST(count(*) AS {text}) AS c0 FROM {}",
        conn.dialect().quote(view)
    );
    let rows = conn
        .query(&sql, 1)
        .unwrap_or_else(|e| panic!("reading {view}: {e}"));
    rows[0][0].as_deref().unwrap_or("0").parse().unwrap()
}

/// Every migration of `set` up, then down: after each step the catalog's
/// views are the model's, and each reads.
fn round_trip(db: &TestDb, set: &MigrationSet) {
    let mut conn = db.connect();
    let d = conn.dialect();
    let same = |conn: &mut AnyConnection, k: usize, when: &str| {
        let model = set.schema_at(k).expect("the set replays");
        let expected: Vec<(String, bool)> = model
            .views
            .iter()
            .map(|(n, v)| (n.clone(), v.materialized))
            .collect();
        assert_eq!(catalog_views(conn), expected, "{when} on {d}");
        for name in model.views.keys() {
            rows_of(conn, name);
        }
    };
    for k in 1..=set.len() {
        set.upgrade(&mut conn, Target::Relative(1))
            .unwrap_or_else(|e| panic!("upgrading to {k} on {d}: {e}"));
        same(&mut conn, k, &format!("after upgrading to {k}"));
        set.check_drift(&mut conn).unwrap();
    }
    for k in (0..set.len()).rev() {
        set.downgrade(&mut conn, Target::Relative(-1))
            .unwrap_or_else(|e| panic!("downgrading to {k} on {d}: {e}"));
        same(&mut conn, k, &format!("after downgrading to {k}"));
    }
    assert!(catalog_views(&mut conn).is_empty());
}

fn views_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "views") else {
        return;
    };
    round_trip(&db, &VIEWS);
    // At head, the views read the rows of the rebuilt table.
    let mut conn = db.connect();
    VIEWS.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(rows_of(&mut conn, "karma_accounts"), 1);
    assert_eq!(rows_of(&mut conn, "karma_emails"), 1);
}

#[test]
fn views_on_sqlite() {
    views_on(Backend::Sqlite);
}

#[test]
fn views_on_postgres() {
    views_on(Backend::Postgres);
}

#[test]
fn views_on_mysql() {
    views_on(Backend::Mysql);
}

#[test]
fn materialized_views_on_postgres() {
    let Some(db) = TestDb::create(Backend::Postgres, "materialized_views") else {
        return;
    };
    round_trip(&db, &MATERIALIZED_VIEWS);
    let mut conn = db.connect();
    MATERIALIZED_VIEWS.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(rows_of(&mut conn, "player_totals"), 2);
    let index = conn
        .query(
            "SELECT indexdef AS c0 FROM pg_catalog.pg_indexes WHERE indexname = 'player_totals_player'",
            1,
        )
        .unwrap();
    assert_eq!(
        index[0][0].as_deref(),
        Some(
            "CREATE UNIQUE INDEX player_totals_player ON public.player_totals USING btree (player)"
        )
    );
}

/// MySQL and SQLite have no materialized views: rendering refuses them.
#[test]
fn materialized_views_are_refused_without_them() {
    for d in [Dialect::Mysql, Dialect::Sqlite] {
        let err = MATERIALIZED_VIEWS
            .sql(d, Target::Base, Target::Head)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no materialized views"), "{d}: {err}");
    }
}

/// The triggers (`table.name`) and functions (`name`) the catalog holds.
fn catalog_routines(conn: &mut AnyConnection) -> (Vec<String>, Vec<String>) {
    let (triggers, functions) = match conn.dialect() {
        Dialect::Postgres => (
            "SELECT CAST(c.relname || '.' || t.tgname AS TEXT) AS c0 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY 1",
            Some("SELECT CAST(p.proname AS TEXT) AS c0 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() ORDER BY 1"),
        ),
        Dialect::Mysql => (
            "SELECT CAST(CONCAT(EVENT_OBJECT_TABLE, '.', TRIGGER_NAME) AS CHAR) AS c0 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1",
            Some("SELECT CAST(ROUTINE_NAME AS CHAR) AS c0 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1"),
        ),
        Dialect::Sqlite => (
            "SELECT tbl_name || '.' || name AS c0 FROM sqlite_master WHERE type = 'trigger' ORDER BY 1",
            None,
        ),
    };
    let mut names = |sql: &str| -> Vec<String> {
        conn.query(sql, 1)
            .expect("the catalog answers")
            .into_iter()
            .map(|r| r[0].clone().unwrap_or_default())
            .collect()
    };
    let t = names(triggers);
    let f = functions.map(&mut names).unwrap_or_default();
    (t, f)
}

/// Up and down, comparing the catalog's triggers and functions with the
/// model's after each step; at head, an update of a note fires the trigger.
fn triggers_on(backend: Backend, set: &MigrationSet) {
    let Some(db) = TestDb::create(backend, "triggers") else {
        return;
    };
    let mut conn = db.connect();
    let d = conn.dialect();
    let same = |conn: &mut AnyConnection, k: usize| {
        let model = set.schema_at(k).expect("the set replays");
        let triggers: Vec<String> = model
            .tables
            .iter()
            .flat_map(|(t, table)| table.triggers.keys().map(move |n| format!("{t}.{n}")))
            .collect();
        let functions: Vec<String> = model.functions.values().map(|f| f.name()).collect();
        assert_eq!(
            catalog_routines(conn),
            (triggers, functions),
            "at {k} on {d}"
        );
    };
    for k in 1..=set.len() {
        set.upgrade(&mut conn, Target::Relative(1))
            .unwrap_or_else(|e| panic!("upgrading to {k} on {d}: {e}"));
        same(&mut conn, k);
        set.check_drift(&mut conn).unwrap();
    }
    conn.execute("INSERT INTO notes (id, body) VALUES (1, 'a')")
        .unwrap();
    conn.execute("UPDATE notes SET body = 'b' WHERE id = 1")
        .unwrap();
    conn.execute("UPDATE notes SET body = 'c' WHERE id = 1")
        .unwrap();
    let text = if d == Dialect::Mysql { "CHAR" } else { "TEXT" };
    let edits = conn
        .query(&format!("SELECT CAST(edits AS {text}) AS c0 FROM notes"), 1)
        .unwrap();
    assert_eq!(
        edits[0][0].as_deref(),
        Some("2"),
        "the trigger fired on {d}"
    );
    conn.execute("DELETE FROM notes").unwrap();
    for k in (0..set.len()).rev() {
        set.downgrade(&mut conn, Target::Relative(-1))
            .unwrap_or_else(|e| panic!("downgrading to {k} on {d}: {e}"));
        same(&mut conn, k);
    }
}

#[test]
fn triggers_on_sqlite() {
    triggers_on(Backend::Sqlite, &TRIGGERS_SQLITE);
}

#[test]
fn functions_and_triggers_on_postgres() {
    triggers_on(Backend::Postgres, &TRIGGERS_POSTGRES);
}

#[test]
fn functions_and_triggers_on_mysql() {
    triggers_on(Backend::Mysql, &TRIGGERS_MYSQL);
}

#[test]
fn extensions_on_postgres() {
    let Some(db) = TestDb::create(Backend::Postgres, "extensions") else {
        return;
    };
    let mut conn = db.connect();
    let installed = |conn: &mut AnyConnection| {
        conn.has_rows("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_trgm'")
            .unwrap()
    };
    EXTENSIONS.upgrade(&mut conn, Target::Head).unwrap();
    assert!(installed(&mut conn));
    EXTENSIONS.check_drift(&mut conn).unwrap();
    EXTENSIONS.downgrade(&mut conn, Target::Base).unwrap();
    assert!(!installed(&mut conn));
}

/// The comments of `invoices` and of `invoices.total`, as the catalog has them.
fn catalog_comments(conn: &mut AnyConnection) -> (Option<String>, Option<String>) {
    let sql = match conn.dialect() {
        Dialect::Postgres => "SELECT obj_description(CAST('invoices' AS regclass), 'pg_class') AS c0, col_description(CAST('invoices' AS regclass), 2) AS c1",
        Dialect::Mysql => "SELECT CAST(t.TABLE_COMMENT AS CHAR) AS c0, CAST(c.COLUMN_COMMENT AS CHAR) AS c1 FROM information_schema.TABLES t JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_NAME = 'invoices' AND c.COLUMN_NAME = 'total'",
        Dialect::Sqlite => return (None, None),
    };
    let row = conn.query(sql, 2).unwrap().remove(0);
    // MySQL says "no comment" with an empty one.
    let some = |c: &Option<String>| c.clone().filter(|c| !c.is_empty());
    (some(&row[0]), some(&row[1]))
}

fn comments_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "comments") else {
        return;
    };
    let mut conn = db.connect();
    let d = conn.dialect();
    let described = (
        Some("one per order, never deleted".to_string()),
        Some("in cents, it's tax included".to_string()),
    );
    let none = (None, None);
    let expected = |k: usize| match (d, k) {
        (Dialect::Sqlite, _) | (_, 1) => none.clone(),
        _ => described.clone(),
    };
    for k in 1..=COMMENTS.len() {
        COMMENTS.upgrade(&mut conn, Target::Relative(1)).unwrap();
        assert_eq!(catalog_comments(&mut conn), expected(k), "at {k} on {d}");
        COMMENTS.check_drift(&mut conn).unwrap();
    }
    for k in (1..COMMENTS.len()).rev() {
        COMMENTS.downgrade(&mut conn, Target::Relative(-1)).unwrap();
        assert_eq!(
            catalog_comments(&mut conn),
            expected(k),
            "back at {k} on {d}"
        );
    }
}

#[test]
fn comments_on_sqlite() {
    comments_on(Backend::Sqlite);
}

#[test]
fn comments_on_postgres() {
    comments_on(Backend::Postgres);
}

#[test]
fn comments_on_mysql() {
    comments_on(Backend::Mysql);
}

/// A table and index created `.if_not_exists()`, an index dropped
/// `.if_exists()`: up, compared with the model, and down again.
fn if_exists_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "if_exists") else {
        return;
    };
    let mut conn = db.connect();
    IF_EXISTS.upgrade(&mut conn, Target::Head).unwrap();
    IF_EXISTS.check_drift(&mut conn).unwrap();
    IF_EXISTS.downgrade(&mut conn, Target::Base).unwrap();
    assert!(conn.introspect().unwrap().tables.is_empty());
}

#[test]
fn if_exists_on_sqlite() {
    if_exists_on(Backend::Sqlite);
}

#[test]
fn if_exists_on_postgres() {
    if_exists_on(Backend::Postgres);
}

#[test]
fn if_exists_on_mysql() {
    if_exists_on(Backend::Mysql);
}

/// `check_drift` sees a view or trigger dropped by hand (by name: their SQL
/// is not compared).
#[test]
fn drift_of_views_and_triggers_is_seen() {
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::Mysql] {
        let Some(db) = TestDb::create(backend, "drift") else {
            continue;
        };
        let mut conn = db.connect();
        VIEWS.upgrade(&mut conn, Target::Head).unwrap();
        VIEWS.check_drift(&mut conn).unwrap();
        conn.execute("DROP VIEW karma_emails").unwrap();
        let err = VIEWS.check_drift(&mut conn).unwrap_err().to_string();
        assert!(
            err.contains("view `karma_emails` is missing"),
            "{backend:?}: {err}"
        );
    }
    if let Some(db) = TestDb::create(Backend::Sqlite, "trigger_drift") {
        let mut conn = db.connect();
        TRIGGERS_SQLITE.upgrade(&mut conn, Target::Head).unwrap();
        conn.execute("DROP TRIGGER notes_count_edit").unwrap();
        let err = TRIGGERS_SQLITE
            .check_drift(&mut conn)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("trigger `notes_count_edit` on `notes` is missing"),
            "{err}"
        );
    }
}
