"""ACLED exports of every vintage, read into the tracker's violence rows (DOMAIN.md's columns).

- Today's export and the 2019-2020 export tool's (``data_id``, ``iso3``) need no mapping.
- Files from before ACLED's 2019 methodology change name their event types differently and
  call associated actors ``ally_actor_*``: the types are mapped with ACLED's own
  correspondence (below) and the old type is kept in ``original_event_type``.
- The monadic export (one row per actor) gives an event on consecutive rows with one
  ``event_id_cnty``: they become one event, the actors gathered and fatalities counted once.
- Dates re-saved by a spreadsheet (``9-May-20``, ``31-12-19``, ``18/04/2001``) are read with
  the row's ``year``; the day-month order comes from the file's unambiguous dates.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from operator import itemgetter

from tracker.services.interchange.csv_read import rows_as_wide_as_header
from tracker.services.interchange.kept_columns import ACLED, DATASETS

ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
# Columns only ACLED's own files have (the tracker's export names its data set instead).
ACLED_MARKERS = {"year", "data_id", "gwno", "event_id_no_cnty", "inter1", "interaction"}
# ACLED's correspondence of the event types used until 2019 to today's (ACLED, "Event type
# changes", 2019). Riots/Protests splits by its actors: rioters (inter code 5) made a riot.
OLD_EVENT_TYPES = {
    "battle-no change of territory": ("Battles", "Armed clash"),
    "battle-government regains territory": ("Battles", "Government regains territory"),
    "battle-non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "battle-non-state actors overtake territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "remote violence": ("Explosions/Remote violence", ""),
    "strategic development": ("Strategic developments", ""),
    "headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
    "non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
}
RIOTS_PROTESTS = "riots/protests"
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_name) if name})
MONTH_NAME_DATE = re.compile(r"(\d{1,2})[-/. ]([A-Za-z]{3,9})[-/. ](\d{2}|\d{4})")
NUMERIC_DATE = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
# The dates one file's reader remembers: ACLED files repeat each date many times, and a file
# of all-different dates must not make the memory grow with it.
DATES_REMEMBERED = 10_000
RESAVED = (
    "the file looks re-saved by a spreadsheet, which rewrote ACLED's dates; export it again "
    "from ACLED, or format the event_date column as yyyy-mm-dd (2020-04-09) before saving"
)


class DateOrder:
    """Whether the file's numeric dates put the day first: settled by any day above 12."""

    def __init__(self):
        self.day_first = False
        self.month_first = False

    def note(self, raw: str) -> None:
        match = NUMERIC_DATE.fullmatch(raw.strip())
        if match and len(match.group(1)) <= 2:
            first, second = int(match.group(1)), int(match.group(2))
            self.day_first |= first > 12
            self.month_first |= second > 12

    @property
    def settled(self) -> str | None:
        if self.day_first != self.month_first:
            return "day" if self.day_first else "month"
        return None


def _full_year(digits: str, year: str, raw: str) -> int:
    """A 2-digit year made whole by the row's ``year`` column (which must agree)."""
    known = int(year) if year.strip().isdigit() else None
    if len(digits) == 4:
        if known is not None and int(digits) != known:
            raise ValueError(f"{raw!r} is in {digits} but the row's year column says {known}")
        return int(digits)
    if known is None:
        raise ValueError(f"{raw!r} has a 2-digit year and the row has no year column; {RESAVED}")
    if known % 100 != int(digits):
        raise ValueError(f"{raw!r} does not fit the row's year column ({known}); {RESAVED}")
    return known


def excel_date(raw: str, year: str, order: DateOrder) -> str:
    """``raw`` as yyyy-mm-dd when a spreadsheet rewrote it; other forms are left as they are.

    Raises ValueError with the reason when the date cannot be read unambiguously.
    """
    text = raw.strip()
    match = MONTH_NAME_DATE.fullmatch(text)
    if match and match.group(2).lower() in MONTHS:
        day, month = int(match.group(1)), MONTHS[match.group(2).lower()]
        return _checked(_full_year(match.group(3), year, raw), month, day, raw)
    match = NUMERIC_DATE.fullmatch(text)
    if not match or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return raw
    first, second, last = match.groups()
    if len(first) == 4:
        return _checked(_full_year(first, year, raw), int(second), int(last), raw)
    full = _full_year(last, year, raw)
    a, b = int(first), int(second)
    if a > 12 or (a != b and b <= 12 and order.settled == "day"):
        day, month = a, b
    elif b > 12 or (a != b and order.settled == "month"):
        day, month = b, a
    elif a == b:
        day = month = a
    else:
        raise ValueError(
            f"{raw!r} could be {a} {calendar.month_name[b]} or {b} {calendar.month_name[a]} "
            f"{full}: {RESAVED}"
        )
    return _checked(full, month, day, raw)


def _checked(year: int, month: int, day: int, raw: str) -> str:
    """yyyy-mm-dd, or ValueError when there is no such day."""
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        raise ValueError(f"{raw!r} is not a real date")
    return f"{year:04d}-{month:02d}-{day:02d}"


