"""The video form: a title, a description, a theme, and either an uploaded file or a provider's link.

A video's kind (an uploaded file, or a provider's link) is chosen when it is created and kept: switching
would leave a published video without anything to play for a while."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.live.embeds import EmbedError, video_embed, youtube_thumbnail
from emicronora.models import Video

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
KINDS = ("upload", "link")


@dataclass(frozen=True)
class VideoFields:
    title: str
    description: str
    theme_id: int | None
    source: str  # "upload", or the provider of the link
    provider_url: str
    poster_url: str


def read_fields(form: Form, theme_ids: Collection[int], current: Video | None = None) -> VideoFields | None:
    """The video's fields from the form, or None with one message per wrong field."""
    title = form.text("title", max_length=MAX_TITLE)
    description = form.text("description", max_length=MAX_DESCRIPTION, required=False, multiline=True)
    theme_id = None
    if form.values.get("theme_id", "").strip():
        choice = form.choice("theme_id", [str(i) for i in theme_ids])
        theme_id = int(choice) if "theme_id" not in form.errors else None
    if current is None:
        kind = form.choice("kind", KINDS)
    else:
        kind = "upload" if current.source == "upload" else "link"
    source, provider_url, poster_url = "upload", "", ""
    if kind == "link":
        url = form.values.get("provider_url", "").strip()
        if not url:
            form.error("provider_url", _("Paste the address of the video on YouTube, Vimeo or Dailymotion."))
        else:
            try:
                embed = video_embed(url)
            except EmbedError as error:
                form.error("provider_url", error.message)
            else:
                source, provider_url, poster_url = embed.provider, url, youtube_thumbnail(embed) or ""
    if not form.ok:
        return None
    return VideoFields(title, description, theme_id, source, provider_url, poster_url)
