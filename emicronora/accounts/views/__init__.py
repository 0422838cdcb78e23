"""The accounts pages: logging in and registering, one's account, and the links sent by mail."""
