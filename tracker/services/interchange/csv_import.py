"""CSV imports of violence reports (ACLED's columns) and release records (DOMAIN.md).

The file is read one row at a time, so memory stays flat however long it is (the only thing
that grows is the set of row keys used to catch a record given twice). Valid rows are written
in chunks of :data:`CHUNK`, in the caller's transaction, each chunk with one look-up query for
its existing records and one for its sources; once any row is bad, writing stops, the rest of
the file is still checked so every error is listed, and :class:`CsvImportError` tells the
caller to roll back. The caller commits: one transaction, all or nothing.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess
from tracker.services.interchange.batch import PrefetchedSources, release_lookup, violence_lookup
from tracker.services.interchange.bundle import ImportCounts
from tracker.services.interchange.writers import write_release, write_violence
from tracker.services.rules import fields as F
from tracker.services.rules.characters import unstorable_character

MAX_LISTED_ERRORS = 100
PREVIEW_ROWS = 10
# A cell may be far longer than any field accepts: the field's parser then names the column
# and the limit, which helps more than the csv module's bare "field larger than field limit".
MAX_CELL = 64 * 1024 * 1024
# Valid rows are written in chunks: one look-up query per chunk (not per row), one flush, and
# then the session forgets them so it does not grow with the file.
CHUNK = 1000
SNIFF_BYTES = 64 * 1024
VIOLENCE_REQUIRED = ("event_date", "event_type", "actor1", "location", "fatalities")
VIOLENCE_COLUMNS = tuple(F.VIOLENCE_FIELDS)
RELEASE_REQUIRED = ("date", "count")
RELEASE_COLUMNS = tuple(F.RELEASE_FIELDS)
# Export prefixes such cells with an apostrophe (OWASP CSV injection); import removes it.
NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")

csv.field_size_limit(MAX_CELL)


@dataclass(frozen=True)
class RowError:
    """One problem: the file line where the row starts, the column (may be ""), the reason."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class CsvImportError(Exception):
    """A file that cannot be imported: the first errors, and how many more were not listed."""

    def __init__(self, errors: list[RowError], more: int = 0):
        super().__init__(f"{len(errors) + more} error(s) in the file")
        self.errors = errors
        self.more = more

    def lines(self) -> list[str]:
        """Each error as a line of text, then the count of the rest."""
        text = [str(error) for error in self.errors]
        if self.more:
            text.append(f"... and {self.more} more error(s) not listed.")
        return text


@dataclass
class CsvImportResult:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    preview: list[dict[str, Any]] = field(default_factory=list)


class ErrorList:
    """Errors found so far: the first 100 kept, the rest counted."""

    def __init__(self):
        self.errors: list[RowError] = []
        self.more = 0

    def add(self, line: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, column, message))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise CsvImportError(self.errors, self.more)


def undo_neutralisation(cell: str) -> str:
    """Remove the apostrophe an export put before ``=``, ``+``, ``-``, ``@``, tab or CR."""
    return cell[1:] if NEUTRALISED.match(cell) else cell


def _column_at(head: str, line: int, offset: int) -> str:
    """Best guess of the header column holding byte ``offset`` of ``line`` (for messages)."""
    lines = head.split("\n")
    header = next(csv.reader([lines[0]]), [])
    if line - 1 >= len(lines):
        return ""
    cells_before = lines[line - 1][:offset].count(",")
    return header[cells_before].strip() if cells_before < len(header) else ""


