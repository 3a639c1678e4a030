// Fuzz corpus: migrations whose names and values are hostile to SQL and to
// the checker, as seeds for `macros/src/fuzz.rs` (read as text, not built).

#[godwit::migration(revision = "c001", message = "names that are hostile to SQL quoting")]
pub mod hostile_names {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table("we\"ird; `table` 'x'", [
            column("id", BigInt).primary_key().autoincrement(),
            column("select", Varchar(50)).not_null().server_default("it's; \"q\" --"),
            column("café 日本語", Numeric(38, 10)).server_default(-1.5e3),
            column("drop table x; --", Char(1)).server_default(sql("'a' || 'b'")),
            column("back\\slash /*c*/", Timestamp).server_default(now()),
            column("order", Uuid).unique(),
            column("user", Json).references("we\"ird; `table` 'x'", "id"),
        ])
        .unique(["select", "order"])
        .check("chk 'it''s'; `x`", "\"select\" <> ''");
        op.create_index("idx \"q\" `b`; --", "we\"ird; `table` 'x'", ["user"]).where_("\"user\" IS NOT NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx \"q\" `b`; --", "we\"ird; `table` 'x'");
        op.drop_table("we\"ird; `table` 'x'");
    }
}

#[godwit::migration(
    revision = "c002",
    down_revision = "c001",
    message = "every op and modifier on the hostile table",
    allow = ["int-primary-key", "foreign-key-without-index"],
)]
pub mod every_op {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("we\"ird; `table` 'x'", column("n", Integer).server_default(0));
        op.create_table("t2", [column("id", Integer).primary_key(), column("r", BigInt)]);
        op.create_foreign_key("fk 'x'", "t2", ["r"], "we\"ird; `table` 'x'", ["id"])
            .on_delete(Action::SetNull)
            .not_valid();
        op.create_check_constraint("ck;", "t2", "r > 0").not_valid();
        op.create_index("idx_t2_r", "t2", ["r"]).unique().concurrently();
        op.safety_assured("fuzz seed: every op the DSL has", |op| {
            op.validate_constraint("fk 'x'", "t2");
            op.alter_column("t2", "r").nullable(false).server_default(1).drop_default().set_type(Numeric(20, 0));
            op.rename_column("t2", "r", "r2");
            op.rename_table("t2", "t3");
            op.deprecate_column("t3", "r2");
            op.deprecate_table("t3");
            op.execute("UPDATE \"t3\" SET r2 = 1 WHERE id = 1; -- '");
            op.backfill("t3", "r2 = r2 + 1").where_("r2 IS NOT NULL").batch_size(4294967295);
            op.drop_constraint("ck;", "t3");
            op.drop_index("idx_t2_r", "t3").concurrently();
            op.drop_column("t3", "r2");
            op.drop_table("t3");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("we\"ird; `table` 'x'", "n");
    }
}
