use godwit::migration;

// NOT NULL with a server default: code that inserts notes without it keeps
// working while the deploy is in progress.
#[migration(
    revision = "20250304_090000",
    down_revision = "20250303_090000",
    message = "add notes.pinned column"
)]
pub mod add_notes_pinned {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "notes",
            column("pinned", Boolean).not_null().server_default(false),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("notes", "pinned");
    }
}
