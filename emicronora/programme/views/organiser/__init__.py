"""The organiser's pages that edit the programme (under /organiser): days, themes, speakers and sessions
created, edited, cancelled, reordered and deleted. Every handler calls `require_organiser` first; the writes
live in `programme.operations`, shared with the CLI, and each one is written to the audit log."""
