//! SQLite's table rebuild with foreign keys enforced: rows survive, the
//! pragma is restored, and a rebuild that would break a foreign key is
//! rolled back.

use godwit::{Database, Error, Target};
use godwit_tests::{Backend, TestDb, MIGRATIONS};

fn foreign_keys_on(conn: &mut impl Database) -> bool {
    conn.query(
        "SELECT CAST(foreign_keys AS TEXT) AS c0 FROM pragma_foreign_keys",
        1,
    )
    .unwrap()[0][0]
        .as_deref()
        == Some("1")
}

#[test]
fn rebuilds_keep_rows_and_foreign_keys() {
    let db = TestDb::create(Backend::Sqlite, "rebuilds_keep_rows_and_foreign_keys").unwrap();
    let mut conn = db.connect();
    conn.execute("PRAGMA foreign_keys = ON").unwrap();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0007"))
        .unwrap();
    conn.execute(
        "INSERT INTO posts (author_id, title, body, editor_id) VALUES (1, 'hello', 'first post', 2)",
    )
    .unwrap();

    // 0008 rebuilds posts and users (new constraints), 0013 posts again.
    MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    assert!(
        foreign_keys_on(&mut conn),
        "foreign keys are enforced again"
    );
    let rows = conn
        .query(
            "SELECT title AS c0, CAST(author_id AS TEXT) AS c1, CAST(editor_id AS TEXT) AS c2 FROM posts",
            3,
        )
        .unwrap();
    assert_eq!(
        rows,
        [[Some("hello".into()), Some("1".into()), Some("2".into())]]
    );
    // The rebuilt tables still enforce their foreign keys.
    assert!(conn
        .execute("INSERT INTO posts (author_id, title, body) VALUES (999, 'orphan', 'x')")
        .is_err());
    // ON DELETE SET NULL of posts_editor_fk survived the rebuild.
    conn.execute("DELETE FROM users WHERE id = 2").unwrap();
    let editor = conn
        .query("SELECT CAST(editor_id AS TEXT) AS c0 FROM posts", 1)
        .unwrap();
    assert_eq!(editor, [[None]]);
}

#[test]
fn a_rebuild_that_breaks_a_foreign_key_is_rolled_back() {
    let db = TestDb::create(Backend::Sqlite, "a_rebuild_that_breaks_a_foreign_key").unwrap();
    let mut conn = db.connect();
    MIGRATIONS
        .upgrade(&mut conn, Target::Revision("0007"))
        .unwrap();
    // Foreign keys are off on this connection: an orphan gets in.
    conn.execute(
        "INSERT INTO posts (author_id, title, body, editor_id) VALUES (1, 'hello', 'x', 999)",
    )
    .unwrap();
    conn.execute("PRAGMA foreign_keys = ON").unwrap();
    let err = MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::MigrationFailed(f) if f.revision == "0008"),
        "{msg}"
    );
    assert!(msg.contains("PRAGMA foreign_key_check"), "{msg}");
    assert!(msg.contains("still at 0007"), "{msg}");
    assert_eq!(MIGRATIONS.current(&mut conn).unwrap(), Some("0007"));
    assert!(foreign_keys_on(&mut conn));
}

/// A migration with a backfill runs op by op; a table rebuild in it must
/// still run with foreign keys off, or its DROP TABLE cascades into children.
mod rebuild_beside_a_backfill {
    use godwit::migration;

    #[migration(revision = "r1", message = "create users and their orders")]
    pub mod create_tables {
        use godwit::dsl::*;

        pub fn upgrade(op: &mut Ops) {
            op.create_table(
                "users",
                [column("id", BigInt).primary_key(), column("email", Text)],
            );
            op.create_table(
                "orders",
                [
                    column("id", BigInt).primary_key(),
                    column("user_id", BigInt).not_null(),
                    column("note", Text),
                ],
            );
            op.create_foreign_key("orders_user_fk", "orders", ["user_id"], "users", ["id"])
                .on_delete(Action::Cascade);
            op.create_index("idx_orders_user_id", "orders", ["user_id"]);
        }

        pub fn downgrade(op: &mut Ops) {
            op.drop_table("orders");
            op.drop_table("users");
        }
    }

    #[migration(
        revision = "r2",
        down_revision = "r1",
        message = "default user emails and note orders"
    )]
    pub mod default_and_note {
        use godwit::dsl::*;

        pub fn upgrade(op: &mut Ops) {
            op.safety_assured("both tables hold test rows only", |op| {
                op.alter_column("users", "email")
                    .server_default("x@example.com");
                op.backfill("orders", "note = 'n'");
            });
        }

        pub fn downgrade(op: &mut Ops) {
            op.alter_column("users", "email").drop_default();
        }
    }

    pub static SET: godwit::MigrationSet = godwit::migrations![create_tables, default_and_note];
}

#[test]
fn a_rebuild_beside_a_backfill_does_not_cascade() {
    use rebuild_beside_a_backfill::SET;
    let db = TestDb::create(
        Backend::Sqlite,
        "a_rebuild_beside_a_backfill_does_not_cascade",
    )
    .unwrap();
    let mut conn = db.connect();
    conn.execute("PRAGMA foreign_keys = ON").unwrap();
    SET.upgrade(&mut conn, Target::Revision("r1")).unwrap();
    conn.execute("INSERT INTO users (id, email) VALUES (1, 'a@example.com')")
        .unwrap();
    conn.execute("INSERT INTO orders (id, user_id) VALUES (1, 1), (2, 1)")
        .unwrap();
    SET.upgrade(&mut conn, Target::Head).unwrap();
    let orders = conn
        .query(
            "SELECT CAST(COUNT(*) AS TEXT) AS c0 FROM orders WHERE note = 'n'",
            1,
        )
        .unwrap();
    assert_eq!(
        orders,
        [[Some("2".into())]],
        "no order was lost to the users rebuild"
    );
    assert!(foreign_keys_on(&mut conn));
}
