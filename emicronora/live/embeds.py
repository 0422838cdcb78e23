"""Stream addresses that organisers paste, turned into the embed address of a known provider.

Only four providers are embedded, each through its privacy-friendly player (no cookie until the visitor
plays, "do not track"), and the page that shows one allows exactly that provider's origin in its
Content-Security-Policy. Anything else is refused with a message the organiser can act on: a free-form
iframe address would let any site run inside our pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from emicronora.i18n import _

MAX_URL = 500
DEFAULT_JITSI_HOSTS = ("meet.jit.si",)

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
VIMEO_HASH = re.compile(r"^[0-9a-f]{6,20}$")
DAILYMOTION_ID = re.compile(r"^[A-Za-z0-9]{5,12}$")
JITSI_ROOM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
# The characters of an address as RFC 3986 writes them (percent-encoded otherwise), without the quote, so
# nothing in a stored address can close an attribute or hide a second host behind a backslash.
PLAIN_URL = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+$")

YOUTUBE_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
)
VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
DAILYMOTION_HOSTS = frozenset({"dailymotion.com", "www.dailymotion.com"})
YOUTUBE_THUMBNAIL_ORIGIN = "https://i.ytimg.com"

# What the embedded players may use: video players play and go full screen; a Jitsi room also needs the
# camera, the microphone and screen sharing.
VIDEO_ALLOW = "autoplay; encrypted-media; fullscreen; picture-in-picture"
JITSI_ALLOW = "camera; microphone; fullscreen; display-capture"
JITSI_FEATURES = ("camera", "microphone", "display-capture", "fullscreen")


class EmbedError(ValueError):
    """The address cannot be embedded; `message` (translated) tells the organiser what to use instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Embed:
    provider: str  # youtube, vimeo, dailymotion or jitsi
    src: str  # the iframe's address
    origin: str  # the only origin the page's frame-src allows

    @property
    def allow(self) -> str:
        return JITSI_ALLOW if self.provider == "jitsi" else VIDEO_ALLOW


def _refused() -> EmbedError:
    return EmbedError(_("Use a YouTube, Vimeo, Dailymotion or Jitsi address."))


def stream_embed(url: str, jitsi_hosts: tuple[str, ...] = DEFAULT_JITSI_HOSTS) -> Embed:
    """The embed of a stream address (watch page, short link, live page or embed address), or EmbedError."""
    value = url.strip()
    if len(value) > MAX_URL:
        raise EmbedError(_("At most %(max)s characters.", max=MAX_URL))
    if not PLAIN_URL.match(value):
        raise _refused()
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        raise _refused() from None
    host = parts.hostname or ""
    # A user name or a port would point the same host name somewhere else: not a provider's address.
    if parts.scheme != "https" or parts.username is not None or parts.password is not None or port:
        raise _refused()
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in YOUTUBE_HOSTS or host == "youtu.be":
        video = _youtube_id(host, segments, parts.query)
        if video:
            return Embed(
                "youtube",
                f"https://www.youtube-nocookie.com/embed/{video}",
                "https://www.youtube-nocookie.com",
            )
    elif host in VIMEO_HOSTS:
        embed = _vimeo(host, segments)
        if embed:
            return embed
    elif host in DAILYMOTION_HOSTS or host == "dai.ly":
        video = _dailymotion_id(host, segments)
        if video:
            return Embed(
                "dailymotion",
                f"https://www.dailymotion.com/embed/video/{video}",
                "https://www.dailymotion.com",
            )
    elif host in jitsi_hosts and len(segments) == 1 and JITSI_ROOM.match(segments[0]):
        return Embed("jitsi", f"https://{host}/{segments[0]}", f"https://{host}")
    raise _refused()


def video_embed(url: str) -> Embed:
    """The embed of a recorded video's address: YouTube, Vimeo or Dailymotion, never a meeting room."""
    if len(url.strip()) > MAX_URL:
        raise EmbedError(_("At most %(max)s characters.", max=MAX_URL))
    try:
        return stream_embed(url, jitsi_hosts=())
    except EmbedError:
        raise EmbedError(_("Use a YouTube, Vimeo or Dailymotion address.")) from None


