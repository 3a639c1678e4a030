//! The checksum of a migration: a hash of the canonical text of its ops
//! (see [`crate::vocabulary`]), so that reformatting or comments in the
//! source never change it and any semantic change does.

use std::fmt::Write;

use crate::model::Op;
use crate::vocabulary::{Call, ValueKind};

/// The checksum of a migration: 128-bit FNV-1a over the canonical text of its
/// upgrade and downgrade ops, as 32 hex digits. Stable across compiler and
/// godwit versions as long as the canonical text is.
pub fn checksum(upgrade: &[Op], downgrade: &[Op], irreversible: Option<&str>) -> String {
    let mut text = String::new();
    for op in upgrade {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "up op.{};", hashed_call(op));
    }
    for op in downgrade {
        let _ = writeln!(text, "down op.{};", hashed_call(op));
    }
    if let Some(reason) = irreversible {
        let _ = writeln!(text, "irreversible {reason:?};");
    }
    format!("{:032x}", fnv1a_128(text.as_bytes()))
}

/// The call whose text is hashed: the canonical one, except that
/// `validate_constraint` and `drop_constraint` keep the table-first order
/// they were written in before every op took the name first, so that no
/// migration already applied somewhere changes its checksum.
fn hashed_call(op: &Op) -> Call {
    fn table_first(call: &mut Call) {
        if matches!(&*call.name, "validate_constraint" | "drop_constraint") {
            call.args.swap(0, 1);
        }
        for arg in &mut call.args {
            if let ValueKind::Body(calls) = &mut arg.kind {
                calls.iter_mut().for_each(table_first);
            }
        }
    }
    let mut call = op.to_call();
    table_first(&mut call);
    call
}

fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    for b in bytes {
        hash ^= u128::from(*b);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(text: &str) -> Op {
        text.parse().expect("valid DSL text")
    }

    #[test]
    fn checksum_changes_with_semantics_only() {
        let a = checksum(
            &[op(r#"op.add_column("users", column("bio", Text))"#)],
            &[],
            None,
        );
        let b = checksum(
            &[op(r#"op . add_column ( "users" , column("bio",Text) )"#)],
            &[],
            None,
        );
        let c = checksum(
            &[op(r#"op.add_column("users", column("bio", Varchar(10)))"#)],
            &[],
            None,
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 32);
        assert_ne!(
            checksum(
                &[],
                &[op(r#"op.add_column("users", column("bio", Text))"#)],
                None
            ),
            a
        );
    }

    /// Checksums written before this version: a change here fails every
    /// deploy of an application whose database has applied these.
    #[test]
    fn checksums_do_not_move() {
        let up = [
            op(
                r#"op.create_table("users", [column("id", BigInt).primary_key(), column("email", Varchar(255)).not_null().unique().server_default("x")])"#,
            ),
            op(r#"op.safety_assured("checked", |op| { op.drop_constraint("fk_a", "users"); })"#),
            op(r#"op.validate_constraint("fk_a", "users")"#),
        ];
        let down = [op(r#"op.drop_table("users")"#)];
        assert_eq!(
            checksum(&up, &down, None),
            checksum_of_text(
                "up op.create_table(\"users\", [column(\"id\", BigInt).primary_key(), column(\"email\", Varchar(255)).not_null().unique().server_default(\"x\")]);\n\
                 up op.safety_assured(\"checked\", |op| { op.drop_constraint(\"users\", \"fk_a\"); });\n\
                 up op.validate_constraint(\"users\", \"fk_a\");\n\
                 down op.drop_table(\"users\");\n"
            )
        );
    }

    /// Every op, option, type, default and action of godwit 0.1.0 (kept
    /// here as it was: the vocabulary's own fixture grows with it).
    const WORDS_OF_0_1: &str = r#"op.create_table("t", [column("id", BigInt).primary_key().autoincrement(), column("é \"x\";--", Numeric(10, 2)).not_null().unique().server_default(-5).references("u", "id"), column("a", SmallInt), column("b", Integer).server_default(9223372036854775807), column("c", Boolean).server_default(true), column("d", Text).server_default("it's\n\t\\ \u{7}"), column("e", Varchar(20)).server_default(""), column("f", Char(3)), column("g", Real).server_default(-0.5), column("h", Double).server_default(1e300), column("i", Date), column("j", Time), column("k", Timestamp).server_default(now()), column("l", TimestampTz), column("m", Binary), column("n", Uuid).server_default(sql("gen_random_uuid()")), column("o", Json)]).unique(["a", "b"]).unique(["c"]).check("ck", "a > 0").check("ck2", "b <> ''");
op.drop_table("t");
op.deprecate_table("t");
op.rename_table("a", "b");
op.add_column("t", column("x", Text).server_default(false));
op.drop_column("t", "c");
op.rename_column("t", "a", "b");
op.alter_column("t", "c").server_default(1.5).nullable(true).drop_default().set_type(BigInt).nullable(false).server_default("a:b");
op.deprecate_column("t", "c");
op.create_index("i", "t", ["a", "b"]).unique().concurrently().where_("a IS NOT NULL");
op.create_index("i", "t", ["a"]);
op.drop_index("i", "t").concurrently();
op.drop_index("i", "t");
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]);
op.create_foreign_key("fk", "t", ["a", "b"], "u", ["x", "y"]).on_delete(Action::Restrict).not_valid();
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_delete(Action::Cascade);
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_delete(Action::SetNull);
op.create_foreign_key("fk", "t", ["a"], "u", ["id"]).on_delete(Action::SetDefault);
op.create_check_constraint("ck", "t", "a <> ''").not_valid();
op.create_check_constraint("ck", "t", "a > 0");
op.validate_constraint("fk", "t");
op.drop_constraint("fk", "t");
op.execute("UPDATE t SET a = 1;\n-- done");
op.backfill("t", "a = b").where_("a IS NULL").batch_size(500);
op.backfill("t", "a = b");
op.safety_assured("checked by hand", |op| { op.drop_column("t", "c"); op.safety_assured("nested", |op| { op.rename_table("a", "b"); }); });
op.safety_assured("nothing at all", |op| { });
"#;

    /// The checksum 0.1.0 computed for every word it had. Any drift of the
    /// canonical text moves it.
    #[test]
    fn the_checksum_of_every_word_does_not_move() {
        let ops = crate::vocabulary::parse_ops(WORDS_OF_0_1).expect("the fixture reads");
        assert_eq!(
            checksum(&ops, &ops[..3], Some("a reason")),
            "6a4ad0fd58c26bf221a6b2389be21663"
        );
    }

    fn checksum_of_text(text: &str) -> String {
        format!("{:032x}", fnv1a_128(text.as_bytes()))
    }
}
