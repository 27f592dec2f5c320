"""How large a web upload may be: at most ``IMPORT_WEB_MAX_ROWS`` rows (250,000 by default).

The check and the import of an upload run as jobs on the queue (see :mod:`upload_jobs`), not
inside a request, so no time limit bounds them; the row limit keeps a job's time and the file
kept in the database within what the web is for. Larger files go through the command line.
"""

from __future__ import annotations

import csv
import io


def count_rows(content: bytes) -> int:
    """Rows of a CSV file, quoted line breaks included (a rough count is enough when broken)."""
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text)
    rows = 0
    try:
        next(reader, None)  # the header
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows += 1
    except csv.Error:
        rows = max(rows, content.count(b"\n"))
    return rows


def refusal(rows: int, max_rows: int, command: str) -> str | None:
    """Why the web will not take a file of this many rows, with the command that will; or None."""
    if rows > max_rows:
        return (
            f"This file has {rows:,} rows; the web import takes up to {max_rows:,} rows. "
            f"Import it on the server instead, with: {command}"
        )
    return None