def _sniff(stream: BinaryIO) -> None:
    """Reject files that are empty, UTF-16 or not UTF-8 with a message saying what to do."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip(b"\xef\xbb\xbf \r\n\t"):
        raise CsvImportError([RowError(1, "", "the file is empty")])
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvImportError(
            [RowError(1, "", "the file is UTF-16 text; save it as CSV UTF-8 and try again")]
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as error:
        line = head[: error.start].count(b"\n") + 1
        line_start = head.rfind(b"\n", 0, error.start) + 1
        column = _column_at(head.decode("latin-1"), line, error.start - line_start)
        raise CsvImportError(
            [
                RowError(
                    line,
                    column,
                    f"the file is not UTF-8 text (byte 0x{head[error.start]:02X} cannot be "
                    "read); it looks like Latin-1 or Windows-1252. Save it as CSV UTF-8 "
                    "and try again",
                )
            ]
        ) from None


def _rows(stream: BinaryIO, errors: ErrorList) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells), decoding UTF-8 with or without a BOM."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                errors.add(line, "", f"the CSV cannot be read here: {error}")
                return
            if cells and any(cell.strip() for cell in cells):
                yield line, cells
    except UnicodeDecodeError as error:
        errors.add(
            reader.line_num + 1,
            "",
            f"the file is not UTF-8 text from here on ({error.reason}); save it as CSV UTF-8",
        )
    finally:
        text.detach()  # leave the caller's stream open


def _header(cells: list[str], required: tuple[str, ...], known: tuple[str, ...]) -> list[str]:
    """Column names (stripped, lower-case); errors for a wrong delimiter or missing columns."""
    names = [cell.strip().lower() for cell in cells]
    joined = ",".join(cells)
    if len(names) == 1:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if delimiter in joined:
                raise CsvImportError(
                    [
                        RowError(
                            1,
                            "",
                            f"the columns are separated by {label}, not commas; save the file "
                            "as comma-separated CSV (UTF-8) and try again",
                        )
                    ]
                )
    problems = [
        RowError(1, column, "this required column is missing")
        for column in required
        if column not in names
    ]
    seen = set()
    for name in names:
        if name in known and name in seen:
            problems.append(RowError(1, name, "this column appears twice in the header"))
        seen.add(name)
    if problems:
        raise CsvImportError(problems)
    return names


def _read(
    stream: BinaryIO,
    required: tuple[str, ...],
    known: tuple[str, ...],
    errors: ErrorList,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: cell}) for each data row, the known columns only."""
    _sniff(stream)
    with contextlib.closing(_rows(stream, errors)) as rows:
        yield from _data_rows(rows, required, known, errors)


