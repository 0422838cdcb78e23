"""The public, read-only JSON API of the programme (days, themes, sessions, speakers) and its OpenAPI
document. Mounted at /api; errors answer `{"error": reason}` through emicronora.web.errors."""
