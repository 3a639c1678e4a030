//! The portable history, part one: the support desk service's agents,
//! tickets and their messages, on every backend.

use godwit::migration;

#[migration(revision = "p001", message = "create support agents")]
pub mod create_agents {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "agents",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("email", Varchar(255)).not_null().unique(),
                column("display_name", Varchar(100)).not_null(),
                column("active", Boolean).not_null().server_default(true),
                column("created_at", Timestamp)
                    .not_null()
                    .server_default(now()),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("agents");
    }
}

#[migration(
    revision = "p002",
    down_revision = "p001",
    message = "create the ticket priority enum and tickets"
)]
pub mod create_tickets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("ticket_priority", ["low", "normal", "high"]);
        op.create_table(
            "tickets",
            [
                column("id", BigInt).primary_key().serial(),
                column("subject", Varchar(200)).not_null(),
                column("requester_email", Varchar(255)).not_null(),
                column("priority", Enum("ticket_priority"))
                    .not_null()
                    .server_default("normal"),
                column("assignee_id", BigInt)
                    .references("agents", "id")
                    .on_delete(Action::SetNull),
                column("opened_at", Timestamp)
                    .not_null()
                    .server_default(now()),
                column("closed_at", Timestamp),
            ],
        )
        .check(
            "tickets_closed_after_opened",
            "closed_at IS NULL OR closed_at >= opened_at",
        );
        op.create_index("tickets_assignee_id", "tickets", ["assignee_id"]);
        op.create_index("tickets_opened_at", "tickets", [key("opened_at").desc()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("tickets_opened_at", "tickets");
        op.drop_index("tickets_assignee_id", "tickets");
        op.drop_table("tickets");
        op.drop_enum("ticket_priority");
    }
}

#[migration(
    revision = "p003",
    down_revision = "p002",
    message = "create ticket messages with their authors"
)]
pub mod create_ticket_messages {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "ticket_messages",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("ticket_id", BigInt)
                    .not_null()
                    .references("tickets", "id")
                    .on_delete(Action::Cascade)
                    .on_update(Action::Cascade),
                column("agent_id", BigInt)
                    .references("agents", "id")
                    .on_delete(Action::Restrict),
                column("body", Text).not_null(),
                column("internal", Boolean).not_null().server_default(false),
                column("sent_at", Timestamp)
                    .not_null()
                    .server_default(now()),
            ],
        );
        op.create_index(
            "ticket_messages_ticket_sent",
            "ticket_messages",
            [key("ticket_id"), key("sent_at").desc()],
        );
        op.create_index("ticket_messages_agent_id", "ticket_messages", ["agent_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("ticket_messages_agent_id", "ticket_messages");
        op.drop_index("ticket_messages_ticket_sent", "ticket_messages");
        op.drop_table("ticket_messages");
    }
}

#[migration(
    revision = "p004",
    down_revision = "p003",
    message = "seed the first support agent"
)]
pub mod seed_first_agent {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "INSERT INTO agents (email, display_name) VALUES ('support@example.com', 'Support')",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DELETE FROM agents WHERE email = 'support@example.com'");
    }
}

#[migration(
    revision = "p005",
    down_revision = "p004",
    message = "add an urgent ticket priority after high"
)]
pub mod add_urgent_priority {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_enum_value("ticket_priority", "urgent").after("high");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_enum_value("ticket_priority", "urgent");
    }
}

#[migration(
    revision = "p006",
    down_revision = "p005",
    message = "add satisfaction ratings to tickets"
)]
pub mod add_ticket_rating {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("tickets", column("rating", SmallInt));
        op.add_column("tickets", column("rating_comment", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("tickets", "rating_comment");
        op.drop_column("tickets", "rating");
    }
}

#[migration(
    revision = "p007",
    down_revision = "p006",
    message = "check that ratings stay between one and five"
)]
pub mod check_ticket_rating {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "tickets is small: MySQL's copy for the check is short",
            |op| {
                op.create_check_constraint(
                    "tickets_rating_range",
                    "tickets",
                    "rating IS NULL OR rating BETWEEN 1 AND 5",
                )
                .not_valid();
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("tickets_rating_range", "tickets");
    }
}

#[migration(
    revision = "p008",
    down_revision = "p007",
    message = "validate the ticket rating range check"
)]
pub mod validate_ticket_rating {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("tickets_rating_range", "tickets");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("tickets_rating_range", "tickets");
        op.create_check_constraint(
            "tickets_rating_range",
            "tickets",
            "rating IS NULL OR rating BETWEEN 1 AND 5",
        )
        .not_valid();
    }
}
