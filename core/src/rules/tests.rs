//! Every rule: it fires, it does not fire on the safe path, and it is
//! silenced where RULES.md says it may be.

use std::borrow::Cow;

use super::check_history;
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::migration::Migration;
use crate::model::ColumnType::{self, *};
use crate::model::{CheckConstraint, Column, ColumnChange, DefaultValue, Op, Phase, Reference};

// ----- building migrations the way the DSL reads -----

fn col(name: &'static str, ty: ColumnType) -> Column {
    Column::new(name.into(), ty)
}

fn not_null(c: Column) -> Column {
    Column {
        nullable: false,
        ..c
    }
}

fn pk(name: &'static str, ty: ColumnType) -> Column {
    Column {
        primary_key: true,
        nullable: false,
        ..col(name, ty)
    }
}

fn create_table(name: &'static str, columns: Vec<Column>) -> Op {
    Op::CreateTable {
        name: name.into(),
        columns: Cow::Owned(columns),
        uniques: Cow::Owned(vec![]),
        checks: Cow::Owned(vec![]),
    }
}

fn add_column(table: &'static str, column: Column) -> Op {
    Op::AddColumn {
        table: table.into(),
        column,
    }
}

fn drop_column(table: &'static str, column: &'static str) -> Op {
    Op::DropColumn {
        table: table.into(),
        column: column.into(),
    }
}

fn deprecate_column(table: &'static str, column: &'static str) -> Op {
    Op::DeprecateColumn {
        table: table.into(),
        column: column.into(),
    }
}

fn alter(table: &'static str, column: &'static str, changes: Vec<ColumnChange>) -> Op {
    Op::AlterColumn {
        table: table.into(),
        column: column.into(),
        changes: Cow::Owned(changes),
    }
}

