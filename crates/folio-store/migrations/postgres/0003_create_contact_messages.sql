-- Contact messages, stored before anyone is notified; the notification's delivery state lives
-- beside the message (an outbox), so a mail server that is down delays mail but loses nothing.
CREATE TABLE IF NOT EXISTS contact_messages (
    id               uuid PRIMARY KEY,
    name             varchar(100) NOT NULL,
    email            varchar(254) NOT NULL,
    subject          varchar(200) NOT NULL,
    message          text NOT NULL,
    created_at       timestamptz NOT NULL,
    delivery_state   text NOT NULL DEFAULT 'pending' CHECK (delivery_state IN ('pending', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_error       text,
    sent_at          timestamptz
);

-- The outbox worker's query: pending messages that are due.
CREATE INDEX IF NOT EXISTS contact_messages_due
    ON contact_messages (next_attempt_at) WHERE delivery_state = 'pending';
CREATE INDEX IF NOT EXISTS contact_messages_newest ON contact_messages (created_at DESC);
