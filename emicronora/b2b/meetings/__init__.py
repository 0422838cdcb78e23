"""B2B meetings."""
