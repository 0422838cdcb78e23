"""B2B scheduling."""
