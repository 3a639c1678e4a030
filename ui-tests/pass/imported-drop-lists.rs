//! Imported history that drops several views or functions in one
//! statement, names a function's arguments in one place and not in the
//! other, and drops a column that a view reads only on another table of
//! the same name through an alias: the model follows each as PostgreSQL
//! does.

use godwit::migration;

#[migration(
    revision = "20200101000001",
    message = "base (diesel migration 20200101000001)",
    imported = "diesel",
)]
pub mod base {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("CREATE TABLE t (id serial PRIMARY KEY, a int, deleted boolean)");
        op.execute("CREATE TABLE u (id serial PRIMARY KEY, t_id int)");
        op.execute("CREATE VIEW v1 AS SELECT id, a FROM t");
        op.execute("CREATE VIEW v2 AS SELECT x.id, x.a FROM v1 x");
        op.execute("CREATE VIEW v3 AS SELECT c.id, c.deleted FROM t c LEFT JOIN u ON u.t_id = c.id");
        op.execute("CREATE FUNCTION f1 (x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x $$");
        op.execute("CREATE FUNCTION f3 (up numeric, down numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT up $$");
        op.execute("CREATE FUNCTION touch () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
        op.execute("CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch ()");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DROP TRIGGER t_touch ON t");
        op.execute("DROP FUNCTION f1 (numeric), f3 (numeric, numeric), touch ()");
        op.execute("DROP VIEW v3, v1, v2");
        op.execute("DROP TABLE u, t");
    }
}

#[migration(
    revision = "20200101000002",
    down_revision = "20200101000001",
    message = "drop views and functions in lists",
    imported = "diesel",
)]
pub mod drop_lists {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("DROP VIEW IF EXISTS v1, v2 CASCADE");
        op.execute("DROP FUNCTION f1, touch CASCADE");
        op.execute("DROP FUNCTION f3 (numeric, numeric)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("CREATE FUNCTION f3 (up numeric, down numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT up $$");
        op.execute("CREATE FUNCTION touch () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
        op.execute("CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch ()");
        op.execute("CREATE FUNCTION f1 (x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT x $$");
        op.execute("CREATE VIEW v1 AS SELECT id, a FROM t");
        op.execute("CREATE VIEW v2 AS SELECT x.id, x.a FROM v1 x");
    }
}

#[migration(
    revision = "20200101000003",
    down_revision = "20200101000002",
    message = "add u deleted",
    imported = "diesel",
)]
pub mod add_u_deleted {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("ALTER TABLE u ADD COLUMN deleted boolean");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("ALTER TABLE u DROP COLUMN deleted");
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    base,
    drop_lists,
    add_u_deleted,
];

fn main() {
    assert_eq!(MIGRATIONS.migrations().len(), 3);
}
