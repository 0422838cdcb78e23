"""B2B marketplace: participants' profiles with their offers and needs, the public directory and its search,
a participant's page, suggested partners. The meetings area builds on its queries, never the reverse."""
