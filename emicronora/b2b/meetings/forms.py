"""Validating what participants and organisers send on the meetings side: a meeting request, the slots a
participant marks unavailable, the organisers' rules. Each function gives the clean values, or None with
one message per wrong field in the Form."""

from __future__ import annotations

from dataclasses import dataclass

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import B2BSettings

MAX_MESSAGE = 1000
# The availability form's field: the ids of the slots marked unavailable, repeated.
UNAVAILABLE_FIELD = "unavailable"
# (field, lowest, highest) of the numbers an organiser may set.
LIMITS = (
    ("max_pending_requests", 1, 200),
    ("request_expiry_hours", 1, 720),
    ("tables", 0, 1000),
)
FLAGS = ("approval_required", "self_booking")


@dataclass(frozen=True)
class RequestFields:
    recipient_id: int
    message: str


def validate_request(form: Form) -> RequestFields | None:
    """The request's recipient (field `to`, a profile id) and message, or None with the reason by the
    field; whether the recipient may be asked is the operation's to say."""
    message = form.text("message", max_length=MAX_MESSAGE, required=False, multiline=True)
    recipient_id = form.integer("to")
    if "to" in form.errors or recipient_id is None:
        return None
    return RequestFields(recipient_id=recipient_id, message=message)


def unavailable_slot_ids(form: Form) -> set[int] | None:
    """The ticked slots, or None when the field holds something else than ids."""
    wanted = set(form.ids(UNAVAILABLE_FIELD))
    return wanted if form.ok else None


def rules_values(rules: B2BSettings) -> dict[str, str]:
    values = {name: str(getattr(rules, name)) for name, _low, _high in LIMITS}
    values.update({name: "on" for name in FLAGS if getattr(rules, name)})
    return values


@dataclass(frozen=True)
class RulesFields:
    numbers: dict[str, int]
    flags: dict[str, bool]


def validate_rules(form: Form) -> RulesFields | None:
    """The settings form's numbers (each within LIMITS) and flags, or None with one message per wrong
    field."""
    numbers: dict[str, int] = {}
    for name, low, high in LIMITS:
        value = form.integer(name)
        if value is not None and not low <= value <= high:
            form.error(name, _("Enter a number from %(low)s to %(high)s.", low=low, high=high))
        elif value is not None:
            numbers[name] = value
    if not form.ok:
        return None
    return RulesFields(numbers=numbers, flags={name: form.checkbox(name) for name in FLAGS})
