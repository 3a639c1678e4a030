//! The vocabulary reads what it writes, for every op, option, column
//! modifier, type, default and action; and says what is wrong otherwise.

use std::collections::BTreeSet;

use super::*;
use crate::model::ColumnType;

/// Every op and option of the DSL, in canonical text: each line is exactly
/// what the printer writes for the op it reads as.
pub(crate) const EVERY_OP: &str = r#"op.create_table("t", [column("id", BigInt).primary_key().autoincrement(), column("é \"x\";--", Numeric(10, 2)).not_null().unique().server_default(-5).references("u", "id"), column("a", SmallInt), column("b", Integer).server_default(9223372036854775807), column("c", Boolean).server_default(true), column("d", Text).server_default("it's\n\t\\ \u{7}"), column("e", Varchar(20)).server_default(""), column("f", Char(3)), column("g", Real).server_default(-0.5), column("h", Double).server_default(1e300), column("i", Date), column("j", Time), column("k", Timestamp).server_default(now()), column("l", TimestampTz), column("m", Binary), column("n", Uuid).server_default(sql("gen_random_uuid()")), column("o", Json), column("p", VarcharUnbounded), column("q", JsonText), column("r", Array(Array(Varchar(3)))), column("s", Enum("mood")), column("t", Custom("tsvector"))]).unique(["a", "b"]).unique(["c"]).check("ck", "a > 0").check("ck2", "b <> ''");
op.drop_table("t");
op.deprecate_table("t");
op.rename_table("a", "b");
op.add_column("t", column("x", Text).server_default(false));
op.drop_column("t", "c");
op.rename_column("t", "a", "b");
op.alter_column("t", "c").server_default(1.5).nullable(true).drop_default().set_type(BigInt).nullable(false).server_default("a:b");
op.deprecate_column("t", "c");
op.create_enum("mood", ["sad", "it's \"ok\"", "happy"]);
op.add_enum_value("mood", "excited");
op.add_enum_value("mood", "calm").before("sad");
op.add_enum_value("mood", "tired").after("sad");
op.rename_enum_value("mood", "sad", "blue");
op.drop_enum_value("mood", "calm");
op.drop_enum("mood");
op.alter_column("t", "c").set_type(Enum("mood")).using("c::text::mood").drop_default();
op.add_column("t", column("total", Numeric(12, 2)).not_null().generated("price * quantity").stored());
op.add_column("t", column("label", Text).generated("upper(name)"));
op.add_column("t", column("n", Integer).unique().serial());
op.create_index("i", "t", ["a", "b"]).unique().concurrently().where_("a IS NOT NULL");
op.create_index("i", "t", ["a"]);
op.drop_index("i", "t").concurrently();
op.drop_index("i", "t");
op.create_index("i", "t", [key("a").desc().nulls_first(), expr("lower(b)").nulls_last().opclass("text_pattern_ops"), key("c"), key("d").nulls_last().opclass("public.x_ops"), expr("a + b").desc().nulls_first()]).unique().using("btree").include(["e", "f"]).where_("a > 0");
op.create_index("i", "t", ["a", "b"]).concurrently().using("gin");
op.create_unique_constraint("uq", "t", ["a", "b"]);
op.create_unique_constraint("uq", "t", ["a"]).using_index("i");
op.create_primary_key("pk", "t", ["b", "a"]);
op.create_primary_key("pk", "t", ["a"]).using_index("i");
op.create_table("t", [column("a", BigInt).references("u", "id").on_delete(Action::Cascade).on_update(Action::SetNull).deferrable(), column("b", BigInt).not_null().references("u", "id").initially_deferred()]).primary_key_named("pk", ["b", "a"]).unique_named("uq", ["a"]).unique(["b"]);
op.create_table("t", [column("a", BigInt)]).primary_key(["a"]);
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_update(Action::Restrict).deferrable();
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_delete(Action::Cascade).on_update(Action::Cascade).initially_deferred().not_valid();
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]);
op.create_foreign_key("fk", "t", ["a", "b"], "u", ["x", "y"]).on_delete(Action::Restrict).not_valid();
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_delete(Action::Cascade);
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_delete(Action::SetNull);
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_delete(Action::SetDefault);
op.create_check_constraint("ck", "t", "a <> ''").not_valid();
op.create_check_constraint("ck", "t", "a > 0");
op.validate_constraint("fk", "t");
op.drop_constraint("fk", "t");
op.create_view("v", "SELECT a FROM t WHERE b > 0");
op.replace_view("v", "SELECT a, b FROM t");
op.drop_view("v").if_exists();
op.drop_view("v");
op.create_materialized_view("mv", "SELECT a, count(*) FROM t GROUP BY a").with_no_data();
op.create_materialized_view("mv", "SELECT a FROM t");
op.refresh_materialized_view("mv").concurrently();
op.refresh_materialized_view("mv");
op.drop_materialized_view("mv").if_exists();
op.drop_materialized_view("mv");
op.create_function("touch()", "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at := now(); RETURN NEW; END $$");
op.replace_function("touch()", "RETURNS trigger LANGUAGE sql AS 'SELECT 1'");
op.drop_function("touch()").if_exists();
op.drop_function("add(integer, integer)");
op.create_trigger("set_at", "t", "BEFORE UPDATE", "FOR EACH ROW EXECUTE FUNCTION touch()");
op.drop_trigger("set_at", "t").if_exists();
op.drop_trigger("set_at", "t");
op.create_extension("pg_trgm").if_not_exists();
op.create_extension("uuid-ossp");
op.drop_extension("pg_trgm").if_exists();
op.drop_extension("pg_trgm");
op.comment_on_table("t", "what it's for");
op.comment_on_column("t", "a", "in cents");
op.drop_comment_on_table("t");
op.drop_comment_on_column("t", "a");
op.comment_on_constraint("ck", "t", "a is positive");
op.drop_comment_on_constraint("ck", "t");
op.create_table("t", [column("a", BigInt)]).check("ck", "a > 0").if_not_exists();
op.create_index("i", "t", ["a"]).where_("a > 0").if_not_exists();
op.drop_index("i", "t").concurrently().if_exists();
op.drop_index("i", "t").if_exists();
op.execute("UPDATE t SET a = 1;\n-- done");
op.backfill("t", "a = b").where_("a IS NULL").batch_size(500);
op.backfill("t", "a = b");
op.safety_assured("checked by hand", |op| { op.drop_column("t", "c"); op.safety_assured("nested", |op| { op.rename_table("a", "b"); }); });
op.safety_assured("nothing at all", |op| { });
"#;