def youtube_thumbnail(embed: Embed) -> str | None:
    """YouTube's still image of the video (served from a cookie-less host), for a poster; None for the
    other providers, whose stills need an API call."""
    if embed.provider != "youtube":
        return None
    return f"{YOUTUBE_THUMBNAIL_ORIGIN}/vi/{embed.src.rsplit('/', 1)[1]}/hqdefault.jpg"


def _youtube_id(host: str, segments: list[str], query: str) -> str | None:
    if host == "youtu.be":
        candidate = segments[0] if len(segments) == 1 else ""
    elif segments == ["watch"]:
        values = parse_qs(query).get("v", [])
        candidate = values[0] if len(values) == 1 else ""
    elif len(segments) == 2 and segments[0] in ("live", "embed", "shorts"):
        candidate = segments[1]
    else:
        candidate = ""
    return candidate if YOUTUBE_ID.match(candidate) else None


def _vimeo(host: str, segments: list[str]) -> Embed | None:
    if host == "player.vimeo.com":
        if len(segments) != 2 or segments[0] != "video":
            return None
        segments = segments[1:]
    # vimeo.com/<id>, or vimeo.com/<id>/<hash> for an unlisted video (the hash is its access key).
    if not 1 <= len(segments) <= 2 or not VIMEO_ID.match(segments[0]):
        return None
    query = "dnt=1"
    if len(segments) == 2:
        if not VIMEO_HASH.match(segments[1]):
            return None
        query = f"h={segments[1]}&dnt=1"
    return Embed("vimeo", f"https://player.vimeo.com/video/{segments[0]}?{query}", "https://player.vimeo.com")


def _dailymotion_id(host: str, segments: list[str]) -> str | None:
    if host == "dai.ly":
        candidate = segments[0] if len(segments) == 1 else ""
    elif len(segments) == 2 and segments[0] == "video":
        candidate = segments[1]
    elif len(segments) == 3 and segments[:2] == ["embed", "video"]:
        candidate = segments[2]
    else:
        candidate = ""
    return candidate if DAILYMOTION_ID.match(candidate) else None


def replay_link(url: str) -> str:
    """A replay is a link, so any https address will do (a provider's page, the exhibitor's site, a file);
    it is embedded as well when it is a provider's. Returns the cleaned address, or EmbedError."""
    value = url.strip()
    if len(value) > MAX_URL:
        raise EmbedError(_("At most %(max)s characters.", max=MAX_URL))
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        raise EmbedError(_("Enter a full address starting with https://.")) from None
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or not PLAIN_URL.match(value)
        or "." not in host
        or parts.username is not None
        or parts.password is not None
    ):
        raise EmbedError(_("Enter a full address starting with https://."))
    return value


def embed_or_none(url: str, jitsi_hosts: tuple[str, ...]) -> Embed | None:
    """For pages: an address stored before a provider's rules changed is shown as nothing, not an error."""
    if not url:
        return None
    try:
        return stream_embed(url, jitsi_hosts)
    except EmbedError:
        return None


def frame_policy(policy: str, embed: Embed) -> str:
    """The page's Content-Security-Policy with frame-src opened to the embed's origin, and to it only."""
    directives = [directive.strip() for directive in policy.split(";") if directive.strip()]
    frame_src = f"frame-src {embed.origin}"
    widened = [frame_src if d.split()[0] == "frame-src" else d for d in directives]
    if frame_src not in widened:
        widened.append(frame_src)
    return "; ".join(widened)


def permissions_policy(embed: Embed) -> str | None:
    """A Jitsi room needs camera, microphone and screen sharing, for its own origin only; the other
    players need nothing beyond the site's default policy (None)."""
    if embed.provider != "jitsi":
        return None
    allowed = ", ".join(f'{feature}=("{embed.origin}")' for feature in JITSI_FEATURES)
    return f"{allowed}, geolocation=()"
