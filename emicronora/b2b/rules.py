"""The organiser's rules for the brokerage event: the one B2BSettings row, read with defaults and saved from
the settings form."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import B2BSettings

# (field, lowest, highest) of the numbers an organiser may set.
LIMITS = (
    ("max_pending_requests", 1, 200),
    ("request_expiry_hours", 1, 720),
    ("tables", 0, 1000),
)
FLAGS = ("approval_required", "self_booking")


def defaults() -> B2BSettings:
    return B2BSettings(
        approval_required=False,
        self_booking=False,
        max_pending_requests=20,
        request_expiry_hours=72,
        tables=0,
    )


async def load_rules(db: AsyncSession) -> B2BSettings:
    """The stored row, or the defaults (not stored) before an organiser has saved the settings once."""
    stored = await db.scalar(select(B2BSettings).order_by(B2BSettings.id).limit(1))
    return stored if stored is not None else defaults()


def form_values(rules: B2BSettings) -> dict[str, str]:
    values = {name: str(getattr(rules, name)) for name, _low, _high in LIMITS}
    values.update({name: "on" for name in FLAGS if getattr(rules, name)})
    return values


async def save_rules(db: AsyncSession, form: Form) -> B2BSettings | None:
    """Stores the form's settings, or None with one message per wrong field."""
    numbers: dict[str, int] = {}
    for name, low, high in LIMITS:
        value = form.integer(name)
        if value is not None and not low <= value <= high:
            form.error(name, _("Enter a number from %(low)s to %(high)s.", low=low, high=high))
        elif value is not None:
            numbers[name] = value
    if not form.ok:
        return None
    rules = await db.scalar(select(B2BSettings).order_by(B2BSettings.id).limit(1))
    if rules is None:
        rules = defaults()
        db.add(rules)
    for name in FLAGS:
        setattr(rules, name, form.checkbox(name))
    for name, value in numbers.items():
        setattr(rules, name, value)
    await db.flush()
    return rules
