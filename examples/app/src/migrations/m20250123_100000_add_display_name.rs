use godwit::migration;

// Renaming username to display_name, step 1 (expand): add the new column,
// nullable, so the running version's inserts still work. The application
// release that ships with it writes both columns.
#[migration(
    revision = "20250123_100000",
    down_revision = "20250122_090000",
    message = "add users.display_name column"
)]
pub mod add_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("display_name", Varchar(50)));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "display_name");
    }
}
