//! An application with no migration yet.

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![];

fn main() {
    assert!(MIGRATIONS.is_empty());
    assert_eq!(MIGRATIONS.head(), None);
}
