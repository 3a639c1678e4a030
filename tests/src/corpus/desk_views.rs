//! The support desk's views, comments and trigger: the open tickets as a
//! view on every backend, comments where the backend keeps them, and a
//! trigger stamping each ticket's last message, written once for MariaDB
//! and SQLite (PostgreSQL's would run a function).

use godwit::migration;

#[migration(
    revision = "p032",
    down_revision = "p029",
    message = "list the open tickets in a view and describe the tickets table"
)]
pub mod list_open_tickets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view(
            "open_tickets",
            "SELECT id, subject, priority, assignee_id, opened_at FROM tickets WHERE closed_at IS NULL",
        );
        op.comment_on_table(
            "tickets",
            "one per customer request, closed but never deleted",
        );
        op.comment_on_column(
            "tickets",
            "rating",
            "1 to 5, given by the customer once closed",
        );
        op.comment_on_column(
            "tickets",
            "priority",
            "urgent tickets page the agent on call",
        );
        op.comment_on_column("tickets", "id", "shown to customers as the ticket number");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_comment_on_column("tickets", "id");
        op.drop_comment_on_column("tickets", "priority");
        op.drop_comment_on_column("tickets", "rating");
        op.drop_comment_on_table("tickets");
        op.drop_view("open_tickets").if_exists();
    }
}

#[migration(
    revision = "p033",
    down_revision = "p032",
    message = "stamp each ticket with the time of its last message"
)]
pub mod stamp_last_message {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("tickets", column("last_message_at", Timestamp));
        op.create_trigger(
            "ticket_messages_stamp_ticket",
            "ticket_messages",
            "AFTER INSERT",
            "FOR EACH ROW BEGIN UPDATE tickets SET last_message_at = NEW.sent_at WHERE id = NEW.ticket_id; END",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_trigger("ticket_messages_stamp_ticket", "ticket_messages")
            .if_exists();
        op.drop_column("tickets", "last_message_at");
    }
}

#[migration(
    revision = "p034",
    down_revision = "p031",
    message = "list the open ticket queue in a view and describe the watchers"
)]
pub mod list_ticket_queue {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view(
            "ticket_queue",
            "SELECT id, subject, rating, opened_at FROM tickets WHERE closed_at IS NULL",
        );
        op.comment_on_table(
            "ticket_watchers",
            "agents told of every message on a ticket",
        );
        op.comment_on_column(
            "ticket_watchers",
            "since",
            "when the agent started watching",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_comment_on_column("ticket_watchers", "since");
        op.drop_comment_on_table("ticket_watchers");
        op.drop_view("ticket_queue");
    }
}

#[migration(
    revision = "p035",
    down_revision = "p034",
    message = "show who each open ticket is assigned to in the queue"
)]
pub mod widen_ticket_queue {
    use godwit::dsl::*;

    // Columns only added at the end: PostgreSQL replaces the view, SQLite
    // drops and creates it.
    pub fn upgrade(op: &mut Ops) {
        op.replace_view(
            "ticket_queue",
            "SELECT id, subject, rating, opened_at, assignee_id FROM tickets WHERE closed_at IS NULL",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_view("ticket_queue");
        op.create_view(
            "ticket_queue",
            "SELECT id, subject, rating, opened_at FROM tickets WHERE closed_at IS NULL",
        );
    }
}
