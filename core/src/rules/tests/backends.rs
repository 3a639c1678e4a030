//! The rules that depend on the backends a set declares, and on their
//! oldest versions: `mysql-table-copy`, `name-collision`, `default-on-text`,
//! identifier lengths per backend, and what older servers lack.

use super::*;
use crate::backend::Version;

/// The rules an upgrade after `create_users` breaks, for these targets.
fn on(up: &str, targets: &[Target]) -> Vec<Rule> {
    let order = [0, 1];
    check_history_for(
        &[create_users(), migration(up, "")],
        &order,
        &Backends::new(targets.iter().copied()),
    )
    .into_iter()
    .filter(|d| matches!(d.at, Location::Op { migration: 1, .. }))
    .map(|d| d.rule)
    .collect()
}

fn at(backend: Backend, major: u32, minor: u32, patch: u32) -> Target {
    Target {
        backend,
        min_version: Version::patch(major, minor, patch),
    }
}

fn default(backend: Backend) -> Target {
    Target::new(backend)
}

#[test]
fn mysql_copies_the_table_for_a_check_and_a_positioned_enum_value() {
    let check = r#"op.create_check_constraint("users_email_shape", "users", "email LIKE '%@%'").not_valid();"#;
    let mysql = [default(Backend::Postgres), default(Backend::Mariadb)];
    assert_eq!(on(check, &mysql), [Rule::MysqlTableCopy]);
    assert_eq!(on(check, &[default(Backend::Postgres)]), []);
    assert_eq!(on(&assured(check), &mysql), []);
    // On a table of the same migration nothing waits.
    let new = r#"op.create_table("tags", [column("id", BigInt).primary_key(), column("n", Integer)]);
                 op.create_check_constraint("tags_n", "tags", "n > 0");"#;
    assert_eq!(on(new, &mysql), []);

    let enum_history = |up: &str| {
        let create = migration(
            r#"op.create_enum("mood", ["ok", "sad"]);
               op.add_column("users", column("mood", Enum("mood")));"#,
            "",
        );
        let order = [0, 1, 2];
        check_history_for(
            &[create_users(), create, migration(up, "")],
            &order,
            &Backends::new(mysql),
        )
        .into_iter()
        .filter(|d| {
            d.at == Location::Op {
                migration: 2,
                phase: Phase::Upgrade,
                path: vec![0],
            }
        })
        .map(|d| d.rule)
        .collect::<Vec<_>>()
    };
    assert_eq!(
        enum_history(r#"op.add_enum_value("mood", "calm").before("sad");"#),
        [Rule::MysqlTableCopy]
    );
    assert_eq!(enum_history(r#"op.add_enum_value("mood", "calm");"#), []);
    assert_eq!(
        enum_history(r#"op.add_enum_value("mood", "calm").after("sad");"#),
        []
    );
}

#[test]
fn names_that_differ_only_by_case_or_accents() {
    let add = |name: &str| format!(r#"op.add_column("users", column("{name}", Text));"#);
    let sqlite = [default(Backend::Sqlite)];
    let mysql = [default(Backend::Mysql)];
    let postgres = [default(Backend::Postgres)];
    assert_eq!(on(&add("Email"), &sqlite), [Rule::NameCollision]);
    assert_eq!(on(&add("Email"), &mysql), [Rule::NameCollision]);
    assert_eq!(on(&add("Email"), &postgres), []);
    // Accents: MySQL folds them, SQLite does not.
    assert_eq!(on(&add("émail"), &mysql), [Rule::NameCollision]);
    assert_eq!(on(&add("émail"), &sqlite), []);
    // Tables: SQLite folds case; the message names the table.
    let table = r#"op.create_table("Users", [column("id", BigInt).primary_key()]);"#;
    assert_eq!(on(table, &sqlite), [Rule::NameCollision]);
    // SQLite's indexes share one namespace across tables.
    let indexes = r#"op.create_index("idx_x", "users", ["email"]);
                     op.create_index("IDX_X", "accounts", ["owner_id"]);"#;
    assert!(on(indexes, &sqlite).contains(&Rule::NameCollision));
    assert_eq!(
        on(indexes, &postgres),
        [Rule::NonConcurrentIndex, Rule::NonConcurrentIndex]
    );
}

#[test]
fn identifier_length_is_each_backends() {
    let name64 = "c".repeat(64);
    let add = format!(r#"op.add_column("users", column("{name64}", Text));"#);
    assert_eq!(
        on(&add, &[default(Backend::Postgres)]),
        [Rule::InvalidIdentifier]
    );
    assert_eq!(
        on(&add, &[default(Backend::Mysql), default(Backend::Sqlite)]),
        []
    );
    let name65 = "c".repeat(65);
    let add = format!(r#"op.add_column("users", column("{name65}", Text));"#);
    assert_eq!(
        on(&add, &[default(Backend::Mysql)]),
        [Rule::InvalidIdentifier]
    );
    assert_eq!(on(&add, &[default(Backend::Sqlite)]), []);
    // PostgreSQL counts bytes: 32 two-byte letters are 64 of them.
    let wide = "é".repeat(32);
    let add = format!(r#"op.add_column("users", column("{wide}", Text));"#);
    assert_eq!(
        on(&add, &[default(Backend::Postgres)]),
        [Rule::InvalidIdentifier]
    );
    assert_eq!(on(&add, &[default(Backend::Mariadb)]), []);
}

#[test]
fn older_versions_lack_what_came_later() {
    let text_default = r#"op.create_table("notes", [column("id", BigInt).primary_key(), column("body", Text).server_default("")]);"#;
    assert_eq!(
        on(text_default, &[at(Backend::Mysql, 8, 0, 12)]),
        [Rule::DefaultOnText]
    );
    assert_eq!(on(text_default, &[at(Backend::Mysql, 8, 0, 13)]), []);
    assert_eq!(on(text_default, &[default(Backend::Mariadb)]), []);

    let check = r#"op.create_table("notes", [column("id", BigInt).primary_key(), column("n", Integer)]).check("notes_n", "n > 0");"#;
    assert_eq!(
        on(check, &[at(Backend::Mysql, 8, 0, 15)]),
        [Rule::UnsupportedOnBackend]
    );
    assert_eq!(on(check, &[at(Backend::Mysql, 8, 0, 16)]), []);

    // PostgreSQL before 11 writes any default into every row.
    let add = r#"op.add_column("users", column("score", Integer).server_default(0));"#;
    assert_eq!(
        on(add, &[at(Backend::Postgres, 10, 0, 0)]),
        [Rule::VolatileDefault]
    );
    assert_eq!(on(add, &[at(Backend::Postgres, 11, 0, 0)]), []);

    let generated = r#"op.create_table("boxes", [column("id", BigInt).primary_key(), column("w", Integer), column("w2", Integer).generated("w * 2").stored()]);"#;
    assert_eq!(
        on(generated, &[at(Backend::Postgres, 11, 0, 0)]),
        [Rule::UnsupportedOnBackend]
    );
    assert_eq!(on(generated, &[default(Backend::Postgres)]), []);
}

#[test]
fn set_not_null_through_a_check_needs_postgres_12() {
    let history = |targets: &[Target]| {
        let check = migration(
            r#"op.create_check_constraint("users_bio_not_null", "users", "bio IS NOT NULL").not_valid();"#,
            "",
        );
        let validate = migration(
            r#"op.validate_constraint("users_bio_not_null", "users");"#,
            "",
        );
        let set = migration(r#"op.alter_column("users", "bio").nullable(false);"#, "");
        let order = [0, 1, 2, 3];
        check_history_for(
            &[create_users(), check, validate, set],
            &order,
            &Backends::new(targets.iter().copied()),
        )
        .into_iter()
        .filter(|d| matches!(d.at, Location::Op { migration: 3, .. }))
        .map(|d| d.rule)
        .collect::<Vec<_>>()
    };
    assert_eq!(history(&[default(Backend::Postgres)]), []);
    assert_eq!(
        history(&[at(Backend::Postgres, 11, 0, 0)]),
        [Rule::SetNotNull]
    );
}

#[test]
fn versions_read_and_print_with_their_patch() {
    assert_eq!(Version::parse("8.0.13"), Some(Version::patch(8, 0, 13)));
    assert_eq!(Version::parse("12"), Some(Version::new(12, 0)));
    assert_eq!(Version::parse("8.0.x"), None);
    assert_eq!(Version::patch(8, 0, 29).to_string(), "8.0.29");
    assert_eq!(Version::new(12, 0).to_string(), "12.0");
    let b = Backends::new([at(Backend::Mysql, 8, 0, 13), default(Backend::Sqlite)]);
    assert_eq!(b.setting(), "backends = [mysql >= 8.0.13, sqlite];");
}
