"""The one CSV writer of every CSV the app serves (chart tables, violence and release exports).

Rows go out one at a time (:func:`csv_lines`), or in chunks of many rows (:func:`csv_chunks`,
for a download of 100,000 rows), so a response can stream a large file. Cells hold plain text: a
label is never HTML-escaped on its way here. Text cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) get an apostrophe in front, as
OWASP advises; the importer (csv_import.undo_neutralisation) removes it, so export then import
gives back the same records. Lines end in CRLF, as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

# A cell that a spreadsheet would evaluate, or one that already carries our apostrophe in
# front of such a character (escaped again so the importer's undo gives it back exactly).
DANGEROUS = re.compile(r"'*[=+\-@\t\r]")
# The first characters of such cells: text starting with anything else is written as it is.
RISKY_FIRST = frozenset("'=+-@\t\r")
# Values the csv module writes as cell() would: None as an empty cell, numbers and dates by
# str() (for a date, its ISO form; a datetime's str() is not, so it is not among them).
WRITTEN_AS_THEY_ARE = frozenset({int, float, date, type(None)})
CHUNK_ROWS = 1000


def cell(value: Any) -> Any:
    """A value as written: None empty, dates ISO, lists joined by ";", formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    if isinstance(value, str) and DANGEROUS.match(value):
        return "'" + value
    return value


def cells(values: Sequence[Any]) -> Sequence[Any]:
    """:func:`cell` of each value. Most rows of a large export hold only numbers, dates, NULLs
    and text that is safe as it is, which the CSV writer writes as :func:`cell` would: those
    rows are looked at once and handed on unchanged (a call per cell would double the export's
    time)."""
    for value in values:
        kind = value.__class__
        if kind is str:
            if value and value[0] in RISKY_FIRST:
                return [cell(item) for item in values]
        elif kind not in WRITTEN_AS_THEY_ARE:
            return [cell(item) for item in values]
    return values


class _Line:
    """A file-like sink that hands back what csv.writer wrote for one row."""

    def __init__(self):
        self.buffer = io.StringIO()

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def csv_lines(
    columns: Sequence[str], rows: Iterable[dict[str, Any]], header: Sequence[str] | None = None
) -> Iterator[str]:
    """The header (``columns`` unless ``header`` is given), then each row's ``columns``."""
    sink = _Line()
    writer = csv.writer(sink.buffer)
    writer.writerow(header or columns)
    yield sink.take()
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
        yield sink.take()


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], chunk_rows: int = CHUNK_ROWS
) -> Iterator[str]:
    """The header, then each row (its values in the header's order), as CSV text in chunks of
    ``chunk_rows`` rows: the same text as :func:`csv_lines`, in fewer, larger pieces."""
    sink = _Line()
    writer = csv.writer(sink.buffer)
    writer.writerow(header)
    rows = iter(rows)
    while chunk := [cells(values) for values in islice(rows, chunk_rows)]:
        writer.writerows(chunk)
        yield sink.take()
    if last := sink.take():  # the header, when there are no rows
        yield last
