//! PostgreSQL's own column types (arrays, nested arrays, types godwit does
//! not model) go up and down, and the database reads back as the model says,
//! type for type. Other backends refuse them when rendering, naming the type.

use godwit::dialect::normalise;
use godwit::{Database, Dialect, Target};
use godwit_tests::{Backend, TestDb, POSTGRES_TYPES};

#[test]
fn postgres_types_round_trip() {
    let Some(db) = TestDb::create(Backend::Postgres, "postgres_types") else {
        return;
    };
    let mut conn = db.connect();
    for k in 1..=POSTGRES_TYPES.len() {
        POSTGRES_TYPES
            .upgrade(&mut conn, Target::Relative(1))
            .unwrap();
        POSTGRES_TYPES.check_drift(&mut conn).unwrap();
        let expected = normalise(&POSTGRES_TYPES.schema_at(k).unwrap(), Dialect::Postgres);
        let found = normalise(&conn.introspect().unwrap(), Dialect::Postgres);
        assert_eq!(
            found.tables["documents"].columns, expected.tables["documents"].columns,
            "after {k} migrations"
        );
    }
    POSTGRES_TYPES.downgrade(&mut conn, Target::Base).unwrap();
    assert!(conn.introspect().unwrap().tables.is_empty());
}

#[test]
fn other_backends_refuse_arrays_naming_them() {
    for dialect in [Dialect::Mysql, Dialect::Sqlite] {
        let err = POSTGRES_TYPES
            .sql(dialect, Target::Base, Target::Head)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no array columns"), "{dialect}: {err}");
    }
}
