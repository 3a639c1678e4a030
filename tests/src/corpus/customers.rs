//! The portable history, part two: customers, labels, saved replies,
//! surveys and shifts, on every backend; and one migration MariaDB and
//! SQLite run alone (a virtual generated column, which PostgreSQL before 18
//! does not have).

use godwit::migration;

#[migration(
    revision = "p009",
    down_revision = "p008",
    message = "create customers and the email import staging table"
)]
pub mod create_customers {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "customers",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("email", Varchar(255)).not_null(),
                column("name", Varchar(100)),
                column("plan", Varchar(20))
                    .not_null()
                    .server_default("free"),
                column("legacy_code", Varchar(20)),
                column("created_at", Timestamp)
                    .not_null()
                    .server_default(now()),
            ],
        )
        .unique_named("customers_email_unique", ["email"]);
        op.create_table(
            "email_imports",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("raw", Text).not_null(),
                column("imported", Boolean).not_null().server_default(false),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("email_imports");
        op.drop_table("customers");
    }
}

#[migration(
    revision = "p010",
    down_revision = "p009",
    message = "add the customer of each ticket"
)]
pub mod add_ticket_customer {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("tickets", column("customer_id", BigInt));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("tickets", "customer_id");
    }
}

#[migration(
    revision = "p011",
    down_revision = "p010",
    message = "index tickets by customer concurrently"
)]
pub mod index_ticket_customer {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("tickets_customer_id", "tickets", ["customer_id"])
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("tickets_customer_id", "tickets")
            .concurrently();
    }
}

#[migration(
    revision = "p012",
    down_revision = "p011",
    message = "link tickets to customers without checking old rows"
)]
pub mod link_ticket_customer {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_foreign_key(
            "tickets_customer_id_fkey",
            "tickets",
            ["customer_id"],
            "customers",
            ["id"],
        )
        .on_delete(Action::SetNull)
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("tickets_customer_id_fkey", "tickets");
    }
}

#[migration(
    revision = "p013",
    down_revision = "p012",
    message = "validate the tickets to customers foreign key"
)]
pub mod validate_ticket_customer {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("tickets_customer_id_fkey", "tickets");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("tickets_customer_id_fkey", "tickets");
        op.create_foreign_key(
            "tickets_customer_id_fkey",
            "tickets",
            ["customer_id"],
            "customers",
            ["id"],
        )
        .on_delete(Action::SetNull)
        .not_valid();
    }
}

#[migration(
    revision = "p014",
    down_revision = "p013",
    message = "rename the requester email of tickets to contact email"
)]
pub mod rename_ticket_contact {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the desk reads either name since release 12", |op| {
            op.rename_column("tickets", "requester_email", "contact_email");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("back to the old name for the previous release", |op| {
            op.rename_column("tickets", "contact_email", "requester_email");
        });
    }
}

#[migration(
    revision = "p015",
    down_revision = "p014",
    message = "create ticket labels keyed by ticket and label"
)]
pub mod create_ticket_labels {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ticket_labels",
            [
                column("ticket_id", BigInt)
                    .not_null()
                    .references("tickets", "id")
                    .on_delete(Action::Cascade),
                column("label", Varchar(40)).not_null(),
                column("color", Char(7)),
            ],
        );
        op.create_primary_key(
            "ticket_labels_pkey",
            "ticket_labels",
            ["ticket_id", "label"],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("ticket_labels");
    }
}

#[migration(
    revision = "p016",
    down_revision = "p015",
    message = "create canned replies with unique shortcuts"
)]
pub mod create_canned_replies {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "canned_replies",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("title", Varchar(100)).not_null(),
                column("body", Text).not_null(),
                column("shortcut", Varchar(20)),
            ],
        );
        op.create_unique_constraint(
            "canned_replies_shortcut_key",
            "canned_replies",
            ["shortcut"],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("canned_replies");
    }
}

#[migration(
    revision = "p017",
    down_revision = "p016",
    message = "rename canned replies to saved replies"
)]
pub mod rename_canned_replies {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "the reply picker ships in the same deploy and is off until then",
            |op| {
                op.rename_table("canned_replies", "saved_replies");
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the picker is off during the rollback", |op| {
            op.rename_table("saved_replies", "canned_replies");
        });
    }
}

#[migration(
    revision = "p018",
    down_revision = "p017",
    message = "rename the normal ticket priority to medium"
)]
pub mod rename_normal_priority {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the desk reads both labels since release 14", |op| {
            op.rename_enum_value("ticket_priority", "normal", "medium");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the previous release reads both labels", |op| {
            op.rename_enum_value("ticket_priority", "medium", "normal");
        });
    }
}

#[migration(
    revision = "p019",
    down_revision = "p018",
    message = "deprecate the legacy code of customers"
)]
pub mod deprecate_customer_legacy_code {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("customers", "legacy_code");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("customers", "legacy_code").nullable(true);
    }
}

