"""The violence CSV's field rules as they were before issue 13 made them fast, kept as the
oracle of tests/test_violence_parse.py (with tests/violence_reference.py for the reading):
straightforward, one parser call per field. Do not optimise this module."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from tracker.models.base import ACLED_EVENT_TYPES, CLAIM_STANCES, VERIFICATION
from tracker.services.rules.fields import MAX_COUNT, MAX_DATE, MIN_DATE

ACLED_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")


class FieldError(ValueError):
    """The reference's own error type, so that the fast code's cannot leak into it."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if is_blank(value):
            return ""
        if not isinstance(value, str):
            raise FieldError("must be text")
        value = value.strip()
        if len(value) > max_length:
            raise FieldError(f"is {len(value):,} characters long; the limit is {max_length:,}")
        return value

    return parse


def required_text(max_length: int) -> Callable[[Any], str]:
    parse_text = text(max_length)

    def parse(value: Any) -> str:
        if is_blank(value):
            raise FieldError("is required")
        return parse_text(value)

    return parse


def parse_date(value: Any, allow_future: bool = False) -> date:
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
    return None if is_blank(value) else parse_date(value)


def integer(minimum: int = 0, maximum: int = MAX_COUNT) -> Callable[[Any], int]:
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
            if len(digits.lstrip("+-")) > 20:
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


def optional(parser):
    def parse(value: Any) -> Any:
        return None if is_blank(value) else parser(value)

    return parse


def choice(values: tuple, default: Any = None):
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


def scale(low: int, high: int, default: int | None):
    whole = integer(low)

    def parse(value: Any) -> int | None:
        if is_blank(value):
            return default
        number = whole(value)
        if number > high:
            raise FieldError(f"must be between {low} and {high}; got {number}")
        return number

    return parse


