"""Checking what people type when they register or choose a new password; errors go next to the fields."""

from __future__ import annotations

from dataclasses import dataclass

from emicronora.accounts import passwords
from emicronora.accounts.emails import EMAIL_PATTERN, MAX_EMAIL, normalise_email
from emicronora.forms import Form
from emicronora.i18n import _, babel_locale
from emicronora.models import User


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


@dataclass(frozen=True)
class Registration:
    name: str
    email: str
    company: str
    country: str
    password: str


def validate_registration(form: Form) -> Registration | None:
    """The registration, or None with the reasons by the fields. Whether the address already has an account
    is not checked here: the form must not tell (see operations.register)."""
    name = form.text("name", max_length=120)
    email = normalise_email(form.text("email", max_length=MAX_EMAIL))
    company = form.text("company", max_length=200)
    country = form.values.get("country", "").strip().upper()
    if country not in dict(countries()):
        form.error("country", _("Choose your country in the list."))
    password = form.values.get("password", "")
    if email and not EMAIL_PATTERN.match(email):
        form.error("email", _("Enter a valid e-mail address."))
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


def new_password_ok(form: Form, user: User) -> bool:
    """Whether the form's new password (`new_password`, typed twice) may be used; when not, the reason is
    shown by the field."""
    new = form.values.get("new_password", "")
    problem = passwords.password_problem(new, email=user.email, name=user.name)
    if problem:
        form.error("new_password", problem)
        return False
    if new != form.values.get("new_password_confirm", ""):
        form.error("new_password_confirm", _("The two passwords differ."))
        return False
    return True
