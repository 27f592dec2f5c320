"""The one CSV writer of every CSV the app serves (chart tables, violence and release exports).

Rows go out one at a time, so a response can stream a large file. Cells hold plain text: a
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
from typing import Any

# A cell that a spreadsheet would evaluate, or one that already carries our apostrophe in
# front of such a character (escaped again so the importer's undo gives it back exactly).
DANGEROUS = re.compile(r"'*[=+\-@\t\r]")


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
