"""Which kind of violence file this is (ACLED of any vintage, UCDP GED, the tracker's own
export), and its rows by the tracker's column names, ready for the shared validation.

Also the ``claims`` column of the tracker's own export: each claim or denial with its date,
notes and sources, as JSON, so that export then import loses nothing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from tracker.services.interchange import csv_read as C
from tracker.services.interchange.acled import AcledReader, DateOrder, read_acled
from tracker.services.interchange.kept_columns import KEPT_COLUMNS, KEPT_FIELDS
from tracker.services.interchange.ucdp import GedReader, is_ged, read_ged
from tracker.services.rules import fields as F
from tracker.services.rules.remembered import RememberedFields

CLAIMS = "claims"
REQUIRED = ("event_date", "event_type", "actor1", "location", "fatalities")
COLUMNS = (*F.VIOLENCE_FIELDS, *KEPT_COLUMNS, CLAIMS)
# A report's fields and the kept columns its row has, parsed in one pass (the two sets of
# names are apart, so one pass gives what the two gave one after the other).
REPORT_FIELDS = RememberedFields(
    {**F.VIOLENCE_FIELDS, **KEPT_FIELDS}, F.FieldError, optional=KEPT_COLUMNS
)


def _note_dates(stream: BinaryIO, order: DateOrder) -> None:
    """Note the day-month order of every numeric date of the file's event_date column."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        reader = csv.reader(text)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if "event_date" in header:
            index = header.index("event_date")
            for cells in reader:
                if index < len(cells):
                    order.note(cells[index])
    except csv.Error:
        pass  # the import itself names the problem
    finally:
        text.detach()


class _DateOrderOfFile(DateOrder):
    """The day-month order of the file's numeric dates, read (in a pass of its own over the
    file) the first time a date needs it: ACLED's own files and ISO dates never do, and the
    pass costs as much as reading the file's rows."""

    def __init__(self, stream: BinaryIO):
        super().__init__()
        self._stream = stream
        self._read = False

    @property
    def settled(self) -> str | None:
        if not self._read:
            self._read = True
            position = self._stream.tell()
            try:
                _note_dates(self._stream, self)
            finally:
                self._stream.seek(position)  # where the import's own reading stands
        return super().settled


def read_violence_rows(
    stream: BinaryIO, errors: C.ErrorList, notes: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row by the tracker's names) for each event of an ACLED, GED or tracker file.

    ``notes`` receives, once the file is read, what the preview and the CLI should say about
    it (the format, old types mapped, monadic rows merged, columns ignored).
    """
    C._sniff(stream)
    order = _DateOrderOfFile(stream)
    with contextlib.closing(C._rows(stream, errors)) as rows:
        first = next(rows, None)
        if first is None:
            errors.raise_if_any()
            raise C.CsvImportError([C.RowError(1, "", "the file is empty")])
        names = [cell.strip().lower() for cell in first[1]]
        if is_ged(names):
            reader = GedReader(names)
            events = read_ged(reader, rows, errors)
        else:
            C._header(first[1], REQUIRED, COLUMNS)
            reader = AcledReader(names, set(COLUMNS), order)
            events = read_acled(reader, rows, errors)
        any_row = False
        for line, row in events:
            any_row = True
            yield line, C.undo_neutralisation_of_row(row)
        notes.extend(reader.describe())
    if not any_row and not errors:
        raise C.CsvImportError([C.RowError(2, "", "the file has a header but no rows")])


def parse_report(raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A CSV row's report: the kind's rules (fields.parse_violence), the kept columns of the
    source data set (kept_columns.parse_kept) and the claims' details, with the errors in the
    order those steps name them."""
    report, errors = REPORT_FIELDS.parse(raw)
    kept_errors = {}
    if errors:
        kept_errors = {name: errors.pop(name) for name in list(errors) if name in KEPT_FIELDS}
    F.check_violence(report, errors)
    errors.update(kept_errors)
    if not errors:
        report["claims"], problem = claims_of(report, raw)
        if problem:
            errors["claims"] = problem
    return report, errors


def claims_of(report: dict[str, Any], raw: dict[str, str]) -> tuple[list[dict], str | None]:
    """The report's claims: claimed_by/denied_by, with details from the claims column.

    Without a claims column, a claim keeps the date, notes and sources it already has.
    """
    cell = raw.get(CLAIMS, "")
    if not cell and not report["claimed_by"] and not report["denied_by"]:
        return [], None  # most reports: nothing claimed, nothing to check
    details: dict[tuple[str, str], dict] = {}
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
            clean, problems = F.parse_fields(item, F.CLAIM_FIELDS)
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
    # The claims column's order first (the export's), then actors it does not detail.
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
                    "keep_details": CLAIMS not in raw,
                }
            )
    return claims, None


def claims_cell(claims: list[dict]) -> str:
    """The claims column of the export: each claim with its details, as JSON ("" if none)."""
    return json.dumps(claims, ensure_ascii=False) if claims else ""
