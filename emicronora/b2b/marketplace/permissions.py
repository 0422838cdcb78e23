"""Who may see what of the marketplace: its pages are public, as a fair's catalogue is, but for a paused
profile."""

from __future__ import annotations

from emicronora.b2b.marketplace.queries import Participant
from emicronora.models import User


def may_see(viewer: User | None, found: Participant) -> bool:
    """Active participants are public; a paused one only to its owner and the organisers."""
    if found.profile.is_active and found.user.is_active:
        return True
    return viewer is not None and (viewer.id == found.user.id or viewer.is_organiser)
