//! Enum types, generated and serial columns, `.using(..)`: the replay's
//! structural errors and the rules about them.

use super::*;

/// `create_users`, then a migration creating the enum type `mood` and a
/// column of it with a default.
fn with_mood() -> Vec<Migration> {
    vec![
        create_users(),
        migration(
            r#"
            op.create_enum("mood", ["sad", "ok", "happy"]);
            op.add_column("users", column("mood", Enum("mood")).not_null().server_default("ok"));
            "#,
            r#"
            op.drop_column("users", "mood");
            op.drop_enum("mood");
            "#,
        ),
    ]
}

/// The rules broken by an upgrade run after `with_mood`.
fn on_mood(up: &str) -> Vec<Rule> {
    let mut history = with_mood();
    history.push(migration(up, ""));
    broken_by_last(&history)
}

/// The headlines of the diagnostics of an upgrade run after `with_mood`,
/// downgrade-mismatch aside.
fn mood_messages(up: &str) -> Vec<String> {
    let mut history = with_mood();
    history.push(migration(up, ""));
    check(&history)
        .into_iter()
        .filter(|d| d.rule != Rule::DowngradeMismatch && d.at != Location::Migration(0))
        .map(|d| d.headline())
        .collect()
}

/// The downgrade-mismatch messages of a migration run after `with_mood`.
fn mismatch(up: &str, down: &str) -> Vec<String> {
    let mut history = with_mood();
    history.push(migration(up, down));
    check(&history)
        .into_iter()
        .filter(|d| d.rule == Rule::DowngradeMismatch)
        .map(|d| d.message)
        .collect()
}

#[test]
fn with_mood_is_clean() {
    assert_eq!(check(&with_mood()), []);
}

