//! The application's own work, through Diesel's query builder on the schema
//! the migrations generate (`crate::schema`): no hand-written `table!`, no
//! SQL text. A query that still used a column a migration deprecates would
//! not compile (README, "Removing a column").

use diesel::prelude::*;

use crate::schema::{user_preferences, users};

/// A user to insert.
#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Unique.
    pub email: &'a str,
    /// What the application shows.
    pub display_name: &'a str,
}

/// A user as the application reads one.
#[derive(Queryable, Selectable, Debug, PartialEq)]
#[diesel(table_name = users)]
pub struct User {
    /// The key.
    pub id: i64,
    /// Unique.
    pub email: String,
    /// What the application shows.
    pub display_name: Option<String>,
    /// `active` unless said otherwise.
    pub status: String,
}

/// A user's preferences to insert.
#[derive(Insertable)]
#[diesel(table_name = user_preferences)]
pub struct NewPreferences<'a> {
    /// The user they belong to.
    pub user_id: i64,
    /// The theme's name.
    pub theme_name: &'a str,
}

/// A user's preferences as the application reads them.
#[derive(Queryable, Selectable, Debug, PartialEq)]
#[diesel(table_name = user_preferences)]
pub struct Preferences {
    /// The key.
    pub id: i64,
    /// The user they belong to.
    pub user_id: i64,
    /// The theme's name.
    pub theme_name: Option<String>,
    /// Whether to send notifications.
    pub notifications_enabled: bool,
}

/// What one start of the application did.
#[derive(Debug)]
pub struct Work {
    /// The user it signed up.
    pub user: User,
    /// How many users there are now.
    pub users: i64,
    /// The email and theme of each user with preferences, by email.
    pub themes: Vec<(String, Option<String>)>,
}

/// Signs up a user with preferences, then reads back: an insert, a load
/// filtered by email, a count, and a join through the foreign key. Written
/// once for every backend's connection (the `AnyConnection` the runner
/// uses holds one of them).
#[macro_export]
macro_rules! sign_up {
    ($conn:expr, $email:expr) => {{
        use diesel::prelude::*;
        use $crate::app::{NewPreferences, NewUser, Preferences, User, Work};
        use $crate::schema::{user_preferences, users};
        let conn = $conn;
        let email: &str = $email;
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::insert_into(users::table)
                .values(&NewUser {
                    email,
                    display_name: "Ada",
                })
                .execute(conn)?;
            let user: User = users::table
                .filter(users::email.eq(email))
                .select(User::as_select())
                .first(conn)?;
            diesel::insert_into(user_preferences::table)
                .values(&NewPreferences {
                    user_id: user.id,
                    theme_name: "dark",
                })
                .execute(conn)?;
            let _: Vec<Preferences> = user_preferences::table
                .filter(user_preferences::user_id.eq(user.id))
                .select(Preferences::as_select())
                .load(conn)?;
            let count: i64 = users::table.count().get_result(conn)?;
            let themes = user_preferences::table
                .inner_join(users::table)
                .select((users::email, user_preferences::theme_name))
                .order(users::email)
                .load(conn)?;
            Ok(Work {
                user,
                users: count,
                themes,
            })
        })
    }};
}
