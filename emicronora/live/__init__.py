"""Live rooms: chat, Q&A, polls and presence over WebSockets."""
