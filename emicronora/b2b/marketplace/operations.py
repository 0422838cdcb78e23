"""B2B profiles and their cooperation items: joining the brokerage event, editing one's profile, adding,
changing and deleting offers and needs. Each write runs inside the caller's transaction and validates
everything before it writes anything, so a refused form leaves no trace. Usable from a seed script: no
request, only an AsyncSession and a Form."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.marketplace.forms import ITEMS_ERROR, MAX_ITEMS, validate_item, validate_profile
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import B2BProfile, CooperationItem, User


async def save_profile(
    db: AsyncSession, form: Form, user: User, profile: B2BProfile | None
) -> B2BProfile | None:
    """Creates the user's profile (profile=None), which makes them a B2B participant, or updates it (their
    `profile_of`); None when refused."""
    fields = validate_profile(form)
    if fields is None:
        return None
    if profile is None:
        # Two creations at once (a double click on "join") are stopped by the unique user_id: the second
        # flush raises IntegrityError, which the caller answers as if the first had been seen.
        profile = B2BProfile(user_id=user.id, role=fields.role)
        db.add(profile)
    profile.role = fields.role
    profile.headline = fields.headline
    profile.description = fields.description
    profile.max_meetings = fields.max_meetings
    await db.flush()
    return profile


async def _item_count(db: AsyncSession, profile: B2BProfile) -> int:
    # The profile's row is locked first (PostgreSQL), so that two additions at once cannot both see room
    # for one more item. SQLite serialises writers anyway.
    await db.execute(select(B2BProfile.id).where(B2BProfile.id == profile.id).with_for_update())
    count = await db.scalar(
        select(func.count()).select_from(CooperationItem).where(CooperationItem.profile_id == profile.id)
    )
    return count or 0


async def save_item(
    db: AsyncSession,
    form: Form,
    profile: B2BProfile,
    item: CooperationItem | None,
    theme_slugs: Collection[str],
) -> CooperationItem | None:
    """Adds an item to the profile (item=None) or updates one of its items; None when refused."""
    fields = validate_item(form, theme_slugs)
    if item is None and await _item_count(db, profile) >= MAX_ITEMS:
        form.error(
            ITEMS_ERROR,
            _(
                "A profile holds at most %(max)s offers and needs: edit or delete one instead.",
                max=MAX_ITEMS,
            ),
        )
    if fields is None or not form.ok:
        return None
    if item is None:
        item = CooperationItem(profile_id=profile.id, kind=fields.kind, title=fields.title)
        db.add(item)
    item.kind = fields.kind
    item.title = fields.title
    item.description = fields.description
    item.themes = fields.themes
    item.sectors = fields.sectors
    item.keywords = fields.keywords
    await db.flush()
    return item


async def delete_item(db: AsyncSession, item: CooperationItem) -> None:
    await db.delete(item)
    await db.flush()
