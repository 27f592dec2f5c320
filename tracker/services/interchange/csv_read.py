"""Reading a CSV upload: encoding, header and rows, with each problem named by line and column.

UTF-8 with or without a BOM; UTF-16 and Latin-1 files, other delimiters, missing or repeated
columns and rows of the wrong width are refused with a message saying what to do.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from tracker.services.rules.characters import unstorable_character

MAX_LISTED_ERRORS = 100
# A cell may be far longer than any field accepts: the field's parser then names the column
# and the limit, which helps more than the csv module's bare "field larger than field limit".
MAX_CELL = 64 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
# Export prefixes such cells with an apostrophe (OWASP CSV injection); import removes it.
NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
# Found in any text that holds a neutralised cell (and in a little more): one search over a
# row's joined cells tells whether any cell needs undo_neutralisation at all.
MAYBE_NEUTRALISED = re.compile(r"'[=+\-@\t\r]")

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


def undo_neutralisation_of_row(row: dict[str, str]) -> dict[str, str]:
    """``row`` with :func:`undo_neutralisation` applied to each cell; ``row`` itself when no
    cell needs it, told by one search over the joined cells instead of one per cell."""
    joined = "".join(row.values())
    if "'" not in joined or MAYBE_NEUTRALISED.search(joined) is None:
        return row
    return {name: undo_neutralisation(cell) for name, cell in row.items()}


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


def read_csv(
    stream: BinaryIO,
    required: tuple[str, ...],
    known: tuple[str, ...],
    errors: ErrorList,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: cell}) for each data row, the known columns only."""
    _sniff(stream)
    with contextlib.closing(_rows(stream, errors)) as rows:
        yield from _data_rows(rows, required, known, errors)


def rows_as_wide_as_header(
    rows: Iterator[tuple[int, list[str]]], names: list[str], errors: ErrorList
) -> Iterator[tuple[int, list[str]]]:
    """The rows every reader may take: as many cells as the header has columns, and no
    character that a database cannot store (NUL); each other row is an error by line and column.
    """
    for line, cells in rows:
        if len(cells) != len(names):
            errors.add(
                line,
                "",
                f"has {len(cells)} cells but the header has {len(names)} columns "
                "(a stray comma, or a quote that is not closed?)",
            )
            continue
        # One search over the whole row: joining cells cannot make or hide such a character.
        if unstorable_character("".join(cells)) is None:
            yield line, cells
            continue
        for name, cell in zip(names, cells, strict=True):
            if problem := unstorable_character(cell):
                errors.add(line, name, f"holds {problem}, which cannot be stored; remove it")


def _data_rows(rows, required, known, errors: ErrorList) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows after the header, checked against it."""
    first = next(rows, None)
    if first is None:
        errors.raise_if_any()
        raise CsvImportError([RowError(1, "", "the file is empty")])
    names = _header(first[1], required, known)
    wanted = [(index, name) for index, name in enumerate(names) if name in known]
    any_row = False
    for line, cells in rows_as_wide_as_header(rows, names, errors):
        any_row = True
        yield line, {name: undo_neutralisation(cells[index]) for index, name in wanted}
    if not any_row and not errors:
        raise CsvImportError([RowError(2, "", "the file has a header but no rows")])
