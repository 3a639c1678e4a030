//! Every rule: it fires, it does not fire on the safe path, and it is
//! silenced where RULES.md says it may be.
//!
//! Each migration is written as the DSL text of its bodies and read by the
//! vocabulary's reader, as `#[migration]` reads `fn upgrade` and
//! `fn downgrade`: what an op means (a primary key is NOT NULL, the default
//! batch size, ..) is the vocabulary's to say, not these tests'.

use std::borrow::Cow;

use super::{check_history, check_history_for};
use crate::backend::{Backend, Backends, Target};

mod backends;
mod objects;
mod routines;
mod types;
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::migration::Migration;
use crate::model::{Op, Phase};

// ----- migrations written as their bodies are -----

/// The ops of a body, from its DSL text (`op.a(..); op.b(..);`).
fn ops(text: &str) -> Vec<Op> {
    crate::vocabulary::parse_ops(text).unwrap_or_else(|e| panic!("invalid DSL, {e}:\n{text}"))
}

/// A migration from the DSL text of its `upgrade` and `downgrade` bodies.
fn migration(up: &str, down: &str) -> Migration {
    Migration {
        revision: "".into(),
        down_revision: None,
        message: "a migration under test".into(),
        irreversible: None,
        allow: Cow::Owned(vec![]),
        imported: None,
        transaction: true,
        upgrade: Cow::Owned(ops(up)),
        downgrade: Cow::Owned(ops(down)),
        checksum: "".into(),
    }
}

