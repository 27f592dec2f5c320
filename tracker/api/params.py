"""Query parameters of the API: parsed and checked, or a 400 that names the parameter."""

from __future__ import annotations

import re
from datetime import date

from flask import current_app, request

from tracker.models.base import ACLED_EVENT_TYPES, MAX_ID  # noqa: F401 - for openapi
from tracker.services.figures.violence import ACTOR_ROLES, INTERVALS, ViolenceFilter

MAX_PAGE = 1_000_000
DEFAULT_PER_PAGE = 50
# Ids past MAX_ID never reach a view: the app's <int:...> converter stops at it (tracker.routing).


class BadParameterError(ValueError):
    """A query parameter with a value the API cannot use."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def _date(name: str) -> date | None:
    """An ISO date; empty (``?from=&to=``, as in DOMAIN.md's examples) means no limit."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise BadParameterError(name, f"{raw!r} is not a date such as 2020-04-09")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameterError(name, f"{raw!r} is not a real date") from None


def _integer(name: str, default: int, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``; ``default`` when the parameter is absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,10}", raw):
        raise BadParameterError(name, f"{raw!r} is not a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameterError(name, f"must be between {low} and {high}; got {value}")
    return value


def violence_filter() -> ViolenceFilter:
    """``from``, ``to``, ``event_type`` (repeatable) and ``actor`` as a ViolenceFilter."""
    # A "to" before "from" is an empty range, not an error: the schema cannot say otherwise.
    date_from, date_to = _date("from"), _date("to")
    event_types = tuple(request.args.getlist("event_type"))
    for value in event_types:
        if value not in ACLED_EVENT_TYPES:
            raise BadParameterError(
                "event_type", f"{value!r} is not one of: {', '.join(ACLED_EVENT_TYPES)}"
            )
    raw_actor = request.args.get("actor", "")
    if len(raw_actor) > 300:
        raise BadParameterError("actor", f"is {len(raw_actor)} characters long; the limit is 300")
    # NUL can be in no name, and PostgreSQL refuses it in a query: drop it rather than fail.
    actor = raw_actor.replace("\x00", "").strip() or None
    return ViolenceFilter(date_from, date_to, event_types, actor, actor_role())


def actor_role() -> str | None:
    """``actor_role``: perpetrator, target, claimed, denied or any (none: perpetrator or
    claimed, so a denial alone never counts as involvement)."""
    value = request.args.get("actor_role")
    if value is None or value == "":
        return None
    if value not in ACTOR_ROLES:
        shown = value.replace("\x00", "")[:40]
        raise BadParameterError("actor_role", f"{shown!r} is not one of: {', '.join(ACTOR_ROLES)}")
    return value


def pagination() -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1 to API_MAX_PER_PAGE, default 50)."""
    maximum = current_app.config.get("API_MAX_PER_PAGE", 500)
    return (
        _integer("page", 1, 1, MAX_PAGE),
        _integer("per_page", min(DEFAULT_PER_PAGE, maximum), 1, maximum),
    )


def interval() -> str:
    """``interval``: day, week or month (default week)."""
    value = request.args.get("interval", "week")
    if value not in INTERVALS:
        raise BadParameterError("interval", f"{value!r} is not one of: {', '.join(INTERVALS)}")
    return value
