"""Parsing and validation of record fields, shared by the bundle, CSV imports and the API.

Each parser takes the raw value (a string from a CSV cell or any JSON value) and returns the
clean value or raises :class:`FieldError` with a message a researcher can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from tracker.models.base import (
    ACLED_EVENT_TYPES,
    CLAIM_STANCES,
    DATE_PRECISION,
    MAX_ID,
    RELEASE_KINDS,
    VERIFICATION,
)
from tracker.services.rules.remembered import RememberedFields

MAX_NOTES = 10_000
MAX_NAME = 300
MAX_URL = 2000
# A source's publisher: the width of ``sources.publisher``.
MAX_PUBLISHER = 200
# A source's title: long enough for any headline or report title (bundles have always taken 2000).
MAX_TITLE = 2000
ACLED_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")
# A slug or key: lower-case letters and digits in words joined by single hyphens, at most 80
# characters ("afghanistan-2020", "gov-releases"). Not "a--b", "-a" or "a-": such names are
# typing slips, and refusing them keeps every address unambiguous. Nothing else names a process.
SLUG = re.compile(r"(?=.{1,80}$)[a-z0-9]+(-[a-z0-9]+)*")
SLUG_RULE = "may use only letters a-z, digits and single hyphens"
# Every stored date lies in this range: wide enough for any peace process, narrow enough that
# date arithmetic (weeks, projections, axes) never leaves what Python and the databases hold.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
# The largest count, target, estimate or fatality figure accepted: far above any prisoner
# release or single event on record, far below what the integer columns hold.
MAX_COUNT = 10_000_000


class FieldError(ValueError):
    """A value that cannot be accepted; the message says why and what is expected."""


def is_slug(value: Any) -> bool:
    """Whether ``value`` could be a process slug."""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def slug(value: Any) -> str:
    """A slug or key (see :data:`SLUG`); surrounding spaces are dropped and capitals lowered."""
    cleaned = required_text(80)(value).lower()
    if not is_slug(cleaned):
        raise FieldError(SLUG_RULE)
    return cleaned


def record_id(value: Any) -> int | None:
    """A submitted row id (12 or "12", ASCII digits) within the database's integer range, else
    None: a larger number names no row, and the database would fail on it rather than say so."""
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,10}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_ID else None


def is_blank(value: Any) -> bool:
    """None, or a string with only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int) -> Callable[[Any], str]:
    """A parser for free text up to ``max_length`` characters (blank gives "")."""

    def parse(value: Any) -> str:
        # One strip for the blank test and the value: the parser runs on every CSV cell.
        if isinstance(value, str):
            value = value.strip()
            if len(value) > max_length:
                raise FieldError(f"is {len(value):,} characters long; the limit is {max_length:,}")
            return value or ""  # a blank str subclass (Markup) gives "" as is_blank did
        if value is None:
            return ""
        raise FieldError("must be text")

    return parse


def parse_date(value: Any, allow_future: bool = False) -> date:
    """A real calendar date: ``2020-04-09`` or ACLED's ``09 April 2020``; not in the future."""
    if isinstance(value, date):
        parsed = value
    elif not isinstance(value, str) or is_blank(value):
        raise FieldError("must be a date such as 2020-04-09")
    else:
        raw = value.strip()
        parsed = None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            try:
                parsed = date.fromisoformat(raw)
            except ValueError:
                raise FieldError(f"{raw!r} is not a real date (year-month-day)") from None
        else:
            for fmt in ACLED_DATE_FORMATS:
                try:
                    parsed = datetime.strptime(raw, fmt).date()
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise FieldError(f"{raw!r} is not a date; use 2020-04-09 or 09 April 2020")
    if not allow_future and parsed > date.today():
        raise FieldError(f"{parsed.isoformat()} is in the future")
    if not MIN_DATE <= parsed <= MAX_DATE:
        raise FieldError(
            f"{parsed.isoformat()} is outside the years the tracker holds "
            f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})"
        )
    return parsed


def optional_date(value: Any) -> date | None:
    """A date, or None when blank."""
    return None if is_blank(value) else parse_date(value)


def integer(minimum: int = 0, maximum: int = MAX_COUNT) -> Callable[[Any], int]:
    """A parser for whole numbers from ``minimum`` to ``maximum`` (``"1,000"`` is accepted)."""

    def parse(value: Any) -> int:
        if is_blank(value):
            raise FieldError("is required: enter a whole number")
        if isinstance(value, bool):
            raise FieldError("must be a whole number")
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9][0-9,]*\s*", value):
            digits = value.strip().replace(",", "")
            if len(digits.lstrip("+-")) > 20:  # out of range anyway; int() refuses 4,300 digits
                raise FieldError(f"must be from {minimum:,} to {maximum:,}")
            number = int(digits)
        else:
            raise FieldError(f"{value!r} is not a whole number")
        if number < minimum:
            kind = "positive" if minimum == 1 else f"at least {minimum}"
            raise FieldError(f"must be {kind}; got {number}")
        if number > maximum:
            raise FieldError(f"must be at most {maximum:,}; got {number:,}")
        return number

    return parse


