use std::borrow::Cow;
use std::sync::Arc;

use super::*;
use crate::diagnostic::Rule;
use crate::model::ColumnType::*;
use crate::model::Op;

fn users() -> Op {
    Op::CreateTable {
        name: "users".into(),
        columns: Cow::Owned(vec![
            Column {
                primary_key: true,
                nullable: false,
                ..Column::new("id".into(), BigInt)
            },
            Column {
                unique: true,
                ..Column::new("email".into(), Text)
            },
        ]),
        primary_key: None,
        uniques: Cow::Owned(vec![]),
        checks: Cow::Owned(vec![]),
        if_not_exists: false,
    }
}

#[test]
fn create_table_records_its_constraints() {
    let mut s = Schema::new();
    s.apply(&users()).unwrap();
    let t = s.table("users").unwrap();
    assert_eq!(t.primary_key(), Some(&["id".to_string()][..]));
    assert!(t.constraints.contains_key("users_email_key"));
    assert_eq!(s.apply(&users()).unwrap_err().rule, Rule::AlreadyExists);
}

#[test]
fn unknown_things_are_reported() {
    let mut s = Schema::new();
    let drop = Op::DropColumn {
        table: "users".into(),
        column: "bio".into(),
    };
    assert_eq!(s.apply(&drop).unwrap_err().rule, Rule::UnknownTable);
    s.apply(&users()).unwrap();
    assert_eq!(s.apply(&drop).unwrap_err().rule, Rule::UnknownColumn);
    let idx = Op::DropIndex {
        name: "nope".into(),
        table: "users".into(),
        concurrently: false,
        if_exists: false,
    };
    assert_eq!(s.apply(&idx).unwrap_err().rule, Rule::UnknownIndex);
}

/// `s` after the ops of `text`, each of which must replay.
fn replayed(mut s: Schema, text: &str) -> Schema {
    for op in crate::vocabulary::parse_ops(text).expect("the DSL reads") {
        s.apply(&op)
            .unwrap_or_else(|e| panic!("{op}: {}", e.message));
    }
    s
}

