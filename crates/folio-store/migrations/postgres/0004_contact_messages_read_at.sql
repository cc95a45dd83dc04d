-- When the owner read each message. The contact form refuses new messages while the unread ones
-- reach a cap (CONTACT_MAX_UNREAD), so a flood cannot fill the disk; it never drops stored ones.
ALTER TABLE contact_messages ADD COLUMN IF NOT EXISTS read_at timestamptz;

-- Counting the unread messages at each submission.
CREATE INDEX IF NOT EXISTS contact_messages_unread ON contact_messages (created_at) WHERE read_at IS NULL;