fn every_op() -> Vec<Op> {
    parse_ops(EVERY_OP).expect("the fixture reads")
}

#[test]
fn every_op_and_option_prints_as_it_reads() {
    let printed: String = every_op().iter().map(|op| format!("{op};\n")).collect();
    assert_eq!(printed, EVERY_OP);
    for op in every_op() {
        assert_eq!(op.to_string().parse::<Op>(), Ok(op.clone()), "{op}");
    }
}

/// The fixture uses every word of the table, so that the test above covers
/// an op or option as soon as it is added.
#[test]
fn the_fixture_uses_every_word() {
    /// Every op and value called in `call`, with its options, as
    /// `method`, `method.option`, `value`, `value.option`.
    fn walk(call: &Call<usize>, values_named: &[&str], used: &mut BTreeSet<String>) {
        used.insert(call.name.to_string());
        for option in &call.options {
            used.insert(format!("{}.{}", call.name, option.name));
        }
        let mut values: Vec<&Value<usize>> = call.args.iter().collect();
        while let Some(value) = values.pop() {
            match &value.kind {
                ValueKind::List(items) => values.extend(items),
                ValueKind::Call(c) if values_named.contains(&&*c.name) => {
                    walk(c, values_named, used)
                }
                ValueKind::Body(calls) => calls.iter().for_each(|c| walk(c, values_named, used)),
                _ => {}
            }
        }
    }
    let words = vocabulary();
    let values_named: Vec<&str> = words.values.iter().map(|(f, _)| *f).collect();
    let mut used = BTreeSet::new();
    for call in text::statements(EVERY_OP).expect("the fixture reads") {
        walk(&call, &values_named, &mut used);
    }
    let mut expected = BTreeSet::new();
    for (name, options) in words.ops.iter().chain(&words.values) {
        expected.insert(name.to_string());
        expected.extend(options.iter().map(|o| format!("{name}.{o}")));
    }
    let unused: Vec<&String> = expected.difference(&used).collect();
    assert!(unused.is_empty(), "the fixture never uses {unused:?}");
    assert_eq!(used, expected);

    // Every type and action, through an exhaustive match: a new variant
    // does not compile here until the fixture has it.
    let mut types = std::collections::HashSet::new();
    let mut actions = BTreeSet::new();
    let mut visit = |op: &Op| match op {
        Op::CreateTable { columns, .. } => types.extend(columns.iter().map(|c| c.ty.clone())),
        Op::CreateForeignKey { on_delete, .. } => {
            actions.insert(format!("{on_delete:?}"));
        }
        _ => {}
    };
    every_op().iter().for_each(&mut visit);
    for ty in &types {
        match ty {
            ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::Boolean
            | ColumnType::Text
            | ColumnType::Varchar(_)
            | ColumnType::Char(_)
            | ColumnType::Real
            | ColumnType::Double
            | ColumnType::Numeric(..)
            | ColumnType::Date
            | ColumnType::Time
            | ColumnType::Timestamp
            | ColumnType::TimestampTz
            | ColumnType::Binary
            | ColumnType::Uuid
            | ColumnType::Json
            | ColumnType::VarcharUnbounded
            | ColumnType::JsonText
            | ColumnType::Array(_)
            | ColumnType::Enum(_)
            | ColumnType::Custom(_) => {}
        }
    }
    assert_eq!(types.len(), 22, "every column type: {types:?}");
    // NoAction is the default and never written.
    assert_eq!(actions.len(), 5, "every action: {actions:?}");
}

