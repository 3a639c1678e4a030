//! Views and materialized views: the replay's `unknown-object`,
//! `already-exists` and `dependent-objects`, `non-concurrent-refresh`, and
//! what `downgrade-mismatch` compares of them.

use super::*;

/// `create_users`, then a migration creating the view `active_users` and
/// the materialized view `user_counts` with a unique index.
fn with_views() -> Vec<Migration> {
    vec![
        create_users(),
        migration(
            r#"
            op.create_view("active_users", "SELECT id, email FROM users WHERE bio IS NOT NULL");
            op.create_materialized_view("user_counts", "SELECT a.owner_id, count(*) AS n FROM accounts a JOIN users u ON u.id = a.owner_id GROUP BY a.owner_id");
            op.create_index("user_counts_owner", "user_counts", ["owner_id"]).unique();
            "#,
            r#"
            op.drop_materialized_view("user_counts");
            op.drop_view("active_users");
            "#,
        ),
    ]
}

/// The rules broken by an upgrade run after `with_views`.
fn on_views(up: &str) -> Vec<Rule> {
    let mut history = with_views();
    history.push(migration(up, ""));
    broken_by_last(&history)
}

/// The messages of the diagnostics of `up` (and `down`) run after `with_views`.
fn view_messages(up: &str, down: &str) -> Vec<String> {
    let mut history = with_views();
    history.push(migration(up, down));
    check(&history).into_iter().map(|d| d.message).collect()
}

#[test]
fn views_replay_and_their_reads_are_known() {
    assert_eq!(check(&with_views()), vec![]);
    let mut schema = crate::schema::Schema::new();
    for m in with_views() {
        for op in m.upgrade.iter() {
            schema.apply(op).unwrap();
        }
    }
    let counts = &schema.views["user_counts"];
    assert!(counts.materialized);
    assert_eq!(
        counts.reads.as_deref(),
        Some(&["accounts".to_string(), "users".to_string()][..])
    );
    assert!(counts.indexes.contains_key("user_counts_owner"));
    assert_eq!(
        schema.views["active_users"].reads.as_deref(),
        Some(&["users".to_string()][..])
    );
}

