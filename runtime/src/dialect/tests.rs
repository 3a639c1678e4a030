//! The SQL of every op on every dialect, as snapshots (`snapshots/`).

use godwit_core::schema::Schema;
use godwit_core::Op;

use super::{canonical_sql, Dialect};
use crate::dsl::*;

/// The schema the ops below run against: `users` and `posts`.
fn base() -> Schema {
    let mut ops = Ops::new();
    ops.create_table(
        "users",
        [
            column("id", BigInt).primary_key().autoincrement(),
            column("email", Varchar(255)).not_null().unique(),
            column("username", Varchar(50)).not_null(),
            column("bio", Text),
            column("karma", Integer).not_null().server_default(0),
        ],
    );
    ops.create_table(
        "posts",
        [
            column("id", BigInt).primary_key(),
            column("author_id", BigInt)
                .not_null()
                .references("users", "id"),
            column("title", Text).not_null(),
            column("score", Numeric(10, 2)),
        ],
    )
    .check("posts_score_positive", "score >= 0");
    ops.create_index("idx_posts_title", "posts", ["title"]);
    let mut s = Schema::new();
    for op in ops.ops() {
        s.apply(op).expect("the base schema replays");
    }
    s
}

/// The SQL of `op` on every dialect, against `before`.
fn render_all(op: &Op, before: &Schema) -> String {
    let mut out = format!("{op}\n");
    for d in Dialect::ALL {
        out.push_str(&format!("\n-- {d}\n"));
        match d.render(op, before) {
            Ok(stmts) if stmts.is_empty() => out.push_str("-- (no statement)\n"),
            Ok(stmts) => {
                for s in stmts {
                    out.push_str(&format!("{s}\n"));
                }
            }
            Err(e) => out.push_str(&format!("-- error: {e}\n")),
        }
    }
    out
}

macro_rules! snapshot {
    ($name:ident, |$op:ident| $body:expr) => {
        #[test]
        fn $name() {
            let mut ops = Ops::new();
            {
                let $op = &mut ops;
                $body;
            }
            // Each op renders against the schema the ops before it left.
            let mut schema = base();
            let mut parts = Vec::new();
            for op in ops.ops() {
                parts.push(render_all(op, &schema));
                schema.apply(op).expect("the op replays");
            }
            let text = parts.join("\n");
            insta::assert_snapshot!(stringify!($name), text);
        }
    };
}

snapshot!(create_table, |op| {
    op.create_table(
        "user_preferences",
        [
            column("id", BigInt).primary_key().autoincrement(),
            column("user_id", BigInt)
                .not_null()
                .references("users", "id"),
            column("theme", Varchar(20)).server_default("light"),
            column("notifications_enabled", Boolean).server_default(true),
            column("ratio", Double).server_default(0.5),
            column("created_at", Timestamp).server_default(now()),
            column("token", Uuid).server_default(sql("gen_random_uuid()")),
            column("updated_at", TimestampTz),
        ],
    )
    .unique(["user_id", "theme"])
    .check("user_preferences_ratio_range", "ratio BETWEEN 0 AND 1")
});

snapshot!(create_table_every_type, |op| {
    op.create_table(
        "every_type",
        [
            column("a", SmallInt),
            column("b", Integer),
            column("c", BigInt),
            column("d", Boolean),
            column("e", Text),
            column("f", Varchar(10)),
            column("g", Char(2)),
            column("h", Real),
            column("i", Double),
            column("j", Numeric(12, 4)),
            column("k", Date),
            column("l", Time),
            column("m", Timestamp),
            column("n", TimestampTz),
            column("o", Binary),
            column("p", Uuid),
            column("q", Json),
        ],
    )
});

