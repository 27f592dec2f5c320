"""Query parameters of the API: parsed and checked, or a 400 that names the parameter."""

from __future__ import annotations

import re

from flask import current_app, request

from tracker.models.base import ACLED_EVENT_TYPES, MAX_ID  # noqa: F401 - for openapi
from tracker.services.figures.violence import ACTOR_ROLES, ViolenceFilter
from tracker.services.rules.filters import DEFAULT_INTERVAL, BadFilterError, filters_from_request

MAX_PAGE = 1_000_000
DEFAULT_PER_PAGE = 50
# Ids past MAX_ID never reach a view: the app's <int:...> converter stops at it (tracker.routing).


BadParameterError = BadFilterError  # the API's name for a query parameter it cannot use


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
    # The document lists the values of these two: a blank one is none of them. (The pages'
    # forms send blanks for "any"; the filter parser, shared with them, takes blank as no filter.)
    for name, allowed in (("event_type", ACLED_EVENT_TYPES), ("actor_role", ACTOR_ROLES)):
        if "" in request.args.getlist(name):
            raise BadParameterError(name, f"must be one of: {', '.join(allowed)}")
    # A "to" before "from" is an empty range, not an error: the schema cannot say otherwise.
    found = filters_from_request(request.args, ("from", "to", "event_type", "actor", "actor_role"))
    found.raise_first()
    return found.violence()


def pagination() -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1 to API_MAX_PER_PAGE, default 50)."""
    maximum = current_app.config.get("API_MAX_PER_PAGE", 500)
    return (
        _integer("page", 1, 1, MAX_PAGE),
        _integer("per_page", min(DEFAULT_PER_PAGE, maximum), 1, maximum),
    )


def interval() -> str:
    """``interval``: day, week or month (default week)."""
    if request.args.get("interval") == "":
        raise BadParameterError("interval", "must be one of: day, week, month")
    found = filters_from_request(request.args, ("interval",))
    found.raise_first()
    return found.values.get("interval", DEFAULT_INTERVAL)