fn names(cols: &[&'static str]) -> Cow<'static, [Cow<'static, str>]> {
    Cow::Owned(cols.iter().map(|c| Cow::Borrowed(*c)).collect())
}

fn create_index(name: &'static str, table: &'static str, cols: &[&'static str]) -> Op {
    Op::CreateIndex {
        name: name.into(),
        table: table.into(),
        columns: names(cols),
        unique: false,
        concurrently: false,
        predicate: None,
    }
}

fn concurrently(op: Op) -> Op {
    match op {
        Op::CreateIndex {
            name,
            table,
            columns,
            unique,
            predicate,
            ..
        } => Op::CreateIndex {
            name,
            table,
            columns,
            unique,
            concurrently: true,
            predicate,
        },
        Op::DropIndex { name, table, .. } => Op::DropIndex {
            name,
            table,
            concurrently: true,
        },
        other => other,
    }
}

fn drop_index(name: &'static str, table: &'static str) -> Op {
    Op::DropIndex {
        name: name.into(),
        table: table.into(),
        concurrently: false,
    }
}

fn foreign_key(
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
    ref_table: &'static str,
    not_valid: bool,
) -> Op {
    Op::CreateForeignKey {
        name: name.into(),
        table: table.into(),
        columns: names(cols),
        ref_table: ref_table.into(),
        ref_columns: names(&["id"]),
        on_delete: Default::default(),
        not_valid,
    }
}

fn check_constraint(
    name: &'static str,
    table: &'static str,
    expr: &'static str,
    not_valid: bool,
) -> Op {
    Op::CreateCheckConstraint {
        name: name.into(),
        table: table.into(),
        expr: expr.into(),
        not_valid,
    }
}

fn validate(table: &'static str, name: &'static str) -> Op {
    Op::ValidateConstraint {
        table: table.into(),
        name: name.into(),
    }
}

fn execute(sql: &'static str) -> Op {
    Op::Execute { sql: sql.into() }
}

fn backfill(table: &'static str, set: &'static str) -> Op {
    Op::Backfill {
        table: table.into(),
        set: set.into(),
        predicate: None,
        batch_size: crate::model::DEFAULT_BATCH_SIZE,
    }
}

fn assured(ops: Vec<Op>) -> Op {
    Op::SafetyAssured {
        reason: "checked by hand on a copy of production".into(),
        ops: Cow::Owned(ops),
    }
}

fn migration(up: Vec<Op>, down: Vec<Op>) -> Migration {
    Migration {
        revision: "".into(),
        down_revision: None,
        message: "a migration under test".into(),
        irreversible: None,
        allow: Cow::Owned(vec![]),
        upgrade: Cow::Owned(up),
        downgrade: Cow::Owned(down),
        checksum: "".into(),
    }
}

/// The table every test starts from: `users`, created by an earlier migration.
fn create_users() -> Migration {
    migration(
        vec![
            create_table(
                "users",
                vec![
                    pk("id", BigInt),
                    not_null(col("email", Varchar(255))),
                    not_null(col("username", Varchar(50))),
                    col("bio", Text),
                ],
            ),
            Op::CreateTable {
                name: "accounts".into(),
                columns: Cow::Owned(vec![pk("id", BigInt), col("owner_id", BigInt)]),
                uniques: Cow::Owned(vec![]),
                checks: Cow::Owned(vec![CheckConstraint {
                    name: "accounts_owner_id_positive".into(),
                    expr: "owner_id > 0".into(),
                }]),
            },
        ],
        vec![
            Op::DropTable {
                name: "accounts".into(),
            },
            Op::DropTable {
                name: "users".into(),
            },
        ],
    )
}

/// Every diagnostic of a history, checked in listed order.
fn check(migrations: &[Migration]) -> Vec<Diagnostic> {
    let order: Vec<usize> = (0..migrations.len()).collect();
    check_history(migrations, &order)
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

/// The rules broken by an upgrade run after `create_users`.
fn on_users(up: Vec<Op>) -> Vec<Rule> {
    broken_by_last(&[create_users(), migration(up, vec![])])
}

/// The messages of the diagnostics of an upgrade run after `create_users`.
fn messages(up: Vec<Op>) -> Vec<String> {
    check(&[create_users(), migration(up, vec![])])
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
        on_users(vec![add_column("nope", col("a", Text))]),
        [UnknownTable]
    );
    assert_eq!(
        on_users(vec![alter(
            "users",
            "nope",
            vec![ColumnChange::DropDefault]
        )]),
        [UnknownColumn]
    );
    assert_eq!(on_users(vec![drop_index("nope", "users")]), [UnknownIndex]);
    assert_eq!(
        on_users(vec![validate("users", "nope")]),
        [UnknownConstraint]
    );
    assert_eq!(
        on_users(vec![create_table("users", vec![pk("id", BigInt)])]),
        [AlreadyExists]
    );
    assert_eq!(
        on_users(vec![add_column("users", col("bio", Text))]),
        [AlreadyExists]
    );
    assert_eq!(
        on_users(vec![backfill("users", "nope = 1")]),
        [UnknownColumn]
    );
    assert_eq!(on_users(vec![backfill("users", "bio = username")]), []);
}

#[test]
fn structural_rules_are_not_silenced() {
    assert_eq!(
        on_users(vec![assured(vec![add_column("nope", col("a", Text))])]),
        [Rule::UnknownTable]
    );
    assert_eq!(
        on_users(vec![assured(vec![execute("UPDATE users SET WHERE")])]),
        [Rule::InvalidSql]
    );
}

#[test]
fn locations_use_the_listed_index_and_the_nested_path() {
    let bad = migration(
        vec![
            add_column("users", col("a", Text)),
            assured(vec![
                add_column("users", col("b", Text)),
                add_column("nope", col("c", Text)),
            ]),
        ],
        vec![drop_column("users", "b"), drop_column("users", "a")],
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
        migration(vec![], vec![drop_column("users", "nope")]),
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
        migration(vec![add_column("users", col("tagline", Text))], vec![]),
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
            vec![assured(vec![alter(
                "users",
                "username",
                vec![ColumnChange::SetType(Text)],
            )])],
            vec![alter(
                "users",
                "username",
                vec![ColumnChange::SetType(Varchar(40))],
            )],
        ),
    ]);
    assert_eq!(
        wrong_type[0].message,
        "upgrade changes the type of `users.username` from Varchar(50) to Text; downgrade leaves it Varchar(40)"
    );

    let extra = check(&[
        create_users(),
        migration(vec![], vec![drop_column("users", "bio")]),
    ]);
    assert_eq!(
        extra[0].message,
        "downgrade drops column `users.bio`, which existed before the upgrade"
    );
}

#[test]
fn downgrade_mismatch_accepts_a_true_reverse() {
    let d = check(&[
        create_users(),
        migration(
            vec![
                add_column("users", col("tagline", Text)),
                create_index("idx_users_tagline", "users", &["tagline"]),
            ],
            vec![
                drop_index("idx_users_tagline", "users"),
                drop_column("users", "tagline"),
            ],
        ),
    ]);
    assert!(d.iter().all(|d| d.rule != Rule::DowngradeMismatch), "{d:?}");
}

#[test]
fn downgrade_mismatch_ignores_deprecation_marks_and_column_order() {
    // The deprecation of a nullable column changes nothing but the mark.
    let d = check(&[
        create_users(),
        migration(vec![deprecate_column("users", "bio")], vec![]),
    ]);
    assert_eq!(d, []);
    // Dropping a column and adding it back puts it last.
    let d = check(&[
        create_users(),
        migration(
            vec![deprecate_column("users", "email")],
            vec![alter("users", "email", vec![ColumnChange::Nullable(false)])],
        ),
        migration(
            vec![drop_column("users", "email")],
            vec![add_column("users", col("email", Varchar(255)))],
        ),
    ]);
    assert_eq!(d, []);
}

#[test]
fn downgrade_mismatch_skips_irreversible_migrations() {
    let mut m = migration(vec![add_column("users", col("tagline", Text))], vec![]);
    m.irreversible = Some("the old data cannot be recovered".into());
    assert_eq!(check(&[create_users(), m]), []);
}

// ----- compatibility -----

#[test]
fn add_required_column() {
    let required = not_null(col("required_field", Text));
    assert_eq!(
        on_users(vec![add_column("users", required.clone())]),
        [Rule::AddRequiredColumn]
    );
    assert_eq!(
        messages(vec![add_column("users", required.clone())]),
        ["[add-required-column] adding NOT NULL column `users.required_field` without a server default breaks code that inserts users"]
    );
    // The safe forms: nullable, or with a default.
    assert_eq!(
        on_users(vec![add_column("users", col("tagline", Text))]),
        []
    );
    let with_default = Column {
        default: Some(DefaultValue::Str("active".into())),
        ..not_null(col("status", Text))
    };
    assert_eq!(on_users(vec![add_column("users", with_default)]), []);
    // New tables are exempt.
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt)]),
            add_column("posts", required.clone()),
        ]),
        []
    );
    assert_eq!(
        on_users(vec![assured(vec![add_column("users", required)])]),
        []
    );
}