def _data_rows(rows, required, known, errors: ErrorList) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows after the header, checked against it."""
    first = next(rows, None)
    if first is None:
        errors.raise_if_any()
        raise CsvImportError([RowError(1, "", "the file is empty")])
    names = _header(first[1], required, known)
    wanted = [(index, name) for index, name in enumerate(names) if name in known]
    any_row = False
    for line, cells in rows:
        any_row = True
        if len(cells) != len(names):
            errors.add(
                line,
                "",
                f"has {len(cells)} cells but the header has {len(names)} columns "
                "(a stray comma, or a quote that is not closed?)",
            )
            continue
        unstorable = [
            (name, problem)
            for index, name in wanted
            if (problem := unstorable_character(cells[index]))
        ]
        for name, problem in unstorable:
            errors.add(line, name, f"holds {problem}, which cannot be stored; remove it")
        if unstorable:
            continue
        yield line, {name: undo_neutralisation(cells[index]) for index, name in wanted}
    if not any_row and not errors:
        raise CsvImportError([RowError(2, "", "the file has a header but no rows")])


def _progress_reporter(stream: BinaryIO, on_progress: Callable[[int], None] | None):
    """A function to call per row that reports the bytes read, now and then."""
    if on_progress is None:
        return lambda rows: None

    def report(rows: int) -> None:
        if rows % 200 == 0:
            on_progress(stream.tell())

    return report


def _finish_status(record, outcome: str, status: str | None, user_id: int | None) -> None:
    """New and changed records take the chosen status; unchanged ones keep theirs."""
    if outcome == "added":
        record.status = status or "under_review"
        record.created_by_id = user_id
    elif outcome == "updated" and status:
        record.status = status


def _outcome(counts: ImportCounts, before: tuple[int, int, int]) -> str:
    if counts.added > before[0]:
        return "added"
    return "updated" if counts.updated > before[1] else "unchanged"


def _write_chunk(rows, result: CsvImportResult, status, user_id, write, full: bool) -> None:
    """Write a chunk of valid rows with ``write(values)``, then flush them as one batch.

    ``write`` takes its look-ups from one query per chunk (see :mod:`import_batch`); rows of
    one file cannot match each other's look-ups (``seen`` refused repeats), so answers
    gathered before the chunk are the ones a query per row would give. After a full chunk the
    session forgets the written records, so memory does not grow with the file.
    """
    for line, values in rows:
        before = (result.counts.added, result.counts.updated, result.counts.unchanged)
        record = write(values)
        _finish_status(record, _outcome(result.counts, before), status, user_id)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append({"line": line, **values})
    db.session.flush()
    if full:
        db.session.expunge_all()


def _violence_chunk(process_id: int, rows, result, status, user_id, full: bool) -> None:
    """Write a chunk of violence reports: existing reports and sources found in a few queries."""
    # No autoflush: the look-ups must not flush rows half-written; the chunk is flushed whole.
    with db.session.no_autoflush:
        process = db.session.get(PeaceProcess, process_id)
        reports = [report for _, report in rows]
        sources = PrefetchedSources(url for report in reports for url in report["source_url"])
        lookup = violence_lookup(process_id, reports)
        _write_chunk(
            rows,
            result,
            status,
            user_id,
            lambda report: write_violence(process, report, sources, result.counts, lookup),
            full,
        )


def _release_chunk(commitment_id: int, rows, result, status, user_id, full: bool) -> None:
    """Write a chunk of release records: existing ones and sources found in a few queries."""
    with db.session.no_autoflush:
        commitment = db.session.get(Commitment, commitment_id)
        releases = [release for _, release in rows]
        sources = PrefetchedSources(url for release in releases for url in release["source_url"])
        lookup = release_lookup(commitment_id, releases)
        _write_chunk(
            rows,
            result,
            status,
            user_id,
            lambda release: write_release(commitment, release, sources, result.counts, lookup),
            full,
        )


def import_violence_csv(
    stream: BinaryIO,
    process: PeaceProcess,
    status: str | None = None,
    user_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CsvImportResult:
    """Import violence reports into ``process``; raise :class:`CsvImportError` on any bad row."""
    errors, result = ErrorList(), CsvImportResult()
    process_id, chunk = process.id, []
    seen: dict[tuple, int] = {}
    progress = _progress_reporter(stream, on_progress)
    for line, raw in _read(stream, VIOLENCE_REQUIRED, VIOLENCE_COLUMNS, errors):
        result.rows += 1
        progress(result.rows)
        report, problems = F.parse_violence(raw)
        for column, message in problems.items():
            errors.add(line, column, message)
        if problems:
            continue
        key = report["event_id_cnty"] or (
            report["event_date"],
            report["location"],
            report["event_type"],
            report["actor1"],
        )
        if key in seen:
            column = "event_id_cnty" if report["event_id_cnty"] else ""
            what = (
                f"{key!r} is already on line {seen[key]}"
                if column
                else f"the same date, location, event type and actor1 as line {seen[key]}, "
                "and no event_id_cnty to tell them apart"
            )
            errors.add(line, column, what)
            continue
        seen[key] = line
        if errors:
            continue  # keep checking, but write nothing more: it will all be rolled back
        report["claims"] = [
            {"actor": actor, "stance": stance, "date": None, "notes": "", "source_url": []}
            for stance, column in (("claimed", "claimed_by"), ("denied", "denied_by"))
            for actor in report[column]
        ]
        chunk.append((line, report))
        if len(chunk) == CHUNK:
            _violence_chunk(process_id, chunk, result, status, user_id, full=True)
            chunk = []
    errors.raise_if_any()
    _violence_chunk(process_id, chunk, result, status, user_id, full=False)
    return result


def import_releases_csv(
    stream: BinaryIO,
    commitment: Commitment,
    status: str | None = None,
    user_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CsvImportResult:
    """Import release records of ``commitment``; raise :class:`CsvImportError` on any bad row."""
    if commitment.kind != "prisoner_release":
        raise CsvImportError(
            [RowError(1, "", "release records belong to prisoner_release commitments only")]
        )
    errors, result = ErrorList(), CsvImportResult()
    commitment_id, chunk = commitment.id, []
    seen: dict[tuple, int] = {}
    progress = _progress_reporter(stream, on_progress)
    for line, raw in _read(stream, RELEASE_REQUIRED, RELEASE_COLUMNS, errors):
        result.rows += 1
        progress(result.rows)
        release, problems = F.parse_release(raw)
        for column, message in problems.items():
            errors.add(line, column, message)
        if problems:
            continue
        key = (release["date"], release["kind"], release["count"], release["location"])
        if key in seen:
            errors.add(line, "", f"the same date, kind, count and location as line {seen[key]}")
            continue
        seen[key] = line
        if errors:
            continue
        chunk.append((line, release))
        if len(chunk) == CHUNK:
            _release_chunk(commitment_id, chunk, result, status, user_id, full=True)
            chunk = []
    errors.raise_if_any()
    _release_chunk(commitment_id, chunk, result, status, user_id, full=False)
    return result
