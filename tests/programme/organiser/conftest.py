"""The programme's organiser pages use the console's fixtures: a logged-in organiser, the demo programme."""

from __future__ import annotations

from tests.organiser.conftest import organiser, programme

__all__ = ["organiser", "programme"]
