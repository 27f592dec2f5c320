"""What a web upload may cost: its preview runs the whole import inside one request.

gunicorn stops a worker after 30 s, so the web takes files whose work is bounded whatever they
hold: at most ``IMPORT_WEB_MAX_ROWS`` rows, at most :data:`MAX_VALUES_PER_CELL` values in a
list cell (sources, claimants), and at most :data:`MAX_WORK` rows plus list values in all. On
a two-core machine under a load of 11, a preview took about 2 ms per row and 1.3 ms per listed
value (5,000 plain rows: 10 s; 500 rows of 20 URLs and 20 claimants: 25 s), so the budget keeps
a preview near 15 s there. Larger files go through the command line, which has no time limit.

A preview that was started and never finished (its worker was stopped) is not run again: see
:func:`tracker.services.interchange.uploads.begin_preview`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

MAX_VALUES_PER_CELL = 10
MAX_WORK = 10_000
LIST_COLUMNS = {
    "violence": ("source_url", "claimed_by", "denied_by"),
    "releases": ("source_url",),
}


@dataclass
class UploadCost:
    """Rows, values in list cells, and the first cell holding too many values."""

    rows: int = 0
    values: int = 0
    crowded: tuple[int, str, int] | None = None  # (line, column, values)

    @property
    def work(self) -> int:
        return self.rows + self.values


def _values(cell: str) -> int:
    return sum(1 for value in cell.split(";") if value.strip())


def measure(content: bytes, kind: str) -> UploadCost:
    """Rows and listed values of a CSV file (a rough count is enough for broken files)."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    cost = UploadCost()
    try:
        header = next(reader, [])
        names = [cell.strip().lower() for cell in header]
        listed = [(i, name) for i, name in enumerate(names) if name in LIST_COLUMNS[kind]]
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                cost.rows += 1
                for index, name in listed:
                    if index < len(cells):
                        count = _values(cells[index])
                        cost.values += count
                        if count > MAX_VALUES_PER_CELL and cost.crowded is None:
                            cost.crowded = (line, name, count)
            line = reader.line_num + 1
    except csv.Error:
        cost.rows = max(cost.rows, content.count(b"\n"))
    return cost


def refusal(cost: UploadCost, max_rows: int, command: str, max_work: int = MAX_WORK) -> str | None:
    """Why the web will not take a file of this cost, with the command that will; else None."""
    cli = f"Import it on the server instead, with: {command}"
    if cost.rows > max_rows:
        return (
            f"This file has {cost.rows:,} rows; the web import takes up to {max_rows:,} rows, "
            f"so that its preview finishes in time. {cli}"
        )
    if cost.crowded:
        line, column, count = cost.crowded
        return (
            f"Line {line}, column {column} lists {count:,} values; the web import takes up to "
            f"{MAX_VALUES_PER_CELL} per cell, so that its preview finishes in time. {cli}"
        )
    if cost.work > max_work:
        return (
            f"This file has {cost.rows:,} rows and {cost.values:,} listed sources and "
            f"claimants; the web import takes up to {max_work:,} rows and listed values in "
            f"all, so that its preview finishes in time. {cli}"
        )
    return None
