"""Innovation videos: the public channel and the exhibitor area's videos. The URL table."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.media.queries import MIB
from emicronora.settings import Settings
from emicronora.videos.views import display, exhibitor, files
from emicronora.videos.views.exhibitor import AREA
from emicronora.web.middleware import LargeBody

VIDEO = AREA + "/{video_id:int}"


def _video_cap(settings: Settings) -> int:
    return settings.max_video_mb * MIB


upload = Route(VIDEO + "/file", files.upload_file, methods=["PUT"])
# The only body allowed past the general cap (max_body_bytes): the video file, up to the video cap.
large_bodies = [LargeBody(upload, _video_cap)]

routes: list[BaseRoute] = [
    Route("/videos", display.gallery, methods=["GET"]),
    Route("/videos/{video_id:int}", display.video_page, methods=["GET"]),
    Route("/videos/{video_id:int}/contact", display.contact, methods=["POST"]),
    Route(AREA, exhibitor.video_list, methods=["GET"]),
    Route(AREA + "/new", exhibitor.new_video, methods=["GET", "POST"]),
    Route(VIDEO + "/edit", exhibitor.edit_video, methods=["GET", "POST"]),
    Route(VIDEO + "/upload", files.upload_page, methods=["GET"]),
    upload,
    Route(VIDEO + "/poster", files.poster, methods=["POST"]),
    Route(VIDEO + "/poster/remove", files.remove_poster, methods=["POST"]),
    Route(VIDEO + "/publish", exhibitor.publish, methods=["POST"]),
    Route(VIDEO + "/unpublish", exhibitor.publish, methods=["POST"]),
    Route(VIDEO + "/delete", exhibitor.delete, methods=["POST"]),
]