#[test]
fn volatile_default() {
    let token = |sql: &'static str| Column {
        default: Some(DefaultValue::Sql(sql.into())),
        ..col("token", Uuid)
    };
    assert_eq!(
        on_users(vec![add_column("users", token("gen_random_uuid()"))]),
        [Rule::VolatileDefault]
    );
    assert_eq!(on_users(vec![add_column("users", token("'x'"))]), []);
    let now = Column {
        default: Some(DefaultValue::Now),
        ..col("seen_at", Timestamp)
    };
    assert_eq!(on_users(vec![add_column("users", now)]), []);
    assert_eq!(
        on_users(vec![assured(vec![add_column("users", token("random()"))])]),
        []
    );
}

#[test]
fn add_autoincrement_column() {
    let seq = Column {
        autoincrement: true,
        ..col("seq", BigInt)
    };
    assert_eq!(
        on_users(vec![add_column("users", seq.clone())]),
        [Rule::AddAutoincrementColumn]
    );
    assert_eq!(on_users(vec![add_column("users", col("seq", BigInt))]), []);
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt)]),
            add_column("posts", seq.clone())
        ]),
        []
    );
    assert_eq!(on_users(vec![assured(vec![add_column("users", seq)])]), []);
}

#[test]
fn drop_column_not_deprecated() {
    assert_eq!(
        on_users(vec![drop_column("users", "bio")]),
        [Rule::DropColumnNotDeprecated]
    );
    // Deprecated in the same migration: no deploy in between.
    assert_eq!(
        on_users(vec![
            deprecate_column("users", "bio"),
            drop_column("users", "bio")
        ]),
        [Rule::DropColumnNotDeprecated]
    );
    // Deprecated by an earlier migration: the safe path.
    let deprecate = migration(vec![deprecate_column("users", "bio")], vec![]);
    let drop = migration(vec![drop_column("users", "bio")], vec![]);
    assert_eq!(
        broken_by_last(&[create_users(), deprecate, drop.clone()]),
        []
    );
    // .nullable(true) counts as deprecation.
    let nullable = migration(
        vec![alter(
            "users",
            "username",
            vec![ColumnChange::Nullable(true)],
        )],
        vec![],
    );
    let drop_username = migration(vec![drop_column("users", "username")], vec![]);
    assert_eq!(
        broken_by_last(&[create_users(), nullable, drop_username]),
        []
    );
    // A column added in the same migration is not used by anyone yet.
    assert_eq!(
        on_users(vec![
            add_column("users", col("tmp", Text)),
            drop_column("users", "tmp")
        ]),
        []
    );
    assert_eq!(
        on_users(vec![assured(vec![drop_column("users", "bio")])]),
        []
    );
}

