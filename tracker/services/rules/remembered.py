"""A set of field parsers that remembers what each gave for the short texts it has seen.

An ACLED file repeats the same few values row after row (event types, precisions, countries,
provinces, dates, "0" fatalities, blank optional cells): the import of 100,000 rows called a
parser four million times for a few thousand different texts. The parsers are pure functions
of the text (but for ``parse_date``, which compares with today: everything remembered is
forgotten when the day changes), so a remembered outcome, value or error message, is exactly
what the call would give. Lists are remembered as tuples and given as a new list each time;
other results that a caller could change are not kept. Only short texts are remembered, and
each field forgets all when it has seen too many, so memory stays small whatever the file.

A row of texts is looked up with ``map`` (a loop in C, not one Python step per field); the
per-field loop runs only for a row with an error, or with values that are not plain text
(JSON numbers and lists, ``str`` subclasses such as Markup), which are parsed as they come.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from operator import getitem
from typing import Any

# Values longer than this are parsed each time (notes, sources: rarely repeated, and a
# remembered 50 MB cell would stay in memory).
LONGEST_REMEMBERED = 64
# Outcomes a field keeps before it forgets them all and starts again.
REMEMBERED_PER_FIELD = 4096
# Results that no caller can change in place, so one object can serve every row.
UNCHANGEABLE = (str, int, float, date, type(None))
TEXT_TYPES = frozenset({str, type(None)})


class _Error:
    """A parser's refusal: its message."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class _Listed(tuple):
    """A parser's list of texts, kept as a tuple; each row gets a list of its own."""

    __slots__ = ()


class _Unkept:
    """A result that callers could change in place: given to this row only, never kept."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value


class _Outcomes(dict):
    """One field's outcomes by text; a text not seen yet is parsed, and kept when it may be."""

    __slots__ = ("name", "parser", "failure", "listing")

    def __init__(self, name: str, parser: Callable[[Any], Any], failure, listing: set[str]):
        super().__init__()
        self.name = name
        self.parser = parser
        self.failure = failure
        self.listing = listing  # the names of the fields that have given a list

    def __missing__(self, value: str | None) -> Any:
        try:
            result = self.parser(value)
        except self.failure as error:
            outcome: Any = _Error(str(error))
        else:
            if isinstance(result, UNCHANGEABLE):
                outcome = result
            elif type(result) is list and all(type(item) is str for item in result):
                outcome = _Listed(result)
                self.listing.add(self.name)
            else:
                return _Unkept(result)
        if value is None or len(value) <= LONGEST_REMEMBERED:
            if len(self) >= REMEMBERED_PER_FIELD:
                self.clear()
            self[value] = outcome
        return outcome


class RememberedFields:
    """``parse`` runs each field's parser on a row, as ``fields.parse_fields`` does (same
    values, same errors, same order), but answers from memory for a text seen before.

    The ``optional`` fields are parsed only when the row has them (the kept columns of the
    source data set: an absent one changes nothing).
    """

    def __init__(
        self,
        parsers: Mapping[str, Callable[[Any], Any]],
        failure: type[Exception],
        optional: Collection[str] = (),
    ):
        self.parsers = dict(parsers)
        self.failure = failure  # the parsers' error (FieldError): its message is the outcome
        self._listing: set[str] = set()
        self._all = (
            tuple(self.parsers),
            tuple(
                _Outcomes(name, parser, failure, self._listing)
                for name, parser in self.parsers.items()
            ),
            tuple(self.parsers.values()),
        )
        self._optional = tuple(name for name in self.parsers if name in optional)
        # The fields to parse, by which optional ones a row has (a file's rows have the same).
        self._present: dict[tuple[bool, ...], tuple[tuple, tuple, tuple]] = {}
        self._day = date.today()

    def parse(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The clean values and the errors by field."""
        today = date.today()
        if today != self._day:  # parse_date's "in the future" has moved
            for outcomes in self._all[1]:
                outcomes.clear()
            self._day = today
        names, outcomes, parsers = self._fields_of(raw) if self._optional else self._all
        values = list(map(raw.get, names))
        if not TEXT_TYPES.issuperset(map(type, values)):
            return self._parse_each(names, parsers, values)
        known = list(map(getitem, outcomes, values))
        kinds = set(map(type, known))
        if _Error not in kinds and _Unkept not in kinds:  # a valid row: the common case
            clean = dict(zip(names, known, strict=False))  # equal lengths; strict costs
            if _Listed in kinds:
                for name in self._listing:
                    if type(clean.get(name)) is _Listed:
                        clean[name] = list(clean[name])
            return clean, {}
        clean = {}
        errors: dict[str, str] = {}
        for name, outcome in zip(names, known, strict=True):
            kind = type(outcome)
            if kind is _Error:
                errors[name] = outcome.message
            elif kind is _Listed:
                clean[name] = list(outcome)
            elif kind is _Unkept:
                clean[name] = outcome.value
            else:
                clean[name] = outcome
        return clean, errors

    def _fields_of(self, raw: Mapping[str, Any]) -> tuple[tuple, tuple, tuple]:
        """(names, outcomes, parsers) of the fields to parse for ``raw``."""
        present = tuple(map(raw.__contains__, self._optional))
        fields = self._present.get(present)
        if fields is None:
            absent = {name for name, has in zip(self._optional, present, strict=True) if not has}
            chosen = [index for index, name in enumerate(self._all[0]) if name not in absent]
            fields = tuple(tuple(column[index] for index in chosen) for column in self._all)
            if len(self._present) < REMEMBERED_PER_FIELD:
                self._present[present] = fields
        return fields

    def _parse_each(self, names, parsers, values) -> tuple[dict[str, Any], dict[str, str]]:
        """Each parser on its value, nothing remembered: values that are not plain text."""
        clean: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, parser, value in zip(names, parsers, values, strict=True):
            try:
                clean[name] = parser(value)
            except self.failure as error:
                errors[name] = str(error)
        return clean, errors
