"""Pitch proposals, their review, and the pitch programme scheduled by OR-Tools."""
