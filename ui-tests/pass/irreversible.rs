//! A deliberately one-way migration says why instead of having a downgrade.

#[godwit::migration(revision = "0001", message = "create the audit log table")]
pub mod create_audit_log {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.create_table("audit_log", [
            column("id", BigInt).primary_key(),
            column("entry", Text).not_null(),
        ]);
    }
    pub fn downgrade(op: &mut Ops) {
        op.drop_table("audit_log");
    }
}

#[godwit::migration(
    revision = "0002",
    down_revision = "0001",
    message = "purge audit entries older than retention",
    irreversible = "deleted audit rows cannot be restored",
)]
pub mod purge_old_audit_entries {
    use godwit::dsl::*;
    pub fn upgrade(op: &mut Ops) {
        op.execute("DELETE FROM audit_log WHERE id < 1000");
    }
}

pub static MIGRATIONS: godwit::MigrationSet =
    godwit::migrations![create_audit_log, purge_old_audit_entries];

fn main() {
    let purge = MIGRATIONS.get("0002").expect("listed");
    assert_eq!(purge.irreversible.as_deref(), Some("deleted audit rows cannot be restored"));
    assert!(purge.downgrade.is_empty());
}