#[test]
fn drop_table_not_deprecated() {
    let drop = || Op::DropTable {
        name: "accounts".into(),
    };
    assert_eq!(on_users(vec![drop()]), [Rule::DropTableNotDeprecated]);
    let deprecate = migration(
        vec![Op::DeprecateTable {
            name: "accounts".into(),
        }],
        vec![],
    );
    assert_eq!(
        broken_by_last(&[create_users(), deprecate, migration(vec![drop()], vec![])]),
        []
    );
    assert_eq!(
        on_users(vec![
            create_table("tmp", vec![pk("id", BigInt)]),
            Op::DropTable { name: "tmp".into() }
        ]),
        []
    );
    assert_eq!(on_users(vec![assured(vec![drop()])]), []);
}

#[test]
fn rename_column_and_table() {
    let rename = || Op::RenameColumn {
        table: "users".into(),
        from: "username".into(),
        to: "display_name".into(),
    };
    assert_eq!(on_users(vec![rename()]), [Rule::RenameColumn]);
    assert_eq!(on_users(vec![assured(vec![rename()])]), []);
    let rename_table = || Op::RenameTable {
        from: "users".into(),
        to: "people".into(),
    };
    assert_eq!(on_users(vec![rename_table()]), [Rule::RenameTable]);
    assert_eq!(on_users(vec![assured(vec![rename_table()])]), []);
    // New tables and columns are free to be renamed.
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt), col("title", Text)]),
            Op::RenameColumn {
                table: "posts".into(),
                from: "title".into(),
                to: "headline".into()
            },
            Op::RenameTable {
                from: "posts".into(),
                to: "articles".into()
            },
        ]),
        []
    );
    // The safe path: add, backfill later, drop later still.
    let add = migration(
        vec![add_column("users", col("display_name", Varchar(50)))],
        vec![],
    );
    let fill = migration(vec![backfill("users", "display_name = username")], vec![]);
    let deprecate = migration(vec![deprecate_column("users", "username")], vec![]);
    let drop = migration(vec![drop_column("users", "username")], vec![]);
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
    let set_type = |ty| alter("users", "username", vec![ColumnChange::SetType(ty)]);
    assert_eq!(on_users(vec![set_type(Text)]), [Rule::ChangeColumnType]);
    assert_eq!(
        on_users(vec![alter(
            "users",
            "id",
            vec![ColumnChange::SetType(Uuid)]
        )]),
        [Rule::ChangeColumnType]
    );
    // Widening a varchar within the same length prefix is done in place.
    assert_eq!(on_users(vec![set_type(Varchar(60))]), []);
    // 255 characters may be 255 bytes (one length byte) or 1020 (two).
    assert_eq!(
        on_users(vec![alter(
            "users",
            "email",
            vec![ColumnChange::SetType(Varchar(1000))]
        )]),
        [Rule::ChangeColumnType]
    );
    let wide = migration(
        vec![assured(vec![alter(
            "users",
            "email",
            vec![ColumnChange::SetType(Varchar(300))],
        )])],
        vec![],
    );
    let wider = migration(
        vec![alter(
            "users",
            "email",
            vec![ColumnChange::SetType(Varchar(1000))],
        )],
        vec![],
    );
    assert_eq!(broken_by_last(&[create_users(), wide, wider]), []);
    assert_eq!(
        on_users(vec![set_type(Varchar(300))]),
        [Rule::ChangeColumnType]
    );
    assert_eq!(
        on_users(vec![set_type(Varchar(20))]),
        [Rule::ChangeColumnType]
    );
    assert_eq!(on_users(vec![set_type(Varchar(50))]), []);
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt), col("n", Integer)]),
            alter("posts", "n", vec![ColumnChange::SetType(BigInt)])
        ]),
        []
    );
    assert_eq!(on_users(vec![assured(vec![set_type(Text)])]), []);
}

