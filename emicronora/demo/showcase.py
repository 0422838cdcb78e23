"""Demo videos and pitch proposals, so that the channel, the showrooms and the pitch programme have
something to show. The three short test videos (a few seconds of test pattern, WebM/VP8) ship with the
package; they go through the same storage and checks as an exhibitor's upload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.media.storage import MediaStorage
from emicronora.media.uploads import MediaError, add_media_file, save_image, sniff_video, stream_to_storage
from emicronora.models import Company, PitchProposal, Theme, Video
from emicronora.settings import Settings

MEDIA = Path(__file__).resolve().parent / "media"

# (company slug, theme slug, video file stem, title, description)
DEMO_VIDEOS = (
    (
        "lumicron-laser",
        "laser",
        "laser",
        "FemtoCut 5 : découpe femtoseconde sans bavure",
        "La station FemtoCut 5 découpe un stent en alliage cobalt-chrome en moins de deux minutes.",
    ),
    (
        "calibrix-metrologie",
        "metrology",
        "metro",
        "Tomographie X : contrôle dimensionnel sans contact",
        "Mesure de cotes internes d'un boîtier de montre sans le démonter, comparée à la CAO.",
    ),
    (
        "microfluidis",
        "micro-nano",
        "nano",
        "Puces microfluidiques injectées en série",
        "De la puce de démonstration au moule d'injection : nos canaux de 50 µm en polymère.",
    ),
)

# (company slug, theme slug, title, speaker, status)
DEMO_PROPOSALS = (
    (
        "lumicron-laser",
        "laser",
        "Découpe de stents sans zone affectée thermiquement",
        "Stéphane Cuenot",
        "accepted",
    ),
    (
        "calibrix-metrologie",
        "metrology",
        "La tomographie au bord de la ligne",
        "Claire Vuillemin",
        "accepted",
    ),
    ("inspectra-vision", "metrology", "Contrôle optique en ligne par IA", "Nadia Benali", "accepted"),
    ("microfluidis", "micro-nano", "Diagnostic rapide sur puce polymère", "Paul Girard", "accepted"),
    ("horlomeca-sa", "micro-nano", "Spiraux en silicium LIGA", "Luc Perret", "submitted"),
)


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    yield await anyio.Path(path).read_bytes()


async def seed_showcase(
    db: AsyncSession, storage: MediaStorage | None, settings: Settings, now: datetime
) -> None:
    companies = {
        c.slug: c for c in (await db.scalars(select(Company).where(Company.slug.is_not(None)))).all()
    }
    themes = {t.slug: t for t in (await db.scalars(select(Theme))).all()}
    for slug, theme, title, speaker, status in DEMO_PROPOSALS:
        if slug in companies and theme in themes:
            db.add(
                PitchProposal(
                    company_id=companies[slug].id,
                    theme_id=themes[theme].id,
                    title=title,
                    summary="Une innovation présentée en sept minutes.",
                    speaker_name=speaker,
                    status=status,
                    created_at=now,
                )
            )
    if storage is None:
        return
    for slug, theme, stem, title, description in DEMO_VIDEOS:
        company = companies.get(slug)
        if company is None or theme not in themes:
            continue
        stored = await stream_to_storage(
            _chunks(MEDIA / f"{stem}.webm"),
            storage,
            limit=settings.max_video_mb * 1024 * 1024,
            too_large=lambda: MediaError(413, "demo video over the cap"),
            sniff=sniff_video,
        )
        media = add_media_file(
            db, stored, kind="video", original_name=f"{stem}.webm", company_id=company.id, user_id=None
        )
        poster = await save_image(
            db,
            storage,
            (MEDIA / f"{stem}.png").read_bytes(),
            original_name=f"{stem}.png",
            company_id=company.id,
            user_id=None,
            settings=settings,
        )
        await db.flush()
        db.add(
            Video(
                company_id=company.id,
                title=title,
                description=description,
                theme_id=themes[theme].id,
                source="upload",
                media_id=media.id,
                poster_id=poster.id,
                is_published=True,
                created_at=now,
                published_at=now,
            )
        )