#[test]
fn reading_normalises_what_the_dsl_may_write_several_ways() {
    let read = |text: &str| text.parse::<Op>().expect("reads").to_string();
    assert_eq!(
        read(r#"op . add_column ( "t" , column("a",Text) . not_null() . primary_key() )"#),
        r#"op.add_column("t", column("a", Text).primary_key())"#
    );
    assert_eq!(
        read(r#"op.add_column("t", column("a", Double).server_default(2.50))"#),
        r#"op.add_column("t", column("a", Double).server_default(2.5))"#
    );
    assert_eq!(
        read(r#"op.add_column("t", column("a", Double).server_default(1e3))"#),
        r#"op.add_column("t", column("a", Double).server_default(1000.0))"#
    );
    assert_eq!(
        read(
            r#"op.create_foreign_key("f", "t", ["a"], "u", ["id"]).on_delete(godwit::dsl::Action::NoAction)"#
        ),
        r#"op.create_foreign_key("f", "t", ["a"], "u", ["id"])"#
    );
    assert_eq!(
        read(r#"op.create_index("i", "t", ["a"],).unique().unique()"#),
        r#"op.create_index("i", "t", ["a"]).unique()"#
    );
}

fn errors_of(text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    for call in text::statements(text).expect("syntax") {
        read_op(&call, &mut errors);
    }
    errors.iter().map(ToString::to_string).collect()
}

#[test]
fn what_does_not_fit_is_said_with_the_signature() {
    assert_eq!(
        errors_of(r#"op.drop_table("a", "b");"#),
        ["`drop_table` takes 1 argument: drop_table(name)"]
    );
    assert_eq!(
        errors_of(r#"op.create_index("i", "t", ["a"]).unique(true).sideways();"#),
        [
            "`unique` takes 0 arguments: .unique()",
            "`create_index` has no option `.sideways(..)`: it takes `.unique(..)`, `.concurrently(..)`, `.using(..)`, `.include(..)`, `.where_(..)`, `.if_not_exists(..)`"
        ]
    );
    assert_eq!(
        errors_of(r#"op.drop_column("t", "c").concurrently();"#),
        ["`drop_column` has no option `.concurrently(..)`: it takes none"]
    );
    assert_eq!(
        errors_of(r#"op.frobnicate("t");"#),
        ["[non-literal-argument] `frobnicate` is not an operation godwit knows"]
    );
    assert_eq!(
        errors_of(r#"op.add_column("t", column("a", Varchar(0)).sideways());"#),
        [
            "a text column of length 0 cannot hold anything",
            "`column` has no option `.sideways(..)`: it takes `.primary_key(..)`, `.not_null(..)`, `.unique(..)`, `.autoincrement(..)`, `.server_default(..)`, `.references(..)`, `.generated(..)`, `.stored(..)`, `.serial(..)`, `.on_delete(..)`, `.on_update(..)`, `.deferrable(..)`, `.initially_deferred(..)`"
        ]
    );
}

#[test]
fn every_argument_is_checked_in_one_pass() {
    assert_eq!(
        errors_of(
            r#"op.create_foreign_key("", "t", [], x, ["id"]).on_delete(Cascade).on_delete(Sideways);
               op.backfill("t", "a = 1").batch_size(0);
               op.alter_column("t", "c");
               op.execute(" ");
               op.safety_assured("", |op| { op.drop_table(""); });
               op.add_column("t", column("a", Numeric(2, 3)).server_default(sql("")));
               op.add_column("t", column("a", BigInt).server_default(99999999999999999999));
               op.add_column("t", column("a", Varchar(99999999999)));"#
        ),
        [
            "[invalid-identifier] an identifier is empty",
            "the list of columns is empty",
            "[non-literal-argument] expected a string literal",
            "[non-literal-argument] expected Action::NoAction, Action::Restrict, Action::Cascade, Action::SetNull or Action::SetDefault",
            "a batch must hold at least one row",
            "`alter_column` changes nothing: chain `.nullable(..)`, `.server_default(..)`, `.drop_default()` or `.set_type(..)`",
            "`execute` of an empty SQL string",
            "`safety_assured` needs a reason: say why these ops are safe (it is shown in `history`)",
            "[invalid-identifier] an identifier is empty",
            "Numeric(precision, scale) needs 0 < precision and scale <= precision",
            "`sql(..)` of an empty expression",
            "number too large to fit in target type: a default integer must fit in 64 bits",
            "number too large to fit in target type: expected a whole number of at most 4294967295",
        ]
    );
}

#[test]
fn the_type_words_refuse_what_makes_no_sense() {
    assert_eq!(
        errors_of(
            r#"op.create_enum("mood", ["ok", "sad", "OK"]);
               op.create_enum("mood", []);
               op.add_enum_value("mood", " x").before("a").after("b");
               op.alter_column("t", "c").using("c::int").set_type(Integer).using("c::bigint");
               op.add_column("t", column("a", Text).stored());
               op.add_column("t", column("a", Text).generated("b").server_default("x").primary_key());
               op.add_column("t", column("a", Text).serial());
               op.add_column("t", column("a", BigInt).serial().server_default(1));
               op.add_column("t", column("a", BigInt).generated("b").autoincrement());"#
        ),
        [
            "the enum values `ok` and `OK` differ only in case, and MySQL compares them without it",
            "an enum type needs at least one value",
            "enum value \" x\" starts or ends with white space, which MySQL strips",
            "`add_enum_value` takes `.before(..)` or `.after(..)`, not both",
            "`.using(..)` computes the values of a type change: chain it right after `.set_type(..)`",
            "`.stored()` stores a generated value: column `a` needs `.generated(\"expr\")` first",
            "column `a`: a generated column takes its value from its expression, not from a default",
            "column `a`: a generated column cannot be (part of) the primary key on SQLite, nor a virtual one on MySQL",
            "`.serial()` numbers rows: column `a` must be SmallInt, Integer or BigInt, not Text",
            "column `a` is `.serial()`: its default is the next value of its sequence",
            "column `a`: a generated column takes its value from its expression, not from a sequence",
        ]
    );
    // `.serial()` implies auto-increment and NOT NULL: neither is written back.
    let op: Op = r#"op.add_column("t", column("id", BigInt).not_null().autoincrement().serial())"#
        .parse()
        .expect("reads");
    assert_eq!(
        op.to_string(),
        r#"op.add_column("t", column("id", BigInt).serial())"#
    );
    let Op::AddColumn { column, .. } = op else {
        panic!("an add_column")
    };
    assert!(column.autoincrement && column.serial && !column.nullable);
}

#[test]
fn index_keys_are_names_until_one_has_options() {
    let read = |text: &str| text.parse::<Op>().expect("reads").to_string();
    // A key without options is its column's name, as in godwit 0.1.
    assert_eq!(
        read(r#"op.create_index("i", "t", [key("a"), key("b")])"#),
        r#"op.create_index("i", "t", ["a", "b"])"#
    );
    // Beside any other key, every key is a call: the text stays one Rust array.
    assert_eq!(
        read(r#"op.create_index("i", "t", ["a", key("b").desc()])"#),
        r#"op.create_index("i", "t", [key("a"), key("b").desc()])"#
    );
    assert_eq!(
        read(r#"op.create_index("i", "t", [expr("lower(a)").opclass("x").desc()]).using("BTree")"#),
        r#"op.create_index("i", "t", [expr("lower(a)").desc().opclass("x")]).using("btree")"#
    );
}

#[test]
fn index_shapes_that_no_backend_builds_are_refused() {
    assert_eq!(
        errors_of(
            r#"op.create_index("i", "t", []);
               op.create_index("i", "t", [expr(" "), key(""), 3]);
               op.create_index("i", "t", ["a"]).using("bitmap");
               op.create_index("i", "t", [key("a").opclass("x y")]);
               op.create_index("i", "t", [key("a").desc()]).unique().using("gin").include(["b"]);"#
        ),
        [
            "the list of keys is empty",
            "`expr(..)` of an empty expression",
            "[invalid-identifier] an identifier is empty",
            "[non-literal-argument] expected a column name, key(\"column\") or expr(\"sql\")",
            "`bitmap` is not an index method godwit knows: expected one of \"btree\", \"hash\", \"gist\", \"gin\", \"brin\", \"spgist\"",
            "`x y` is not an operator class name: expected a name such as \"text_pattern_ops\" or \"schema.name\" (letters, digits, `_`)",
            "a gin index cannot be unique: only b-tree indexes are (and hash indexes on MySQL)",
            "a gin index keeps no order: `.desc()`, `.nulls_first()` and `.nulls_last()` apply to the keys of a b-tree index",
            "a gin index cannot include columns: INCLUDE is for btree, gist and spgist indexes",
        ]
    );
}

#[test]
fn foreign_key_options_need_a_foreign_key_and_one_reading() {
    assert_eq!(
        errors_of(
            r#"op.add_column("t", column("a", BigInt).on_delete(Action::Cascade).initially_deferred());
               op.add_column("t", column("a", BigInt).references("u", "id").initially_deferred().deferrable());
               op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).initially_deferred().deferrable();"#
        ),
        [
            "`.on_delete(..)` is an option of the column's foreign key, and column `a` has none: add `.references(table, column)`",
            "`.initially_deferred(..)` is an option of the column's foreign key, and column `a` has none: add `.references(table, column)`",
            "`.deferrable()` after `.initially_deferred()` would make the check immediate again: `.initially_deferred()` alone already makes it deferrable",
            "`.deferrable()` after `.initially_deferred()` would make the check immediate again: `.initially_deferred()` alone already makes it deferrable",
        ]
    );
}

#[test]
fn a_table_declares_one_primary_key() {
    assert_eq!(
        errors_of(
            r#"op.create_table("t", [column("a", BigInt).primary_key(), column("b", BigInt)]).primary_key(["a", "b"]).primary_key_named("pk", ["b"]);"#
        ),
        [
            "`.primary_key_named(..)` declares a second primary key: a table has one",
            "`.primary_key(..)` declares the primary key, but column(s) a already say `.primary_key()`: declare it one way",
        ]
    );
}

#[test]
fn a_foreign_key_pairs_its_columns() {
    assert_eq!(
        errors_of(r#"op.create_foreign_key("fk", "t", ["a", "b"], "u", ["id"]);"#),
        ["the foreign key has 2 column(s) but references 1"]
    );
}

#[test]
fn text_that_is_not_the_dsl_is_refused_with_its_place() {
    for bad in [
        r#"op.drop_table("t")"#,
        r#"db.drop_table("t");"#,
        r#"op.drop_table("t);"#,
        r#"op.drop_table("\q");"#,
        r#"op.drop_table("\u{110000}");"#,
        r#"op.drop_table("\u0041}");"#,
        r#"op.drop_table(["t");"#,
        r#"op.safety_assured("r", |op| { op.drop_table("t") });"#,
        "op.drop_table(\"t\"); trailing",
    ] {
        let err = parse_ops(bad).expect_err(bad);
        assert!(err.starts_with("at byte "), "{bad}: {err}");
    }
}
