//! Views and materialized views go up and down on every backend that has
//! them: after each step the catalog holds exactly the views the model
//! does, and each can be read; a view survives SQLite's rebuild of the
//! table it reads.

use godwit::{AnyConnection, Database, Dialect, MigrationSet, Target};
use godwit_tests::{Backend, TestDb, MATERIALIZED_VIEWS, VIEWS};

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
        assert!(err.contains("has no materialized views"), "{d}: {err}");
    }
}
