"""B2B marketplace."""