/// The ops of `body` inside `op.safety_assured(..)`.
fn assured(body: &str) -> String {
    format!(r#"op.safety_assured("checked by hand on a copy of production", |op| {{ {body} }});"#)
}

/// The tables every test starts from: `users` and `accounts`, created by an
/// earlier migration.
fn create_users() -> Migration {
    migration(
        r#"
        op.create_table("users", [
            column("id", BigInt).primary_key(),
            column("email", Varchar(255)).not_null(),
            column("username", Varchar(50)).not_null(),
            column("bio", Text),
        ]);
        op.create_table("accounts", [
            column("id", BigInt).primary_key(),
            column("owner_id", BigInt),
        ]).check("accounts_owner_id_positive", "owner_id > 0");
        "#,
        r#"
        op.drop_table("accounts");
        op.drop_table("users");
        "#,
    )
}

/// Every diagnostic of a history, checked in listed order, for PostgreSQL
/// (whose SQL most examples here are written in).
fn check(migrations: &[Migration]) -> Vec<Diagnostic> {
    check_for(migrations, &[Backend::Postgres])
}

/// Every diagnostic of a history, checked in listed order for `backends`.
fn check_for(migrations: &[Migration], backends: &[Backend]) -> Vec<Diagnostic> {
    let order: Vec<usize> = (0..migrations.len()).collect();
    let backends = Backends::new(backends.iter().map(|b| Target::new(*b)));
    check_history_for(migrations, &order, &backends)
}

/// The rules broken by the last of `migrations`, other than downgrade-mismatch
/// (the tests give most migrations no downgrade).
fn broken_by_last(migrations: &[Migration]) -> Vec<Rule> {
    let last = migrations.len() - 1;
    check(migrations)
        .into_iter()
        .filter(|d| d.rule != Rule::DowngradeMismatch)
        .inspect(|d| {
            assert!(
                matches!(d.at, Location::Op { migration, .. } | Location::Body { migration, .. } if migration == last),
                "an earlier migration broke a rule: {d:?}"
            )
        })
        .map(|d| d.rule)
        .collect()
}

/// The rules broken by an upgrade (its DSL text) run after `create_users`.
fn on_users(up: &str) -> Vec<Rule> {
    broken_by_last(&[create_users(), migration(up, "")])
}

/// The messages of the diagnostics of an upgrade run after `create_users`.
fn messages(up: &str) -> Vec<String> {
    check(&[create_users(), migration(up, "")])
        .into_iter()
        .filter(|d| d.rule != Rule::DowngradeMismatch)
        .map(|d| d.headline())
        .collect()
}

// ----- structure -----

#[test]
fn replay_errors_are_reported_at_the_op() {
    use Rule::*;
    assert_eq!(
        on_users(r#"op.add_column("nope", column("a", Text));"#),
        [UnknownTable]
    );
    assert_eq!(
        on_users(r#"op.alter_column("users", "nope").drop_default();"#),
        [UnknownColumn]
    );
    assert_eq!(
        on_users(r#"op.drop_index("nope", "users");"#),
        [UnknownIndex]
    );
    assert_eq!(
        on_users(r#"op.validate_constraint("nope", "users");"#),
        [UnknownConstraint]
    );
    assert_eq!(
        on_users(r#"op.create_table("users", [column("id", BigInt).primary_key()]);"#),
        [AlreadyExists]
    );
    assert_eq!(
        on_users(r#"op.add_column("users", column("bio", Text));"#),
        [AlreadyExists]
    );
    assert_eq!(
        on_users(r#"op.backfill("users", "nope = 1");"#),
        [UnknownColumn]
    );
    assert_eq!(on_users(r#"op.backfill("users", "bio = username");"#), []);
}

#[test]
fn an_index_named_as_a_constraint_and_the_reverse_say_so() {
    let index = r#"op.create_index("idx_users_email", "users", ["email"]);"#;
    // (headline, help) of the diagnostics of the last op, after `index`.
    let said = |up: &str| -> Vec<(String, String)> {
        check(&[create_users(), migration(&format!("{index} {up}"), "")])
            .into_iter()
            .filter(|d| d.rule != Rule::DowngradeMismatch && d.rule != Rule::NonConcurrentIndex)
            .map(|d| (d.headline(), d.help))
            .collect()
    };
    assert_eq!(
        said(r#"op.drop_constraint("idx_users_email", "users");"#),
        [(
            "[unknown-constraint] constraint `idx_users_email` does not exist on table `users` at this point of the history; `idx_users_email` is an index of `users`".to_string(),
            r#"drop an index with op.drop_index("idx_users_email", "users")"#.to_string()
        )]
    );
    assert_eq!(
        said(r#"op.drop_constraint("idx_users_email", "accounts");"#)[0].1,
        r#"drop an index with op.drop_index("idx_users_email", "users")"#
    );
    assert_eq!(
        said(r#"op.validate_constraint("idx_users_email", "users");"#)[0].1,
        "remove this op: an index is ready once its create_index has run; only a constraint added with .not_valid() is validated"
    );
    assert_eq!(
        said(r#"op.drop_index("accounts_owner_id_positive", "accounts");"#),
        [(
            "[unknown-index] index `accounts_owner_id_positive` does not exist on table `accounts` at this point of the history; `accounts_owner_id_positive` is a constraint of `accounts`".to_string(),
            r#"drop a constraint with op.drop_constraint("accounts_owner_id_positive", "accounts")"#.to_string()
        )]
    );
    // The right kind on another table: name that table.
    assert_eq!(
        said(r#"op.drop_constraint("accounts_owner_id_positive", "users");"#)[0].1,
        r#"name its table: op.drop_constraint("accounts_owner_id_positive", "accounts")"#
    );
    assert_eq!(
        said(r#"op.drop_index("idx_users_email", "accounts");"#)[0].1,
        r#"name its table: op.drop_index("idx_users_email", "users")"#
    );
    // A name nothing holds keeps the usual advice.
    assert_eq!(
        said(r#"op.drop_index("nope", "users");"#)[0].1,
        "the schema model is replayed from the first migration: create it in an earlier migration (or fix the name)"
    );
}

#[test]
fn structural_rules_are_not_silenced() {
    assert_eq!(
        on_users(&assured(r#"op.add_column("nope", column("a", Text));"#)),
        [Rule::UnknownTable]
    );
    assert_eq!(
        on_users(&assured(r#"op.backfill("users", "bio = = 1");"#)),
        [Rule::InvalidSql]
    );
}

#[test]
fn locations_use_the_listed_index_and_the_nested_path() {
    let bad = migration(
        r#"
        op.add_column("users", column("a", Text));
        op.safety_assured("checked by hand on a copy of production", |op| {
            op.add_column("users", column("b", Text));
            op.add_column("nope", column("c", Text));
        });
        "#,
        r#"
        op.drop_column("users", "b");
        op.drop_column("users", "a");
        "#,
    );
    // Listed head first; the chain order puts `create_users` first.
    let diagnostics = check_history(&[bad, create_users()], &[1, 0]);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(
        diagnostics[0].at,
        Location::Op {
            migration: 0,
            phase: Phase::Upgrade,
            path: vec![1, 1]
        }
    );
}

#[test]
fn replay_errors_in_the_downgrade_are_reported_there() {
    let d = check(&[
        create_users(),
        migration("", r#"op.drop_column("users", "nope");"#),
    ]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].rule, Rule::UnknownColumn);
    assert!(matches!(
        d[0].at,
        Location::Op {
            migration: 1,
            phase: Phase::Downgrade,
            ..
        }
    ));
}

#[test]
fn downgrade_mismatch_names_the_first_difference() {
    let forgotten = check(&[
        create_users(),
        migration(r#"op.add_column("users", column("tagline", Text));"#, ""),
    ]);
    assert_eq!(forgotten.len(), 1);
    assert_eq!(forgotten[0].rule, Rule::DowngradeMismatch);
    assert_eq!(
        forgotten[0].message,
        "upgrade adds column `users.tagline`; downgrade never drops it"
    );
    assert_eq!(
        forgotten[0].at,
        Location::Body {
            migration: 1,
            phase: Phase::Downgrade
        }
    );

    let wrong_type = check(&[
        create_users(),
        migration(
            &assured(r#"op.alter_column("users", "username").set_type(Text);"#),
            r#"op.alter_column("users", "username").set_type(Varchar(40));"#,
        ),
    ]);
    assert_eq!(
        wrong_type[0].message,
        "upgrade changes the type of `users.username` from Varchar(50) to Text; downgrade leaves Varchar(40)"
    );

    let extra = check(&[
        create_users(),
        migration("", r#"op.drop_column("users", "bio");"#),
    ]);
    assert_eq!(
        extra[0].message,
        "downgrade drops column `users.bio`, which existed before the upgrade"
    );
}

#[test]
fn downgrade_mismatch_lists_every_difference() {
    let d = check(&[
        create_users(),
        migration(
            r#"
            op.add_column("users", column("tagline", Text));
            op.create_index("idx_users_tagline", "users", ["tagline"]);
            op.add_column("accounts", column("note", Text));
            "#,
            r#"
            op.drop_column("users", "tagline");
            op.drop_column("users", "bio");
            "#,
        ),
    ]);
    let d: Vec<_> = d
        .into_iter()
        .filter(|d| d.rule == Rule::DowngradeMismatch)
        .collect();
    assert_eq!(d.len(), 1, "one diagnostic: {d:?}");
    assert_eq!(
        d[0].message,
        "upgrade adds column `accounts.note`; downgrade never drops it\n\
         also: downgrade drops column `users.bio`, which existed before the upgrade"
    );
    assert_eq!(
        d[0].at,
        Location::Body {
            migration: 1,
            phase: Phase::Downgrade
        }
    );
}

#[test]
fn downgrade_mismatch_accepts_a_true_reverse() {
    let d = check(&[
        create_users(),
        migration(
            r#"
            op.add_column("users", column("tagline", Text));
            op.create_index("idx_users_tagline", "users", ["tagline"]);
            "#,
            r#"
            op.drop_index("idx_users_tagline", "users");
            op.drop_column("users", "tagline");
            "#,
        ),
    ]);
    assert!(d.iter().all(|d| d.rule != Rule::DowngradeMismatch), "{d:?}");
}

#[test]
fn downgrade_mismatch_ignores_deprecation_marks_and_column_order() {
    // The deprecation of a nullable column changes nothing but the mark.
    let d = check(&[
        create_users(),
        migration(r#"op.deprecate_column("users", "bio");"#, ""),
    ]);
    assert_eq!(d, []);
    // Dropping a column and adding it back puts it last.
    let d = check(&[
        create_users(),
        migration(
            r#"op.deprecate_column("users", "email");"#,
            r#"op.alter_column("users", "email").nullable(false);"#,
        ),
        migration(
            r#"op.drop_column("users", "email");"#,
            r#"op.add_column("users", column("email", Varchar(255)));"#,
        ),
    ]);
    assert_eq!(d, []);
}

#[test]
fn downgrade_mismatch_skips_irreversible_migrations() {
    let mut m = migration(r#"op.add_column("users", column("tagline", Text));"#, "");
    m.irreversible = Some("the old data cannot be recovered".into());
    assert_eq!(check(&[create_users(), m]), []);
}

// ----- compatibility -----

#[test]
fn add_required_column() {
    let required = r#"op.add_column("users", column("required_field", Text).not_null());"#;
    assert_eq!(on_users(required), [Rule::AddRequiredColumn]);
    assert_eq!(
        messages(required),
        ["[add-required-column] adding NOT NULL column `users.required_field` without a server default breaks code that inserts users"]
    );
    // The safe forms: nullable, or with a default.
    assert_eq!(
        on_users(r#"op.add_column("users", column("tagline", Text));"#),
        []
    );
    assert_eq!(
        on_users(
            r#"op.add_column("users", column("status", Text).not_null().server_default("active"));"#
        ),
        []
    );
    // New tables are exempt.
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key()]);
            op.add_column("posts", column("required_field", Text).not_null());
            "#
        ),
        []
    );
    assert_eq!(on_users(&assured(required)), []);
}

#[test]
fn volatile_default() {
    let token = |sql: &str| {
        format!(r#"op.add_column("users", column("token", Uuid).server_default(sql("{sql}")));"#)
    };
    assert_eq!(
        on_users(&token("gen_random_uuid()")),
        [Rule::VolatileDefault]
    );
    assert_eq!(on_users(&token("'x'")), []);
    assert_eq!(
        on_users(r#"op.add_column("users", column("seen_at", Timestamp).server_default(now()));"#),
        []
    );
    assert_eq!(on_users(&assured(&token("random()"))), []);
    // Stable and immutable built-ins are evaluated once: no rewrite.
    assert_eq!(on_users(&token("now() + interval '1 day'")), []);
    assert_eq!(on_users(&token("lower('ABC')")), []);
    // A call inside anything counts.
    assert_eq!(
        on_users(&token("md5(random()::text)::uuid")),
        [Rule::VolatileDefault]
    );
    // A function godwit does not know counts as volatile until declared otherwise.
    let code =
        r#"op.add_column("users", column("code", Text).server_default(sql("random_string(26)")));"#;
    assert_eq!(
        messages(code),
        ["[volatile-default] adding column `users.code` with the default `random_string(26)` makes PostgreSQL rewrite every row of `users` under an exclusive lock unless `random_string` is declared IMMUTABLE or STABLE: godwit does not know that function, and a function is VOLATILE unless declared otherwise"]
    );
    assert_eq!(on_users(&assured(code)), []);
    // Setting it on a column that exists touches new rows only.
    assert_eq!(
        on_users(r#"op.alter_column("users", "bio").server_default(sql("random_string(26)"));"#),
        []
    );
}

#[test]
fn add_autoincrement_column() {
    let seq = r#"column("seq", BigInt).autoincrement()"#;
    assert_eq!(
        on_users(&format!(r#"op.add_column("users", {seq});"#)),
        [Rule::AddAutoincrementColumn]
    );
    assert_eq!(
        on_users(r#"op.add_column("users", column("seq", BigInt));"#),
        []
    );
    assert_eq!(
        on_users(&format!(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key()]);
            op.add_column("posts", {seq});
            "#
        )),
        []
    );
    assert_eq!(
        on_users(&assured(&format!(r#"op.add_column("users", {seq});"#))),
        []
    );
}

#[test]
fn drop_column_not_deprecated() {
    assert_eq!(
        on_users(r#"op.drop_column("users", "bio");"#),
        [Rule::DropColumnNotDeprecated]
    );
    // Deprecated in the same migration: no deploy in between.
    assert_eq!(
        on_users(
            r#"
            op.deprecate_column("users", "bio");
            op.drop_column("users", "bio");
            "#
        ),
        [Rule::DropColumnNotDeprecated]
    );
    // Deprecated by an earlier migration: the safe path.
    let deprecate = migration(r#"op.deprecate_column("users", "bio");"#, "");
    let drop = migration(r#"op.drop_column("users", "bio");"#, "");
    assert_eq!(
        broken_by_last(&[create_users(), deprecate, drop.clone()]),
        []
    );
    // .nullable(true) counts as deprecation.
    let nullable = migration(
        r#"op.alter_column("users", "username").nullable(true);"#,
        "",
    );
    let drop_username = migration(r#"op.drop_column("users", "username");"#, "");
    assert_eq!(
        broken_by_last(&[create_users(), nullable, drop_username]),
        []
    );
    // A column added in the same migration is not used by anyone yet.
    assert_eq!(
        on_users(
            r#"
            op.add_column("users", column("tmp", Text));
            op.drop_column("users", "tmp");
            "#
        ),
        []
    );
    assert_eq!(on_users(&assured(r#"op.drop_column("users", "bio");"#)), []);
}

#[test]
fn drop_table_not_deprecated() {
    let drop = r#"op.drop_table("accounts");"#;
    assert_eq!(on_users(drop), [Rule::DropTableNotDeprecated]);
    let deprecate = migration(r#"op.deprecate_table("accounts");"#, "");
    assert_eq!(
        broken_by_last(&[create_users(), deprecate, migration(drop, "")]),
        []
    );
    assert_eq!(
        on_users(
            r#"
            op.create_table("tmp", [column("id", BigInt).primary_key()]);
            op.drop_table("tmp");
            "#
        ),
        []
    );
    assert_eq!(on_users(&assured(drop)), []);
}

#[test]
fn rename_column_and_table() {
    let rename = r#"op.rename_column("users", "username", "display_name");"#;
    assert_eq!(on_users(rename), [Rule::RenameColumn]);
    assert_eq!(on_users(&assured(rename)), []);
    let rename_table = r#"op.rename_table("users", "people");"#;
    assert_eq!(on_users(rename_table), [Rule::RenameTable]);
    assert_eq!(on_users(&assured(rename_table)), []);
    // New tables and columns are free to be renamed.
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key(), column("title", Text)]);
            op.rename_column("posts", "title", "headline");
            op.rename_table("posts", "articles");
            "#
        ),
        []
    );
    // The safe path: add, backfill later, drop later still.
    let add = migration(
        r#"op.add_column("users", column("display_name", Varchar(50)));"#,
        "",
    );
    let fill = migration(r#"op.backfill("users", "display_name = username");"#, "");
    let deprecate = migration(r#"op.deprecate_column("users", "username");"#, "");
    let drop = migration(r#"op.drop_column("users", "username");"#, "");
    for n in 2..=5 {
        let history = [
            create_users(),
            add.clone(),
            fill.clone(),
            deprecate.clone(),
            drop.clone(),
        ];
        assert_eq!(broken_by_last(&history[..n]), []);
    }
}

#[test]
fn change_column_type() {
    let set_type = |ty: &str| format!(r#"op.alter_column("users", "username").set_type({ty});"#);
    assert_eq!(on_users(&set_type("Text")), [Rule::ChangeColumnType]);
    assert_eq!(
        on_users(r#"op.alter_column("users", "id").set_type(Uuid);"#),
        [Rule::ChangeColumnType]
    );
    // Widening a varchar within the same length prefix is done in place.
    assert_eq!(on_users(&set_type("Varchar(60)")), []);
    // 255 characters may be 255 bytes (one length byte) or 1020 (two).
    assert_eq!(
        on_users(r#"op.alter_column("users", "email").set_type(Varchar(1000));"#),
        [Rule::ChangeColumnType]
    );
    let wide = migration(
        &assured(r#"op.alter_column("users", "email").set_type(Varchar(300));"#),
        "",
    );
    let wider = migration(
        r#"op.alter_column("users", "email").set_type(Varchar(1000));"#,
        "",
    );
    assert_eq!(broken_by_last(&[create_users(), wide, wider]), []);
    assert_eq!(
        on_users(&set_type("Varchar(300)")),
        [Rule::ChangeColumnType]
    );
    assert_eq!(on_users(&set_type("Varchar(20)")), [Rule::ChangeColumnType]);
    assert_eq!(on_users(&set_type("Varchar(50)")), []);
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key(), column("n", Integer)]);
            op.alter_column("posts", "n").set_type(BigInt);
            "#
        ),
        []
    );
    assert_eq!(on_users(&assured(&set_type("Text"))), []);
}

#[test]
fn set_not_null() {
    let not_null =
        |column: &str| format!(r#"op.alter_column("users", "{column}").nullable(false);"#);
    assert_eq!(on_users(&not_null("bio")), [Rule::SetNotNull]);
    // Already NOT NULL: nothing changes.
    assert_eq!(on_users(&not_null("email")), []);
    assert_eq!(on_users(&assured(&not_null("bio"))), []);
    // A column added in the same migration to an existing table: the running
    // version inserts rows without it.
    assert_eq!(
        on_users(
            r#"
            op.add_column("users", column("display_name", Text));
            op.alter_column("users", "display_name").nullable(false);
            "#
        ),
        [Rule::SetNotNull]
    );
    // The safe path: a validated CHECK (bio IS NOT NULL) from earlier migrations.
    let check = migration(
        r#"op.create_check_constraint("users_bio_not_null", "users", "bio IS NOT NULL").not_valid();"#,
        "",
    );
    let valid = migration(
        r#"op.validate_constraint("users_bio_not_null", "users");"#,
        "",
    );
    let set = migration(&not_null("bio"), "");
    assert_eq!(
        broken_by_last(&[create_users(), check.clone(), valid, set.clone()]),
        []
    );
    // Not yet validated: still a scan.
    assert_eq!(
        broken_by_last(&[create_users(), check, set]),
        [Rule::SetNotNull]
    );
}

#[test]
fn backfill_with_schema_change() {
    let add = r#"op.add_column("users", column("display_name", Varchar(50)));"#;
    let fill = r#"op.backfill("users", "display_name = username");"#;
    // The seed scenario: add, backfill and NOT NULL in one migration.
    assert_eq!(
        on_users(&format!(
            r#"{add} {fill} op.alter_column("users", "display_name").nullable(false);"#
        )),
        [Rule::BackfillWithSchemaChange, Rule::SetNotNull]
    );
    assert_eq!(
        on_users(&format!("{add} {fill}")),
        [Rule::BackfillWithSchemaChange]
    );
    assert_eq!(
        on_users(&format!(
            r#"{add} op.execute("UPDATE users SET display_name = username WHERE id < 100");"#
        )),
        [Rule::BackfillWithSchemaChange]
    );
    // A data change behind or inside a WITH clause counts.
    assert_eq!(
        on_users(&format!(
            r#"{add} op.execute("WITH gone AS (DELETE FROM users WHERE id < 100 RETURNING id) SELECT count(*) FROM gone");"#
        )),
        [Rule::BackfillWithSchemaChange]
    );
    // Raw DDL counts as a schema change too.
    assert_eq!(
        on_users(&format!(
            r#"{} op.backfill("users", "bio = ''");"#,
            assured(r#"op.execute("ALTER TABLE users ADD COLUMN x text");"#)
        )),
        [Rule::BackfillWithSchemaChange]
    );
    // A backfill takes the whole migration out of its transaction: DDL on
    // another existing table would not be rolled back with it.
    assert_eq!(
        on_users(
            r#"
            op.add_column("accounts", column("note", Text));
            op.backfill("users", "bio = ''");
            "#
        ),
        [Rule::BackfillWithSchemaChange]
    );
    // A bounded UPDATE runs inside the transaction: DDL on another table is fine.
    assert_eq!(
        on_users(
            r#"
            op.add_column("accounts", column("note", Text));
            op.execute("UPDATE users SET bio = '' WHERE id < 100");
            "#
        ),
        []
    );
    let added = migration(add, "");
    assert_eq!(
        broken_by_last(&[create_users(), added, migration(fill, "")]),
        []
    );
    // A new table may be filled in the migration that creates it.
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key(), column("title", Text)]);
            op.backfill("posts", "title = 'untitled'");
            op.execute("INSERT INTO posts (id, title) VALUES (1, 'hello')");
            "#
        ),
        []
    );
    assert_eq!(on_users(&format!("{add} {}", assured(fill))), []);
}

#[test]
fn non_concurrent_index() {
    let index = r#"op.create_index("idx_users_email", "users", ["email"]);"#;
    let concurrent_index =
        r#"op.create_index("idx_users_email", "users", ["email"]).concurrently();"#;
    assert_eq!(on_users(index), [Rule::NonConcurrentIndex]);
    assert_eq!(on_users(concurrent_index), []);
    assert_eq!(on_users(&assured(index)), []);
    let created = migration(concurrent_index, "");
    let dropped = |up: &str| broken_by_last(&[create_users(), created.clone(), migration(up, "")]);
    assert_eq!(
        dropped(r#"op.drop_index("idx_users_email", "users");"#),
        [Rule::NonConcurrentIndex]
    );
    assert_eq!(
        dropped(r#"op.drop_index("idx_users_email", "users").concurrently();"#),
        []
    );
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key(), column("title", Text)]);
            op.create_index("idx_posts_title", "posts", ["title"]);
            "#
        ),
        []
    );
}

#[test]
fn concurrent_index_not_alone() {
    let index = r#"op.create_index("idx_users_email", "users", ["email"]).concurrently();"#;
    assert_eq!(
        on_users(&format!(
            r#"{index} op.add_column("users", column("tagline", Text));"#
        )),
        [Rule::ConcurrentIndexNotAlone]
    );
    assert_eq!(on_users(index), []);
    // Checked in the downgrade too.
    let d = check(&[
        create_users(),
        migration(
            index,
            r#"
            op.drop_index("idx_users_email", "users").concurrently();
            op.execute("SELECT 1");
            "#,
        ),
    ]);
    assert_eq!(
        d.iter().map(|d| d.rule).collect::<Vec<_>>(),
        [Rule::ConcurrentIndexNotAlone]
    );
    assert_eq!(
        on_users(&assured(&format!(r#"{index} op.execute("SELECT 1");"#))),
        []
    );
}

#[test]
fn unique_constraint_on_existing_table() {
    let unique = r#"column("handle", Varchar(40)).unique()"#;
    assert_eq!(
        on_users(&format!(r#"op.add_column("users", {unique});"#)),
        [Rule::UniqueConstraintOnExistingTable]
    );
    assert_eq!(
        on_users(&format!(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key()]);
            op.add_column("posts", {unique});
            "#
        )),
        []
    );
    assert_eq!(
        on_users(&assured(&format!(r#"op.add_column("users", {unique});"#))),
        []
    );
}

#[test]
fn unique_constraint_on_existing_table_takes_over_an_index_built_earlier() {
    let constraint = r#"op.create_unique_constraint("users_email_key", "users", ["email"])"#;
    assert_eq!(
        on_users(&format!("{constraint};")),
        [Rule::UniqueConstraintOnExistingTable]
    );
    assert_eq!(
        messages(&format!("{constraint};")),
        ["[unique-constraint-on-existing-table] unique constraint `users_email_key` on existing table `users` builds its unique index under an exclusive lock on `users`"]
    );
    // The safe path: the index concurrently, alone; the constraint later.
    let index = migration(
        r#"op.create_index("users_email_key", "users", ["email"]).unique().concurrently();"#,
        r#"op.drop_index("users_email_key", "users").concurrently();"#,
    );
    let take_over = migration(
        &format!(r#"{constraint}.using_index("users_email_key");"#),
        r#"op.drop_constraint("users_email_key", "users");
           op.create_index("users_email_key", "users", ["email"]).unique();"#,
    );
    assert_eq!(check(&[create_users(), index.clone(), take_over]), []);
    // On a new table, a constraint is free.
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key(), column("slug", Text)]);
            op.create_unique_constraint("posts_slug_key", "posts", ["slug"]);
            "#
        ),
        []
    );
    // Only a unique b-tree over exactly the constraint's columns can be taken over.
    let after_index =
        |up: &str| broken_by_last(&[create_users(), index.clone(), migration(up, "")]);
    assert_eq!(
        after_index(
            r#"op.create_unique_constraint("users_email_key", "users", ["username"]).using_index("users_email_key");"#
        ),
        [Rule::UnknownIndex]
    );
    assert_eq!(
        after_index(
            r#"op.create_unique_constraint("uq", "users", ["email"]).using_index("nope");"#
        ),
        [Rule::UnknownIndex]
    );
}

#[test]
fn primary_key_on_existing_table() {
    // `accounts` has a key: drop it (assured), then key the table by
    // columns that are NOT NULL already.
    let key = r#"op.create_primary_key("accounts_pkey", "accounts", ["id", "owner_id"]);"#;
    let rules = |key: &str| {
        broken_by_last(&[
            create_users(),
            migration(
                &assured(r#"op.alter_column("accounts", "owner_id").nullable(false);"#),
                "",
            ),
            migration(
                &format!(
                    "{} {key}",
                    assured(r#"op.drop_constraint("accounts_pkey", "accounts");"#)
                ),
                "",
            ),
        ])
    };
    assert_eq!(rules(key), [Rule::PrimaryKeyOnExistingTable]);
    // Built concurrently earlier, then taken over: fine.
    assert_eq!(
        broken_by_last(&[
            create_users(),
            migration(
                &assured(r#"op.alter_column("accounts", "owner_id").nullable(false);"#),
                "",
            ),
            migration(
                r#"op.create_index("accounts_new_pkey", "accounts", ["id", "owner_id"]).unique().concurrently();"#,
                "",
            ),
            migration(
                &format!(
                    r#"{} op.create_primary_key("accounts_new_pkey", "accounts", ["id", "owner_id"]).using_index("accounts_new_pkey");"#,
                    assured(r#"op.drop_constraint("accounts_pkey", "accounts");"#)
                ),
                "",
            ),
        ]),
        []
    );
    // A nullable column would be made NOT NULL under the lock.
    assert_eq!(
        messages(&format!(
            "{} {}",
            assured(r#"op.drop_constraint("accounts_pkey", "accounts");"#),
            r#"op.create_primary_key("accounts_pkey", "accounts", ["owner_id"]);"#
        )),
        [
            "[primary-key-on-existing-table] primary key `accounts_pkey` on existing table `accounts` builds its index under an exclusive lock on `accounts`",
            "[primary-key-on-existing-table] primary key `accounts_pkey` makes nullable column `accounts.owner_id` NOT NULL: PostgreSQL scans `accounts` for NULLs while blocking reads and writes, and the running version may still insert NULL",
        ]
    );
    // The key's columns are NOT NULL from then on.
    let mut schema = crate::schema::Schema::new();
    for op in ops(
        r#"op.create_table("t", [column("a", BigInt), column("b", Text)]);
           op.create_primary_key("t_pkey", "t", ["b", "a"]);"#,
    ) {
        schema.apply(&op).expect("replays");
    }
    let t = &schema.tables["t"];
    assert_eq!(
        t.primary_key(),
        Some(&["b".to_string(), "a".to_string()][..])
    );
    assert!(t.columns.iter().all(|c| !c.nullable));
    // A table has one key: replacing it is drop, then create.
    assert_eq!(
        on_users(r#"op.create_primary_key("other", "users", ["email"]);"#),
        [Rule::AlreadyExists]
    );
}

#[test]
fn foreign_key_not_valid() {
    let fk = r#"op.create_foreign_key("accounts_owner_id_fkey", "accounts", ["owner_id"], "users", ["id"]);"#;
    let fk_not_valid = r#"op.create_foreign_key("accounts_owner_id_fkey", "accounts", ["owner_id"], "users", ["id"]).not_valid();"#;
    let validate = r#"op.validate_constraint("accounts_owner_id_fkey", "accounts");"#;
    let index = migration(
        r#"op.create_index("idx_accounts_owner_id", "accounts", ["owner_id"]).concurrently();"#,
        "",
    );
    let with = |up: &str| broken_by_last(&[create_users(), index.clone(), migration(up, "")]);
    assert_eq!(with(fk), [Rule::ForeignKeyNotValid]);
    assert_eq!(with(fk_not_valid), []);
    // Validated in the same migration: the scan runs under the lock of the add.
    assert_eq!(
        with(&format!("{fk_not_valid} {validate}")),
        [Rule::ForeignKeyNotValid]
    );
    // Validated in a later one: the safe path.
    assert_eq!(
        broken_by_last(&[
            create_users(),
            index.clone(),
            migration(fk_not_valid, ""),
            migration(validate, "")
        ]),
        []
    );
    assert_eq!(with(&assured(fk)), []);
    // Inline .references(..) on an existing table.
    assert_eq!(
        on_users(
            r#"
            op.add_column("accounts", column("user_id", BigInt).references("users", "id"));
            op.create_index("idx", "accounts", ["user_id"]);
            "#
        ),
        [Rule::ForeignKeyNotValid, Rule::NonConcurrentIndex]
    );
    // A new table referencing an existing one is empty: nothing to validate.
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [
                column("id", BigInt).primary_key(),
                column("user_id", BigInt).references("users", "id"),
            ]);
            op.create_index("idx_posts_user_id", "posts", ["user_id"]);
            "#
        ),
        []
    );
}

#[test]
fn check_constraint_not_valid() {
    let check =
        r#"op.create_check_constraint("users_email_lower", "users", "email = lower(email)");"#;
    let check_not_valid = r#"op.create_check_constraint("users_email_lower", "users", "email = lower(email)").not_valid();"#;
    let validate = r#"op.validate_constraint("users_email_lower", "users");"#;
    assert_eq!(on_users(check), [Rule::CheckConstraintNotValid]);
    assert_eq!(on_users(check_not_valid), []);
    assert_eq!(
        on_users(&format!("{check_not_valid} {validate}")),
        [Rule::CheckConstraintNotValid]
    );
    assert_eq!(on_users(&assured(check)), []);
    // Validating a check that an earlier migration created is the safe path.
    assert_eq!(
        broken_by_last(&[
            create_users(),
            migration(check_not_valid, ""),
            migration(validate, "")
        ]),
        []
    );
}

#[test]
fn unbatched_update() {
    assert_eq!(
        on_users(r#"op.execute("UPDATE users SET bio = ''");"#),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        on_users(r#"op.execute("DELETE FROM users");"#),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        on_users(r#"op.execute("update \"users\" set bio = ''");"#),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        on_users(r#"op.execute("UPDATE users SET bio = '' WHERE bio IS NULL");"#),
        []
    );
    // Behind a WITH clause, or inside one (a data-modifying CTE).
    assert_eq!(
        on_users(r#"op.execute("WITH idle AS (SELECT 1) UPDATE users SET bio = ''");"#),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        on_users(
            r#"op.execute("WITH gone AS (DELETE FROM users RETURNING *) INSERT INTO archive SELECT * FROM gone");"#
        ),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        messages(r#"op.execute("WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone");"#),
        ["[unbatched-update] `DELETE` of existing table `users` without a WHERE clause changes every row in one statement, locking them all until the migration commits"]
    );
    assert_eq!(
        on_users(
            r#"op.execute("WITH gone AS (DELETE FROM users WHERE id < 100 RETURNING *) SELECT count(*) FROM gone");"#
        ),
        []
    );
    assert_eq!(
        on_users(r#"op.execute("UPDATE other_schema_table SET x = 1");"#),
        []
    );
    assert_eq!(
        on_users(
            r#"
            op.create_table("posts", [column("id", BigInt).primary_key(), column("title", Text)]);
            op.execute("UPDATE posts SET title = 'untitled'");
            "#
        ),
        []
    );
    assert_eq!(
        on_users(&assured(r#"op.execute("UPDATE users SET bio = ''");"#)),
        []
    );
}

#[test]
fn raw_ddl_is_judged_by_what_it_does() {
    // Safe raw DDL passes: a nullable column, a concurrent index alone.
    assert_eq!(
        on_users(r#"op.execute("ALTER TABLE users ADD COLUMN tagline text");"#),
        []
    );
    assert_eq!(
        on_users(r#"op.execute("CREATE INDEX CONCURRENTLY idx ON users (email)");"#),
        []
    );
    // Raw DDL with a hazard says which, as the op would.
    assert_eq!(
        messages(r#"op.execute("CREATE INDEX idx_users_email ON users (email)");"#),
        ["[raw-ddl] `execute` runs `CREATE INDEX idx_users_email ON users (email)`: creating index `idx_users_email` on existing table `users` without .concurrently() blocks writes to `users` for the whole build"]
    );
    assert_eq!(
        on_users(r#"op.execute("ALTER TABLE users ADD COLUMN nick text NOT NULL");"#),
        [Rule::RawDdl]
    );
    assert_eq!(
        on_users(r#"op.execute("ALTER TABLE users ALTER COLUMN email TYPE text");"#),
        [Rule::RawDdl]
    );
    assert_eq!(
        on_users(r#"op.execute("DROP TABLE accounts");"#),
        [Rule::RawDdl]
    );
    // A table created in the same migration is new: no hazard.
    assert_eq!(
        on_users(
            r#"op.create_table("posts", [column("id", BigInt).primary_key(), column("title", Text)]);
               op.execute("CREATE INDEX idx_posts_title ON posts (title)");"#
        ),
        []
    );
    assert_eq!(
        on_users(&assured(
            r#"op.execute("CREATE INDEX idx ON users (email)");"#
        )),
        []
    );
}

#[test]
fn raw_ddl_teaches_the_model() {
    // A column added by raw SQL is a column for the ops after it.
    assert_eq!(
        on_users(
            r#"op.execute("ALTER TABLE users ADD COLUMN search tsvector");
               op.create_index("idx_users_search", "users", ["search"]).concurrently();"#
        ),
        [Rule::ConcurrentIndexNotAlone]
    );
    // A statement that refers to what does not exist is the replay's error.
    assert_eq!(
        on_users(r#"op.execute("ALTER TABLE nope ADD COLUMN a text");"#),
        [Rule::UnknownTable]
    );
    // And the downgrade check sees raw SQL on both sides.
    let up = r#"op.execute("ALTER TABLE users ADD COLUMN search tsvector");"#;
    assert!(check(&[
        create_users(),
        migration(up, r#"op.execute("ALTER TABLE users DROP COLUMN search");"#)
    ])
    .is_empty());
    assert_eq!(
        check(&[create_users(), migration(up, "")])
            .iter()
            .map(|d| d.rule)
            .collect::<Vec<_>>(),
        [Rule::DowngradeMismatch]
    );
}

#[test]
fn a_raw_statement_is_named_without_the_comments_before_it() {
    assert_eq!(
        messages(
            "op.execute(\"-- the new name\nALTER TABLE users RENAME COLUMN email TO mail\");"
        ),
        ["[raw-ddl] `execute` runs `ALTER TABLE users RENAME COLUMN email TO mail`: renaming column `users.email` to `mail` breaks the running version, which still reads and writes `email`"]
    );
}

#[test]
fn sql_the_model_cannot_follow_is_opaque_and_can_be_assured() {
    assert_eq!(
        on_users(r#"op.execute("DO $$ BEGIN PERFORM 1; END $$");"#),
        [Rule::OpaqueSql]
    );
    assert_eq!(
        on_users(r#"op.execute("ALTER TABLE users SET (fillfactor = 70)");"#),
        [Rule::OpaqueSql]
    );
    assert_eq!(
        on_users(&assured(r#"op.execute("DO $$ BEGIN PERFORM 1; END $$");"#)),
        []
    );
    // What changes nothing the model tracks is not flagged.
    assert_eq!(
        on_users(
            r#"op.execute("ANALYZE users; GRANT SELECT ON users TO reader; CREATE SEQUENCE s");"#
        ),
        []
    );
    // A table raw SQL changed in a way the model does not follow may hold
    // what the model lacks: naming it later is no structural error.
    let opaque = r#"op.execute("ALTER TABLE users ADD CONSTRAINT users_email_u UNIQUE (email) DEFERRABLE");"#;
    assert_eq!(
        on_users(&format!(
            r#"{} op.drop_constraint("users_email_u", "users");
               op.drop_index("idx_users_email_u", "users");"#,
            assured(opaque)
        )),
        []
    );
    // Elsewhere it still is.
    assert_eq!(
        on_users(r#"op.drop_constraint("users_email_u", "users");"#),
        [Rule::UnknownConstraint]
    );
    // A table created by a statement godwit cannot follow is one it may
    // not know: later ops on it are not `unknown-table`.
    assert_eq!(
        on_users(&format!(
            r#"{} op.add_column("tags", column("name", Text));
               op.drop_table("tags");"#,
            assured(r#"op.execute("CREATE TABLE tags AS SELECT id FROM users");"#)
        )),
        []
    );
    // Nor does the downgrade check compare a table its own raw SQL changed
    // out of the model's sight; other tables it still compares.
    let rules = |up: &str, down: &str| {
        check(&[create_users(), migration(up, down)])
            .iter()
            .map(|d| d.rule)
            .collect::<Vec<_>>()
    };
    let up = r#"op.safety_assured("bio is unused", |op| { op.drop_column("users", "bio"); });"#;
    let opaque_down = r#"op.execute("ALTER TABLE users ADD COLUMN bio text COLLATE \"C\"");"#;
    // (A downgrade's raw SQL is not judged by the compatibility rules.)
    assert_eq!(rules(up, opaque_down), []);
    assert_eq!(
        rules(r#"op.drop_table("accounts");"#, opaque_down),
        [Rule::DropTableNotDeprecated, Rule::DowngradeMismatch]
    );
}

#[test]
fn transaction_in_execute() {
    assert_eq!(
        on_users(r#"op.execute("COMMIT; UPDATE users SET bio = '' WHERE id = 1");"#),
        [Rule::TransactionInExecute]
    );
    assert_eq!(
        on_users(r#"op.execute("BEGIN");"#),
        [Rule::TransactionInExecute]
    );
    assert_eq!(
        on_users(r#"op.execute("SAVEPOINT a; ROLLBACK TO SAVEPOINT a");"#),
        []
    );
    assert_eq!(on_users(&assured(r#"op.execute("COMMIT");"#)), []);
}

#[test]
fn invalid_sql() {
    // An `execute` that does not read is opaque (it may be valid for the
    // backend); a fragment the checker must read is invalid.
    assert_eq!(
        on_users(r#"op.execute("UPDATE users SET WHERE");"#),
        [Rule::OpaqueSql]
    );
    assert_eq!(on_users(r#"op.execute("-- only a comment");"#), []);
    assert_eq!(
        on_users(r#"op.backfill("users", "bio = = 1");"#),
        [Rule::InvalidSql]
    );
    assert_eq!(
        on_users(r#"op.backfill("users", "bio = '' WHERE id < 3");"#),
        [Rule::InvalidSql]
    );
    assert_eq!(
        on_users(r#"op.backfill("users", "bio = ''").where_("bio IS");"#),
        [Rule::InvalidSql]
    );
    assert_eq!(
        on_users(r#"op.create_check_constraint("c", "users", "email >").not_valid();"#),
        [Rule::InvalidSql]
    );
    assert_eq!(
        on_users(
            r#"op.add_column("users", column("tagline", Text).server_default(sql("lower(")));"#
        ),
        [Rule::InvalidSql]
    );
    // Each dialect's own syntax is accepted.
    assert_eq!(
        on_users(r#"op.execute("UPDATE users SET bio = username::text WHERE id = 1");"#),
        []
    );
    assert!(check_for(
        &[
            create_users(),
            migration(
                r#"op.execute("UPDATE `users` SET `bio` = '' WHERE id = 1");"#,
                ""
            )
        ],
        &[Backend::Mysql]
    )
    .is_empty());
    assert_eq!(
        messages(r#"op.execute("UPDATE users SET WHERE");"#),
        ["[opaque-sql] `execute` runs `UPDATE users SET WHERE`, which godwit cannot read (Expected: =, found: EOF): the rules, the ops after it and the downgrade check cannot see what it does"]
    );
}

#[test]
fn unsupported_on_backend() {
    let on = |up: &str, backends: &[Backend]| -> Vec<String> {
        check_for(&[create_users(), migration(up, "")], backends)
            .into_iter()
            .filter(|d| d.rule != Rule::DowngradeMismatch)
            .map(|d| format!("{} / {}", d.headline(), d.help))
            .collect()
    };
    let partial = r#"op.create_index("idx_active", "users", ["email"]).concurrently().where_("email IS NOT NULL");"#;
    assert_eq!(
        on(partial, &[Backend::Postgres, Backend::Sqlite]),
        Vec::<String>::new()
    );
    // MySQL and MariaDB share the reason: said once.
    assert_eq!(
        on(partial, &[Backend::Postgres, Backend::Mysql, Backend::Mariadb]),
        ["[unsupported-on-backend] MySQL and MariaDB have no partial indexes; index the column without .where_(..), or keep this migration to PostgreSQL and SQLite / change the op so that every backend of the set can run it; or, if the set runs on PostgreSQL only, say so before the paths in migrations![..]: `backends = [postgres];`"]
    );
    // In the downgrade too: it must run where the upgrade ran.
    let m = migration(
        r#"op.drop_column("users", "email");"#,
        r#"op.add_column("users", column("email", Array(Text)));"#,
    );
    assert_eq!(
        check_for(&[create_users(), m], &[Backend::Sqlite])
            .iter()
            .map(|d| d.rule)
            .filter(|r| *r == Rule::UnsupportedOnBackend)
            .count(),
        1
    );
}

#[test]
fn text_in_key_and_key_too_long_on_mysql() {
    let rules = |up: &str, backends: &[Backend]| -> Vec<Rule> {
        check_for(&[create_users(), migration(up, "")], backends)
            .into_iter()
            .map(|d| d.rule)
            .filter(|r| *r != Rule::DowngradeMismatch)
            .collect()
    };
    let mysql = [Backend::Postgres, Backend::Mysql, Backend::Mariadb];
    // The seed's change: a unique index over a TEXT column.
    let text = r#"op.create_table("profiles", [column("id", BigInt).primary_key(), column("bio", Text)]);
                  op.create_index("idx_profiles_bio", "profiles", ["bio"]).unique();"#;
    assert_eq!(rules(text, &mysql), [Rule::TextInKey]);
    assert_eq!(rules(text, &[Backend::Postgres, Backend::Sqlite]), []);
    let m = check_for(&[create_users(), migration(text, "")], &mysql);
    assert_eq!(
        m[0].headline(),
        "[text-in-key] index `idx_profiles_bio` on `profiles.bio`, a TEXT column: MySQL indexes such a column only by a prefix of it, and MariaDB builds a unique one through a hidden hash column that it cannot add in place"
    );
    assert!(
        m[0].help.starts_with("make the column a Varchar(n)"),
        "{}",
        m[0].help
    );
    // A type change to TEXT of an indexed column makes the key impossible too.
    let retype = r#"op.create_table("tags", [column("id", BigInt).primary_key(), column("name", Varchar(40)).unique()]);
                    op.alter_column("tags", "name").set_type(Text);"#;
    assert_eq!(rules(retype, &mysql), [Rule::TextInKey]);
    // 3 x 300 characters x 4 bytes is over 3072.
    let long = r#"op.create_table("pages", [column("id", BigInt).primary_key(), column("a", Varchar(300)), column("b", Varchar(300)), column("c", Varchar(300))]);
                  op.create_index("idx_pages_abc", "pages", ["a", "b", "c"]);"#;
    assert_eq!(rules(long, &mysql), [Rule::KeyTooLong]);
    assert_eq!(rules(long, &[Backend::Postgres]), []);
}

#[test]
fn sql_is_read_for_every_backend_the_set_is_checked_for() {
    let on = |up: &str, backends: &[Backend]| -> Vec<String> {
        check_for(&[create_users(), migration(up, "")], backends)
            .into_iter()
            .filter(|d| d.rule != Rule::DowngradeMismatch)
            .map(|d| format!("{} / {}", d.headline(), d.help))
            .collect()
    };
    let regex = r#"op.create_check_constraint("email_shape", "users", "email ~ '^[^@]+@[^@]+$'").not_valid();"#;
    assert_eq!(on(regex, &[Backend::Postgres]), Vec::<String>::new());
    assert_eq!(
        on(regex, &[Backend::Postgres, Backend::Sqlite]),
        ["[invalid-sql] check constraint `email_shape` is not valid SQLite: PostgreSQL's regular expression operator `~`: SQLite has no regular expression match without an extension (use LIKE or GLOB) / fix the SQL for SQLite; or, if the set runs on PostgreSQL only, say so before the paths in migrations![..]: `backends = [postgres];`"]
    );
    // Raw SQL one backend cannot read is said to be opaque there.
    let cast = r#"op.execute("UPDATE users SET email = email::text WHERE id = 1");"#;
    assert_eq!(on(cast, &[Backend::Postgres]), Vec::<String>::new());
    assert_eq!(
        on(cast, &[Backend::Postgres, Backend::Mysql, Backend::Mariadb]),
        ["[opaque-sql] `execute` runs `UPDATE users SET email = email::text WHERE id = 1`, which MySQL and MariaDB cannot read (PostgreSQL's cast `x::type`: write `CAST(x AS type)`): the set is checked for PostgreSQL, MySQL and MariaDB, and this SQL runs on each of them / write it with the DSL ops, which each backend renders in its own words; or, if the set runs on PostgreSQL only, say so before the paths in migrations![..]: `backends = [postgres];`"]
    );
}

// ----- performance -----

#[test]
fn foreign_key_without_index() {
    let posts = |extra: &str| {
        format!(
            r#"
            op.create_table("posts", [
                column("id", BigInt).primary_key(),
                column("user_id", BigInt).references("users", "id"),
            ]);
            {extra}
            "#
        )
    };
    assert_eq!(on_users(&posts("")), [Rule::ForeignKeyWithoutIndex]);
    assert_eq!(
        on_users(&posts(r#"op.create_index("idx", "posts", ["user_id"]);"#)),
        []
    );
    // An index whose leading column it is counts; a later column or a
    // partial index does not, unless its predicate is only that the column
    // is not NULL (which the lookup by equality implies).
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", ["user_id", "id"]);"#
        )),
        []
    );
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", ["id", "user_id"]);"#
        )),
        [Rule::ForeignKeyWithoutIndex]
    );
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", ["user_id"]).where_("user_id > 0");"#
        )),
        [Rule::ForeignKeyWithoutIndex]
    );
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", ["user_id"]).where_("id IS NOT NULL");"#
        )),
        [Rule::ForeignKeyWithoutIndex]
    );
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", ["user_id"]).where_("user_id IS NOT NULL AND id > 0");"#
        )),
        [Rule::ForeignKeyWithoutIndex]
    );
    for predicate in ["user_id IS NOT NULL", r#"(\"user_id\" is not null)"#] {
        assert_eq!(
            on_users(&posts(&format!(
                r#"op.create_index("idx", "posts", ["user_id", "id"]).where_("{predicate}");"#
            ))),
            [],
            "{predicate}"
        );
    }
    // Only the column keys before the first expression lead; a GIN index
    // serves no lookup by equality.
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", [key("user_id").desc(), expr("id + 1")]);"#
        )),
        []
    );
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", [expr("user_id + 0"), key("user_id")]);"#
        )),
        [Rule::ForeignKeyWithoutIndex]
    );
    assert_eq!(
        on_users(&posts(
            r#"op.create_index("idx", "posts", ["user_id"]).using("gin");"#
        )),
        [Rule::ForeignKeyWithoutIndex]
    );
    // create_foreign_key on an existing table with an index made earlier.
    let index = migration(
        r#"op.create_index("idx_accounts_owner_id", "accounts", ["owner_id"]).concurrently();"#,
        "",
    );
    let fk = migration(
        r#"op.create_foreign_key("fk", "accounts", ["owner_id"], "users", ["id"]).not_valid();"#,
        "",
    );
    assert_eq!(broken_by_last(&[create_users(), index, fk.clone()]), []);
    assert_eq!(
        broken_by_last(&[create_users(), fk.clone()]),
        [Rule::ForeignKeyWithoutIndex]
    );
    // allow = [..] turns it off; safety_assured does not.
    let mut allowed = fk.clone();
    allowed.allow = Cow::Owned(vec!["foreign-key-without-index".into()]);
    assert_eq!(broken_by_last(&[create_users(), allowed]), []);
    assert_eq!(
        on_users(&assured(&posts(""))),
        [Rule::ForeignKeyWithoutIndex]
    );
}

#[test]
fn int_primary_key() {
    let table = |ty: &str| {
        format!(
            r#"op.create_table("tags", [column("id", {ty}).primary_key(), column("name", Text)]);"#
        )
    };
    assert_eq!(on_users(&table("Integer")), [Rule::IntPrimaryKey]);
    assert_eq!(on_users(&table("SmallInt")), [Rule::IntPrimaryKey]);
    assert_eq!(on_users(&table("BigInt")), []);
    assert_eq!(on_users(&table("Uuid")), []);
    // A composite key of references is not a counter.
    assert_eq!(
        on_users(
            r#"op.create_table("pairs", [column("a", Integer).primary_key(), column("b", Integer).primary_key()]);"#
        ),
        []
    );
    // A key declared on the table counts as one declared on its column.
    assert_eq!(
        on_users(
            r#"op.create_table("tags", [column("id", Integer), column("name", Text)]).primary_key_named("tags_key", ["id"]);"#
        ),
        [Rule::IntPrimaryKey]
    );
    assert_eq!(
        on_users(
            r#"op.create_table("pairs", [column("a", Integer), column("b", Integer)]).primary_key(["b", "a"]);"#
        ),
        []
    );
    assert_eq!(
        on_users(&assured(
            r#"op.alter_column("users", "id").set_type(Integer);"#
        )),
        [Rule::IntPrimaryKey]
    );
    let mut allowed = migration(&table("Integer"), "");
    allowed.allow = Cow::Owned(vec!["int-primary-key".into()]);
    assert_eq!(broken_by_last(&[create_users(), allowed]), []);
    assert_eq!(
        messages(&table("Integer")),
        ["[int-primary-key] primary key `tags.id` is a 32-bit Integer: it runs out at 2^31 rows, and widening it later rewrites `tags` and every foreign key to it"]
    );
}

#[test]
fn int_primary_key_that_refers_to_a_narrow_key() {
    let mut tags = migration(
        r#"op.create_table("tags", [column("id", Integer).primary_key(), column("name", Text)]);"#,
        "",
    );
    tags.allow = Cow::Owned(vec!["int-primary-key".into()]);
    let after_tags = |up: &str| broken_by_last(&[create_users(), tags.clone(), migration(up, "")]);
    // A 1:1 extension table keyed by its parent's key widens with it.
    assert_eq!(
        after_tags(
            r#"op.create_table("tag_details", [column("tag_id", Integer).primary_key().references("tags", "id"), column("note", Text)]);"#
        ),
        []
    );
    assert_eq!(
        after_tags(
            r#"op.create_table("tag_icons", [column("tag_id", SmallInt).primary_key().references("tags", "id")]);"#
        ),
        [Rule::IntPrimaryKey],
        "a narrower key runs out before the one it refers to"
    );
    // The foreign key may come later in the migration.
    assert_eq!(
        after_tags(
            r#"
            op.create_table("tag_details", [column("tag_id", Integer).primary_key(), column("note", Text)]);
            op.create_foreign_key("fk_tag_details_tag", "tag_details", ["tag_id"], "tags", ["id"]);
            "#
        ),
        []
    );
    // A key referring to a 64-bit key, or a narrow key that refers to nothing, is flagged.
    assert_eq!(
        on_users(
            r#"op.create_table("profiles", [column("user_id", Integer).primary_key().references("users", "id")]);"#
        ),
        [Rule::IntPrimaryKey]
    );
    assert_eq!(
        after_tags(
            r#"op.create_table("notes", [column("id", Integer).primary_key(), column("tag_id", Integer).references("tags", "id")]);
            op.create_index("idx_notes_tag_id", "notes", ["tag_id"]);"#
        ),
        [Rule::IntPrimaryKey]
    );
}

// ----- new tables -----

#[test]
fn a_new_table_may_be_used_in_the_migration_that_creates_it() {
    let up = r#"
        op.create_table("orders", [
            column("id", BigInt).primary_key(),
            column("user_id", BigInt).not_null().references("users", "id"),
            column("total", Integer),
        ]);
        op.add_column("orders", column("status", Text).not_null());
        op.add_column("orders", column("code", Text).unique());
        op.alter_column("orders", "total").set_type(BigInt).nullable(false);
        op.rename_column("orders", "total", "total_cents");
        op.create_index("idx_orders_user_id", "orders", ["user_id"]);
        op.create_index("idx_orders_status", "orders", ["status"]);
        op.drop_index("idx_orders_status", "orders");
        op.add_column("orders", column("account_id", BigInt));
        op.create_foreign_key("orders_account_id_fkey", "orders", ["account_id"], "accounts", ["id"]);
        op.create_index("idx_orders_account_id", "orders", ["account_id"]);
        op.create_check_constraint("orders_total_positive", "orders", "total_cents >= 0");
        op.validate_constraint("orders_total_positive", "orders");
        op.execute("INSERT INTO orders (id, user_id, total_cents, status) VALUES (1, 1, 0, 'new')");
        op.execute("UPDATE orders SET status = 'open'");
        op.backfill("orders", "status = 'open'");
        op.drop_column("orders", "code");
    "#;
    let down = r#"op.drop_table("orders");"#;
    assert_eq!(check(&[create_users(), migration(up, down)]), []);
}

// ----- a long history -----

/// 300 migrations in the shape of a real project: tables with an indexed
/// reference, columns added and deprecated, dropped a deploy later.
fn long_history() -> Vec<Migration> {
    let mut history = vec![create_users()];
    for n in 0..100 {
        history.push(migration(
            &format!(
                r#"
                op.create_table("t{n}", [
                    column("id", BigInt).primary_key(),
                    column("user_id", BigInt).references("users", "id"),
                    column("note", Text),
                ]);
                op.create_index("idx_t{n}_user_id", "t{n}", ["user_id"]);
                "#
            ),
            &format!(
                r#"
                op.drop_index("idx_t{n}_user_id", "t{n}");
                op.drop_table("t{n}");
                "#
            ),
        ));
        history.push(migration(
            &format!(r#"op.deprecate_column("t{n}", "note");"#),
            &format!(r#"op.alter_column("t{n}", "note").nullable(true);"#),
        ));
        history.push(migration(
            &format!(r#"op.drop_column("t{n}", "note");"#),
            &format!(r#"op.add_column("t{n}", column("note", Text));"#),
        ));
    }
    history
}

#[test]
fn a_long_history_is_checked_migration_by_migration() {
    let mut history = long_history();
    assert_eq!(history.len(), 301);
    assert_eq!(check(&history), []);
    // A bad migration at the end is found, and placed at its own index. Its
    // downgrade adds the column back, but not the index and the foreign key
    // that went with it.
    history.push(migration(
        r#"op.drop_column("t99", "user_id");"#,
        r#"op.add_column("t99", column("user_id", BigInt));"#,
    ));
    let d = check(&history);
    let rules: Vec<Rule> = d.iter().map(|d| d.rule).collect();
    assert_eq!(
        rules,
        [Rule::DropColumnNotDeprecated, Rule::DowngradeMismatch]
    );
    assert!(matches!(d[0].at, Location::Op { migration: 301, .. }));
    assert_eq!(
        d[1].message,
        "upgrade drops index `idx_t99_user_id` on `t99`; downgrade never recreates it\n\
         also: upgrade drops constraint `t99_user_id_fkey` on `t99`; downgrade never recreates it"
    );
}

#[test]
fn a_renamed_table_is_still_existing() {
    let rename = assured(r#"op.rename_table("users", "people");"#);
    assert_eq!(
        on_users(&format!(
            r#"{rename} op.add_column("people", column("required", Text).not_null());"#
        )),
        [Rule::AddRequiredColumn]
    );
    assert_eq!(
        on_users(&format!(r#"{rename} op.drop_column("people", "email");"#)),
        [Rule::DropColumnNotDeprecated]
    );
}

#[test]
fn a_constraint_op_in_the_old_argument_order_says_so() {
    let messages = messages(r#"op.drop_constraint("accounts", "accounts_owner_id_positive");"#);
    assert_eq!(
        messages,
        ["[unknown-table] table `accounts_owner_id_positive` does not exist; `accounts` has a constraint `accounts_owner_id_positive`: `drop_constraint` takes the constraint's name first, then the table"]
    );
}
