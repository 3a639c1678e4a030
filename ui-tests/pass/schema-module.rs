//! The item form of `migrations!` with `pub mod schema;`: Diesel's schema at
//! head, used by Diesel's query builder (an insert, a filtered load, a join
//! through the foreign key); the deprecated column is not used, so it
//! compiles and runs.

use diesel::prelude::*;
use godwit::{migration, Target};

#[migration(revision = "20250101_000000", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("users", [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null(),
            column("username", Varchar(50)).not_null(),
        ]);
        op.create_table("posts", [
            column("id", BigInt).primary_key().autoincrement(),
            column("user_id", BigInt).not_null().references("users", "id"),
            column("title", Text).not_null(),
        ]);
        op.create_index("idx_posts_user_id", "posts", ["user_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_posts_user_id", "posts");
        op.drop_table("posts");
        op.drop_table("users");
    }
}

#[migration(
    revision = "20250102_000000",
    down_revision = "20250101_000000",
    message = "deprecate users.username column"
)]
pub mod deprecate_username {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("users", "username");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "username").nullable(false);
    }
}

godwit::migrations! {
    /// The set.
    pub static MIGRATIONS;
    /// Diesel's schema at head.
    pub mod schema;
    backends = [sqlite];
    create_users,
    deprecate_username,
}

#[derive(Insertable)]
#[diesel(table_name = schema::users)]
struct NewUser<'a> {
    email: &'a str,
}

fn main() {
    use schema::{posts, users};
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    MIGRATIONS.upgrade(&mut conn, Target::Head).unwrap();
    let id: i64 = diesel::insert_into(users::table)
        .values(&NewUser { email: "ada@example.com" })
        .returning(users::id)
        .get_result(&mut conn)
        .unwrap();
    diesel::insert_into(posts::table)
        .values((posts::user_id.eq(id), posts::title.eq("hello")))
        .execute(&mut conn)
        .unwrap();
    let titles: Vec<(String, String)> = posts::table
        .inner_join(users::table)
        .filter(users::email.like("%@example.com"))
        .select((users::email, posts::title))
        .load(&mut conn)
        .unwrap();
    assert_eq!(titles, [("ada@example.com".to_string(), "hello".to_string())]);
    assert_eq!(MIGRATIONS.diesel_schema().unwrap().0, "sqlite");
}
