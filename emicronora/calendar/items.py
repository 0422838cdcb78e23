"""What goes into each feed: programme sessions, pitch slots and B2B meetings turned into CalendarItems."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.marketplace.queries import cards
from emicronora.calendar import queries
from emicronora.calendar.ical import CalendarItem
from emicronora.i18n import _
from emicronora.models import Session, User
from emicronora.programme import queries as programme
from emicronora.programme.domain import KIND_LABELS
from emicronora.settings import Settings


def site_host(settings: Settings) -> str:
    return urlsplit(settings.site_origin).hostname or "localhost"


def session_uid(session_id: int, settings: Settings) -> str:
    return f"session-{session_id}@{site_host(settings)}"


def session_item(session: Session, settings: Settings, locale: str) -> CalendarItem:
    theme = session.theme.name(locale)
    lines = [session.abstract.strip()] if session.abstract.strip() else []
    if session.speakers:
        speakers = ", ".join(
            f"{s.name} ({s.affiliation})" if s.affiliation else s.name for s in session.speakers
        )
        lines.append(_("Speakers: %(speakers)s", speakers=speakers))
    lines.append(_("Theme: %(theme)s", theme=theme))
    url = f"{settings.site_origin}/sessions/{session.id}"
    lines.append(url)
    return CalendarItem(
        uid=session_uid(session.id, settings),
        summary=f"{_(KIND_LABELS[session.kind])} · {session.title}"
        if session.kind == "pitch"
        else session.title,
        start=session.starts_at,
        end=session.ends_at,
        sequence=session.sequence,
        last_modified=session.updated_at,
        cancelled=session.is_cancelled,
        description="\n\n".join(lines),
        url=url,
        location=url,
        categories=(theme,),
        organizer_name="e-Micronora",
        organizer_email=settings.contact_email,
    )


def session_items(sessions: Iterable[Session], settings: Settings, locale: str) -> list[CalendarItem]:
    return [session_item(session, settings, locale) for session in sessions]


def pitch_uid(proposal_id: int, settings: Settings) -> str:
    return f"pitch-{proposal_id}@{site_host(settings)}"


async def pitch_items_by_company(
    db: AsyncSession, settings: Settings, locale: str, company_ids: list[int] | None = None
) -> dict[int, list[CalendarItem]]:
    """Published pitch slots, placed in their pitch session, by company (all companies when None)."""
    items: dict[int, list[CalendarItem]] = {}
    for slot, proposal, session in await queries.published_pitch_slots(db, company_ids):
        url = f"{settings.site_origin}/sessions/{session.id}"
        items.setdefault(proposal.company_id, []).append(
            CalendarItem(
                uid=pitch_uid(proposal.id, settings),
                summary=_("Our pitch: %(title)s", title=proposal.title),
                start=slot.starts_at,
                end=slot.ends_at,
                sequence=slot.sequence,
                last_modified=slot.updated_at,
                cancelled=session.is_cancelled,
                description="\n\n".join(
                    [proposal.summary, _("Speaker: %(name)s", name=proposal.speaker_name), session.title, url]
                ),
                url=url,
                location=url,
                categories=(session.theme.name(locale),),
                organizer_name="e-Micronora",
                organizer_email=settings.contact_email,
            )
        )
    return items


def meeting_uid(meeting_id: int, settings: Settings) -> str:
    return f"meeting-{meeting_id}@{site_host(settings)}"


async def meeting_items_by_user(
    db: AsyncSession, settings: Settings, user_ids: list[int] | None = None
) -> dict[int, list[CalendarItem]]:
    """Published B2B meetings with a time, for each of their two participants (all users when None). A
    cancelled one stays, with STATUS:CANCELLED, so that calendar apps remove it."""
    rows = await queries.published_meetings(db, user_ids)
    people = await cards(
        db, [side for meeting, _slot in rows for side in (meeting.first_id, meeting.second_id)]
    )
    agenda_url = f"{settings.site_origin}/b2b/agenda"
    wanted = None if user_ids is None else set(user_ids)
    items: dict[int, list[CalendarItem]] = {}
    for meeting, slot in rows:
        for own_id, partner_id in (
            (meeting.first_id, meeting.second_id),
            (meeting.second_id, meeting.first_id),
        ):
            own, partner = people[own_id], people[partner_id]
            if wanted is not None and own.user_id not in wanted:
                continue
            lines = [partner.headline] if partner.headline else []
            lines += [
                _("Video room: %(url)s", url=meeting.room_url),
                _("Your B2B meetings: %(url)s", url=agenda_url),
            ]
            items.setdefault(own.user_id, []).append(
                CalendarItem(
                    uid=meeting_uid(meeting.id, settings),
                    summary=_(
                        "B2B meeting: %(name)s (%(company)s)", name=partner.name, company=partner.company
                    ),
                    start=slot.starts_at,
                    end=slot.ends_at,
                    sequence=meeting.sequence,
                    last_modified=meeting.updated_at,
                    cancelled=meeting.status == "cancelled",
                    description="\n\n".join(lines),
                    url=agenda_url,
                    location=meeting.room_url,
                    categories=(_("B2B meetings"),),
                    organizer_name="e-Micronora",
                    organizer_email=settings.contact_email,
                )
            )
    return items


async def personal_items(db: AsyncSession, user: User, settings: Settings, locale: str) -> list[CalendarItem]:
    """Everything of the user's: the sessions they starred, their company's pitch slots and their published
    B2B meetings."""
    items = session_items(await programme.agenda(db, user.id), settings, locale)
    if user.company_id is not None:
        by_company = await pitch_items_by_company(db, settings, locale, [user.company_id])
        items += by_company.get(user.company_id, [])
    items += (await meeting_items_by_user(db, settings, [user.id])).get(user.id, [])
    return sort_items(items)


def sort_items(items: Sequence[CalendarItem]) -> list[CalendarItem]:
    return sorted(items, key=lambda item: (item.start, item.uid))
