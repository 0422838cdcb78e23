"""Calendar feeds (iCalendar, RFC 5545): personal, public and organiser exports."""
