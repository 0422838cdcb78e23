"""The audit log of organiser actions: `record_action` writes an entry in the caller's transaction, so that an
entry exists exactly when the change it describes was committed; its pages show the log to organisers."""

from emicronora.audit.entries import Actor, changes
from emicronora.audit.operations import record_action

__all__ = ["Actor", "changes", "record_action"]