def map_event_type(row: dict[str, str]) -> None:
    """Rewrite a pre-2019 event type to today's, keeping the old one in original_event_type."""
    old = row.get("event_type", "").strip()
    key = old.lower()
    if key == RIOTS_PROTESTS:
        rioters = "5" in (row.get("inter1", "").strip(), row.get("inter2", "").strip())
        new = ("Riots", "") if rioters else ("Protests", "")
    elif key in OLD_EVENT_TYPES:
        new = OLD_EVENT_TYPES[key]
    else:
        return
    row["event_type"], row["sub_event_type"] = new[0], row.get("sub_event_type") or new[1]
    row["original_event_type"] = old


class AcledReader:
    """Turns the rows of an ACLED file into violence rows; collects what the import notes."""

    def __init__(self, names: list[str], wanted: set[str], order: DateOrder):
        self.names = names
        self.wanted = wanted
        self.order = order
        self.columns = [
            (index, ALIASES.get(name, name))
            for index, name in enumerate(names)
            if ALIASES.get(name, name) in wanted
            and not (name in ALIASES and ALIASES[name] in names)
        ]
        self.year_index = names.index("year") if "year" in names else None
        # Decided once per file: which cells a row takes, by the tracker's names.
        self._names = [name for _, name in self.columns]
        self._cells = itemgetter(*(index for index, _ in self.columns)) if self.columns else None
        self._dates: dict[tuple[str, str], tuple[str, bool]] = {}
        self.acled = bool(ACLED_MARKERS & set(names)) and "dataset" not in names
        self.ignored = [name for name in names if name not in wanted and name not in ALIASES]
        if "year" in self.ignored:
            self.ignored.remove("year")
        self.old_types: dict[str, int] = {}
        self.merged = 0

    def describe(self) -> list[str]:
        """Lines for the preview and the CLI: what was read and how."""
        lines = []
        if self.old_types:
            listed = ", ".join(f"{name} ({count:,})" for name, count in self.old_types.items())
            lines.append(
                "Event types of ACLED files before 2019 mapped to today's (the old type is "
                f"kept on each report): {listed}"
            )
        if self.merged:
            lines.append(
                f"{self.merged:,} rows of ACLED's monadic format (one row per actor) merged "
                "into the events they belong to; fatalities counted once"
            )
        if self.ignored:
            lines.append("ignored: " + ", ".join(self.ignored))
        return lines

    def row(self, cells: list[str]) -> dict[str, str]:
        """One row by the tracker's column names, event type mapped (dates not yet)."""
        if len(self.columns) == 1:
            row = {self._names[0]: self._cells(cells)}
        else:
            row = dict(zip(self._names, self._cells(cells) if self._cells else (), strict=True))
        if self.acled:
            row.setdefault("dataset", ACLED)
            row.setdefault("licence", DATASETS[ACLED]["licence"])
        before = row.get("event_type", "")
        map_event_type(row)
        if row.get("original_event_type") and row["event_type"] != before:
            self.old_types[before] = self.old_types.get(before, 0) + 1
        return row

    def date(self, row: dict[str, str], cells: list[str]) -> None:
        """Rewrite a spreadsheet's date as yyyy-mm-dd (ValueError when it cannot be read)."""
        year = cells[self.year_index] if self.year_index is not None else ""
        raw = row.get("event_date", "")
        known = self._dates.get((raw, year))
        if known is None:
            try:
                known = (excel_date(raw, year, self.order), True)
            except ValueError as error:
                known = (str(error), False)
            if len(self._dates) < DATES_REMEMBERED:
                self._dates[(raw, year)] = known
        if not known[1]:
            raise ValueError(known[0])
        row["event_date"] = known[0]

    def merge(self, first: dict[str, str], other: dict[str, str], line: int) -> str | None:
        """Fold a monadic row into its event; the reason when they cannot be one event."""
        for column in ("event_date", "fatalities", "location", "event_type"):
            if first.get(column, "").strip() != other.get(column, "").strip():
                return (
                    f"{first['event_id_cnty']!r} is already on line {line}, with another "
                    f"{column} ({first.get(column)!r}, here {other.get(column)!r}): one event "
                    "id is one event (the rows of ACLED's monadic format, one per actor, agree "
                    "on date, place, type and fatalities)"
                )
        named = {first.get("actor1", ""), first.get("actor2", "")}
        for side in ("1", "2"):
            named |= {a.strip() for a in first.get(f"assoc_actor_{side}", "").split(";")}
        for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
            for actor in other.get(column, "").split(";"):
                actor = actor.strip()
                if actor and actor not in named:
                    side = "2" if column in ("actor1", "assoc_actor_1") else "1"
                    key = f"assoc_actor_{side}" if first.get(f"actor{side}") else f"actor{side}"
                    first[key] = "; ".join(filter(None, (first.get(key, ""), actor)))
                    named.add(actor)
        self.merged += 1
        return None


def read_acled(
    reader: AcledReader, rows: Iterator[tuple[int, list[str]]], errors
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) per event; consecutive monadic rows of one event come out as one."""
    held: tuple[int, dict[str, str]] | None = None
    for line, cells in rows_as_wide_as_header(rows, reader.names, errors):
        row = reader.row(cells)
        try:
            reader.date(row, cells)
        except ValueError as error:
            errors.add(line, "event_date", str(error))
            continue
        event_id = row.get("event_id_cnty", "").strip()
        if held and event_id and held[1].get("event_id_cnty", "").strip() == event_id:
            problem = reader.merge(held[1], row, held[0])
            if problem:
                errors.add(line, "event_id_cnty", problem)
            continue
        if held:
            yield held
        held = (line, row)
    if held:
        yield held
