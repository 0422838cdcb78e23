"""The organiser area: create, edit, cancel and reorder the programme's days, themes, sessions and speakers.

Only organisers enter (every handler calls `require_organiser` first); the writes themselves live in
`emicronora.programme.operations`, shared with the CLI.
"""
