"""Form validation shared by handlers and domain code: bounded lengths, one error kept next to each field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo

from emicronora.i18n import _

_LINE_BREAKS = re.compile("\r\n|\r")
_WHOLE_NUMBER = re.compile("-?[0-9]{1,10}")


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

    def text(
        self,
        name: str,
        *,
        max_length: int,
        required: bool = True,
        min_length: int = 0,
        multiline: bool = False,
    ) -> str:
        """A one-line field loses CR, LF and NUL (as a browser's input does with line breaks); a textarea
        (`multiline`) keeps its lines, each ending in LF, and loses NUL, which no database column holds."""
        raw = self.values.get(name, "")
        value = _LINE_BREAKS.sub("\n", raw) if multiline else raw.replace("\r", "").replace("\n", "")
        value = value.replace("\x00", "").strip()
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
        number = _int32(value)
        if number is None:
            self.error(name, _("Enter a whole number."))
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
        """Comma-separated ids (a multiple choice), each a positive number an INTEGER column holds."""
        result: list[int] = []
        for part in self.values.get(name, "").split(","):
            if not part.strip():
                continue
            number = _int32(part.strip())
            if number is None or number < 1:
                self.error(name, _("Choose one of the options."))
            else:
                result.append(number)
        return result


def _int32(value: str) -> int | None:
    """The whole number `value` writes, when an INTEGER column holds it: a larger one is no valid id or count
    here, and a long string of digits is refused before Python converts it."""
    if not _WHOLE_NUMBER.fullmatch(value):
        return None
    number = int(value)
    return number if -(2**31) <= number < 2**31 else None


def combine(day: date, clock: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)
