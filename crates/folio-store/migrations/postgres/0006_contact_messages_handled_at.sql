-- When the owner marked each message handled (answered, or nothing more to do). Handling a
-- message also marks it read; the inbox lists unread ones first.
ALTER TABLE contact_messages ADD COLUMN IF NOT EXISTS handled_at timestamptz;
