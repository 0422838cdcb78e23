"""The programme's handlers: `display` (the public pages), `agenda` (a visitor's own programme) and
`organiser` (the organiser's pages that edit the programme)."""
