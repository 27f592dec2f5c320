"""Request filters: the one reading of a query string's filters (dates, event types, actor,
process, status...), shared by the process pages, researchers' lists, downloads and the API.

Modelled on Datasette's ``filters_from_request``: every caller gets the same limits and the
same messages. What a caller does with a bad filter is its own business: a page shows the
message and leaves the filter out, the API and the downloads answer 400. No value that
PostgreSQL cannot hold (NUL) ever leaves this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.models.base import ACLED_EVENT_TYPES, REVIEW_STATUS, VERIFICATION
from tracker.services.figures.violence import INTERVALS, ViolenceFilter
from tracker.services.rules import fields

TEXT_LIMIT = 300
DEFAULT_INTERVAL = "week"
# NUL is in no name, and PostgreSQL refuses it in any text it is sent (SQLite does not).
UNSAFE = "\x00"
LABELS = {
    "from": "From",
    "to": "To",
    "date_from": "From",
    "date_to": "To",
    "event_type": "Event type",
}


class BadFilterError(ValueError):
    """A filter with a value that cannot be used; ``message`` names it for a reader."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def label(name: str) -> str:
    """How a filter is called in messages: "From", "Event type", "Actor"."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def safe_text(value: str) -> str:
    """``value`` without the characters PostgreSQL cannot hold, trimmed."""
    for character in UNSAFE:
        value = value.replace(character, "")
    return value.strip()


def read_date(value: str) -> date | None:
    """A date such as 2020-04-09 or 09 April 2020; blank means no limit."""
    value = safe_text(value)
    return fields.parse_date(value, allow_future=True) if value else None


def read_text(value: str) -> str | None:
    """Free text (an actor's name) up to TEXT_LIMIT characters; blank means no filter."""
    return fields.text(TEXT_LIMIT)(safe_text(value)) or None


def one_of(values: Iterable[str]) -> Callable[[str], str | None]:
    """A reader of one value out of ``values``, exactly as written; blank means no filter."""
    allowed = tuple(values)

    def read(value: str) -> str | None:
        if value == "":
            return None
        if value not in allowed:
            raise fields.FieldError(f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    return read


def read_id(value: str) -> int | None:
    """A record id (a positive whole number); blank means no filter."""
    value = safe_text(value)
    return fields.integer(1)(value) if value else None


READERS: dict[str, Callable[[str], Any]] = {
    "from": read_date,
    "to": read_date,
    "date_from": read_date,
    "date_to": read_date,
    "event_type": one_of(ACLED_EVENT_TYPES),
    "actor": read_text,
    "process": read_id,
    "commitment": read_id,
    "status": one_of(REVIEW_STATUS),
    "verification": one_of(VERIFICATION),
    "interval": one_of(INTERVALS),
}
REPEATABLE = {"event_type"}


@dataclass
class Filters:
    """Filters as understood (blank ones left out) and the bad ones' messages, by name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def raise_first(self) -> None:
        """For the API and downloads: the first bad filter as a BadFilterError."""
        for name, message in self.errors.items():
            raise BadFilterError(name, message)

    def violence(self, start: str = "from", end: str = "to") -> ViolenceFilter:
        """The violence filter these values describe."""
        return ViolenceFilter(
            self.values.get(start),
            self.values.get(end),
            tuple(self.values.get("event_type", ())),
            self.values.get("actor"),
        )


def filters_from_request(args: Mapping[str, Any], names: Iterable[str]) -> Filters:
    """Read the filters ``names`` from a query string (a MultiDict or a plain mapping)."""
    found = Filters()
    getlist = getattr(args, "getlist", None)
    for name in names:
        reader = READERS[name]
        if name in REPEATABLE:
            raw = getlist(name) if getlist else [args.get(name) or ""]
        else:
            raw = [args.get(name) or ""]
        try:
            values = [value for item in raw if (value := reader(str(item))) is not None]
        except fields.FieldError as error:
            found.errors[name] = f"{label(name)} {error}"
            continue
        if values:
            found.values[name] = tuple(values) if name in REPEATABLE else values[0]
    return found