def optional(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap a parser so a blank value gives None."""

    def parse(value: Any) -> Any:
        return None if is_blank(value) else parser(value)

    return parse


def choice(values: tuple, default: Any = None) -> Callable[[Any], Any]:
    """A parser for one of ``values``; blank gives ``default`` (or an error when there is none)."""

    def parse(value: Any) -> Any:
        if is_blank(value):
            if default is None:
                raise FieldError(f"is required; one of: {', '.join(map(str, values))}")
            return default
        cleaned = value.strip() if isinstance(value, str) else value
        if cleaned not in values:
            raise FieldError(f"{value!r} is not one of: {', '.join(map(str, values))}")
        return cleaned

    return parse


def scale(low: int, high: int, default: int | None) -> Callable[[Any], int | None]:
    """A parser for an integer scale such as ACLED's precision codes 1-3."""
    whole = integer(low)

    def parse(value: Any) -> int | None:
        if is_blank(value):
            return default
        number = whole(value)
        if number > high:
            raise FieldError(f"must be between {low} and {high}; got {number}")
        return number

    return parse


def coordinate(limit: float) -> Callable[[Any], float | None]:
    """A parser for a latitude (limit 90) or longitude (limit 180)."""

    def parse(value: Any) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):  # is_blank
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise FieldError(f"{value!r} is not a number") from None
        if not -limit <= number <= limit:
            raise FieldError(f"must be between -{limit:g} and {limit:g}; got {number:g}")
        return number

    return parse


def url(value: Any) -> str:
    """A well-formed http(s) URL."""
    if not isinstance(value, str) or is_blank(value):
        raise FieldError("must be a URL such as https://example.org/article")
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # "https://[::1": an unclosed bracket where an IPv6 host would be
        raise FieldError(f"{value!r} is not a well-formed web address") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise FieldError(f"{value!r} is not a web address starting with http:// or https://")
    if len(value) > MAX_URL:
        raise FieldError(f"is longer than {MAX_URL} characters")
    return value


def publisher(value: Any) -> str:
    """A source's publisher, as short as its column; blank gives ""."""
    return text(MAX_PUBLISHER)(value)


def source_title(value: Any) -> str:
    """A source's title; blank gives ""."""
    return text(MAX_TITLE)(value)


def publisher_list(value: Any) -> list[str]:
    """Publishers separated by ``;`` (a JSON list is accepted too), one per URL of
    ``source_url`` in the same place: a blank keeps its place, so ``;UNAMA`` names no publisher
    for the first URL and UNAMA for the second."""
    if is_blank(value):
        return []
    items = value if isinstance(value, list) else str(value).split(";")
    names = []
    for number, item in enumerate(items, start=1):
        try:
            names.append(publisher(item))
        except FieldError as error:
            if len(items) == 1:
                raise
            raise FieldError(f"publisher {number} of {len(items)} {error}") from None
    return names


def publishers_by_url(raw_urls: Any, urls: list[str], names: list[str]) -> list[str]:
    """``names`` (by place in the raw ``source_url`` list) paired with the clean ``urls``.

    ``url_list`` drops blank places and repeated URLs; a URL keeps the first publisher
    named for it.
    """
    if not names or is_blank(raw_urls):
        return [""] * len(urls)
    places = raw_urls if isinstance(raw_urls, list) else str(raw_urls).split(";")
    named: dict[str, str] = {}
    for place, raw in enumerate(places[: len(names)]):
        if isinstance(raw, str) and names[place] and not named.get(raw.strip()):
            named[raw.strip()] = names[place]
    return [named.get(url, "") for url in urls]


def split_list(value: Any) -> list[str]:
    """Values separated by ``;`` (a JSON list is accepted too); blanks dropped."""
    if is_blank(value):
        return []
    items = value if isinstance(value, list) else str(value).split(";")
    return [str(item).strip() for item in items if not is_blank(item)]


def url_list(value: Any) -> list[str]:
    """URLs separated by ``;``."""
    urls = []
    for item in split_list(value):
        urls.append(url(item))
    return list(dict.fromkeys(urls))


def actor_list(value: Any) -> list[str]:
    """Actor names separated by ``;``."""
    names = [text(MAX_NAME)(item) for item in split_list(value)]
    return list(dict.fromkeys(names))


def check_range(low: Any, middle: Any, high: Any, names: tuple[str, str, str]) -> dict[str, str]:
    """Errors, by field, when low estimate <= best figure <= high estimate does not hold.

    The message reads the same in a form, a CSV row and a bundle: "Low estimate (150) is more
    than count (100)".
    """
    errors = {}
    if low is not None and middle is not None and low > middle:
        errors[names[0]] = f"Low estimate ({low}) is more than {names[1]} ({middle})"
    if high is not None and middle is not None and high < middle:
        errors[names[2]] = f"High estimate ({high}) is less than {names[1]} ({middle})"
    return errors