snapshot!(views, |op| {
    op.create_view(
        "active_users",
        "SELECT id, email FROM users WHERE karma > 0",
    );
    op.replace_view("active_users", "SELECT id FROM users;");
    op.drop_view("active_users").if_exists();
});
snapshot!(materialized_views, |op| {
    op.create_materialized_view(
        "post_counts",
        "SELECT author_id, count(*) AS n FROM posts GROUP BY author_id",
    )
    .with_no_data();
    op.create_index("post_counts_author", "post_counts", ["author_id"])
        .unique();
    op.refresh_materialized_view("post_counts").concurrently();
    op.refresh_materialized_view("post_counts");
    op.drop_index("post_counts_author", "post_counts");
    op.drop_materialized_view("post_counts");
});
// SQLite's table rebuild drops the views and creates them again around the
// rename, which a view reading the table would otherwise fail.
snapshot!(rebuild_keeps_views, |op| {
    op.create_view("titles", "SELECT id, title FROM posts");
    op.alter_column("posts", "title").nullable(true);
});
snapshot!(functions_and_triggers, |op| {
    op.create_function(
        "touch()",
        "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.karma := NEW.karma + 1; RETURN NEW; END $$",
    );
    op.replace_function(
        "touch()",
        "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    );
    op.create_trigger(
        "users_touch",
        "users",
        "BEFORE UPDATE",
        "FOR EACH ROW EXECUTE FUNCTION touch()",
    );
    op.drop_trigger("users_touch", "users").if_exists();
    op.drop_function("touch()").if_exists();
});
// The rebuilt table's own triggers, and those of the other tables, are
// created again after the rename.
snapshot!(rebuild_keeps_triggers, |op| {
    op.create_trigger(
        "posts_count",
        "posts",
        "AFTER INSERT",
        "FOR EACH ROW BEGIN UPDATE users SET karma = karma + 1 WHERE id = NEW.author_id; END",
    );
    op.create_trigger(
        "users_keep",
        "users",
        "AFTER DELETE",
        "FOR EACH ROW BEGIN DELETE FROM posts WHERE author_id = OLD.id; END",
    );
    op.alter_column("posts", "title").nullable(true);
});
snapshot!(extensions, |op| {
    op.create_extension("pg_trgm").if_not_exists();
    op.drop_extension("pg_trgm");
});
snapshot!(comments, |op| {
    op.comment_on_table("users", "people who sign in");
    op.comment_on_column("users", "bio", "shown on the profile, it's public");
    op.alter_column("users", "bio").nullable(false);
    op.drop_comment_on_column("users", "bio");
    op.drop_comment_on_table("users");
    op.comment_on_constraint("users_pkey", "users", "the account's number");
    op.drop_comment_on_constraint("users_pkey", "users");
});
// A create of what the model has, a drop of what it has not: no statement.
snapshot!(if_exists, |op| {
    op.create_table("tags", [column("id", BigInt).primary_key()])
        .if_not_exists();
    op.create_table("tags", [column("id", BigInt).primary_key()])
        .if_not_exists();
    op.create_index("tags_id", "tags", ["id"])
        .concurrently()
        .if_not_exists();
    op.create_index("tags_id", "tags", ["id"]).if_not_exists();
    op.drop_index("tags_id", "tags").concurrently().if_exists();
    op.drop_index("tags_id", "tags").if_exists();
});
snapshot!(drop_table, |op| op.drop_table("posts"));
snapshot!(deprecate_table, |op| op.deprecate_table("posts"));
snapshot!(rename_table, |op| op.rename_table("posts", "articles"));
snapshot!(add_column_nullable, |op| op
    .add_column("users", column("nickname", Varchar(40))));
snapshot!(add_column_with_default, |op| op.add_column(
    "users",
    column("active", Boolean).not_null().server_default(true)
));
snapshot!(add_column_with_constraints, |op| op.add_column(
    "posts",
    column("editor_id", BigInt)
        .unique()
        .references("users", "id")
));
snapshot!(drop_column_plain, |op| op.drop_column("users", "bio"));
snapshot!(drop_column_indexed, |op| op.drop_column("posts", "title"));
snapshot!(rename_column, |op| op
    .rename_column("users", "bio", "about"));
snapshot!(alter_column_nullable, |op| op
    .alter_column("users", "bio")
    .nullable(false));
snapshot!(alter_column_drop_not_null, |op| op
    .alter_column("users", "username")
    .nullable(true));
snapshot!(alter_column_default, |op| op
    .alter_column("users", "karma")
    .server_default(10));
snapshot!(alter_column_drop_default, |op| op
    .alter_column("users", "karma")
    .drop_default());
snapshot!(alter_column_type, |op| op
    .alter_column("users", "karma")
    .set_type(BigInt));
snapshot!(deprecate_column, |op| op
    .deprecate_column("users", "username"));
snapshot!(create_index, |op| op.create_index(
    "idx_users_username",
    "users",
    ["username"]
));
snapshot!(create_index_unique_concurrently, |op| op
    .create_index("idx_users_username_karma", "users", ["username", "karma"])
    .unique()
    .concurrently());
snapshot!(create_index_partial, |op| op
    .create_index("idx_users_active_bio", "users", ["bio"])
    .where_("karma > 0"));
snapshot!(create_index_descending, |op| op.create_index(
    "idx_users_karma_username",
    "users",
    [key("karma").desc(), key("username")]
));
snapshot!(create_index_expression, |op| op
    .create_index(
        "idx_users_lower_email",
        "users",
        [expr("lower(email)"), key("karma").desc().nulls_last()]
    )
    .unique());
snapshot!(create_index_method_opclass_include, |op| op
    .create_index(
        "idx_users_username_pattern",
        "users",
        [key("username").opclass("varchar_pattern_ops")]
    )
    .using("btree")
    .include(["karma"]));
snapshot!(create_index_gin, |op| op
    .create_index(
        "idx_users_bio_search",
        "users",
        [expr("to_tsvector('simple', bio)")]
    )
    .using("gin"));
snapshot!(create_index_hash, |op| op
    .create_index("idx_users_email_hash", "users", ["email"])
    .using("hash"));
snapshot!(create_unique_constraint, |op| op.create_unique_constraint(
    "users_username_key",
    "users",
    ["username"]
));
snapshot!(create_unique_constraint_using_index, |op| {
    op.create_index("idx_users_username", "users", ["username"])
        .unique()
        .concurrently();
    op.create_unique_constraint("users_username_key", "users", ["username"])
        .using_index("idx_users_username")
});
snapshot!(replace_primary_key, |op| {
    op.create_index("posts_new_pkey", "posts", ["author_id", "id"])
        .unique()
        .concurrently();
    op.drop_constraint("posts_pkey", "posts");
    op.create_primary_key("posts_pkey", "posts", ["author_id", "id"])
        .using_index("posts_new_pkey")
});
snapshot!(create_primary_key, |op| {
    op.drop_constraint("posts_pkey", "posts");
    op.create_primary_key("posts_title_pkey", "posts", ["title"])
});
snapshot!(create_table_named_keys, |op| op
    .create_table(
        "memberships",
        [
            column("user_id", BigInt)
                .not_null()
                .references("users", "id")
                .on_delete(Action::Cascade)
                .on_update(Action::Restrict),
            column("post_id", BigInt)
                .not_null()
                .references("posts", "id"),
            column("role", Varchar(20)),
        ],
    )
    .primary_key_named("memberships_key", ["post_id", "user_id"])
    .unique_named("memberships_one_role", ["user_id", "role"]));
snapshot!(create_foreign_key_deferrable, |op| op
    .create_foreign_key("posts_author_fk", "posts", ["author_id"], "users", ["id"])
    .on_update(Action::Cascade)
    .initially_deferred()
    .not_valid());
snapshot!(add_column_references_with_actions, |op| op.add_column(
    "posts",
    column("editor_id", BigInt)
        .references("users", "id")
        .on_delete(Action::SetNull)
        .on_update(Action::Cascade)
));
snapshot!(drop_index, |op| op.drop_index("idx_posts_title", "posts"));
snapshot!(drop_index_a_foreign_key_needs, |op| {
    op.create_index("idx_posts_author_id", "posts", ["author_id"]);
    op.drop_index("idx_posts_author_id", "posts")
});
snapshot!(drop_index_concurrently, |op| op
    .drop_index("idx_posts_title", "posts")
    .concurrently());
snapshot!(create_foreign_key, |op| op
    .create_foreign_key("posts_author_fk", "posts", ["author_id"], "users", ["id"])
    .on_delete(Action::Cascade));
snapshot!(create_foreign_key_not_valid, |op| op
    .create_foreign_key("posts_author_fk", "posts", ["author_id"], "users", ["id"])
    .not_valid());
snapshot!(create_check_constraint, |op| op.create_check_constraint(
    "users_karma_positive",
    "users",
    "karma >= 0"
));
snapshot!(create_check_constraint_not_valid, |op| op
    .create_check_constraint("users_karma_positive", "users", "karma >= 0")
    .not_valid());
snapshot!(validate_foreign_key, |op| op
    .validate_constraint("posts_author_id_fkey", "posts"));
snapshot!(validate_check, |op| op
    .validate_constraint("posts_score_positive", "posts"));
snapshot!(drop_foreign_key, |op| op
    .drop_constraint("posts_author_id_fkey", "posts"));
snapshot!(drop_check, |op| op
    .drop_constraint("posts_score_positive", "posts"));
snapshot!(drop_unique, |op| op
    .drop_constraint("users_email_key", "users"));
snapshot!(execute, |op| op
    .execute("UPDATE users SET karma = 1 WHERE id = 1;"));
snapshot!(backfill, |op| op
    .backfill("users", "karma = karma + 1")
    .where_("bio IS NOT NULL")
    .batch_size(500));
snapshot!(safety_assured, |op| op.safety_assured(
    "the users table is tiny and only read by the admin tool",
    |op| {
        op.add_column(
            "users",
            column("level", Integer).not_null().server_default(1),
        );
        op.create_index("idx_users_level", "users", ["level"]);
    }
));

snapshot!(enum_types, |op| {
    op.create_enum("mood", ["sad", "ok", "it's"]);
    op.add_column(
        "users",
        column("mood", Enum("mood")).not_null().server_default("ok"),
    );
    op.create_table(
        "moods",
        [
            column("id", BigInt).primary_key(),
            column("current", Enum("mood")),
        ],
    );
    op.add_enum_value("mood", "excited");
    op.add_enum_value("mood", "calm").before("sad");
    op.add_enum_value("mood", "meh").after("ok");
    op.rename_enum_value("mood", "ok", "fine");
    op.drop_enum_value("mood", "calm");
    op.drop_table("moods");
    op.drop_column("users", "mood");
    op.drop_enum("mood")
});
snapshot!(enum_arrays, |op| {
    op.create_enum("tag", ["a", "b"]);
    op.add_column("posts", column("tags", Array(Enum("tag"))));
    op.drop_enum_value("tag", "b")
});
snapshot!(alter_column_type_using, |op| op
    .alter_column("users", "karma")
    .set_type(Text)
    .using("karma || ' points'"));
snapshot!(generated_columns, |op| {
    op.add_column(
        "posts",
        column("score_pct", Numeric(12, 2))
            .generated("score * 100")
            .stored(),
    );
    op.add_column(
        "posts",
        column("title_upper", Text).generated("upper(title)"),
    );
    op.alter_column("posts", "title").nullable(true)
});
snapshot!(serial_columns, |op| {
    op.create_table("events", [column("id", BigInt).primary_key().serial()]);
    op.create_table("counters", [column("n", Integer).primary_key().serial()]);
    op.add_column("users", column("rank", SmallInt).unique().serial())
});

#[test]
fn identifiers_are_quoted_and_escaped() {
    assert_eq!(Dialect::Postgres.quote("we\"ird"), "\"we\"\"ird\"");
    assert_eq!(Dialect::Sqlite.quote("order"), "\"order\"");
    assert_eq!(Dialect::Mysql.quote("we`ird"), "`we``ird`");
    assert_eq!(Dialect::Mysql.string_literal("it's a \\"), "'it''s a \\\\'");
    assert_eq!(Dialect::Postgres.string_literal("it's"), "'it''s'");
}

#[test]
fn backfill_batches_by_primary_key() {
    let mut ops = Ops::new();
    ops.backfill("users", "karma = 0").batch_size(100);
    let stmts = Dialect::Postgres.render(&ops.ops()[0], &base()).unwrap();
    let super::Statement::Backfill(b) = &stmts[0] else {
        panic!("a backfill renders to a batched update")
    };
    assert_eq!(
        b.boundary_query(Some("200")),
        "SELECT CAST(\"id\" AS TEXT) AS c0 FROM \"users\" WHERE \"id\" > 200 ORDER BY \"id\" LIMIT 1 OFFSET 99"
    );
    assert_eq!(
        b.batch_update(Some("200"), Some("300")),
        "UPDATE \"users\" SET karma = 0 WHERE \"id\" > 200 AND \"id\" <= 300"
    );
}

#[test]
fn canonical_sql_folds_server_spellings() {
    assert_eq!(canonical_sql("'light'::character varying"), "'light'");
    assert_eq!(canonical_sql("(price > (0)::numeric)"), "price>0");
    assert_eq!(canonical_sql("`price` > 0"), "price>0");
    assert_eq!(canonical_sql("'-1'::integer"), "-1");
    assert_eq!(canonical_sql("1.50"), "1.5");
    assert_eq!(canonical_sql("TRUE"), "1");
    assert_eq!(canonical_sql("current_timestamp(6)"), "current_timestamp");
    assert_eq!(canonical_sql("'It''s'"), "'It''s'");
    assert_eq!(
        canonical_sql("'it\\'s \\\\ ok'"),
        canonical_sql("'it''s \\\\ ok'")
    );
    assert_eq!(
        canonical_sql("(balance >= ('-1000'::integer)::numeric)"),
        canonical_sql("balance >= -1000")
    );
}

#[test]
fn mysql_defaults_that_need_an_expression() {
    use godwit_core::{ColumnType, DefaultValue};
    let d = Dialect::Mysql;
    assert_eq!(
        d.default_value(&DefaultValue::Str("it's".into()), &ColumnType::Text),
        "('it''s')"
    );
    assert_eq!(
        d.default_value(&DefaultValue::Int(3), &ColumnType::Json),
        "(3)"
    );
    assert_eq!(
        d.default_value(&DefaultValue::Str("x".into()), &ColumnType::Varchar(5)),
        "'x'"
    );
    assert_eq!(
        d.default_value(&DefaultValue::Now, &ColumnType::Date),
        "(CURRENT_DATE)"
    );
    assert_eq!(
        d.default_value(&DefaultValue::Now, &ColumnType::Time),
        "(CURRENT_TIME)"
    );
    assert_eq!(
        Dialect::Postgres.default_value(&DefaultValue::Str("x".into()), &ColumnType::Text),
        "'x'"
    );
}

#[test]
fn canonical_sql_folds_mariadb_length() {
    // MariaDB gives back `length(note) < 90` as its synonym.
    assert_eq!(
        canonical_sql("octet_length(`note`) < 90"),
        canonical_sql("length(note) < 90")
    );
}

#[test]
fn types_each_backend_has_or_refuses() {
    use godwit_core::ColumnType::*;
    let nested = Array(Box::new(Array(Box::new(Varchar(3)))));
    assert_eq!(Dialect::Postgres.column_type(&nested), "VARCHAR(3)[][]");
    assert_eq!(Dialect::Postgres.column_type(&VarcharUnbounded), "VARCHAR");
    assert_eq!(Dialect::Mysql.column_type(&VarcharUnbounded), "TEXT");
    assert_eq!(Dialect::Postgres.column_type(&JsonText), "JSON");
    assert_eq!(Dialect::Postgres.column_type(&Json), "JSONB");
    assert_eq!(
        Dialect::Postgres.column_type(&Enum("mood".into())),
        "\"mood\""
    );
    assert_eq!(Dialect::Sqlite.column_type(&Enum("mood".into())), "TEXT");
    assert_eq!(Dialect::Mysql.column_type(&Custom("POINT".into())), "POINT");
    assert!(Dialect::Postgres.supports(&nested).is_ok());
    for d in [Dialect::Mysql, Dialect::Sqlite] {
        assert!(d
            .supports(&nested)
            .unwrap_err()
            .contains("no array columns"));
    }
    assert!(Dialect::Mysql.supports(&Enum("mood".into())).is_ok());
}
