//! `new --from-database`: the first migration of an application that never
//! had migrations, from the schema its database has. On each backend a
//! schema is made by plain SQL; the ops read from it must (1) pass the
//! checker, (2) be recorded as applied on that database without running,
//! (3) build the same schema on an empty database, and (4) be refused on a
//! database whose schema differs, recording nothing.

use godwit::database::definitions::creation_ops;
use godwit::{Database, Error, Migration, MigrationSet, Target};
use godwit_core::{Backend as CoreBackend, Backends, Op};
use godwit_tests::{Backend, TestDb};

/// The schema an application's team made by hand, per backend.
fn schema_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "CREATE TYPE mood AS ENUM ('sad', 'happy');
             CREATE TABLE orgs (id BIGSERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
             CREATE TABLE users (
                 id BIGSERIAL PRIMARY KEY,
                 org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
                 email TEXT NOT NULL,
                 mood mood,
                 score INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),
                 updated_at TIMESTAMP
             );
             CREATE UNIQUE INDEX users_lower_email ON users (lower(email));
             CREATE INDEX users_org ON users (org_id) WHERE score > 10;
             COMMENT ON TABLE users IS 'people who sign in';
             CREATE VIEW happy_users AS SELECT id, email FROM users WHERE mood = 'happy';
             CREATE VIEW happy_count AS SELECT count(*) AS n FROM happy_users;
             CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
             CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();"
        }
        Backend::Mysql => {
            "CREATE TABLE orgs (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
             CREATE TABLE users (
                 id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                 org_id BIGINT NOT NULL,
                 email VARCHAR(255) NOT NULL,
                 mood ENUM('sad', 'happy'),
                 score INT NOT NULL DEFAULT 0,
                 CONSTRAINT users_org_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE,
                 CONSTRAINT users_score_check CHECK (score >= 0)
             );
             CREATE UNIQUE INDEX users_email ON users (email);
             CREATE VIEW happy_users AS SELECT id, email FROM users WHERE mood = 'happy';
             CREATE TRIGGER users_score BEFORE UPDATE ON users FOR EACH ROW SET NEW.score = GREATEST(NEW.score, 0);"
        }
        Backend::Sqlite => {
            "CREATE TABLE orgs (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(100) NOT NULL UNIQUE);
             CREATE TABLE users (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 org_id BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
                 email TEXT NOT NULL,
                 score INTEGER NOT NULL DEFAULT 0 CHECK (score >= 0),
                 updated_at TIMESTAMP
             );
             CREATE UNIQUE INDEX users_email ON users (email);
             CREATE VIEW busy_users AS SELECT id, email FROM users WHERE score > 10;
             CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END;"
        }
    }
}

fn run_sql(conn: &mut godwit::AnyConnection, sql: &str, backend: Backend) {
    let syntax = match backend {
        Backend::Postgres => godwit_core::sql_text::Syntax::Postgres,
        Backend::Mysql => godwit_core::sql_text::Syntax::Mysql,
        // SQLite takes the script whole: a trigger's body holds `;`.
        Backend::Sqlite => {
            conn.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
            return;
        }
    };
    for statement in godwit_core::sql_text::statements(sql, syntax) {
        if statement.trim().is_empty() {
            continue;
        }
        conn.execute(statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// The baseline migration the command line would write, as a set.
fn baseline_set(ops: Vec<Op>) -> MigrationSet {
    let irreversible = "the schema the database was found with";
    let migration = Migration {
        revision: "20260101_000000".into(),
        down_revision: None,
        message: "schema of the application as found".into(),
        irreversible: Some(irreversible.into()),
        allow: Vec::new().into(),
        imported: Some("database".into()),
        transaction: true,
        checksum: godwit_core::checksum(&ops, &[], Some(irreversible)).into(),
        upgrade: ops.into(),
        downgrade: Vec::new().into(),
    };
    let leaked: &'static Migration = Box::leak(Box::new(migration));
    MigrationSet::__from_ordered(Box::leak(Box::new([leaked])))
}

fn backends_of(backend: Backend) -> Backends {
    let b = match backend {
        Backend::Postgres => CoreBackend::Postgres,
        Backend::Mysql => CoreBackend::Mariadb,
        Backend::Sqlite => CoreBackend::Sqlite,
    };
    Backends::new([godwit_core::Target::new(b)])
}

fn check(backend: Backend) {
    let Some(found) = TestDb::create(backend, "from_database") else {
        return;
    };
    let mut conn = found.connect();
    run_sql(&mut conn, schema_sql(backend), backend);
    let baseline = creation_ops(&mut conn).expect("introspected");
    assert_eq!(baseline.unread, Vec::<String>::new(), "{backend:?}");
    assert_eq!(baseline.tables, 2, "{backend:?}");
    let ops = baseline.ops.clone();
    // What the file says reads back as the same ops.
    let text: String = ops.iter().map(|op| format!("{op};\n")).collect();
    assert_eq!(godwit_core::vocabulary::parse_ops(&text).as_ref(), Ok(&ops));
    let set = baseline_set(ops);

    // 1. The checker accepts it for the backend.
    let diagnostics = godwit_core::check_history_for(
        set.migrations()
            .iter()
            .map(|m| (*m).clone())
            .collect::<Vec<_>>()
            .as_slice(),
        &[0],
        &backends_of(backend),
    );
    assert_eq!(diagnostics, vec![], "{backend:?}");

    // 2. On the database it was read from: recorded, not run.
    let report = set.upgrade(&mut conn, Target::Head).expect("adopted");
    assert!(report.steps.is_empty(), "{backend:?}: {report:?}");
    assert_eq!(
        set.current(&mut conn).expect("current"),
        Some("20260101_000000")
    );
    set.check_drift(&mut conn).expect("no drift");

    // 3. On an empty database: it runs, and builds the schema the model
    // says, which (2) found on the first database.
    let empty = TestDb::create(backend, "from_database").expect("a second database");
    let mut fresh = empty.connect();
    let report = set.upgrade(&mut fresh, Target::Head).expect("applied");
    assert_eq!(report.steps.len(), 1, "{backend:?}");
    set.check_drift(&mut fresh).expect("no drift");
    let again = creation_ops(&mut fresh).expect("introspected");
    assert_eq!(again.ops.len(), baseline.ops.len(), "{backend:?}");

    // 4. On a database with another schema: refused, nothing recorded.
    let other = TestDb::create(backend, "from_database").expect("a third database");
    let mut other_conn = other.connect();
    run_sql(
        &mut other_conn,
        "CREATE TABLE orgs (id BIGINT PRIMARY KEY)",
        backend,
    );
    match set.upgrade(&mut other_conn, Target::Head) {
        Err(Error::Drift { revision, .. }) => assert_eq!(revision, "20260101_000000"),
        other => panic!("{backend:?}: expected a refusal, got {other:?}"),
    }
    assert_eq!(set.current(&mut other_conn).expect("current"), None);
}

#[test]
fn sqlite() {
    check(Backend::Sqlite);
}

#[test]
fn postgres() {
    check(Backend::Postgres);
}

#[test]
fn mariadb() {
    check(Backend::Mysql);
}