#[migration(
    revision = "p020",
    down_revision = "p019",
    message = "drop the deprecated legacy code of customers"
)]
pub mod drop_customer_legacy_code {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("customers", "legacy_code");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("customers", column("legacy_code", Varchar(20)));
    }
}

#[migration(
    revision = "p021",
    down_revision = "p020",
    message = "widen ticket subjects to three hundred characters"
)]
pub mod widen_ticket_subjects {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("tickets is small; widening keeps every value", |op| {
            op.alter_column("tickets", "subject").set_type(Varchar(300));
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("no subject is longer than 200 characters yet", |op| {
            op.alter_column("tickets", "subject").set_type(Varchar(200));
        });
    }
}

#[migration(
    revision = "p022",
    down_revision = "p021",
    message = "default the display name of agents"
)]
pub mod default_agent_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("agents", "display_name")
            .server_default("Agent");
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("agents", "display_name").drop_default();
    }
}

#[migration(
    revision = "p023",
    down_revision = "p022",
    message = "create satisfaction surveys of closed tickets"
)]
pub mod create_surveys {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "surveys",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("ticket_id", BigInt)
                    .not_null()
                    .references("tickets", "id")
                    .on_delete(Action::Cascade),
                column("token", Uuid).not_null(),
                column("score", SmallInt).not_null(),
                column("score_percent", Integer)
                    .generated("score * 20")
                    .stored(),
                column("weight", Real).not_null().server_default(1.5),
                column("nps", Double),
                column("discount", Numeric(5, 2)),
                column("answers", Json),
                column("raw_form", JsonText),
                column("attachment", Binary),
                column("sent_on", Date),
                column("answered_at", Time),
            ],
        )
        .unique(["token"])
        .check("surveys_score_range", "score >= 1 AND score <= 5");
        op.create_index("surveys_ticket_id", "surveys", ["ticket_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("surveys_ticket_id", "surveys");
        op.drop_table("surveys");
    }
}

#[migration(
    revision = "p024",
    down_revision = "p023",
    message = "close rated tickets that were left open"
)]
pub mod backfill_closed_tickets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("tickets", "closed_at = opened_at")
            .where_("rating IS NOT NULL AND closed_at IS NULL")
            .batch_size(1000);
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "p025",
    down_revision = "p024",
    message = "deprecate the email import staging table"
)]
pub mod deprecate_email_imports {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_table("email_imports");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "p026",
    down_revision = "p025",
    message = "drop the deprecated email import staging table"
)]
pub mod drop_email_imports {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_table("email_imports");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_table(
            "email_imports",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("raw", Text).not_null(),
                column("imported", Boolean).not_null().server_default(false),
            ],
        );
    }
}

#[migration(
    revision = "p027",
    down_revision = "p026",
    message = "create agent shifts in hand-written SQL"
)]
pub mod create_agent_shifts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "CREATE TABLE agent_shifts (
                id BIGINT NOT NULL PRIMARY KEY,
                agent_id BIGINT NOT NULL,
                shift_date DATE NOT NULL,
                hours SMALLINT NOT NULL
            )",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the table came with this migration", |op| {
            op.execute("DROP TABLE agent_shifts");
        });
    }
}

#[migration(
    revision = "p028",
    down_revision = "p027",
    message = "index agent shifts by agent and date"
)]
pub mod index_agent_shifts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "agent_shifts_agent_date",
            "agent_shifts",
            [key("agent_id"), key("shift_date").desc()],
        )
        .unique()
        .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("agent_shifts_agent_date", "agent_shifts")
            .concurrently();
    }
}

#[migration(
    revision = "p029",
    down_revision = "p028",
    message = "add the email domain of agents as a virtual column"
)]
pub mod add_agent_email_domain {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "agents",
            column("email_domain", Varchar(255)).generated("substr(email, instr(email, '@') + 1)"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("agents", "email_domain");
    }
}

#[migration(
    revision = "p030",
    down_revision = "p028",
    message = "index the open ticket queue by subject and age"
)]
pub mod index_ticket_queue {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "tickets_open_queue",
            "tickets",
            [
                expr("lower(subject)"),
                key("rating").nulls_first(),
                key("opened_at").desc().nulls_last(),
            ],
        )
        .concurrently()
        .where_("closed_at IS NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("tickets_open_queue", "tickets")
            .concurrently();
    }
}

#[migration(
    revision = "p031",
    down_revision = "p030",
    message = "create ticket watchers checked at commit"
)]
pub mod create_ticket_watchers {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ticket_watchers",
            [
                column("ticket_id", BigInt)
                    .not_null()
                    .references("tickets", "id")
                    .on_delete(Action::Cascade)
                    .initially_deferred(),
                column("agent_id", BigInt)
                    .not_null()
                    .references("agents", "id")
                    .deferrable(),
                column("since", Timestamp).not_null().server_default(now()),
            ],
        )
        .primary_key(["ticket_id", "agent_id"]);
        op.create_index("ticket_watchers_agent_id", "ticket_watchers", ["agent_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("ticket_watchers_agent_id", "ticket_watchers");
        op.drop_table("ticket_watchers");
    }
}
