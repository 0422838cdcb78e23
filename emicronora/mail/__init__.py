"""E-mail notifications: composing in the recipient's language, the outbox, and its delivery task."""
