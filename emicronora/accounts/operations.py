"""Account operations shared by the web handlers and the CLI. Each runs inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts import passwords, ratelimit, sessions
from emicronora.accounts.emails import MAX_EMAIL, normalise_email
from emicronora.accounts.forms import Registration, new_password_ok, validate_registration
from emicronora.accounts.queries import account, find_user_by_email
from emicronora.forms import Form
from emicronora.i18n import LOCALES, _
from emicronora.mail import notify, tokens
from emicronora.models import User
from emicronora.settings import Settings


async def create_user(
    db: AsyncSession,
    registration: Registration,
    settings: Settings,
    now: datetime,
    *,
    is_organiser: bool = False,
    company_id: int | None = None,
    locale: str = "",
) -> User:
    user = User(
        email=registration.email,
        name=registration.name,
        company_name=registration.company,
        country=registration.country,
        password_hash=await passwords.hash_password(registration.password, settings),
        is_organiser=is_organiser,
        company_id=company_id,
        locale=locale,
        terms_accepted_at=now,
        created_at=now,
        password_changed_at=now,
    )
    db.add(user)
    await db.flush()
    return user


async def register(
    db: AsyncSession, form: Form, settings: Settings, now: datetime, locale: str
) -> User | None:
    """Creates the account of a valid registration form and mails the link that confirms the address; None,
    with the reasons by the fields, when the form is refused."""
    registration = await validate_registration(db, form)
    if registration is None:
        return None
    user = await create_user(db, registration, settings, now, locale=locale)
    await notify.confirmation(db, user, settings, now)
    return user


class LoginThrottled(Exception):
    pass


async def authenticate(
    db: AsyncSession, email: str, password: str, ip: str, settings: Settings, now: datetime
) -> User | None:
    """The user for these credentials, or None. Raises LoginThrottled after too many recent failures.

    Failures are recorded by the caller's transaction, so call it in a transaction that commits even when
    the login fails."""
    email = normalise_email(email)[:MAX_EMAIL]
    if await ratelimit.login_blocked(db, email, ip, settings, now):
        raise LoginThrottled()
    user = await find_user_by_email(db, email)
    if user is None:
        await passwords.dummy_verify(settings)
    elif user.is_active and await passwords.verify_password(user.password_hash, password, settings):
        await ratelimit.forget_failures(db, email, now, settings)
        return user
    await ratelimit.record_failure(db, email, ip, now)
    return None


async def change_password(
    db: AsyncSession, user: User, form: Form, settings: Settings, now: datetime
) -> bool:
    """Changes the password when the form is valid, ends every session of the user (the caller opens a
    fresh one for the browser that made the change) and queues the notice of the change."""
    current = form.values.get("current_password", "")
    new = form.values.get("new_password", "")
    if not await passwords.verify_password(user.password_hash, current, settings):
        form.error("current_password", _("This is not your current password."))
    if new_password_ok(form, user) and new == current:
        form.error("new_password", _("Choose a password different from the current one."))
    if not form.ok:
        return False
    user.password_hash = await passwords.hash_password(new, settings)
    user.password_changed_at = now
    # A reset link asked for before the change would otherwise still replace the new password.
    await tokens.revoke_all(db, user.id, "reset", now)
    await sessions.close_all_sessions(db, user.id)
    await notify.password_changed(db, user, settings, now)
    return True


async def set_locale(db: AsyncSession, user_id: int, locale: str) -> None:
    """The language of the user's pages and mail; an unknown one is ignored."""
    if locale in LOCALES:
        (await account(db, user_id)).locale = locale
