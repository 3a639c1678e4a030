//! A set whose migrations live in several files, listed in no particular
//! order: `migrations!` sees each one's operations through its export macro.

#[path = "multi_file/m0001_create_users.rs"]
mod m0001_create_users;
#[path = "multi_file/m0002_add_posts.rs"]
mod m0002_add_posts;
#[path = "multi_file/nested/mod.rs"]
mod nested;

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    nested::m0003_add_bio::add_bio,
    m0001_create_users::create_users,
    crate::m0002_add_posts::add_posts,
];

fn main() {
    let order: Vec<&str> = MIGRATIONS.migrations().iter().map(|m| &*m.message).collect();
    assert_eq!(
        order,
        ["create the users table", "create the posts table", "add users.bio column"]
    );
}
