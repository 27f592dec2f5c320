"""CSV imports of violence reports (ACLED's columns) and release records (DOMAIN.md).

The file is read one row at a time, so memory stays flat however long it is (the only thing
that grows is the set of row keys used to catch a record given twice). Valid rows are written
in chunks of :data:`CHUNK`, in the caller's transaction, each chunk with one look-up query for
its existing records and one for its sources; once any row is bad, writing stops, the rest of
the file is still checked so every error is listed, and :class:`CsvImportError` tells the
caller to roll back. The caller commits: one transaction, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess
from tracker.services.interchange import violence_formats
from tracker.services.interchange.batch import (
    PrefetchedSources,
    release_key,
    release_lookup,
    violence_key,
    violence_lookup,
)
from tracker.services.interchange.bulk_violence import BulkViolence, file_hash
from tracker.services.interchange.bundle import ImportCounts
from tracker.services.interchange.csv_read import (  # noqa: F401 - part of this module's interface
    CsvImportError,
    ErrorList,
    RowError,
    read_csv,
    undo_neutralisation,
)
from tracker.services.interchange.guards import OutsideRows
from tracker.services.interchange.writers import write_release, write_violence
from tracker.services.rules import fields as F
from tracker.services.rules.kinds import NOT_A_RELEASE_TERM

PREVIEW_ROWS = 10
# Valid rows are written in chunks: one look-up query per chunk (not per row), one flush, and
# then the session forgets them so it does not grow with the file.
CHUNK = 1000
VIOLENCE_REQUIRED = violence_formats.REQUIRED
VIOLENCE_COLUMNS = tuple(F.VIOLENCE_FIELDS)
RELEASE_REQUIRED = ("date", "count")
RELEASE_COLUMNS = tuple(F.RELEASE_FIELDS)


@dataclass
class CsvImportResult:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    preview: list[dict[str, Any]] = field(default_factory=list)
    # What the reader says about the file (its format, columns ignored), and the rows outside
    # the process's countries or period that were accepted.
    notes: list[str] = field(default_factory=list)
    outside: list[RowError] = field(default_factory=list)
    # The import's one audit event, when its fast path added records (see bulk_violence).
    event: Any = None


class OutsideRowsError(CsvImportError):
    """Rows of other countries or far-off dates: imported only once someone confirms them."""


def _progress_reporter(stream: BinaryIO, on_progress: Callable[[int], None] | None):
    """A function to call per row that reports the bytes read, now and then."""
    if on_progress is None:
        return lambda rows: None

    def report(rows: int) -> None:
        if rows % 200 == 0:
            on_progress(stream.tell())

    return report


def _finish_status(record, outcome: str, status: str | None, user_id: int | None) -> None:
    """New and changed records take the chosen status; unchanged ones keep theirs. A draft
    written by an import is labelled with it, as the import's audit events are."""
    if outcome == "added":
        record.status = status or "under_review"
        record.created_by_id = user_id
    elif outcome == "updated" and status:
        record.status = status
    if outcome in ("added", "updated") and record.status == "under_review":
        record.import_batch = (db.session.info.get("revise_public") or {}).get("batch") or None


def _outcome(counts: ImportCounts, before: tuple[int, int, int]) -> str:
    if counts.added > before[0]:
        return "added"
    return "updated" if counts.updated > before[1] else "unchanged"


@dataclass(frozen=True)
class _Format:
    """What differs between the two CSV formats: columns, rules, identity and writer."""

    required: tuple[str, ...]
    columns: tuple[str, ...]
    parent: type  # the record the rows belong to: a process or a commitment
    parse: Callable[[dict], tuple[dict, dict]]  # the kind's rule set
    key: Callable[[dict], Any]  # what a repeated row is recognised by
    repeated: Callable[[dict, int], tuple[str, str]]  # (column, message) for a repeat
    lookup: Callable  # (parent id, rows) -> batched find (see batch.py)
    write: Callable  # (parent, values, sources, counts, lookup) -> record
    # (stream, errors, result) -> (line, {column: cell}); violence files come in many formats
    read: Callable
    # parent -> the guard against rows outside it (None: no guard)
    guard: Callable = lambda parent: None


def _parse_violence(raw: dict) -> tuple[dict, dict]:
    """The kind's rules, the kept columns of the source data set, and the claims' details
    (in one pass over the fields: see violence_formats.parse_report)."""
    return violence_formats.parse_report(raw)


def _repeated_violence(report: dict, line: int) -> tuple[str, str]:
    if report["event_id_cnty"]:
        return "event_id_cnty", (
            f"{report['event_id_cnty']!r} is already on line {line}, not on the row just "
            "before: rows of one event (ACLED's monadic format) must come one after the "
            "other; sort the file by event_id_cnty"
        )
    return "", (
        f"the same date, location, event type and actor1 as line {line}, "
        "and no event_id_cnty to tell them apart"
    )


