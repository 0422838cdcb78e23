"""Account operations shared by the web handlers and the CLI. Each runs inside the caller's transaction, apart
from registration and login, which take a sessionmaker: their attempt is counted and committed before the
password hashing it guards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


class RegistrationThrottled(Exception):
    pass


async def register(
    sessionmaker: async_sessionmaker[AsyncSession],
    form: Form,
    ip: str,
    settings: Settings,
    now: datetime,
    locale: str,
) -> bool:
    """Takes a registration form: False, with the reasons by the fields, when it is refused. A valid form gets
    the same answer whether its address has an account or not, so that nobody learns from the page who is
    registered: a new address gets its account and the link that confirms it, a known one a message telling
    its owner. Raises RegistrationThrottled, before any work, past the limits per connection and address."""
    registration = validate_registration(form)
    if registration is None:
        return False
    budget = ratelimit.registration_budget(registration.email, ip, settings)
    try:
        await ratelimit.take_apart(sessionmaker, budget, now)
    except ratelimit.Throttled:
        raise RegistrationThrottled() from None
    try:
        async with sessionmaker() as db, db.begin():
            owner = await find_user_by_email(db, registration.email)
            if owner is None:
                user = await create_user(db, registration, settings, now, locale=locale)
                await notify.confirmation(db, user, settings, now)
            else:
                # The hash a new account costs: the time of the answer does not tell either.
                await passwords.hash_password(registration.password, settings)
                await notify.account_exists(db, owner, settings, now)
    except IntegrityError:
        # A parallel request registered the same address first; its owner hears of it from that request.
        async with sessionmaker() as db:
            if await find_user_by_email(db, registration.email) is None:
                raise
    return True


class LoginThrottled(Exception):
    pass


async def authenticate(
    sessionmaker: async_sessionmaker[AsyncSession],
    email: str,
    password: str,
    ip: str,
    settings: Settings,
    now: datetime,
) -> User | None:
    """The user for these credentials, or None. The attempt is counted first, in a transaction of its own,
    and LoginThrottled raised past the limits per account and per connection: however many guesses arrive at
    once, no more than the limit's worth of passwords are checked. A failure by anyone counts against the
    account, so guesses from elsewhere pause its owner's logins too, for the window; a reset link (sent to the
    owner's mailbox) lifts the pause. An unknown or disabled account costs one password check like any other,
    so the time of the answer tells nothing. A password hashed with other argon2 parameters than the settings'
    is hashed again with them."""
    email = normalise_email(email)[:MAX_EMAIL]
    try:
        await ratelimit.take_apart(sessionmaker, ratelimit.login_budget(email, ip, settings), now)
    except ratelimit.Throttled:
        raise LoginThrottled() from None
    # No connection is held while the password is checked: a burst of logins waiting for their turn at
    # argon2 must not take the pool from the other pages.
    async with sessionmaker() as db:
        user = await find_user_by_email(db, email)
    if user is None or not user.is_active:
        await passwords.dummy_verify(settings)
        return None
    if not await passwords.verify_password(user.password_hash, password, settings):
        return None
    rehashed = None
    if passwords.hasher_for(settings).check_needs_rehash(user.password_hash):
        rehashed = await passwords.hash_password(password, settings)
    async with sessionmaker() as db, db.begin():
        if rehashed is not None:
            await db.execute(update(User).where(User.id == user.id).values(password_hash=rehashed))
            user.password_hash = rehashed
        await ratelimit.forget_login_failures(db, email, now, settings)
    return user


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
