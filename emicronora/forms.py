"""Form validation shared by handlers and domain code: bounded lengths, one error kept next to each field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from emicronora.i18n import _


@dataclass
class Form:
    """The user's values (to re-render them) and one error message per wrong field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, *, max_length: int, required: bool = True, min_length: int = 0) -> str:
        value = self.values.get(name, "").strip()
        if required and not value:
            self.error(name, _("This field is required."))
        elif len(value) > max_length:
            self.error(name, _("At most %(max)s characters.", max=max_length))
        elif value and len(value) < min_length:
            self.error(name, _("At least %(min)s characters.", min=min_length))
        return value

    def choice(self, name: str, choices: dict[str, object] | list[str] | tuple[str, ...]) -> str:
        value = self.values.get(name, "").strip()
        if value not in choices:
            self.error(name, _("Choose one of the options."))
        return value

    def integer(self, name: str, *, required: bool = True) -> int | None:
        value = self.values.get(name, "").strip()
        if not value:
            if required:
                self.error(name, _("This field is required."))
            return None
        # Bounded to what an INTEGER column holds: a larger number is no valid id or count here.
        if len(value) > 10 or not value.lstrip("-").isascii():
            self.error(name, _("Enter a whole number."))
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(name, _("Enter a whole number."))
            return None
        if not -(2**31) <= number < 2**31:
            self.error(name, _("Enter a whole number."))
            return None
        return number

    def date(self, name: str) -> date | None:
        value = self.values.get(name, "").strip()
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(name, _("Enter a date as YYYY-MM-DD.") if value else _("This field is required."))
            return None

    def time(self, name: str) -> time | None:
        value = self.values.get(name, "").strip()
        try:
            return time.fromisoformat(value)
        except ValueError:
            self.error(name, _("Enter a time as HH:MM.") if value else _("This field is required."))
            return None

    def checkbox(self, name: str) -> bool:
        return self.values.get(name) in {"on", "1", "true", "yes"}

    def ids(self, name: str) -> list[int]:
        raw = self.values.get(name, "")
        result: list[int] = []
        for part in raw.split(","):
            if part.strip():
                try:
                    result.append(int(part))
                except ValueError:
                    self.error(name, _("Choose one of the options."))
        return result


def combine(day: date, clock: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)
