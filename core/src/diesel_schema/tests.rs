use super::*;

fn schema_of(text: &str) -> Schema {
    let mut s = Schema::new();
    for op in crate::vocabulary::parse_ops(text).expect("the DSL reads") {
        s.apply(&op)
            .unwrap_or_else(|e| panic!("{op}: {}", e.message));
    }
    s
}

const APP: &str = r#"
    op.create_table("users", [
        column("id", BigInt).primary_key().autoincrement(),
        column("email", Varchar(255)).not_null(),
        column("username", Varchar(50)).not_null(),
        column("created_at", Timestamp).not_null().server_default(now()),
    ]);
    op.create_table("user_preferences", [
        column("id", BigInt).primary_key().autoincrement(),
        column("user_id", BigInt).not_null().references("users", "id"),
        column("theme", Varchar(20)).server_default("light"),
        column("notifications_enabled", Boolean).not_null().server_default(true),
    ]);
    op.deprecate_column("users", "username");
    op.alter_column("user_preferences", "theme").nullable(true);
"#;

/// The text without comments and blank lines.
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//") && !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn postgres_schema_as_print_schema_prints_it() {
    let text = print(&schema_of(APP), Backend::Postgres);
    assert_eq!(
        code(&text),
        r#"diesel::table! {
    user_preferences (id) {
        id -> Int8,
        user_id -> Int8,
        #[max_length = 20]
        theme -> Nullable<Varchar>,
        notifications_enabled -> Bool,
    }
}
diesel::table! {
    users (id) {
        id -> Int8,
        #[max_length = 255]
        email -> Varchar,
        created_at -> Timestamp,
    }
}
diesel::joinable!(user_preferences -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(user_preferences, users,);"#
    );
    // The doc comment says what was left out, where the compiler points.
    assert!(text.contains("Left out, deprecated by a migration (`deprecate_column`): `username`"));
}

#[test]
fn a_column_made_nullable_stays() {
    let text = print(&schema_of(APP), Backend::Mysql);
    assert!(text.contains("theme -> Nullable<Varchar>,"));
    assert!(!text.contains("username ->"), "{text}");
}

#[test]
fn sqlite_keys_are_bigint_and_lengths_are_not_reported() {
    let text = print(&schema_of(APP), Backend::Sqlite);
    assert!(
        text.contains("        id -> BigInt,\n        email -> Text,"),
        "{text}"
    );
    assert!(!text.contains("max_length"));
}

#[test]
fn deprecated_tables_and_their_joins_are_left_out() {
    let text = print(
        &schema_of(&format!(r#"{APP} op.deprecate_table("users");"#)),
        Backend::Postgres,
    );
    assert!(!text.contains("users ("), "{text}");
    assert!(!text.contains("joinable"));
    assert!(!text.contains("allow_tables"));
}

#[test]
fn enums_are_declared_in_sql_types() {
    let s = schema_of(
        r#"op.create_enum("user_mood", ["sad", "happy"]);
           op.create_table("people", [column("id", Integer).primary_key(), column("mood", Enum("user_mood")), column("type", Text).not_null()]);"#,
    );
    let pg = print(&s, Backend::Postgres);
    assert!(
        pg.contains(
            r#"pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "user_mood"))]
    pub struct UserMood;
}"#
        ),
        "{pg}"
    );
    assert!(pg.contains("    use diesel::sql_types::*;\n    use super::sql_types::UserMood;\n\n"));
    assert!(pg.contains("mood -> Nullable<UserMood>,"));
    assert!(pg.contains("        #[sql_name = \"type\"]\n        type_ -> Text,"));
    let my = print(&s, Backend::Mariadb);
    assert!(
        my.contains("#[diesel(mysql_type(name = \"Enum\"))]\n    pub struct PeopleMoodEnum;"),
        "{my}"
    );
    assert!(my.contains("        #[max_length = 5]\n        mood -> Nullable<PeopleMoodEnum>,"));
    assert!(!print(&s, Backend::Sqlite).contains("sql_types"));
}

#[test]
fn tables_without_a_key() {
    let s = schema_of(r#"op.create_table("log", [column("line", Text)]);"#);
    assert!(print(&s, Backend::Postgres).contains("`log` has no primary key"));
    assert!(print(&s, Backend::Sqlite)
        .contains("    log (rowid) {\n        rowid -> BigInt,\n        line -> Nullable<Text>,"));
}

#[test]
fn joins_between_tables_joined_twice_are_left_out() {
    let s = schema_of(
        r#"op.create_table("users", [column("id", BigInt).primary_key()]);
           op.create_table("messages", [column("id", BigInt).primary_key(),
               column("from_id", BigInt).references("users", "id"),
               column("to_id", BigInt).references("users", "id")]);"#,
    );
    assert!(!print(&s, Backend::Postgres).contains("joinable"));
}

#[test]
fn many_tables_appear_in_same_query_pair_by_pair_in_bounded_calls() {
    let ops: String = (0..150)
        .map(|i| format!("op.create_table(\"t_{i}\", [column(\"id\", BigInt).primary_key()]);\n"))
        .collect();
    let text = print(&schema_of(&ops), Backend::Sqlite);
    let head = "diesel::allow_tables_to_appear_in_same_query!(";
    let mut pairs = std::collections::BTreeSet::new();
    let mut calls = 0;
    for line in text.lines().filter_map(|l| l.strip_prefix(head)) {
        calls += 1;
        let names: Vec<&str> = line
            .trim_end_matches(");")
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        assert!(names.len() <= SAME_QUERY_GROUP, "{line}");
        // The macro pairs every table of a call with every other one.
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                let pair = if a < b { (*a, *b) } else { (*b, *a) };
                assert!(pairs.insert(pair), "{pair:?} twice");
            }
        }
    }
    assert_eq!(pairs.len(), 150 * 149 / 2);
    // Three groups (64, 64, 22), and the pairs across them.
    assert_eq!(calls, 3 + 64 * 64 + 64 * 22 + 64 * 22);

    let few: String = (0..3)
        .map(|i| format!("op.create_table(\"t_{i}\", [column(\"id\", BigInt).primary_key()]);\n"))
        .collect();
    let text = print(&schema_of(&few), Backend::Sqlite);
    assert_eq!(text.matches(head).count(), 1);
    assert!(text.contains(&format!("{head}t_0, t_1, t_2,);")));
}
