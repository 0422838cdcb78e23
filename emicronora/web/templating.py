"""The Jinja2 environment (autoescaped, gettext from the request's locale) and the `render` helper."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from emicronora import i18n
from emicronora.settings import PROJECT_ROOT, Settings
from emicronora.web.context import current_user, settings_of

TEMPLATES_DIR = PROJECT_ROOT / "templates"


def create_templates(settings: Settings) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    i18n.install_gettext(env)
    tz = settings.tz

    def event_time(value: datetime) -> str:
        return i18n.format_clock(value, tz)

    def iso(value: datetime) -> str:
        return value.astimezone(tz).isoformat()

    env.filters.update(
        day=lambda value, fmt="full": i18n.format_day(value, fmt),
        clock=event_time,
        moment=lambda value, fmt="medium": i18n.format_moment(value, tz, fmt),
        iso=iso,
    )
    env.globals.update(event_timezone=settings.event_timezone, site_url=settings.site_origin)
    return Jinja2Templates(env=env)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Renders a page with what every page needs: the user, the CSRF token, the locale, the current URL."""
    templates: Jinja2Templates = request.state.templates
    locale = getattr(request.state, "locale", i18n.DEFAULT_LOCALE)

    def url_with(**changes: Any) -> str:
        params = dict(request.query_params)
        params.update({k: v for k, v in changes.items() if v is not None})
        params = {k: v for k, v in params.items() if v not in ("", None)}
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
        return request.url.path + ("?" + urlencode(params) if params else "")

    full = {
        "user": current_user(request),
        "csrf_token": request.state.csrf_token,
        "locale": locale,
        "settings": settings_of(request),
        "current_path": request.url.path + (("?" + request.url.query) if request.url.query else ""),
        "url_with": url_with,
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code)