#[test]
fn set_not_null() {
    let not_null = |c: &'static str| alter("users", c, vec![ColumnChange::Nullable(false)]);
    assert_eq!(on_users(vec![not_null("bio")]), [Rule::SetNotNull]);
    // Already NOT NULL: nothing changes.
    assert_eq!(on_users(vec![not_null("email")]), []);
    assert_eq!(on_users(vec![assured(vec![not_null("bio")])]), []);
    // A column added in the same migration to an existing table: the running
    // version inserts rows without it.
    assert_eq!(
        on_users(vec![
            add_column("users", col("display_name", Text)),
            alter("users", "display_name", vec![ColumnChange::Nullable(false)]),
        ]),
        [Rule::SetNotNull]
    );
    // The safe path: a validated CHECK (bio IS NOT NULL) from earlier migrations.
    let check = migration(
        vec![check_constraint(
            "users_bio_not_null",
            "users",
            "bio IS NOT NULL",
            true,
        )],
        vec![],
    );
    let valid = migration(vec![validate("users", "users_bio_not_null")], vec![]);
    let set = migration(vec![not_null("bio")], vec![]);
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
    let add = || add_column("users", col("display_name", Varchar(50)));
    let fill = || backfill("users", "display_name = username");
    // The seed scenario: add, backfill and NOT NULL in one migration.
    assert_eq!(
        on_users(vec![
            add(),
            fill(),
            alter("users", "display_name", vec![ColumnChange::Nullable(false)])
        ]),
        [Rule::BackfillWithSchemaChange, Rule::SetNotNull]
    );
    assert_eq!(
        on_users(vec![add(), fill()]),
        [Rule::BackfillWithSchemaChange]
    );
    assert_eq!(
        on_users(vec![
            add(),
            execute("UPDATE users SET display_name = username WHERE id < 100")
        ]),
        [Rule::BackfillWithSchemaChange]
    );
    // Raw DDL counts as a schema change too.
    assert_eq!(
        on_users(vec![
            assured(vec![execute("ALTER TABLE users ADD COLUMN x text")]),
            backfill("users", "bio = ''")
        ]),
        [Rule::BackfillWithSchemaChange]
    );
    // A backfill takes the whole migration out of its transaction: DDL on
    // another existing table would not be rolled back with it.
    assert_eq!(
        on_users(vec![
            add_column("accounts", col("note", Text)),
            backfill("users", "bio = ''")
        ]),
        [Rule::BackfillWithSchemaChange]
    );
    // A bounded UPDATE runs inside the transaction: DDL on another table is fine.
    assert_eq!(
        on_users(vec![
            add_column("accounts", col("note", Text)),
            execute("UPDATE users SET bio = '' WHERE id < 100")
        ]),
        []
    );
    let added = migration(vec![add()], vec![]);
    assert_eq!(
        broken_by_last(&[create_users(), added, migration(vec![fill()], vec![])]),
        []
    );
    // A new table may be filled in the migration that creates it.
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt), col("title", Text)]),
            backfill("posts", "title = 'untitled'"),
            execute("INSERT INTO posts (id, title) VALUES (1, 'hello')"),
        ]),
        []
    );
    assert_eq!(on_users(vec![add(), assured(vec![fill()])]), []);
}

#[test]
fn non_concurrent_index() {
    let index = || create_index("idx_users_email", "users", &["email"]);
    assert_eq!(on_users(vec![index()]), [Rule::NonConcurrentIndex]);
    assert_eq!(on_users(vec![concurrently(index())]), []);
    assert_eq!(on_users(vec![assured(vec![index()])]), []);
    let created = migration(vec![concurrently(index())], vec![]);
    let dropped =
        |op| broken_by_last(&[create_users(), created.clone(), migration(vec![op], vec![])]);
    assert_eq!(
        dropped(drop_index("idx_users_email", "users")),
        [Rule::NonConcurrentIndex]
    );
    assert_eq!(
        dropped(concurrently(drop_index("idx_users_email", "users"))),
        []
    );
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt), col("title", Text)]),
            create_index("idx_posts_title", "posts", &["title"]),
        ]),
        []
    );
}

#[test]
fn concurrent_index_not_alone() {
    let index = || concurrently(create_index("idx_users_email", "users", &["email"]));
    assert_eq!(
        on_users(vec![index(), add_column("users", col("tagline", Text))]),
        [Rule::ConcurrentIndexNotAlone]
    );
    assert_eq!(on_users(vec![index()]), []);
    // Checked in the downgrade too.
    let d = check(&[
        create_users(),
        migration(
            vec![index()],
            vec![
                concurrently(drop_index("idx_users_email", "users")),
                execute("SELECT 1"),
            ],
        ),
    ]);
    assert_eq!(
        d.iter().map(|d| d.rule).collect::<Vec<_>>(),
        [Rule::ConcurrentIndexNotAlone]
    );
    assert_eq!(
        on_users(vec![assured(vec![index(), execute("SELECT 1")])]),
        []
    );
}

#[test]
fn unique_constraint_on_existing_table() {
    let unique = Column {
        unique: true,
        ..col("handle", Varchar(40))
    };
    assert_eq!(
        on_users(vec![add_column("users", unique.clone())]),
        [Rule::UniqueConstraintOnExistingTable]
    );
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt)]),
            add_column("posts", unique.clone())
        ]),
        []
    );
    assert_eq!(
        on_users(vec![assured(vec![add_column("users", unique)])]),
        []
    );
}

