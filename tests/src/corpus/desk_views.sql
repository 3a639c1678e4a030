-- p032 up
-- Not run on PostgreSQL (MariaDB and SQLite run p032); there it is:
-- CREATE VIEW open_tickets AS
--     SELECT id, subject, priority, assignee_id, opened_at FROM tickets
--     WHERE closed_at IS NULL;
-- COMMENT ON TABLE tickets IS 'one per customer request, closed but never deleted';
-- COMMENT ON COLUMN tickets.rating IS '1 to 5, given by the customer once closed';
-- COMMENT ON COLUMN tickets.priority IS 'urgent tickets page the agent on call';
-- COMMENT ON COLUMN tickets.id IS 'shown to customers as the ticket number';
-- p032 down
-- COMMENT ON COLUMN tickets.id IS NULL;
-- COMMENT ON COLUMN tickets.priority IS NULL;
-- COMMENT ON COLUMN tickets.rating IS NULL;
-- COMMENT ON TABLE tickets IS NULL;
-- DROP VIEW IF EXISTS open_tickets;

-- p033 up
-- Not run on PostgreSQL, whose trigger runs a function, not a block:
-- ALTER TABLE tickets ADD COLUMN last_message_at timestamp;
-- CREATE FUNCTION stamp_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
-- BEGIN UPDATE tickets SET last_message_at = NEW.sent_at WHERE id = NEW.ticket_id; RETURN NEW; END $$;
-- CREATE TRIGGER ticket_messages_stamp_ticket AFTER INSERT ON ticket_messages
--     FOR EACH ROW EXECUTE FUNCTION stamp_ticket();
-- p033 down
-- DROP TRIGGER IF EXISTS ticket_messages_stamp_ticket ON ticket_messages;
-- DROP FUNCTION stamp_ticket();
-- ALTER TABLE tickets DROP COLUMN last_message_at;

-- p034 up
CREATE VIEW ticket_queue AS
    SELECT id, subject, rating, opened_at FROM tickets WHERE closed_at IS NULL;
COMMENT ON TABLE ticket_watchers IS 'agents told of every message on a ticket';
COMMENT ON COLUMN ticket_watchers.since IS 'when the agent started watching';
-- p034 down
COMMENT ON COLUMN ticket_watchers.since IS NULL;
COMMENT ON TABLE ticket_watchers IS NULL;
DROP VIEW ticket_queue;

-- p035 up
CREATE OR REPLACE VIEW ticket_queue AS
    SELECT id, subject, rating, opened_at, assignee_id FROM tickets
    WHERE closed_at IS NULL;
-- p035 down
DROP VIEW ticket_queue;
CREATE VIEW ticket_queue AS
    SELECT id, subject, rating, opened_at FROM tickets WHERE closed_at IS NULL;