#[test]
fn enum_types_and_values_must_exist() {
    use Rule::*;
    assert_eq!(
        on_users(r#"op.add_column("users", column("m", Enum("nope")));"#),
        [UnknownType]
    );
    assert_eq!(
        on_users(r#"op.create_table("t", [column("m", Array(Enum("nope")))]);"#),
        [UnknownType]
    );
    assert_eq!(
        on_mood(r#"op.add_column("users", column("m2", Enum("mood")).server_default("angry"));"#),
        [UnknownType]
    );
    assert_eq!(
        on_mood(r#"op.alter_column("users", "mood").server_default("angry");"#),
        [UnknownType]
    );
    assert_eq!(
        on_mood(&assured(
            r#"op.alter_column("users", "bio").set_type(Enum("nope"));"#
        )),
        [UnknownType]
    );
    assert_eq!(
        on_users(r#"op.add_enum_value("nope", "x");"#),
        [UnknownType]
    );
    assert_eq!(
        on_mood(r#"op.add_enum_value("mood", "x").before("nope");"#),
        [UnknownType]
    );
    assert_eq!(
        on_mood(r#"op.add_enum_value("mood", "x").after("nope");"#),
        [UnknownType]
    );
    assert_eq!(
        on_mood(r#"op.add_enum_value("mood", "OK");"#),
        [AlreadyExists]
    );
    assert_eq!(on_users(r#"op.drop_enum("nope");"#), [UnknownType]);
    assert_eq!(
        on_mood(&assured(r#"op.rename_enum_value("mood", "nope", "x");"#)),
        [UnknownType]
    );
    assert_eq!(
        on_mood(&assured(r#"op.rename_enum_value("mood", "ok", "sad");"#)),
        [AlreadyExists]
    );
    assert_eq!(
        on_mood(r#"op.create_enum("mood", ["a"]);"#),
        [AlreadyExists]
    );
    // PostgreSQL gives every table a type of its name.
    assert_eq!(
        on_users(r#"op.create_enum("users", ["a"]);"#),
        [AlreadyExists]
    );
    assert_eq!(
        on_mood(r#"op.create_table("mood", [column("id", BigInt).primary_key()]);"#),
        [AlreadyExists]
    );
    assert_eq!(
        mood_messages(r#"op.add_column("users", column("m", Enum("moods")));"#),
        ["[unknown-type] the type of column `users.m` is enum type `moods`, which does not exist at this point of the history"]
    );
}

#[test]
fn a_type_in_use_is_not_dropped() {
    assert_eq!(on_mood(r#"op.drop_enum("mood");"#), [Rule::TypeInUse]);
    assert_eq!(
        mood_messages(&assured(r#"op.drop_enum_value("mood", "ok");"#)),
        ["[type-in-use] `ok` of enum type `mood` is the default of that column: column `users.mood`"]
    );
    assert_eq!(
        on_mood(&assured(r#"op.drop_enum_value("mood", "sad");"#)),
        []
    );
    assert_eq!(
        on_mood(
            r#"op.create_enum("one", ["a"]);
               op.add_column("users", column("one", Enum("one")));
               op.drop_enum_value("one", "a");"#
        ),
        [Rule::TypeInUse]
    );
    // Once no column uses it, it goes.
    assert_eq!(
        on_mood(
            r#"op.safety_assured("no code reads users.mood any more", |op| { op.drop_column("users", "mood"); });
               op.drop_enum("mood");"#
        ),
        []
    );
}

#[test]
fn a_new_enum_value_is_not_used_in_the_migration_that_adds_it() {
    use Rule::*;
    let add = r#"op.add_enum_value("mood", "excited");"#;
    for using in [
        r#"op.alter_column("users", "mood").server_default("excited");"#,
        r#"op.add_column("users", column("m2", Enum("mood")).server_default("excited"));"#,
        r#"op.create_check_constraint("calm", "users", "mood <> 'excited'").not_valid();"#,
        r#"op.execute("UPDATE users SET mood = 'excited' WHERE id = 1");"#,
    ] {
        assert_eq!(
            on_mood(&format!("{add} {using}")),
            [NewEnumValueUsed],
            "{using}"
        );
        // Not silenced: PostgreSQL refuses it whatever the reason.
        assert_eq!(
            on_mood(&format!("{add} {}", assured(using))),
            [NewEnumValueUsed],
            "{using}"
        );
    }
    // A type created in the same migration is no exception.
    assert_eq!(
        on_users(
            r#"op.create_enum("tone", ["low"]);
               op.add_enum_value("tone", "high");
               op.add_column("users", column("tone", Enum("tone")).server_default("high"));"#
        ),
        [NewEnumValueUsed]
    );
    // Before the value is added, or where each op commits on its own, or a
    // value that was there before: no use of a new value.
    assert_eq!(
        on_mood(&format!(
            r#"op.execute("UPDATE users SET mood = 'excited' WHERE id = 1"); {add}"#
        )),
        []
    );
    assert_eq!(
        on_mood(&format!(
            r#"{add} op.backfill("users", "mood = 'excited'").where_("id = 1");"#
        )),
        []
    );
    assert_eq!(
        on_mood(&format!(
            r#"{add} op.alter_column("users", "mood").server_default("sad");"#
        )),
        []
    );
    assert_eq!(
        mood_messages(&format!(r#"{add} op.alter_column("users", "mood").server_default("excited");"#)),
        ["[new-enum-value-used] `alter_column` uses `excited`, which this migration adds to enum type `mood`: PostgreSQL refuses a new enum value until the transaction that added it commits"]
    );
}

#[test]
fn rename_and_drop_enum_value() {
    assert_eq!(
        on_mood(r#"op.rename_enum_value("mood", "ok", "fine");"#),
        [Rule::RenameEnumValue]
    );
    assert_eq!(
        on_mood(r#"op.drop_enum_value("mood", "sad");"#),
        [Rule::DropEnumValue]
    );
    for op in [
        r#"op.rename_enum_value("mood", "ok", "fine");"#,
        r#"op.drop_enum_value("mood", "sad");"#,
    ] {
        assert_eq!(on_mood(&assured(op)), [], "{op}");
    }
    // A type of this migration: nothing uses it yet.
    assert_eq!(
        on_users(
            r#"op.create_enum("tone", ["low", "hi"]);
               op.rename_enum_value("tone", "hi", "high");
               op.drop_enum_value("tone", "low");"#
        ),
        []
    );
    assert_eq!(
        mood_messages(r#"op.drop_enum_value("mood", "sad");"#),
        ["[drop-enum-value] removing value `sad` from enum type `mood` breaks the running version if it still writes `sad`, and PostgreSQL recreates the type, rewriting `users` under an ACCESS EXCLUSIVE lock"]
    );
}

#[test]
fn downgrade_mismatch_compares_enum_types() {
    assert_eq!(
        mismatch(r#"op.add_enum_value("mood", "excited");"#, ""),
        ["upgrade changes the values of enum type `mood` from sad, ok, happy to sad, ok, happy, excited; downgrade leaves sad, ok, happy, excited"]
    );
    assert_eq!(
        mismatch(
            r#"op.add_enum_value("mood", "excited");"#,
            r#"op.drop_enum_value("mood", "excited");"#
        ),
        Vec::<String>::new()
    );
    // The order of the values is the type's.
    assert_eq!(
        mismatch(
            r#"op.add_enum_value("mood", "calm").before("sad");"#,
            r#"op.drop_enum_value("mood", "calm");"#
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        mismatch(
            &assured(
                r#"op.drop_enum_value("mood", "sad");"#
            ),
            r#"op.add_enum_value("mood", "sad");"#
        ),
        ["upgrade changes the values of enum type `mood` from sad, ok, happy to ok, happy; downgrade leaves ok, happy, sad"]
    );
    assert_eq!(
        mismatch(r#"op.create_enum("tone", ["low"]);"#, ""),
        ["upgrade creates enum type `tone`; downgrade never drops it"]
    );
    // A renamed value renames the default holding it, and back.
    assert_eq!(
        mismatch(
            &assured(r#"op.rename_enum_value("mood", "ok", "fine");"#),
            r#"op.rename_enum_value("mood", "fine", "ok");"#
        ),
        Vec::<String>::new()
    );
}

#[test]
fn downgrade_mismatch_compares_generated_and_serial_columns() {
    let up = &assured(
        r#"op.add_column("users", column("shout", Text).generated("upper(username)").stored());"#,
    );
    assert_eq!(
        mismatch(up, r#"op.drop_column("users", "shout");"#),
        Vec::<String>::new()
    );
    let m = check(&[
        create_users(),
        migration(
            r#"op.create_table("events", [column("id", BigInt).primary_key().serial(), column("v", Integer).generated("id * 2").stored()]);"#,
            r#"op.drop_table("events");"#,
        ),
        migration(
            &assured(r#"op.drop_table("events");"#),
            r#"op.create_table("events", [column("id", BigInt).primary_key().serial(), column("v", Integer)]);"#,
        ),
    ]);
    let messages: Vec<&str> = m.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["downgrade changes the generated value of `events.v` to no generated value; it was the stored generated value `id * 2` before the upgrade"]
    );
    let m = check(&[
        create_users(),
        migration(
            r#"op.create_table("events", [column("id", BigInt).primary_key().serial()]);"#,
            r#"op.drop_table("events");"#,
        ),
        migration(
            &assured(r#"op.drop_table("events");"#),
            r#"op.create_table("events", [column("id", BigInt).primary_key().autoincrement()]);"#,
        ),
    ]);
    assert_eq!(
        m.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
        ["downgrade changes `events.id` to an identity column; it was a serial column before the upgrade"]
    );
}

#[test]
fn add_stored_generated_column() {
    let stored =
        r#"op.add_column("users", column("shout", Text).generated("upper(username)").stored());"#;
    assert_eq!(on_users(stored), [Rule::AddStoredGeneratedColumn]);
    assert_eq!(on_users(&assured(stored)), []);
    // A virtual one rewrites nothing, where the backend has them.
    let virtual_ = r#"op.add_column("users", column("shout", Text).generated("upper(username)"));"#;
    assert!(check_for(
        &[create_users(), migration(virtual_, "")],
        &[Backend::Mysql, Backend::Sqlite]
    )
    .iter()
    .all(|d| d.rule == Rule::DowngradeMismatch));
    assert_eq!(on_users(virtual_), [Rule::UnsupportedOnBackend]);
    assert_eq!(
        on_users(
            r#"op.create_table("posts", [column("id", BigInt).primary_key(), column("title", Text)]);
               op.add_column("posts", column("shout", Text).generated("upper(title)").stored());"#
        ),
        []
    );
    assert_eq!(
        messages(stored),
        ["[add-stored-generated-column] adding stored generated column `users.shout` computes it for every existing row of `users`: PostgreSQL rewrites the table and MySQL copies it, under an exclusive lock"]
    );
}

#[test]
fn a_serial_column_is_an_autoincrement_one() {
    // Its implied `nextval` default is no volatile default: the rule that
    // says what adding it costs is add-autoincrement-column.
    assert_eq!(
        on_users(r#"op.add_column("users", column("seq", BigInt).serial());"#),
        [Rule::AddAutoincrementColumn]
    );
    assert_eq!(
        on_users(r#"op.create_table("events", [column("id", BigInt).primary_key().serial()]);"#),
        []
    );
    assert_eq!(
        on_users(r#"op.create_table("events", [column("id", Integer).primary_key().serial()]);"#),
        [Rule::IntPrimaryKey]
    );
}

#[test]
fn using_changes_no_schema_and_no_rule() {
    assert_eq!(
        on_users(
            r#"op.alter_column("users", "bio").set_type(Varchar(400)).using("left(bio, 400)");"#
        ),
        [Rule::ChangeColumnType]
    );
    assert_eq!(
        mismatch(
            &assured(
                r#"op.alter_column("users", "bio").set_type(Varchar(400)).using("left(bio, 400)");"#
            ),
            &assured(r#"op.alter_column("users", "bio").set_type(Text);"#)
        ),
        Vec::<String>::new()
    );
}

#[test]
fn a_check_on_an_auto_increment_column_is_refused_on_mysql() {
    let rules = |up: &str, backends: &[Backend]| -> Vec<Rule> {
        check_for(&[migration(up, "")], backends)
            .into_iter()
            .map(|d| d.rule)
            .filter(|r| *r != Rule::DowngradeMismatch)
            .collect()
    };
    let inline = r#"op.create_table("t", [column("id", BigInt).primary_key().autoincrement()]).check("t_id", "id > 0");"#;
    let added = r#"op.create_table("t", [column("id", BigInt).primary_key().autoincrement(), column("n", Integer)]);
        op.create_check_constraint("t_id", "t", "id >= 0");"#;
    for up in [inline, added] {
        assert_eq!(
            rules(up, &[Backend::Mariadb]),
            [Rule::UnsupportedOnBackend],
            "{up}"
        );
        assert!(rules(up, &[Backend::Postgres, Backend::Sqlite]).is_empty());
    }
    let other = r#"op.create_table("t", [column("id", BigInt).primary_key().autoincrement(), column("n", Integer)]).check("t_n", "n >= 0");"#;
    assert!(rules(other, &[Backend::Mysql, Backend::Mariadb]).is_empty());
}

#[test]
fn a_check_on_a_column_a_foreign_key_sets_is_refused_on_mysql() {
    let rules = |up: &str, backends: &[Backend]| -> Vec<Rule> {
        check_for(&[migration(up, "")], backends)
            .into_iter()
            .map(|d| d.rule)
            .filter(|r| *r != Rule::DowngradeMismatch && *r != Rule::ForeignKeyWithoutIndex)
            .collect()
    };
    let tables = r#"op.create_table("a", [column("id", BigInt).primary_key()]);"#;
    for (fk, refused) in [
        (r#".on_delete(Action::SetNull)"#, true),
        (r#".on_update(Action::Cascade)"#, true),
        (r#".on_delete(Action::Cascade)"#, false),
        (r#".on_delete(Action::Restrict)"#, false),
    ] {
        let up = format!(
            r#"{tables} op.create_table("b", [column("id", BigInt).primary_key(), column("r", BigInt).references("a", "id"){fk}]);
            op.create_index("b_r", "b", ["r"]);
            op.create_check_constraint("b_r_positive", "b", "r >= 0");"#
        );
        let expected: &[Rule] = if refused {
            &[Rule::UnsupportedOnBackend]
        } else {
            &[]
        };
        assert_eq!(rules(&up, &[Backend::Mariadb]), expected, "{up}");
        assert!(
            rules(&up, &[Backend::Postgres, Backend::Sqlite]).is_empty(),
            "{up}"
        );
    }
}

#[test]
fn dropping_an_enum_value_under_a_view_is_refused_on_postgres() {
    // PostgreSQL has no DROP VALUE: the type is created anew and its
    // columns changed to it, which a view reading one of them forbids.
    let m = migration(
        r#"op.create_enum("mood", ["happy", "sad"]);
        op.create_table("t", [column("id", BigInt).primary_key(), column("m", Enum("mood"))]);
        op.create_view("v", "SELECT id, m FROM t");
        op.add_enum_value("mood", "meh");"#,
        "",
    );
    let down = migration(r#"op.drop_enum_value("mood", "meh");"#, "");
    let rules = |backends: &[Backend]| -> Vec<Rule> {
        check_for(&[m.clone(), down.clone()], backends)
            .into_iter()
            .map(|d| d.rule)
            .filter(|r| *r == Rule::UnsupportedOnBackend)
            .collect()
    };
    assert_eq!(rules(&[Backend::Postgres]), [Rule::UnsupportedOnBackend]);
    assert!(rules(&[Backend::Mariadb, Backend::Sqlite]).is_empty());
}

#[test]
fn a_not_null_column_a_foreign_key_sets_to_null_is_refused_on_mysql() {
    let rules = |up: &str, backends: &[Backend]| -> Vec<Rule> {
        check_for(&[migration(up, "")], backends)
            .into_iter()
            .map(|d| d.rule)
            .filter(|r| *r == Rule::UnsupportedOnBackend)
            .collect()
    };
    let tables = r#"op.create_table("a", [column("id", BigInt).primary_key()]);
        op.create_table("b", [column("id", BigInt).primary_key(), column("r", BigInt).references("a", "id").on_delete(Action::SetNull)]);
        op.create_index("b_r", "b", ["r"]);"#;
    let not_null = format!(r#"{tables} op.alter_column("b", "r").nullable(false);"#);
    assert_eq!(
        rules(&not_null, &[Backend::Mariadb]),
        [Rule::UnsupportedOnBackend]
    );
    assert!(rules(&not_null, &[Backend::Postgres, Backend::Sqlite]).is_empty());
    assert!(rules(tables, &[Backend::Mysql, Backend::Mariadb]).is_empty());
    let key = r#"op.create_table("a", [column("id", BigInt).primary_key()]);
        op.create_table("b", [column("id", BigInt).primary_key(), column("r", BigInt).not_null()]);
        op.create_index("b_r", "b", ["r"]);
        op.create_foreign_key("b_r_fk", "b", ["r"], "a", ["id"]).on_update(Action::SetNull);"#;
    assert_eq!(rules(key, &[Backend::Mysql]), [Rule::UnsupportedOnBackend]);
}
