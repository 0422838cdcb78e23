"""Images of a showroom (the logo, innovation photos): stored through the media area, refusals turned into
a message next to the form's field."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.media.storage import MediaStorage
from emicronora.media.uploads import MediaError, Upload, save_image
from emicronora.models import Company, MediaFile, User
from emicronora.settings import Settings


def media_url(key: str) -> str:
    return f"/media/{key}"


async def store_image(
    db: AsyncSession,
    form: Form,
    field: str,
    upload: Upload,
    *,
    storage: MediaStorage,
    company: Company,
    user: User,
    settings: Settings,
) -> MediaFile | None:
    """Saves the image for the company, or records why it was refused on `field` and returns None.

    Call it last, once every other field is valid: the file then never outlives a refused form."""
    try:
        return await save_image(
            db,
            storage,
            upload.data,
            original_name=upload.filename,
            company_id=company.id,
            user_id=user.id,
            settings=settings,
        )
    except MediaError as error:
        form.error(field, error.message)
        return None


async def discard_image(db: AsyncSession, media_id: int | None) -> str | None:
    """Deletes the record of an image nothing shows any more (a replaced logo or photo), so that it stops
    counting against the company's quota. Returns its storage key: delete the file once committed, so that a
    failed transaction never leaves a record without its file."""
    if media_id is None:
        return None
    media = await db.get(MediaFile, media_id)
    if media is None:
        return None
    key = media.key
    # The new reference (or its removal) reaches the database first, whatever order the flush would choose.
    await db.flush()
    await db.delete(media)
    return key


async def delete_files(storage: MediaStorage, keys: list[str | None]) -> None:
    for key in keys:
        if key is not None:
            await storage.delete(key)
