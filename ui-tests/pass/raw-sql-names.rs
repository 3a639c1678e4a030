//! Raw SQL naming what PostgreSQL named: an unnamed check by the columns it
//! reads (`report_check`, not `report_post_id_check`); a type renamed and
//! created again under its old name; a unique constraint known by the name
//! its index was renamed to; a name over 63 bytes, which the server cuts;
//! and a schema of its own, whose table is not a table of `public`.

use godwit::migration;

#[migration(
    revision = "20150101000000",
    message = "create report (diesel migration 20150101000000)",
    imported = "diesel",
)]
pub mod create_report {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "CREATE TYPE visibility AS ENUM ('public', 'local');
             CREATE TABLE report (
                 id serial PRIMARY KEY,
                 post_id int,
                 comment_id int,
                 inbox text,
                 vis visibility NOT NULL DEFAULT 'public',
                 CHECK (num_nonnulls (post_id, comment_id) = 1)
             );
             ALTER TABLE report ADD CONSTRAINT idx_report_inbox_old UNIQUE (inbox);
             ALTER INDEX idx_report_inbox_old RENAME TO idx_report_inbox;
             CREATE INDEX idx_report_post_id_comment_id_inbox_and_every_other_column_too_long ON report (post_id, comment_id, inbox);
             CREATE SCHEMA utils;
             CREATE TABLE utils.report (id int)",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute(
            "DROP SCHEMA utils CASCADE;
             DROP TABLE report;
             DROP TYPE visibility",
        );
    }
}

#[migration(
    revision = "20150102000000",
    down_revision = "20150101000000",
    message = "change report (diesel migration 20150102000000)",
    imported = "diesel",
)]
pub mod change_report {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "ALTER TABLE report
                 ADD COLUMN person_id int,
                 DROP CONSTRAINT report_check,
                 ADD CHECK (num_nonnulls (post_id, comment_id, person_id) = 1);
             ALTER TABLE report DROP CONSTRAINT idx_report_inbox;
             ALTER TYPE visibility RENAME TO visibility__;
             CREATE TYPE visibility AS ENUM ('public', 'local', 'private');
             ALTER TABLE report ALTER COLUMN vis DROP DEFAULT;
             ALTER TABLE report ALTER COLUMN vis TYPE visibility USING vis::text::visibility;
             DROP TYPE visibility__;
             DROP INDEX idx_report_post_id_comment_id_inbox_and_every_other_column_too_lung",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute(
            "CREATE INDEX idx_report_post_id_comment_id_inbox_and_every_other_column_too_long ON report (post_id, comment_id, inbox);
             ALTER TYPE visibility RENAME TO visibility__;
             CREATE TYPE visibility AS ENUM ('public', 'local');
             ALTER TABLE report ALTER COLUMN vis TYPE visibility USING vis::text::visibility;
             ALTER TABLE report ALTER COLUMN vis SET DEFAULT 'public';
             DROP TYPE visibility__;
             ALTER TABLE report ADD CONSTRAINT idx_report_inbox UNIQUE (inbox);
             ALTER TABLE report
                 DROP CONSTRAINT report_check,
                 DROP COLUMN person_id,
                 ADD CHECK (num_nonnulls (post_id, comment_id) = 1)",
        );
    }
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    create_report,
    change_report,
];

fn main() {}