#[test]
fn foreign_key_not_valid() {
    let fk = |not_valid| {
        foreign_key(
            "accounts_owner_id_fkey",
            "accounts",
            &["owner_id"],
            "users",
            not_valid,
        )
    };
    let index = migration(
        vec![concurrently(create_index(
            "idx_accounts_owner_id",
            "accounts",
            &["owner_id"],
        ))],
        vec![],
    );
    let with = |ops| broken_by_last(&[create_users(), index.clone(), migration(ops, vec![])]);
    assert_eq!(with(vec![fk(false)]), [Rule::ForeignKeyNotValid]);
    assert_eq!(with(vec![fk(true)]), []);
    // Validated in the same migration: the scan runs under the lock of the add.
    assert_eq!(
        with(vec![
            fk(true),
            validate("accounts", "accounts_owner_id_fkey")
        ]),
        [Rule::ForeignKeyNotValid]
    );
    // Validated in a later one: the safe path.
    assert_eq!(
        broken_by_last(&[
            create_users(),
            index.clone(),
            migration(vec![fk(true)], vec![]),
            migration(vec![validate("accounts", "accounts_owner_id_fkey")], vec![])
        ]),
        []
    );
    assert_eq!(with(vec![assured(vec![fk(false)])]), []);
    // Inline .references(..) on an existing table.
    let referencing = Column {
        references: Some(Reference {
            table: "users".into(),
            column: "id".into(),
        }),
        ..col("user_id", BigInt)
    };
    assert_eq!(
        on_users(vec![
            add_column("accounts", referencing.clone()),
            create_index("idx", "accounts", &["user_id"])
        ]),
        [Rule::ForeignKeyNotValid, Rule::NonConcurrentIndex]
    );
    // A new table referencing an existing one is empty: nothing to validate.
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt), referencing]),
            create_index("idx_posts_user_id", "posts", &["user_id"]),
        ]),
        []
    );
}

#[test]
fn check_constraint_not_valid() {
    let check = |not_valid| {
        check_constraint(
            "users_email_lower",
            "users",
            "email = lower(email)",
            not_valid,
        )
    };
    assert_eq!(
        on_users(vec![check(false)]),
        [Rule::CheckConstraintNotValid]
    );
    assert_eq!(on_users(vec![check(true)]), []);
    assert_eq!(
        on_users(vec![check(true), validate("users", "users_email_lower")]),
        [Rule::CheckConstraintNotValid]
    );
    assert_eq!(on_users(vec![assured(vec![check(false)])]), []);
    // Validating a check that an earlier migration created is the safe path.
    assert_eq!(
        broken_by_last(&[
            create_users(),
            migration(vec![check(true)], vec![]),
            migration(vec![validate("users", "users_email_lower")], vec![])
        ]),
        []
    );
}

#[test]
fn unbatched_update() {
    assert_eq!(
        on_users(vec![execute("UPDATE users SET bio = ''")]),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        on_users(vec![execute("DELETE FROM users")]),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        on_users(vec![execute("update \"users\" set bio = ''")]),
        [Rule::UnbatchedUpdate]
    );
    assert_eq!(
        on_users(vec![execute("UPDATE users SET bio = '' WHERE bio IS NULL")]),
        []
    );
    assert_eq!(
        on_users(vec![execute("UPDATE other_schema_table SET x = 1")]),
        []
    );
    assert_eq!(
        on_users(vec![
            create_table("posts", vec![pk("id", BigInt), col("title", Text)]),
            execute("UPDATE posts SET title = 'untitled'")
        ]),
        []
    );
    assert_eq!(
        on_users(vec![assured(vec![execute("UPDATE users SET bio = ''")])]),
        []
    );
}

