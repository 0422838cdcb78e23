"""The organiser's exports: CSV tables built with SQL and streamed, background jobs for large ones, and the
printable programme."""