#[test]
fn unknown_object() {
    assert_eq!(
        on_views(r#"op.drop_view("nope");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(
        on_views(r#"op.replace_view("nope", "SELECT 1");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(
        on_views(r#"op.refresh_materialized_view("nope");"#),
        vec![Rule::UnknownObject]
    );
    // The other kind of view is named: said so.
    assert_eq!(
        on_views(r#"op.drop_view("user_counts");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(
        view_messages(r#"op.drop_materialized_view("active_users");"#, "")[0],
        "`active_users` is a view, not a materialized view"
    );
    // `.if_exists()` of what is not there: nothing to do.
    assert_eq!(on_views(r#"op.drop_view("nope").if_exists();"#), vec![]);
    assert_eq!(
        on_views(r#"op.drop_materialized_view("nope").if_exists();"#),
        vec![]
    );
    // Created, then dropped in the same migration.
    assert_eq!(
        on_views(r#"op.create_view("v", "SELECT 1"); op.drop_view("v");"#),
        vec![]
    );
}

#[test]
fn views_and_tables_share_their_names() {
    assert_eq!(
        on_views(r#"op.create_view("users", "SELECT 1");"#),
        vec![Rule::AlreadyExists]
    );
    assert_eq!(
        on_views(r#"op.create_view("active_users", "SELECT 1");"#),
        vec![Rule::AlreadyExists]
    );
    assert_eq!(
        on_views(r#"op.create_table("active_users", [column("id", BigInt)]);"#),
        vec![Rule::AlreadyExists]
    );
    // A column op on a view: it is not a table, and the message says so.
    assert_eq!(
        view_messages(r#"op.add_column("active_users", column("x", Text));"#, "")[0],
        "`active_users` is a view, not a table: replace_view or drop_view changes it"
    );
}

#[test]
fn dependent_objects() {
    let assured_drop = assured(r#"op.drop_table("users");"#);
    assert_eq!(on_views(&assured_drop), vec![Rule::DependentObjects]);
    assert_eq!(
        view_messages(&assured_drop, "")[0],
        "cannot drop `users`: view `active_users`, materialized view `user_counts` still read it"
    );
    // PostgreSQL's views follow a renamed table (and SQLite rewrites
    // them); MySQL's name it, and break.
    assert_eq!(
        on_views(&assured(r#"op.rename_table("accounts", "wallets");"#)),
        vec![]
    );
    assert_eq!(
        check_for(
            &[
                with_views(),
                vec![migration(
                    &assured(r#"op.rename_table("accounts", "wallets");"#),
                    ""
                )]
            ]
            .concat(),
            &[Backend::Mysql]
        )
        .iter()
        .filter(|d| d.rule == Rule::UnsupportedOnBackend
            && d.message
                .contains("views name the tables they read: renaming `accounts`"))
        .count(),
        1
    );
    // Once renamed, the view reads the new name: dropping it is caught.
    assert_eq!(
        on_views(&assured(
            r#"op.rename_table("accounts", "wallets"); op.drop_table("wallets");"#
        )),
        vec![Rule::DependentObjects]
    );
    assert_eq!(
        on_views(&assured(r#"op.drop_column("users", "bio");"#)),
        vec![Rule::DependentObjects]
    );
    // A column no view reads may go.
    assert_eq!(
        on_views(&assured(r#"op.drop_column("users", "username");"#)),
        vec![]
    );
    // Dropping the dependents first is the way.
    assert_eq!(
        on_views(&assured(
            r#"op.drop_view("active_users"); op.drop_materialized_view("user_counts"); op.drop_table("users");"#
        )),
        vec![]
    );
    // A view that a view reads.
    assert_eq!(
        on_views(
            r#"op.create_view("v2", "SELECT * FROM (SELECT id FROM active_users) s"); op.drop_view("active_users");"#
        ),
        vec![Rule::DependentObjects]
    );
}

#[test]
fn postgres_changes_no_type_under_a_view() {
    let retype = |column: &str, backends: &[Backend]| -> Vec<String> {
        let mut history = with_views();
        history.push(migration(
            &assured(&format!(
                r#"op.alter_column("users", "{column}").set_type(Varchar(500));"#
            )),
            "",
        ));
        check_for(&history, backends)
            .into_iter()
            .filter(|d| d.rule == Rule::UnsupportedOnBackend && d.message.contains("type of"))
            .map(|d| d.message)
            .collect()
    };
    assert_eq!(
        retype("bio", &[Backend::Postgres]),
        ["PostgreSQL cannot change the type of `users.bio`: view `active_users` still reads it; drop the view before the change and create it again after, in this migration, and the same around the change back in the downgrade"]
    );
    // A column no view names, and backends that change it under the view.
    assert_eq!(
        retype("username", &[Backend::Postgres]),
        Vec::<String>::new()
    );
    assert_eq!(
        retype("bio", &[Backend::Mysql, Backend::Sqlite]),
        Vec::<String>::new()
    );
    // Dropping the view first is the way.
    let mut history = with_views();
    history.push(migration(
        &assured(
            r#"op.drop_view("active_users"); op.alter_column("users", "bio").set_type(Varchar(500)); op.create_view("active_users", "SELECT id, email FROM users WHERE bio IS NOT NULL");"#,
        ),
        "",
    ));
    assert!(check_for(&history, &[Backend::Postgres])
        .iter()
        .all(|d| d.rule != Rule::UnsupportedOnBackend));
}

#[test]
fn unreadable_queries_have_unknown_dependencies() {
    assert_eq!(
        crate::translate::relations_read("SELECT a FROM t WHERE b IN (SELECT b FROM u)"),
        Some(vec!["t".to_string(), "u".to_string()])
    );
    assert_eq!(
        crate::translate::relations_read(
            "WITH r AS (SELECT id FROM \"Users\") SELECT * FROM r JOIN public.orders o ON EXISTS (SELECT 1 FROM items)"
        ),
        Some(vec!["Users".to_string(), "items".to_string(), "orders".to_string()])
    );
    // A subquery in a function's arguments is not followed: unknown.
    assert_eq!(
        crate::translate::relations_read("SELECT coalesce((SELECT max(id) FROM t), 0)"),
        None
    );
    assert_eq!(crate::translate::relations_read("SELEC nothing"), None);
    // Unknown dependencies guard nothing: the drop goes through.
    assert_eq!(
        on_views(&assured(
            r#"op.create_view("v3", "SELECT coalesce((SELECT max(id) FROM accounts), 0)"); op.drop_view("active_users"); op.drop_materialized_view("user_counts"); op.drop_table("accounts");"#
        )),
        vec![]
    );
}

#[test]
fn non_concurrent_refresh() {
    assert_eq!(
        on_views(r#"op.refresh_materialized_view("user_counts");"#),
        vec![Rule::NonConcurrentRefresh]
    );
    assert_eq!(
        on_views(r#"op.refresh_materialized_view("user_counts").concurrently();"#),
        vec![]
    );
    assert_eq!(
        on_views(&assured(r#"op.refresh_materialized_view("user_counts");"#)),
        vec![]
    );
    // A view created in the same migration has no reader yet.
    assert_eq!(
        on_views(
            r#"op.create_materialized_view("m", "SELECT 1 AS one").with_no_data(); op.refresh_materialized_view("m");"#
        ),
        vec![]
    );
    // CONCURRENTLY needs a unique index without a predicate.
    assert_eq!(
        on_views(
            r#"op.create_materialized_view("m", "SELECT id FROM users"); op.create_index("m_id", "m", ["id"]).unique().where_("id > 0"); op.refresh_materialized_view("m").concurrently();"#
        ),
        vec![Rule::UnknownIndex]
    );
}

#[test]
fn downgrade_mismatch_compares_views() {
    // The downgrade of a replace_view is a replace_view with the old query;
    // white space and the case of words aside.
    assert_eq!(
        view_messages(
            r#"op.replace_view("active_users", "SELECT id FROM users");"#,
            r#"op.replace_view("active_users", "select id,   email
               from users where bio is not null");"#
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        view_messages(
            r#"op.replace_view("active_users", "SELECT id FROM users");"#,
            r#"op.replace_view("active_users", "SELECT id, email FROM users");"#
        ),
        vec!["upgrade changes the query of view `active_users` from `SELECT id, email FROM users WHERE bio IS NOT NULL` to `SELECT id FROM users`; downgrade leaves `SELECT id, email FROM users`"]
    );
    // A query selecting `*` stands for the columns of its day: a downgrade
    // spelling them out restores it, if it reads the same relations.
    assert_eq!(
        view_messages(
            r#"op.replace_view("active_users", "SELECT u.*, 1 AS one FROM users u");"#,
            r#"op.replace_view("active_users", "SELECT u.*, 2 AS two FROM users u");"#
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        view_messages(
            r#"op.replace_view("active_users", "SELECT u.* FROM users u");"#,
            r#"op.replace_view("active_users", "SELECT a.* FROM accounts a");"#
        )
        .len(),
        1
    );
    assert_eq!(
        view_messages(r#"op.create_view("v", "SELECT 1");"#, ""),
        vec!["upgrade creates view `v`; downgrade never drops it"]
    );
    assert_eq!(
        view_messages(
            r#"op.drop_index("user_counts_owner", "user_counts");"#,
            ""
        ),
        vec!["upgrade drops index `user_counts_owner` on `user_counts`; downgrade never recreates it"]
    );
}

#[test]
fn raw_sql_views_are_read_into_the_model() {
    let raw = |up: &str| {
        let mut history = with_views();
        history.push(migration(up, ""));
        broken_by_last(&history)
    };
    // Learnt from raw SQL: a later DSL op sees the view.
    assert_eq!(
        raw(r#"op.execute("CREATE VIEW recent AS SELECT id FROM users"); op.drop_view("recent");"#),
        vec![]
    );
    assert_eq!(
        raw(
            r#"op.execute("CREATE MATERIALIZED VIEW m AS SELECT id FROM users WITH NO DATA"); op.refresh_materialized_view("m");"#
        ),
        vec![]
    );
    assert_eq!(
        raw(
            r#"op.execute("DROP VIEW IF EXISTS nope"); op.execute("DROP MATERIALIZED VIEW user_counts");"#
        ),
        vec![]
    );
    // What the model knows is checked in raw SQL as in the DSL.
    assert_eq!(
        raw(r#"op.execute("DROP VIEW nope");"#),
        vec![Rule::UnknownObject]
    );
    // Raw DDL is judged by what it does, as `raw-ddl` naming the hazard.
    assert_eq!(
        raw(r#"op.execute("REFRESH MATERIALIZED VIEW user_counts");"#),
        vec![Rule::RawDdl]
    );
    let said = view_messages(
        r#"op.execute("REFRESH MATERIALIZED VIEW user_counts");"#,
        "",
    );
    assert!(
        said[0].contains("without CONCURRENTLY locks it against every read"),
        "{said:?}"
    );
    assert_eq!(
        raw(r#"op.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY user_counts");"#),
        vec![]
    );
}
