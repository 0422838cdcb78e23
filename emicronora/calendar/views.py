"""Calendar feeds and downloads. Handlers pick the items and let `calendar_response` set the headers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.calendar import exports, tokens
from emicronora.calendar.items import personal_items, session_item, session_items
from emicronora.calendar.responses import calendar_response
from emicronora.i18n import LOCALES, _, current_locale
from emicronora.programme import queries as programme
from emicronora.web.context import require_organiser, require_user, sessionmaker_of, settings_of
from emicronora.web.downloads import attachment, csv_download
from emicronora.web.lookups import found_or_404
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

EXPORT_NAME = "e-Micronora"
AGENDAS_FILE = "e-micronora-agendas"
MAX_SLUG = 60


def _feed_locale(request: Request) -> str:
    """Public feeds are in the language asked for with ?lang=, else the visitor's."""
    asked = request.query_params.get("lang", "")
    return asked if asked in LOCALES else current_locale.get()


def _with_locale(locale: str) -> None:
    current_locale.set(locale)


async def programme_feed(request: Request) -> Response:
    settings = settings_of(request)
    _with_locale(_feed_locale(request))
    async with sessionmaker_of(request)() as db:
        items = session_items(await programme.list_sessions(db), settings, current_locale.get())
    return calendar_response(request, settings, _("e-Micronora programme"), items, filename="e-micronora.ics")


async def day_feed(request: Request) -> Response:
    settings = settings_of(request)
    _with_locale(_feed_locale(request))
    try:
        day_date = date.fromisoformat(request.path_params["day"])
    except ValueError:
        raise HTTPException(404) from None
    async with sessionmaker_of(request)() as db:
        day = found_or_404(await programme.get_day_by_date(db, day_date))
        items = session_items(
            await programme.list_sessions(db, day_id=day.id), settings, current_locale.get()
        )
    name = _(
        "e-Micronora · %(theme)s · %(date)s",
        theme=day.theme.name(current_locale.get()),
        date=day.date.isoformat(),
    )
    return calendar_response(
        request, settings, name, items, filename=f"e-micronora-{day.date.isoformat()}.ics"
    )


async def theme_feed(request: Request) -> Response:
    settings = settings_of(request)
    _with_locale(_feed_locale(request))
    async with sessionmaker_of(request)() as db:
        theme = found_or_404(await programme.get_theme_by_slug(db, request.path_params["slug"][:MAX_SLUG]))
        items = session_items(
            await programme.list_sessions(db, theme_id=theme.id), settings, current_locale.get()
        )
    name = _("e-Micronora · %(theme)s", theme=theme.name(current_locale.get()))
    return calendar_response(request, settings, name, items, filename=f"e-micronora-{theme.slug}.ics")


async def session_file(request: Request) -> Response:
    settings = settings_of(request)
    _with_locale(_feed_locale(request))
    async with sessionmaker_of(request)() as db:
        session = found_or_404(await programme.get_session(db, request.path_params["session_id"]))
    item = session_item(session, settings, current_locale.get())
    return calendar_response(
        request,
        settings,
        session.title,
        [item],
        filename=f"e-micronora-session-{session.id}.ics",
        download=True,
    )


async def personal_feed(request: Request) -> Response:
    """Works without a login cookie: the secret in the URL is the credential. Unknown or revoked: 404."""
    settings = settings_of(request)
    async with sessionmaker_of(request)() as db:
        user = found_or_404(await tokens.user_for_token(db, request.path_params["token"]))
        locale = user.locale if user.locale in LOCALES else settings.default_locale
        _with_locale(locale)
        items = await personal_items(db, user, settings, locale)
    return calendar_response(
        request, settings, _("My e-Micronora"), items, filename="my-e-micronora.ics", private=True
    )


def feed_urls(settings_origin: str, token: str) -> dict[str, str]:
    https_url = f"{settings_origin}/calendar/u/{token}.ics"
    webcal = "webcal://" + https_url.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal})
    return {"https": https_url, "webcal": webcal, "google": google}


async def feeds_page(request: Request) -> Response:
    user = require_user(request)
    settings = settings_of(request)
    async with sessionmaker_of(request)() as db, db.begin():
        token = await tokens.feed_token(db, user, settings)
        days = await programme.list_days(db)
        themes = await programme.list_themes(db)
    return render(
        request,
        "calendar/feeds.html",
        {"urls": feed_urls(settings.site_origin, token), "days": days, "themes": themes},
    )


async def replace_personal_feed(request: Request) -> Response:
    user = require_user(request)
    async with sessionmaker_of(request)() as db, db.begin():
        await tokens.replace_feed_token(db, user, settings_of(request))
    return see_other("/calendar?replaced=1")


async def organiser_agendas(request: Request) -> Response:
    """Every participant's agenda: a zip of .ics files, or the same rows as CSV (`.../agendas.csv`)."""
    require_organiser(request)
    export_format = request.path_params["format"]
    if export_format not in ("zip", "csv"):
        raise HTTPException(404)
    settings = settings_of(request)
    async with sessionmaker_of(request)() as db:
        agendas = await exports.participant_agendas(db, settings, current_locale.get())
    if export_format == "csv":
        return csv_download(f"{AGENDAS_FILE}.csv", await exports.build_csv(agendas, settings))
    body = await exports.build_zip(agendas, settings, EXPORT_NAME, datetime.now(UTC))
    # Personal data of every participant: never kept by a cache.
    headers = {**attachment(f"{AGENDAS_FILE}.zip"), "Cache-Control": "no-store"}
    return Response(body, media_type="application/zip", headers=headers)


async def organiser_programme_ics(request: Request) -> Response:
    require_organiser(request)
    settings = settings_of(request)
    async with sessionmaker_of(request)() as db:
        items = session_items(await programme.list_sessions(db), settings, current_locale.get())
    return calendar_response(
        request,
        settings,
        _("e-Micronora programme"),
        items,
        filename="e-micronora-programme.ics",
        download=True,
    )
