//! With a primary key, the backfill runs in batches.

use godwit::migration;

#[migration(revision = "0001", message = "create the audit log table")]
pub mod create_audit_log {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("audit_log", [
            column("id", BigInt).primary_key().autoincrement(),
            column("entry", Text),
            column("level", Text),
        ]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("audit_log");
    }
}

#[migration(revision = "0002", down_revision = "0001", message = "backfill the audit log level")]
pub mod backfill_level {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("audit_log", "level = 'info'").where_("level IS NULL");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![create_audit_log, backfill_level];

fn main() {}