VIOLENCE = _Format(
    VIOLENCE_REQUIRED,
    VIOLENCE_COLUMNS,
    PeaceProcess,
    _parse_violence,
    lambda report: report["event_id_cnty"] or violence_key(report),
    _repeated_violence,
    violence_lookup,
    write_violence,
    lambda stream, errors, result: violence_formats.read_violence_rows(
        stream, errors, result.notes
    ),
    OutsideRows.of,
)
RELEASES = _Format(
    RELEASE_REQUIRED,
    RELEASE_COLUMNS,
    Commitment,
    F.parse_release,
    release_key,
    lambda release, line: ("", f"the same date, kind, count and location as line {line}"),
    release_lookup,
    write_release,
    lambda stream, errors, result: read_csv(stream, RELEASE_REQUIRED, RELEASE_COLUMNS, errors),
)


def _write_chunk(form: _Format, parent_id: int, rows, result, status, user_id, full: bool, bulk):
    """Write a chunk of valid rows, existing records and sources found in a few queries.

    The look-ups take one query per chunk (see :mod:`batch`); rows of one file cannot match
    each other's look-ups (``seen`` refused repeats), so answers gathered before the chunk are
    the ones a query per row would give. After a full chunk the session forgets the written
    records, so memory does not grow with the file. With ``bulk`` (violence reports), new and
    unchanged rows take its fast path; only the others are written here.
    """
    if bulk is not None:
        for line, values in rows[: PREVIEW_ROWS - len(result.preview)]:
            result.preview.append({"line": line, **values})
        rows = bulk.write(rows, result.counts)
    # No autoflush: the look-ups must not flush rows half-written; the chunk is flushed whole.
    with db.session.no_autoflush:
        parent = db.session.get(form.parent, parent_id)
        records = [values for _, values in rows]
        sources = PrefetchedSources(url for values in records for url in values["source_url"])
        lookup = form.lookup(parent_id, records)
        unchanged = []
        for line, values in rows:
            before = (result.counts.added, result.counts.updated, result.counts.unchanged)
            record = form.write(parent, values, sources, result.counts, lookup)
            outcome = _outcome(result.counts, before)
            _finish_status(record, outcome, status, user_id)
            if outcome == "unchanged":
                unchanged.append((line, record))
            if bulk is None and len(result.preview) < PREVIEW_ROWS:
                result.preview.append({"line": line, **values})
        db.session.flush()
    if bulk is not None:
        bulk.learn([(line, record.id) for line, record in unchanged])
    if full:
        db.session.expunge_all()


def _import(
    form: _Format, stream: BinaryIO, parent, status, user_id, on_progress, accept_outside=False
):
    """Check every row by the kind's rules; write valid rows in chunks until one is bad.

    Rows outside the parent (a process's countries or period) raise :class:`OutsideRowsError`
    once the file is read, unless ``accept_outside``.
    """
    errors, result = ErrorList(), CsvImportResult()
    parent_id, chunk = parent.id, []
    bulk = BulkViolence(parent_id, status, user_id) if form is VIOLENCE else None
    sha256 = file_hash(stream) if bulk is not None else ""
    outside = form.guard(parent)
    seen: dict[Any, int] = {}
    progress = _progress_reporter(stream, on_progress)
    for line, raw in form.read(stream, errors, result):
        result.rows += 1
        progress(result.rows)
        values, problems = form.parse(raw)
        for column, message in problems.items():
            errors.add(line, column, message)
        if problems:
            continue
        key = form.key(values)
        if key in seen:
            errors.add(line, *form.repeated(values, seen[key]))
            continue
        seen[key] = line
        if outside is not None:
            outside.check(line, values)
        if errors:
            continue  # keep checking, but write nothing more: it will all be rolled back
        chunk.append((line, values))
        if len(chunk) == CHUNK:
            _write_chunk(form, parent_id, chunk, result, status, user_id, True, bulk)
            chunk = []
    errors.raise_if_any()
    if outside:
        found = [RowError(*item) for item in outside.messages()]
        if not accept_outside:
            raise OutsideRowsError(found)
        result.outside = found
    _write_chunk(form, parent_id, chunk, result, status, user_id, False, bulk)
    if bulk is not None:
        batch = (db.session.info.get("revise_public") or {}).get("batch", "")
        name = Path(str(getattr(stream, "name", "") or "")).name
        result.event = bulk.audit(result, sha256, name, batch)
    return result


def import_violence_csv(
    stream: BinaryIO,
    process: PeaceProcess,
    status: str | None = None,
    user_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    accept_outside: bool = False,
) -> CsvImportResult:
    """Import violence reports into ``process``; raise :class:`CsvImportError` on any bad row.

    ACLED files of every vintage and UCDP GED files are read by
    :mod:`~tracker.services.interchange.violence_formats`. Rows of other countries or far
    outside the process's period raise :class:`OutsideRowsError` unless ``accept_outside``.
    """
    return _import(VIOLENCE, stream, process, status, user_id, on_progress, accept_outside)


def import_releases_csv(
    stream: BinaryIO,
    commitment: Commitment,
    status: str | None = None,
    user_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CsvImportResult:
    """Import release records of ``commitment``; raise :class:`CsvImportError` on any bad row."""
    if commitment.kind != "prisoner_release":
        raise CsvImportError([RowError(1, "", NOT_A_RELEASE_TERM)])
    return _import(RELEASES, stream, commitment, status, user_id, on_progress)
