"""Who may do what with a video. Every handler asks here, on the video it loaded; a refusal is a 404, since
a draft is something the user may not know exists (DESIGN.md).

    action                      visitor  other exhibitor  company member  organiser
    see a published video        yes         yes              yes            yes
    see a draft, or its file     no          no               yes            yes
    create (for one's company)   no          yes, own         yes            only with a company
    edit, upload, publish,
    unpublish, delete            no          no               yes            yes (moderation, help)
"""

from __future__ import annotations

from emicronora.models import User, Video


def is_member(user: User | None, company_id: int) -> bool:
    return user is not None and user.company_id == company_id


def can_view(user: User | None, video: Video) -> bool:
    if video.is_published:
        return True
    return user is not None and (user.is_organiser or is_member(user, video.company_id))


def can_manage(user: User | None, video: Video) -> bool:
    return user is not None and (user.is_organiser or is_member(user, video.company_id))


def can_create(user: User | None) -> bool:
    """Videos belong to an exhibiting company; they are created by its team, for it."""
    return user is not None and user.is_exhibitor