#[test]
fn raw_ddl() {
    assert_eq!(
        on_users(vec![execute("ALTER TABLE users ADD COLUMN tagline text")]),
        [Rule::RawDdl]
    );
    assert_eq!(
        on_users(vec![execute(
            "CREATE INDEX CONCURRENTLY idx ON users (email)"
        )]),
        [Rule::RawDdl]
    );
    assert_eq!(
        on_users(vec![execute("DROP TABLE accounts")]),
        [Rule::RawDdl]
    );
    assert_eq!(
        on_users(vec![execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")]),
        []
    );
    assert_eq!(on_users(vec![assured(vec![execute("DROP INDEX idx")])]), []);
}

#[test]
fn transaction_in_execute() {
    assert_eq!(
        on_users(vec![execute(
            "COMMIT; UPDATE users SET bio = '' WHERE id = 1"
        )]),
        [Rule::TransactionInExecute]
    );
    assert_eq!(
        on_users(vec![execute("BEGIN")]),
        [Rule::TransactionInExecute]
    );
    assert_eq!(
        on_users(vec![execute("SAVEPOINT a; ROLLBACK TO SAVEPOINT a")]),
        []
    );
    assert_eq!(on_users(vec![assured(vec![execute("COMMIT")])]), []);
}

#[test]
fn invalid_sql() {
    assert_eq!(
        on_users(vec![execute("UPDATE users SET WHERE")]),
        [Rule::InvalidSql]
    );
    assert_eq!(
        on_users(vec![execute("-- only a comment")]),
        [Rule::InvalidSql]
    );
    assert_eq!(
        on_users(vec![backfill("users", "bio = = 1")]),
        [Rule::InvalidSql]
    );
    assert_eq!(
        on_users(vec![backfill("users", "bio = '' WHERE id < 3")]),
        [Rule::InvalidSql]
    );
    let mut with_where = backfill("users", "bio = ''");
    if let Op::Backfill { predicate, .. } = &mut with_where {
        *predicate = Some("bio IS".into());
    }
    assert_eq!(on_users(vec![with_where]), [Rule::InvalidSql]);
    assert_eq!(
        on_users(vec![check_constraint("c", "users", "email >", true)]),
        [Rule::InvalidSql]
    );
    let bad_default = Column {
        default: Some(DefaultValue::Sql("lower(".into())),
        ..col("tagline", Text)
    };
    assert_eq!(
        on_users(vec![add_column("users", bad_default)]),
        [Rule::InvalidSql]
    );
    // Each dialect's own syntax is accepted.
    assert_eq!(
        on_users(vec![execute(
            "UPDATE users SET bio = username::text WHERE id = 1"
        )]),
        []
    );
    assert_eq!(
        on_users(vec![execute("UPDATE `users` SET `bio` = '' WHERE id = 1")]),
        []
    );
    let message = &messages(vec![execute("UPDATE users SET WHERE")])[0];
    assert!(
        message.starts_with(
            "[invalid-sql] the SQL of `execute` does not parse as PostgreSQL, MySQL or SQLite: "
        ),
        "{message}"
    );
}

// ----- performance -----

#[test]
fn foreign_key_without_index() {
    let posts = |extra: Vec<Op>| {
        let mut ops = vec![create_table(
            "posts",
            vec![
                pk("id", BigInt),
                Column {
                    references: Some(Reference {
                        table: "users".into(),
                        column: "id".into(),
                    }),
                    ..col("user_id", BigInt)
                },
            ],
        )];
        ops.extend(extra);
        ops
    };
    assert_eq!(on_users(posts(vec![])), [Rule::ForeignKeyWithoutIndex]);
    assert_eq!(
        on_users(posts(vec![create_index("idx", "posts", &["user_id"])])),
        []
    );
    // An index whose leading column it is counts; a later column or a partial index does not.
    let leading = create_index("idx", "posts", &["user_id", "id"]);
    assert_eq!(on_users(posts(vec![leading])), []);
    assert_eq!(
        on_users(posts(vec![create_index(
            "idx",
            "posts",
            &["id", "user_id"]
        )])),
        [Rule::ForeignKeyWithoutIndex]
    );
    let mut partial = create_index("idx", "posts", &["user_id"]);
    if let Op::CreateIndex { predicate, .. } = &mut partial {
        *predicate = Some("user_id IS NOT NULL".into());
    }
    assert_eq!(
        on_users(posts(vec![partial])),
        [Rule::ForeignKeyWithoutIndex]
    );
    // create_foreign_key on an existing table with an index made earlier.
    let index = migration(
        vec![concurrently(create_index(
            "idx_accounts_owner_id",
            "accounts",
            &["owner_id"],
        ))],
        vec![],
    );
    let fk = migration(
        vec![foreign_key("fk", "accounts", &["owner_id"], "users", true)],
        vec![],
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
        on_users(vec![assured(posts(vec![]))]),
        [Rule::ForeignKeyWithoutIndex]
    );
}

#[test]
fn int_primary_key() {
    let table = |ty| create_table("tags", vec![pk("id", ty), col("name", Text)]);
    assert_eq!(on_users(vec![table(Integer)]), [Rule::IntPrimaryKey]);
    assert_eq!(on_users(vec![table(SmallInt)]), [Rule::IntPrimaryKey]);
    assert_eq!(on_users(vec![table(BigInt)]), []);
    assert_eq!(on_users(vec![table(Uuid)]), []);
    // A composite key of references is not a counter.
    assert_eq!(
        on_users(vec![create_table(
            "pairs",
            vec![pk("a", Integer), pk("b", Integer)]
        )]),
        []
    );
    assert_eq!(
        on_users(vec![assured(vec![alter(
            "users",
            "id",
            vec![ColumnChange::SetType(Integer)]
        )])]),
        [Rule::IntPrimaryKey]
    );
    let mut allowed = migration(vec![table(Integer)], vec![]);
    allowed.allow = Cow::Owned(vec!["int-primary-key".into()]);
    assert_eq!(broken_by_last(&[create_users(), allowed]), []);
    assert_eq!(
        messages(vec![table(Integer)]),
        ["[int-primary-key] primary key `tags.id` is a 32-bit Integer: it runs out at 2^31 rows, and widening it later rewrites `tags` and every foreign key to it"]
    );
}

// ----- new tables -----

#[test]
fn a_new_table_may_be_used_in_the_migration_that_creates_it() {
    let referencing = Column {
        references: Some(Reference {
            table: "users".into(),
            column: "id".into(),
        }),
        ..col("user_id", BigInt)
    };
    let up = vec![
        create_table(
            "orders",
            vec![
                pk("id", BigInt),
                not_null(referencing),
                col("total", Integer),
            ],
        ),
        add_column("orders", not_null(col("status", Text))),
        add_column(
            "orders",
            Column {
                unique: true,
                ..col("code", Text)
            },
        ),
        alter(
            "orders",
            "total",
            vec![ColumnChange::SetType(BigInt), ColumnChange::Nullable(false)],
        ),
        Op::RenameColumn {
            table: "orders".into(),
            from: "total".into(),
            to: "total_cents".into(),
        },
        create_index("idx_orders_user_id", "orders", &["user_id"]),
        create_index("idx_orders_status", "orders", &["status"]),
        drop_index("idx_orders_status", "orders"),
        add_column("orders", col("account_id", BigInt)),
        foreign_key(
            "orders_account_id_fkey",
            "orders",
            &["account_id"],
            "accounts",
            false,
        ),
        create_index("idx_orders_account_id", "orders", &["account_id"]),
        check_constraint("orders_total_positive", "orders", "total_cents >= 0", false),
        validate("orders", "orders_total_positive"),
        execute("INSERT INTO orders (id, user_id, total_cents, status) VALUES (1, 1, 0, 'new')"),
        execute("UPDATE orders SET status = 'open'"),
        backfill("orders", "status = 'open'"),
        drop_column("orders", "code"),
    ];
    let down = vec![Op::DropTable {
        name: "orders".into(),
    }];
    assert_eq!(check(&[create_users(), migration(up, down)]), []);
}

// ----- a long history -----

/// 300 migrations in the shape of a real project: tables with an indexed
/// reference, columns added and deprecated, dropped a deploy later.
fn long_history() -> Vec<Migration> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut history = vec![create_users()];
    for n in 0..100 {
        let table = leak(format!("t{n}"));
        let user_id = Column {
            references: Some(Reference {
                table: "users".into(),
                column: "id".into(),
            }),
            ..col("user_id", BigInt)
        };
        history.push(migration(
            vec![
                create_table(table, vec![pk("id", BigInt), user_id, col("note", Text)]),
                create_index(leak(format!("idx_{table}_user_id")), table, &["user_id"]),
            ],
            vec![
                drop_index(leak(format!("idx_{table}_user_id")), table),
                Op::DropTable { name: table.into() },
            ],
        ));
        history.push(migration(
            vec![deprecate_column(table, "note")],
            vec![alter(table, "note", vec![ColumnChange::Nullable(true)])],
        ));
        history.push(migration(
            vec![drop_column(table, "note")],
            vec![add_column(table, col("note", Text))],
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
    // downgrade adds the column back, but not the index that went with it.
    history.push(migration(
        vec![drop_column("t99", "user_id")],
        vec![add_column("t99", col("user_id", BigInt))],
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
        "upgrade drops index `idx_t99_user_id` on `t99`; downgrade never recreates it"
    );
}

#[test]
fn a_renamed_table_is_still_existing() {
    let rename = Op::RenameTable {
        from: "users".into(),
        to: "people".into(),
    };
    let required = Column {
        nullable: false,
        ..col("required", Text)
    };
    assert_eq!(
        on_users(vec![
            assured(vec![rename.clone()]),
            add_column("people", required)
        ]),
        [Rule::AddRequiredColumn]
    );
    assert_eq!(
        on_users(vec![assured(vec![rename]), drop_column("people", "email")]),
        [Rule::DropColumnNotDeprecated]
    );
}
