//! Two branches both revise 0001. The error points at the second one, in its
//! own file.

#[path = "multiple-heads/m0001_create_users.rs"]
mod m0001_create_users;
#[path = "multiple-heads/m0002_add_bio.rs"]
mod m0002_add_bio;
#[path = "multiple-heads/m0002_add_avatar.rs"]
mod m0002_add_avatar;

pub static MIGRATIONS: godwit::MigrationSet = godwit::migrations![
    m0001_create_users::create_users,
    m0002_add_bio::add_bio,
    m0002_add_avatar::add_avatar,
];

fn main() {}
