//! [`HOSTILE`]: tables, columns, indexes and constraints whose names hold
//! double and single quotes, semicolons, backticks, backslashes, comment
//! markers, spaces, non-ASCII letters and reserved words, created, changed,
//! renamed and dropped by every kind of op. Each name is quoted by the
//! dialect; none may end a statement early or change what it does.

use godwit::migration;

#[migration(
    revision = "h001",
    message = "create tables whose names are hostile to SQL"
)]
pub mod create_hostile_tables {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "we\"ird; `table` 'x'",
            [
                column("id", BigInt).primary_key(),
                column("select", Varchar(50))
                    .not_null()
                    .server_default("it's; \"q\""),
                column("café 日本語", Text),
                column("drop table x; --", Integer)
                    .not_null()
                    .server_default(0),
                column("back\\slash /*c*/", Boolean),
            ],
        )
        .unique(["select"])
        .check("chk 'it''s'; `x`", "id > 0");
        op.create_table(
            "order",
            [
                column("id", BigInt).primary_key(),
                column("user", BigInt).references("we\"ird; `table` 'x'", "id"),
                column("group", Varchar(20)),
                // Read back by each backend's rules: a backslash escapes on
                // MySQL only, and a literal may end in one.
                column("path", Text).server_default("C:\\dir\\"),
            ],
        );
        op.create_index("idx \"q\" `b`; --", "order", ["user"]);
        op.create_index("idx ünïcødé ü", "order", ["group", "user"])
            .unique();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx ünïcødé ü", "order");
        op.drop_index("idx \"q\" `b`; --", "order");
        op.drop_table("order");
        op.drop_table("we\"ird; `table` 'x'");
    }
}

#[migration(
    revision = "h002",
    down_revision = "h001",
    message = "change, rename and constrain the hostile tables"
)]
pub mod change_hostile_tables {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("order", column("where", Varchar(30)));
        op.add_column("order", column("from", BigInt));
        op.safety_assured("a test of quoting on tables no application uses", |op| {
            op.rename_column("order", "group", "grüße; DROP TABLE \"order\"; --");
            op.alter_column("we\"ird; `table` 'x'", "drop table x; --")
                .set_type(BigInt)
                .server_default(7);
            op.rename_table("order", "table `two` \"x\"");
            op.create_check_constraint("chk \"where\" ';", "table `two` \"x\"", "id < 1000000");
            op.create_index("idx from \\ 'q'", "table `two` \"x\"", ["from"]);
            op.create_foreign_key(
                "fk `x` \"y\" 'z';",
                "table `two` \"x\"",
                ["from"],
                "we\"ird; `table` 'x'",
                ["id"],
            )
            .on_delete(Action::Cascade);
            op.drop_column("we\"ird; `table` 'x'", "back\\slash /*c*/");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("a test of quoting on tables no application uses", |op| {
            op.add_column("we\"ird; `table` 'x'", column("back\\slash /*c*/", Boolean));
            op.drop_constraint("fk `x` \"y\" 'z';", "table `two` \"x\"");
            op.drop_index("idx from \\ 'q'", "table `two` \"x\"");
            op.drop_constraint("chk \"where\" ';", "table `two` \"x\"");
            op.rename_table("table `two` \"x\"", "order");
            op.alter_column("we\"ird; `table` 'x'", "drop table x; --")
                .set_type(Integer)
                .server_default(0);
            op.rename_column("order", "grüße; DROP TABLE \"order\"; --", "group");
            op.drop_column("order", "from");
            op.drop_column("order", "where");
        });
    }
}

/// Two migrations over hostile names: `h001`, `h002`.
pub static HOSTILE: godwit::MigrationSet =
    godwit::migrations![create_hostile_tables, change_hostile_tables];
