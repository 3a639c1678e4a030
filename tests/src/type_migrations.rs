//! Histories of enum types, generated columns, serial columns and type
//! changes `.using(..)` an expression, for the round trips of
//! `tests/types.rs`.

use godwit::migration;

#[migration(
    revision = "e001",
    message = "create the mood enum and the people table"
)]
pub mod create_people {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("mood", ["sad", "ok", "it's happy"]);
        op.create_table(
            "people",
            [
                column("id", BigInt).primary_key(),
                column("name", Text).not_null(),
                column("mood", Enum("mood")).not_null().server_default("ok"),
                column("previous_mood", Enum("mood")),
            ],
        );
        op.execute(
            "INSERT INTO people (id, name, mood) VALUES (1, 'ann', 'sad'), (2, 'bob', 'ok')",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("people");
        op.drop_enum("mood");
    }
}

#[migration(
    revision = "e002",
    down_revision = "e001",
    message = "add the excited and calm moods"
)]
pub mod add_moods {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_enum_value("mood", "excited");
        // Positioned values renumber MySQL's enum: a copy of `people`.
        op.safety_assured("people is small here: MySQL's copy is short", |op| {
            op.add_enum_value("mood", "calm").before("sad");
            op.add_enum_value("mood", "meh").after("ok");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_enum_value("mood", "meh");
        op.drop_enum_value("mood", "calm");
        op.drop_enum_value("mood", "excited");
    }
}

#[migration(
    revision = "e003",
    down_revision = "e002",
    message = "record an excited person with the new mood"
)]
pub mod use_new_mood {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("INSERT INTO people (id, name, mood) VALUES (3, 'cy', 'excited')");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DELETE FROM people WHERE id = 3");
    }
}

#[migration(
    revision = "e004",
    down_revision = "e003",
    message = "rename the ok mood to fine"
)]
pub mod rename_ok_to_fine {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "the test application writes no mood while it migrates",
            |op| {
                op.rename_enum_value("mood", "ok", "fine");
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.rename_enum_value("mood", "fine", "ok");
    }
}

/// An enum type: created, used by two columns (one with a default), values
/// added at the end, before and after another, used in a later migration,
/// renamed (the rows and the default follow), and each step undone.
pub static ENUMS: godwit::MigrationSet =
    godwit::migrations![create_people, add_moods, use_new_mood, rename_ok_to_fine];

#[migration(
    revision = "g001",
    message = "create the orders table with a stored total"
)]
pub mod create_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "orders",
            [
                column("id", BigInt).primary_key(),
                column("price", Integer).not_null(),
                column("quantity", Integer).not_null(),
                column("total", Integer)
                    .generated("price * quantity")
                    .stored(),
            ],
        );
        op.execute("INSERT INTO orders (id, price, quantity) VALUES (1, 3, 4)");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("orders");
    }
}

#[migration(
    revision = "g002",
    down_revision = "g001",
    message = "add the stored doubled price of orders"
)]
pub mod add_doubled_price {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the orders table of the test is tiny", |op| {
            op.add_column(
                "orders",
                column("doubled", Integer).generated("price * 2").stored(),
            );
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("orders", "doubled");
    }
}

#[migration(
    revision = "g003",
    down_revision = "g002",
    message = "default the quantity of orders to one"
)]
pub mod default_quantity {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("orders", "quantity").server_default(1);
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("orders", "quantity").drop_default();
    }
}

/// Stored generated columns: in a new table, added to an existing one, and
/// kept through a change of another column (SQLite's table rebuild).
pub static GENERATED: godwit::MigrationSet =
    godwit::migrations![create_orders, add_doubled_price, default_quantity];

#[migration(
    revision = "v001",
    message = "create the order_lines table with a virtual label"
)]
pub mod create_lines {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "order_lines",
            [
                column("id", BigInt).primary_key(),
                column("sku", Varchar(20)).not_null(),
                column("label", Varchar(40)).generated("upper(sku)"),
            ],
        );
        op.add_column(
            "order_lines",
            column("sku_length", Integer).generated("length(sku)"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("order_lines");
    }
}

/// Virtual generated columns (MySQL and SQLite; PostgreSQL refuses them).
pub static VIRTUAL: godwit::MigrationSet =
    godwit::migrations![backends = [mysql, sqlite]; create_lines];

#[migration(
    revision = "s001",
    message = "create the tickets table numbered by a serial"
)]
pub mod create_tickets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "tickets",
            [
                column("id", BigInt).primary_key().serial(),
                column("title", Text).not_null(),
            ],
        );
        op.create_table(
            "queues",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("name", Text).not_null(),
            ],
        );
        op.execute("INSERT INTO tickets (title) VALUES ('first'), ('second')");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("queues");
        op.drop_table("tickets");
    }
}

/// A serial column beside an identity one.
pub static SERIAL: godwit::MigrationSet = godwit::migrations![create_tickets];

#[migration(revision = "u001", message = "create the codes table with text codes")]
pub mod create_codes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "codes",
            [
                column("id", BigInt).primary_key(),
                column("code", Text).not_null(),
            ],
        );
        op.execute("INSERT INTO codes (id, code) VALUES (1, '41')");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("codes");
    }
}

#[migration(
    revision = "u002",
    down_revision = "u001",
    message = "make the codes numbers one higher"
)]
pub mod number_codes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the codes table of the test is tiny", |op| {
            op.alter_column("codes", "code")
                .set_type(BigInt)
                .using("CAST(code AS BIGINT) + 1");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("codes", "code")
            .set_type(Text)
            .using("CAST(code - 1 AS TEXT)");
    }
}

/// A type change that computes the new values with an expression
/// (PostgreSQL's USING; SQLite copies the rows with it; MySQL refuses).
pub static USING: godwit::MigrationSet =
    godwit::migrations![backends = [postgres, sqlite]; create_codes, number_codes];
