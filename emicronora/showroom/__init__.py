"""Exhibitor showrooms: company pages, the directory, innovations, team and leads."""
