//! A migration that uses every op, option and column modifier of the DSL:
//! its body, run as Rust through `godwit::dsl`, builds exactly the ops the
//! macro read from its source and embedded in `MIGRATION`.

use std::collections::BTreeSet;

use godwit::dsl::Ops;
use godwit::vocabulary::{vocabulary, Call, ValueKind};
use godwit::Op;

#[godwit::migration(revision = "0001", message = "every op and option of the DSL")]
pub mod every_op {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "t",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("é \"x\";--", Numeric(10, 2))
                    .not_null()
                    .unique()
                    .server_default(-5)
                    .references("u", "id"),
                column("a", SmallInt),
                column("b", Integer).server_default(9223372036854775807i64),
                column("c", Boolean).server_default(true),
                column("d", Text).server_default("it's\n\t\\ \u{7}"),
                column("e", Varchar(20)).server_default(""),
                column("f", Char(3)),
                column("g", Real).server_default(-0.5),
                column("h", Double).server_default(1e300),
                column("i", Date),
                column("j", Time),
                column("k", Timestamp).server_default(now()),
                column("l", TimestampTz),
                column("m", Binary),
                column("n", Uuid).server_default(sql("gen_random_uuid()")),
                column("o", Json),
                column("p", VarcharUnbounded),
                column("q", JsonText),
                column("r", Array(Array(Varchar(3)))),
                column("s", Enum("mood")),
                column("t", Custom("tsvector")),
            ],
        )
        .unique(["a", "b"])
        .unique(["c"])
        .check("ck", "a > 0")
        .check("ck2", "b <> ''");
        op.drop_table("t");
        op.deprecate_table("t");
        op.rename_table("a", "b");
        op.add_column("t", column("x", Text).server_default(false));
        op.drop_column("t", "c");
        op.rename_column("t", "a", "b");
        op.alter_column("t", "c")
            .server_default(1.5)
            .nullable(true)
            .drop_default()
            .set_type(BigInt)
            .nullable(false)
            .server_default("a:b");
        op.deprecate_column("t", "c");
        op.create_enum("mood", ["sad", "it's \"ok\"", "happy"]);
        op.add_enum_value("mood", "excited");
        op.add_enum_value("mood", "calm").before("sad");
        op.add_enum_value("mood", "tired").after("sad");
        op.rename_enum_value("mood", "sad", "blue");
        op.drop_enum_value("mood", "calm");
        op.drop_enum("mood");
        op.alter_column("t", "c")
            .set_type(Enum("mood"))
            .using("c::text::mood")
            .drop_default();
        op.add_column(
            "t",
            column("total", Numeric(12, 2))
                .not_null()
                .generated("price * quantity")
                .stored(),
        );
        op.add_column("t", column("label", Text).generated("upper(name)"));
        op.add_column("t", column("n", Integer).unique().serial());
        op.create_index("i", "t", ["a", "b"])
            .unique()
            .concurrently()
            .where_("a IS NOT NULL");
        op.drop_index("i", "t").concurrently();
        op.create_index(
            "i",
            "t",
            [
                key("a").desc().nulls_first(),
                expr("lower(b)").nulls_last().opclass("text_pattern_ops"),
                key("c"),
                key("d").nulls_last().opclass("public.x_ops"),
                expr("a + b").desc().nulls_first(),
            ],
        )
        .unique()
        .using("btree")
        .include(["e", "f"])
        .where_("a > 0");
        op.create_index("i", "t", ["a", "b"]).using("gin");
        op.create_unique_constraint("uq", "t", ["a", "b"]);
        op.create_unique_constraint("uq", "t", ["a"])
            .using_index("i");
        op.create_primary_key("pk", "t", ["b", "a"]);
        op.create_primary_key("pk", "t", ["a"]).using_index("i");
        op.create_table(
            "t",
            [
                column("a", BigInt)
                    .references("u", "id")
                    .on_delete(Action::Cascade)
                    .on_update(Action::SetNull)
                    .deferrable(),
                column("b", BigInt)
                    .not_null()
                    .references("u", "id")
                    .initially_deferred(),
            ],
        )
        .primary_key_named("pk", ["b", "a"])
        .unique_named("uq", ["a"])
        .unique(["b"]);
        op.create_table("t", [column("a", BigInt)])
            .primary_key(["a"]);
        op.create_foreign_key("fk", "t", ["a"], "u", ["id"])
            .on_update(Action::Restrict)
            .deferrable();
        op.create_foreign_key("fk", "t", ["a"], "u", ["id"])
            .on_delete(Action::Cascade)
            .on_update(Action::Cascade)
            .initially_deferred()
            .not_valid();
        op.create_foreign_key("fk", "t", ["a", "b"], "u", ["x", "y"])
            .on_delete(Action::Restrict)
            .not_valid();
        op.create_foreign_key("fk", "t", ["a"], "u", ["id"])
            .on_delete(Action::SetNull);
        op.create_check_constraint("ck", "t", "a <> ''").not_valid();
        op.validate_constraint("fk", "t");
        op.drop_constraint("fk", "t");
        op.create_view("v", "SELECT a FROM t WHERE b > 0");
        op.replace_view("v", "SELECT a, b FROM t");
        op.drop_view("v").if_exists();
        op.create_materialized_view("mv", "SELECT a, count(*) FROM t GROUP BY a")
            .with_no_data();
        op.refresh_materialized_view("mv").concurrently();
        op.drop_materialized_view("mv").if_exists();
        op.create_function(
            "touch()",
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at := now(); RETURN NEW; END $$",
        );
        op.replace_function("touch()", "RETURNS trigger LANGUAGE sql AS 'SELECT 1'");
        op.drop_function("touch()").if_exists();
        op.create_trigger(
            "set_at",
            "t",
            "BEFORE UPDATE",
            "FOR EACH ROW EXECUTE FUNCTION touch()",
        );
        op.drop_trigger("set_at", "t").if_exists();
        op.create_extension("pg_trgm").if_not_exists();
        op.drop_extension("pg_trgm").if_exists();
        op.comment_on_table("t", "what it's for");
        op.comment_on_column("t", "a", "in cents");
        op.comment_on_constraint("ck", "t", "a is positive");
        op.create_table("t", [column("a", BigInt)]).if_not_exists();
        op.create_index("i", "t", ["a"]).if_not_exists();
        op.drop_index("i", "t").concurrently().if_exists();
        op.execute("UPDATE t SET a = 1;\n-- done");
        op.backfill("t", "a = b")
            .where_("a IS NULL")
            .batch_size(500);
        op.safety_assured("checked by hand", |op| {
            op.drop_column("t", "c");
            op.safety_assured("nested", |op| {
                op.rename_table("a", "b");
            });
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_index("i", "t", ["a"]);
        op.drop_index("i", "t");
        op.create_foreign_key("fk", "t", ["a"], "u", ["id"]);
        op.create_check_constraint("ck", "t", "a > 0");
        op.backfill("t", "a = b");
        op.drop_view("v");
        op.refresh_materialized_view("mv");
        op.drop_materialized_view("mv");
        op.drop_function("add(integer, integer)");
        op.drop_trigger("set_at", "t");
        op.drop_comment_on_table("t");
        op.drop_comment_on_column("t", "a");
        op.drop_comment_on_constraint("ck", "t");
        op.safety_assured("nothing at all", |_op| {});
    }
}

