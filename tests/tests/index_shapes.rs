//! Index shapes, keys made of indexes, and foreign key options go up and
//! down on every backend that has them, and each database reads back as the
//! model says after every step; the backends without them refuse them when
//! rendering, naming what they lack.

use godwit::dialect::normalise;
use godwit::schema::{Difference, Index};
use godwit::{Action, Database, Deferrable, Dialect, IndexKey, IndexMethod, MigrationSet, Target};
use godwit_tests::{Backend, TestDb, EXPRESSION_KEYS, KEYS, POSTGRES_INDEXES};

/// Every migration of `set` up, then down, comparing the database with
/// the model after each step (but the order of the columns: one a
/// downgrade adds back lands at the end).
fn round_trip(db: &TestDb, set: &MigrationSet) {
    let mut conn = db.connect();
    let d = conn.dialect();
    let same = |conn: &mut godwit::AnyConnection, k: usize, when: &str| {
        let expected = normalise(&set.schema_at(k).expect("the set replays"), d);
        let found = normalise(&conn.introspect().expect("introspection works"), d);
        let differences: Vec<Difference> = expected
            .differences(&found)
            .into_iter()
            .filter(|x| !matches!(x, Difference::ColumnOrder { .. }))
            .collect();
        if let Some(diff) = differences.first() {
            panic!("{when} on {d}: {diff}\n\nmodel: {expected:#?}\n\ndatabase: {found:#?}");
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
    assert!(conn.introspect().unwrap().tables.is_empty());
}

fn on(backend: Backend, name: &str, set: &MigrationSet) {
    if let Some(db) = TestDb::create(backend, name) {
        round_trip(&db, set);
    }
}

#[test]
fn keys_on_sqlite() {
    on(Backend::Sqlite, "keys", &KEYS);
}

#[test]
fn keys_on_postgres() {
    on(Backend::Postgres, "keys", &KEYS);
}

#[test]
fn keys_on_mysql() {
    on(Backend::Mysql, "keys", &KEYS);
}

#[test]
fn expression_keys_on_sqlite() {
    on(Backend::Sqlite, "expression_keys", &EXPRESSION_KEYS);
}

#[test]
fn expression_keys_on_postgres() {
    on(Backend::Postgres, "expression_keys", &EXPRESSION_KEYS);
}

#[test]
fn postgres_indexes_on_postgres() {
    on(Backend::Postgres, "postgres_indexes", &POSTGRES_INDEXES);
}

/// What each backend's catalog says of the shapes, before normalising.
#[test]
fn each_backend_reads_the_shape_back() {
    let key =
        |target: &str, expression: bool, descending: bool, nulls_first, opclass: Option<&str>| {
            IndexKey {
                target: target.to_string().into(),
                expression,
                descending,
                nulls_first,
                opclass: opclass.map(|o| o.to_string().into()),
            }
        };
    if let Some(db) = TestDb::create(Backend::Postgres, "read_back") {
        let mut conn = db.connect();
        POSTGRES_INDEXES.upgrade(&mut conn, Target::Head).unwrap();
        let s = conn.introspect().unwrap();
        let docs = &s.tables["docs"];
        assert_eq!(
            docs.indexes["docs_lower_title"],
            Index {
                keys: vec![key(
                    "lower(title)",
                    true,
                    true,
                    None,
                    Some("text_pattern_ops")
                )],
                unique: false,
                predicate: Some("(slug IS NOT NULL)".into()),
                method: Some(IndexMethod::Btree),
                include: Vec::new(),
            }
        );
        assert_eq!(docs.indexes["docs_title_pattern"].include, ["slug"]);
        assert_eq!(
            docs.indexes["docs_title_plain"].keys,
            [key("title", false, false, None, None)]
        );
        assert_eq!(docs.indexes["docs_body"].method, Some(IndexMethod::Gin));
        assert_eq!(
            docs.indexes["docs_body_path"].keys,
            [key("body", false, false, None, Some("jsonb_path_ops"))]
        );
    }
    if let Some(db) = TestDb::create(Backend::Postgres, "read_back") {
        let mut conn = db.connect();
        EXPRESSION_KEYS
            .upgrade(&mut conn, Target::Revision("y002"))
            .unwrap();
        let s = conn.introspect().unwrap();
        let people = &s.tables["people"];
        assert_eq!(
            people.indexes["people_name"].keys,
            [
                key("name", false, true, Some(false), None),
                key("length(name)", true, false, Some(true), None)
            ]
        );
        let godwit::schema::ConstraintKind::ForeignKey {
            on_delete,
            deferrable,
            ..
        } = &people.constraints["people_boss_fkey"].kind
        else {
            panic!("a foreign key")
        };
        assert_eq!(
            (*on_delete, *deferrable),
            (Action::SetNull, Deferrable::InitiallyDeferred)
        );
    }
    if let Some(db) = TestDb::create(Backend::Sqlite, "read_back") {
        let mut conn = db.connect();
        EXPRESSION_KEYS
            .upgrade(&mut conn, Target::Revision("y002"))
            .unwrap();
        let s = conn.introspect().unwrap();
        let people = &s.tables["people"];
        // SQLite sorts NULLs first ascending, last descending: these are its
        // defaults, which the catalog leaves unsaid.
        assert_eq!(
            people.indexes["people_name"].keys,
            [
                key("name", false, true, None, None),
                key("length(name)", true, false, None, None)
            ]
        );
        assert_eq!(
            people.indexes["people_email_lower"].keys,
            [key("lower(email)", true, false, None, None)]
        );
        let godwit::schema::ConstraintKind::ForeignKey {
            on_update,
            deferrable,
            ..
        } = &s.tables["pets"].constraints["pets_owner_id_fkey"].kind
        else {
            panic!("a foreign key")
        };
        assert_eq!(
            (*on_update, *deferrable),
            (Action::Cascade, Deferrable::InitiallyImmediate)
        );
    }
    if let Some(db) = TestDb::create(Backend::Mysql, "read_back") {
        let mut conn = db.connect();
        KEYS.upgrade(&mut conn, Target::Head).unwrap();
        let s = conn.introspect().unwrap();
        assert_eq!(
            s.tables["members"].indexes["members_team_joined"].keys,
            [
                key("team_id", false, false, None, None),
                key("joined_at", false, true, None, None)
            ]
        );
        let godwit::schema::ConstraintKind::ForeignKey { on_update, .. } =
            &s.tables["badges"].constraints["badges_member_fkey"].kind
        else {
            panic!("a foreign key")
        };
        assert_eq!(*on_update, Action::Cascade);
    }
}

#[test]
fn backends_without_a_shape_refuse_it_by_name() {
    let refused = |set: &MigrationSet, d: Dialect| {
        set.sql(d, Target::Base, Target::Head)
            .unwrap_err()
            .to_string()
    };
    let mysql = refused(&EXPRESSION_KEYS, Dialect::Mysql);
    assert!(mysql.contains("MariaDB has no expression keys"), "{mysql}");
    let sqlite = refused(&POSTGRES_INDEXES, Dialect::Sqlite);
    assert!(
        sqlite.contains("SQLite has no operator classes"),
        "{sqlite}"
    );
    let mysql = refused(&POSTGRES_INDEXES, Dialect::Mysql);
    assert!(
        mysql.contains("MySQL and MariaDB have no operator classes"),
        "{mysql}"
    );
}