def parse_fields(
    raw: Mapping[str, Any],
    parsers: Mapping[str, Callable[[Any], Any]],
    names: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Run each field's parser; return the clean values and the errors by field name.

    ``names`` maps a parser's field to the name the input uses for it (a form's ``stated_on``
    for a claim's ``date``); errors are keyed by the input's name.
    """
    clean, errors = {}, {}
    for name, parser in parsers.items():
        given = (names or {}).get(name, name)
        try:
            clean[name] = parser(raw.get(given))
        except FieldError as error:
            errors[given] = str(error)
    return clean, errors


RELEASE_FIELDS = {
    "date": parse_date,
    "kind": choice(RELEASE_KINDS, "batch"),
    "count": integer(1),
    "count_low": optional(integer(0)),
    "count_high": optional(integer(0)),
    "date_precision": choice(DATE_PRECISION, "day"),
    "location": text(200),
    "verification": choice(VERIFICATION, "reported"),
    "source_url": url_list,
    "source_name": publisher_list,
    "notes": text(MAX_NOTES),
}


def parse_release(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a release record given by its CSV field names."""
    clean, errors = parse_fields(raw, RELEASE_FIELDS)
    if "source_url" in clean and "source_name" in clean:
        clean["source_name"] = publishers_by_url(
            raw.get("source_url"), clean["source_url"], clean["source_name"]
        )
    if not errors:
        errors.update(
            check_range(
                clean["count_low"],
                clean["count"],
                clean["count_high"],
                ("count_low", "count", "count_high"),
            )
        )
    return clean, errors


def required_text(max_length: int) -> Callable[[Any], str]:
    """Free text that must not be blank."""
    parse_text = text(max_length)

    def parse(value: Any) -> str:
        if is_blank(value):
            raise FieldError("is required")
        return parse_text(value)

    return parse


VIOLENCE_FIELDS = {
    "event_id_cnty": text(64),
    "event_date": parse_date,
    "time_precision": scale(1, 3, 1),
    "event_type": choice(tuple(ACLED_EVENT_TYPES)),
    "sub_event_type": text(64),
    "actor1": required_text(MAX_NAME),
    "assoc_actor_1": text(500),
    "actor2": text(MAX_NAME),
    "assoc_actor_2": text(500),
    "country": text(100),
    "admin1": text(200),
    "admin2": text(200),
    "location": required_text(200),
    "latitude": coordinate(90),
    "longitude": coordinate(180),
    "geo_precision": scale(1, 3, None),
    "source": text(MAX_NOTES),
    "source_scale": text(100),
    "notes": text(MAX_NOTES),
    "fatalities": integer(0),
    "fatalities_low": optional(integer(0)),
    "fatalities_high": optional(integer(0)),
    "injuries": optional(integer(0)),
    "claimed_by": actor_list,
    "denied_by": actor_list,
    "verification": choice(VERIFICATION, "reported"),
    "source_url": url_list,
}


# VIOLENCE_FIELDS, remembering the outcome for each text seen: a CSV import asks the same
# questions row after row.
REMEMBERED_VIOLENCE_FIELDS = RememberedFields(VIOLENCE_FIELDS, FieldError)


def parse_violence(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a violence report given by its ACLED CSV field names."""
    clean, errors = REMEMBERED_VIOLENCE_FIELDS.parse(raw)
    check_violence(clean, errors)
    return clean, errors


def check_violence(clean: dict[str, Any], errors: dict[str, str]) -> None:
    """The rules across a report's fields, added to ``errors`` of its ``clean`` fields."""
    event_type, sub_type = clean.get("event_type"), clean.get("sub_event_type")
    if event_type and sub_type and sub_type not in ACLED_EVENT_TYPES[event_type]:
        errors["sub_event_type"] = (
            f"{sub_type!r} is not a sub-event type of {event_type!r}; expected one of: "
            + ", ".join(ACLED_EVENT_TYPES[event_type])
        )
    if "sub_event_type" in clean and not clean["sub_event_type"]:
        clean["sub_event_type"] = None
    if "fatalities" in clean and (
        clean.get("fatalities_low") is not None or clean.get("fatalities_high") is not None
    ):
        errors.update(
            check_range(
                clean.get("fatalities_low"),
                clean["fatalities"],
                clean.get("fatalities_high"),
                ("fatalities_low", "fatalities", "fatalities_high"),
            )
        )
    if (clean.get("latitude") is None) != (clean.get("longitude") is None) and not errors.keys() & {
        "latitude",
        "longitude",
    }:
        missing = "latitude" if clean.get("latitude") is None else "longitude"
        errors[missing] = "latitude and longitude go together: give both or neither"


CLAIM_FIELDS = {
    "actor": required_text(MAX_NAME),
    "stance": choice(CLAIM_STANCES),
    "date": optional_date,
    "notes": text(MAX_NOTES),
    "source_url": url_list,
}
