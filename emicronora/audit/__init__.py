"""The audit log of organiser actions: `record_action` writes an entry in the caller's transaction, so that an
entry exists exactly when the change it describes was committed; `routes` shows the log to organisers."""

from emicronora.audit.entries import changes, record_action

__all__ = ["changes", "record_action"]
