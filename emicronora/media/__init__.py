"""Uploaded media: storage behind a small interface, streaming uploads with caps, Range serving."""
