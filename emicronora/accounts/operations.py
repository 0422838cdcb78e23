"""Account operations shared by the web handlers and the CLI. Each runs inside the caller's transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts import passwords, ratelimit, sessions
from emicronora.forms import Form
from emicronora.i18n import _, babel_locale
from emicronora.mail import notify, tokens
from emicronora.models import User
from emicronora.settings import Settings

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def countries() -> list[tuple[str, str]]:
    """ISO 3166 alpha-2 codes with their names in the current locale, sorted by name."""
    territories = babel_locale().territories
    return sorted(
        (
            (code, name)
            for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code != "ZZ"
        ),
        key=lambda item: item[1],
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def find_user_by_email(db: AsyncSession, email: str) -> User | None:
    return await db.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


@dataclass(frozen=True)
class Registration:
    name: str
    email: str
    company: str
    country: str
    password: str


async def validate_registration(db: AsyncSession, form: Form) -> Registration | None:
    name = form.text("name", max_length=120)
    email = normalise_email(form.text("email", max_length=254))
    company = form.text("company", max_length=200)
    country = form.values.get("country", "").strip().upper()
    if country not in dict(countries()):
        form.error("country", _("Choose your country in the list."))
    password = form.values.get("password", "")
    if email and not EMAIL_PATTERN.match(email):
        form.error("email", _("Enter a valid e-mail address."))
    elif email and await find_user_by_email(db, email) is not None:
        form.error("email", _("An account already exists with this e-mail address. Log in instead."))
    problem = passwords.password_problem(password, email=email, name=name)
    if problem:
        form.error("password", problem)
    elif password != form.values.get("password_confirm", ""):
        form.error("password_confirm", _("The two passwords differ."))
    if not form.checkbox("terms"):
        form.error("terms", _("You must accept the terms of use to register."))
    if not form.ok:
        return None
    return Registration(name=name, email=email, company=company, country=country, password=password)


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


class LoginThrottled(Exception):
    pass


async def authenticate(
    db: AsyncSession, email: str, password: str, ip: str, settings: Settings, now: datetime
) -> User | None:
    """The user for these credentials, or None. Raises LoginThrottled after too many recent failures.

    Failures are recorded by the caller's transaction, so call it in a transaction that commits even when
    the login fails."""
    email = normalise_email(email)[:254]
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
    problem = passwords.password_problem(new, email=user.email, name=user.name)
    if problem:
        form.error("new_password", problem)
    elif new != form.values.get("new_password_confirm", ""):
        form.error("new_password_confirm", _("The two passwords differ."))
    elif new == current:
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


async def disable_user(db: AsyncSession, user: User) -> None:
    user.is_active = False
    await sessions.close_all_sessions(db, user.id)