def coordinate(limit: float):
    def parse(value: Any) -> float | None:
        if is_blank(value):
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
    if not isinstance(value, str) or is_blank(value):
        raise FieldError("must be a URL such as https://example.org/article")
    value = value.strip()
    try:  # the one change since: an unclosed IPv6 bracket raised ValueError (a crash)
        parts = urlsplit(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a well-formed web address") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise FieldError(f"{value!r} is not a web address starting with http:// or https://")
    if len(value) > 2000:
        raise FieldError("is longer than 2000 characters")
    return value


def split_list(value: Any) -> list[str]:
    if is_blank(value):
        return []
    items = value if isinstance(value, list) else str(value).split(";")
    return [str(item).strip() for item in items if not is_blank(item)]


def url_list(value: Any) -> list[str]:
    return list(dict.fromkeys(url(item) for item in split_list(value)))


def actor_list(value: Any) -> list[str]:
    return list(dict.fromkeys(text(300)(item) for item in split_list(value)))


def parse_fields(raw, parsers, names=None):
    clean, errors = {}, {}
    for name, parser in parsers.items():
        given = (names or {}).get(name, name)
        try:
            clean[name] = parser(raw.get(given))
        except FieldError as error:
            errors[given] = str(error)
    return clean, errors


def check_range(low, middle, high, names):
    errors = {}
    if low is not None and middle is not None and low > middle:
        errors[names[0]] = f"Low estimate ({low}) is more than {names[1]} ({middle})"
    if high is not None and middle is not None and high < middle:
        errors[names[2]] = f"High estimate ({high}) is less than {names[1]} ({middle})"
    return errors


VIOLENCE_FIELDS = {
    "event_id_cnty": text(64),
    "event_date": parse_date,
    "time_precision": scale(1, 3, 1),
    "event_type": choice(tuple(ACLED_EVENT_TYPES)),
    "sub_event_type": text(64),
    "actor1": required_text(300),
    "assoc_actor_1": text(500),
    "actor2": text(300),
    "assoc_actor_2": text(500),
    "country": text(100),
    "admin1": text(200),
    "admin2": text(200),
    "location": required_text(200),
    "latitude": coordinate(90),
    "longitude": coordinate(180),
    "geo_precision": scale(1, 3, None),
    "source": text(10_000),
    "source_scale": text(100),
    "notes": text(10_000),
    "fatalities": integer(0),
    "fatalities_low": optional(integer(0)),
    "fatalities_high": optional(integer(0)),
    "injuries": optional(integer(0)),
    "claimed_by": actor_list,
    "denied_by": actor_list,
    "verification": choice(VERIFICATION, "reported"),
    "source_url": url_list,
}
KEPT_FIELDS = {
    "disorder_type": text(100),
    "civilian_targeting": text(100),
    "inter1": text(100),
    "inter2": text(100),
    "interaction": text(100),
    "admin3": text(200),
    "iso": text(10),
    "iso3": text(3),
    "region": text(100),
    "tags": text(10_000),
    "timestamp": text(20),
    "original_event_type": text(100),
    "type_of_violence": scale(1, 3, None),
    "dataset": text(100),
    "licence": text(100),
}
CLAIM_FIELDS = {
    "actor": required_text(300),
    "stance": choice(CLAIM_STANCES),
    "date": optional_date,
    "notes": text(10_000),
    "source_url": url_list,
}


def parse_violence(raw):
    clean, errors = parse_fields(raw, VIOLENCE_FIELDS)
    event_type, sub_type = clean.get("event_type"), clean.get("sub_event_type")
    if event_type and sub_type and sub_type not in ACLED_EVENT_TYPES[event_type]:
        errors["sub_event_type"] = (
            f"{sub_type!r} is not a sub-event type of {event_type!r}; expected one of: "
            + ", ".join(ACLED_EVENT_TYPES[event_type])
        )
    if "sub_event_type" in clean and not clean["sub_event_type"]:
        clean["sub_event_type"] = None
    if "fatalities" in clean:
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
    return clean, errors


def parse_kept(raw):
    present = {name: parser for name, parser in KEPT_FIELDS.items() if name in raw}
    return parse_fields(raw, present)


def claims_of(report, raw):
    details = {}
    cell = raw.get("claims", "")
    if cell and cell.strip():
        try:
            listed = json.loads(cell)
        except json.JSONDecodeError as error:
            return [], f"is not the JSON list the export writes ({error.msg})"
        except RecursionError:
            return [], "is not the JSON list the export writes (nested too deeply)"
        if not isinstance(listed, list):
            return [], "must be a JSON list of claims"
        for index, item in enumerate(listed):
            if not isinstance(item, dict):
                return [], f"claim {index + 1} must be an object"
            clean, problems = parse_fields(item, CLAIM_FIELDS)
            if problems:
                name, message = next(iter(problems.items()))
                return [], f"claim {index + 1}, {name}: {message}"
            details[(clean["actor"], clean["stance"])] = clean
    named = [
        (actor, stance)
        for stance, column in (("claimed", "claimed_by"), ("denied", "denied_by"))
        for actor in report[column]
    ]
    for actor, stance in details:
        if (actor, stance) not in named:
            column = "claimed_by" if stance == "claimed" else "denied_by"
            return [], f"names {actor!r} as {stance}, but {column} does not"
    claims = list(details.values())
    for actor, stance in named:
        if (actor, stance) not in details:
            claims.append(
                {
                    "actor": actor,
                    "stance": stance,
                    "date": None,
                    "notes": "",
                    "source_url": [],
                    "keep_details": "claims" not in raw,
                }
            )
    return claims, None


def parse_row(raw):
    """csv_import._parse_violence as it was."""
    report, errors = parse_violence(raw)
    kept, kept_errors = parse_kept(raw)
    report.update(kept)
    errors.update(kept_errors)
    if not errors:
        report["claims"], problem = claims_of(report, raw)
        if problem:
            errors["claims"] = problem
    return report, errors