#[test]
fn indexes_follow_their_columns_into_expressions_includes_and_predicates() {
    let s = replayed(
        Schema::new(),
        r#"op.create_table("t", [column("a", Text), column("b", Text), column("c", Text), column("d", Text)]);
           op.create_index("by_expr", "t", [key("b").desc(), expr("lower(a)")]);
           op.create_index("by_include", "t", ["b"]).include(["c"]);
           op.create_index("by_predicate", "t", ["b"]).where_("d IS NOT NULL");
           op.rename_column("t", "a", "x");"#,
    );
    let t = s.table("t").unwrap();
    assert_eq!(t.indexes["by_expr"].keys[1].target, "lower(x)");
    assert_eq!(t.indexes["by_expr"].leading_columns(), ["b"]);
    for (column, index) in [("x", "by_expr"), ("c", "by_include"), ("d", "by_predicate")] {
        let s = replayed(s.clone(), &format!(r#"op.drop_column("t", "{column}");"#));
        let t = s.table("t").unwrap();
        assert!(!t.indexes.contains_key(index), "{index} goes with {column}");
        assert_eq!(t.indexes.len(), 2);
    }
    let mut s = s;
    let unknown =
        crate::vocabulary::parse_ops(r#"op.create_index("i", "t", ["b"]).include(["nope"]);"#)
            .unwrap();
    assert_eq!(s.apply(&unknown[0]).unwrap_err().rule, Rule::UnknownColumn);
}

#[test]
fn a_constraint_takes_over_its_index_and_its_name() {
    let s = replayed(
        Schema::new(),
        r#"op.create_table("t", [column("a", BigInt), column("b", Text)]);
           op.create_index("t_b_idx", "t", ["b"]).unique();
           op.create_unique_constraint("t_b_key", "t", ["b"]).using_index("t_b_idx");
           op.create_index("t_a_idx", "t", ["a"]).unique();
           op.create_primary_key("t_pkey", "t", ["a"]).using_index("t_a_idx");"#,
    );
    let t = s.table("t").unwrap();
    assert!(t.indexes.is_empty());
    assert_eq!(
        t.constraints["t_b_key"].kind,
        ConstraintKind::Unique {
            columns: vec!["b".into()]
        }
    );
    assert_eq!(t.primary_key(), Some(&["a".to_string()][..]));
    assert!(!t.column("a").unwrap().nullable);
    // The index's name is free again; the constraint's is taken.
    let mut again = s.clone();
    let taken = crate::vocabulary::parse_ops(r#"op.create_index("t_b_key", "t", ["b"]);"#).unwrap();
    assert_eq!(
        again.apply(&taken[0]).unwrap_err().rule,
        Rule::AlreadyExists
    );
    // Replacing the key: drop it, then create the new one, in one migration.
    let s = replayed(
        s,
        r#"op.drop_constraint("t_pkey", "t");
           op.create_primary_key("t_pkey", "t", ["b", "a"]);"#,
    );
    assert_eq!(
        s.table("t").unwrap().primary_key(),
        Some(&["b".to_string(), "a".to_string()][..])
    );
    // An index that is not unique, or has options, cannot be taken over.
    for index in [
        r#"op.create_index("i", "t", ["a"]);"#,
        r#"op.create_index("i", "t", [key("a").desc()]).unique();"#,
        r#"op.create_index("i", "t", ["a"]).unique().where_("a > 0");"#,
        r#"op.create_index("i", "t", ["a"]).unique().include(["b"]);"#,
    ] {
        let mut s = replayed(
            Schema::new(),
            &format!(r#"op.create_table("t", [column("a", BigInt), column("b", Text)]); {index}"#),
        );
        let take = crate::vocabulary::parse_ops(
            r#"op.create_unique_constraint("uq", "t", ["a"]).using_index("i");"#,
        )
        .unwrap();
        let e = s.apply(&take[0]).unwrap_err();
        assert_eq!(e.rule, Rule::UnknownIndex, "{index}");
        assert!(s.table("t").unwrap().indexes.contains_key("i"), "{index}");
    }
}

#[test]
fn a_table_names_its_keys() {
    let s = replayed(
        Schema::new(),
        r#"op.create_table("u", [column("id", BigInt).primary_key()]);
           op.create_table("t", [
               column("a", BigInt).references("u", "id").on_delete(Action::Cascade).on_update(Action::SetNull).initially_deferred(),
               column("b", Text),
           ]).primary_key_named("t_key", ["b", "a"]).unique_named("t_b_unique", ["b"]);"#,
    );
    let t = s.table("t").unwrap();
    assert_eq!(
        t.constraints["t_key"].kind,
        ConstraintKind::PrimaryKey {
            columns: vec!["b".into(), "a".into()]
        }
    );
    assert!(t.columns.iter().all(|c| !c.nullable));
    assert!(t.constraints.contains_key("t_b_unique"));
    assert_eq!(
        t.constraints["t_a_fkey"].kind,
        ConstraintKind::ForeignKey {
            columns: vec!["a".into()],
            ref_table: "u".into(),
            ref_columns: vec!["id".into()],
            on_delete: Action::Cascade,
            on_update: Action::SetNull,
            deferrable: crate::model::Deferrable::InitiallyDeferred,
        }
    );
}

#[test]
fn checks_follow_their_columns() {
    let kind = ConstraintKind::Check {
        expr: "\"balance\" >= overdraft AND note <> 'balance'".into(),
    };
    assert!(kind.uses_column("balance") && kind.uses_column("overdraft"));
    assert!(!kind.uses_column("note_text"));
    // Outside literals and comments only, and a quoted name exactly: the
    // rule by which the replay renames a column inside the check.
    let kind = ConstraintKind::Check {
        expr: "note <> 'it''s balance' -- balance\n AND \"Balance\" > 0".into(),
    };
    assert!(!kind.uses_column("balance") && kind.uses_column("Balance"));
}

#[test]
fn a_check_follows_its_column_through_a_rename() {
    let mut s = Schema::new();
    s.apply(&users()).unwrap();
    s.apply(&Op::AddColumn {
        table: "users".into(),
        column: Column::new("balance".into(), BigInt),
    })
    .unwrap();
    s.apply(&Op::CreateCheckConstraint {
        name: "users_balance_check".into(),
        table: "users".into(),
        expr: "BALANCE >= 0 AND \"balance\" < 10 AND email <> 'balance; -- x'".into(),
        not_valid: false,
    })
    .unwrap();
    s.apply(&Op::RenameColumn {
        table: "users".into(),
        from: "balance".into(),
        to: "amount".into(),
    })
    .unwrap();
    let check = &s.table("users").unwrap().constraints["users_balance_check"];
    assert_eq!(
        check.kind,
        ConstraintKind::Check {
            expr: "amount >= 0 AND \"amount\" < 10 AND email <> 'balance; -- x'".into()
        }
    );
    // Dropping the column takes the check with it, as PostgreSQL does.
    s.apply(&Op::DeprecateColumn {
        table: "users".into(),
        column: "amount".into(),
    })
    .unwrap();
    s.apply(&Op::DropColumn {
        table: "users".into(),
        column: "amount".into(),
    })
    .unwrap();
    let users = s.table("users").unwrap();
    assert!(!users.constraints.contains_key("users_balance_check"));
}

#[test]
fn differences_are_described() {
    let mut a = Schema::new();
    a.apply(&users()).unwrap();
    let mut b = a.clone();
    assert_eq!(a.first_difference(&b), None);
    b.apply(&Op::AddColumn {
        table: "users".into(),
        column: Column::new("bio".into(), Text),
    })
    .unwrap();
    assert_eq!(
        a.first_difference(&b).as_deref(),
        Some("column `users.bio` is left over")
    );
    b.apply(&Op::DeprecateColumn {
        table: "users".into(),
        column: "bio".into(),
    })
    .unwrap();
    b.apply(&Op::DropColumn {
        table: "users".into(),
        column: "bio".into(),
    })
    .unwrap();
    assert_eq!(a.first_difference(&b), None);
}

#[test]
fn every_difference_in_words() {
    use Difference::*;
    let table = || "t".to_string();
    let column = || "c".to_string();
    let index = || "i".to_string();
    let name = || "n".to_string();
    let cases = [
        (
            MissingTable { table: table() },
            "table `t` is missing".to_string(),
        ),
        (
            ExtraTable { table: table() },
            "table `t` is left over".into(),
        ),
        (
            MissingColumn {
                table: table(),
                column: column(),
            },
            "column `t.c` is missing".into(),
        ),
        (
            ExtraColumn {
                table: table(),
                column: column(),
            },
            "column `t.c` is left over".into(),
        ),
        (
            ColumnType {
                table: table(),
                column: column(),
                expected: BigInt,
                found: Text,
            },
            format!("column `t.c` has type {Text} instead of {BigInt}"),
        ),
        (
            ColumnNullability {
                table: table(),
                column: column(),
                expected: true,
            },
            "column `t.c` is NOT NULL instead of nullable".into(),
        ),
        (
            ColumnDefault {
                table: table(),
                column: column(),
                expected: None,
                found: Some(crate::model::DefaultValue::Int(1)),
            },
            "column `t.c` has default 1 instead of no default".into(),
        ),
        (
            ColumnOrder {
                table: table(),
                expected: vec!["a".into(), "b".into()],
                found: vec!["b".into(), "a".into()],
            },
            "the columns of `t` are in another order: b, a instead of a, b".into(),
        ),
        (
            MissingIndex {
                table: table(),
                index: index(),
            },
            "index `i` on `t` is missing".into(),
        ),
        (
            ExtraIndex {
                table: table(),
                index: index(),
            },
            "index `i` on `t` is left over".into(),
        ),
        (
            IndexDefinition {
                table: table(),
                index: index(),
            },
            "index `i` on `t` is defined differently".into(),
        ),
        (
            MissingConstraint {
                table: table(),
                name: name(),
            },
            "constraint `n` on `t` is missing".into(),
        ),
        (
            ExtraConstraint {
                table: table(),
                name: name(),
            },
            "constraint `n` on `t` is left over".into(),
        ),
        (
            ConstraintDefinition {
                table: table(),
                name: name(),
            },
            "constraint `n` on `t` is defined differently".into(),
        ),
        (
            ConstraintValidity {
                table: table(),
                name: name(),
                expected: true,
            },
            "constraint `n` on `t` is NOT VALID instead of validated".into(),
        ),
    ];
    for (difference, words) in cases {
        assert_eq!(difference.to_string(), words);
    }
}

#[test]
fn differences_come_table_by_table_then_the_extra_ones() {
    let index = |columns: &[&str]| Index::on_columns(columns.iter().copied(), false);
    let mut expected = Schema::new();
    expected.apply(&users()).unwrap();
    let mut found = expected.clone();
    let t = Arc::make_mut(expected.tables.get_mut("users").unwrap());
    t.indexes.insert("a".into(), index(&["id"]));
    t.indexes.insert("b".into(), index(&["id"]));
    let u = Arc::make_mut(found.tables.get_mut("users").unwrap());
    u.indexes.insert("b".into(), index(&["email"]));
    u.indexes.insert("c".into(), index(&["id"]));
    u.constraints.get_mut("users_email_key").unwrap().valid = false;
    u.constraints.remove("users_pkey");
    found.tables.insert("zebras".into(), Arc::default());
    found.tables.insert("apes".into(), Arc::default());
    let words: Vec<String> = expected
        .differences(&found)
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        words,
        [
            "index `a` on `users` is missing",
            "index `b` on `users` is defined differently",
            "index `c` on `users` is left over",
            "constraint `users_email_key` on `users` is NOT VALID instead of validated",
            "constraint `users_pkey` on `users` is missing",
            "table `apes` is left over",
            "table `zebras` is left over",
        ]
    );
}

#[test]
fn views_follow_renamed_tables_and_columns_in_their_text() {
    // SQLite's table rebuild creates the views again from this text.
    let s = replayed(
        Schema::new(),
        r#"op.create_table("t", [column("id", BigInt).primary_key(), column("a", Text)]);
           op.create_table("u", [column("a", Text)]);
           op.create_view("v", "SELECT id, a FROM t");
           op.create_view("w", "SELECT a FROM u");
           op.rename_column("t", "a", "b");
           op.rename_table("t", "t2");"#,
    );
    assert_eq!(s.views["v"].query, "SELECT id, b FROM t2");
    assert_eq!(s.views["v"].reads, Some(vec!["t2".to_string()]));
    assert_eq!(s.views["w"].query, "SELECT a FROM u");
}

#[test]
fn a_new_table_has_each_unique_key_once() {
    // PostgreSQL's CREATE TABLE drops a UNIQUE over its key's columns.
    for text in [
        r#"op.create_table("t", [column("id", BigInt).primary_key().unique()]);"#,
        r#"op.create_table("t", [column("a", BigInt), column("b", Text)]).primary_key(["a", "b"]).unique(["a", "b"]);"#,
        r#"op.create_table("t", [column("a", BigInt).unique()]).unique(["a"]);"#,
    ] {
        let op = crate::vocabulary::parse_ops(text).unwrap().remove(0);
        let e = Schema::new().apply(&op).unwrap_err();
        assert_eq!(e.rule, Rule::AlreadyExists, "{text}");
        assert!(
            e.message.contains("PostgreSQL would not create"),
            "{}",
            e.message
        );
    }
    // Another order is another key.
    replayed(
        Schema::new(),
        r#"op.create_table("t", [column("a", BigInt), column("b", Text)]).primary_key(["a", "b"]).unique(["b", "a"]);"#,
    );
}