#[test]
fn the_dsl_builds_what_the_macro_embedded() {
    let (mut up, mut down) = (Ops::new(), Ops::new());
    every_op::upgrade(&mut up);
    every_op::downgrade(&mut down);
    assert_eq!(up.ops(), &every_op::MIGRATION.upgrade[..]);
    assert_eq!(down.ops(), &every_op::MIGRATION.downgrade[..]);
    // The checksum is the macro's, of the same ops.
    assert_eq!(
        godwit::checksum(up.ops(), down.ops(), None),
        every_op::MIGRATION.checksum
    );
}

#[test]
fn the_module_uses_every_word_of_the_vocabulary() {
    fn walk(call: &Call, values_named: &[&str], used: &mut BTreeSet<String>) {
        used.insert(call.name.to_string());
        for option in &call.options {
            used.insert(format!("{}.{}", call.name, option.name));
        }
        let mut values: Vec<_> = call.args.iter().collect();
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
    let ops: Vec<&Op> = every_op::MIGRATION
        .upgrade
        .iter()
        .chain(every_op::MIGRATION.downgrade.iter())
        .collect();
    for op in ops {
        walk(&op.to_call(), &values_named, &mut used);
    }
    let mut expected = BTreeSet::new();
    for (name, options) in words.ops.iter().chain(&words.values) {
        expected.insert(name.to_string());
        expected.extend(options.iter().map(|o| format!("{name}.{o}")));
    }
    assert_eq!(used, expected);
}
