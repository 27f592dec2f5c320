"""The violence CSV's reading and validation as they were before issue 13 made them fast, kept
as the oracle of tests/test_violence_parse.py: straightforward, one cell and one parser call
at a time. Do not optimise this module; it is what the fast code must agree with."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from tracker.services.interchange import csv_read as C
from tracker.services.interchange.acled import (
    ACLED,
    DATASETS,
    NUMERIC_DATE,
    AcledReader,
    DateOrder,
    excel_date,
    map_event_type,
)
from tracker.services.interchange.ucdp import GedReader, is_ged

REQUIRED = ("event_date", "event_type", "actor1", "location", "fatalities")
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


# Reading -----------------------------------------------------------------------------------


def unstorable_character(value: str) -> str | None:
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "a NUL character (U+0000)"
    return f"an unpaired surrogate (U+{ord(char):04X})"


def undo_neutralisation(cell: str) -> str:
    return cell[1:] if NEUTRALISED.match(cell) else cell


def rows_as_wide_as_header(rows, names, errors):
    for line, cells in rows:
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
            for name, cell in zip(names, cells, strict=True)
            if (problem := unstorable_character(cell))
        ]
        for name, problem in unstorable:
            errors.add(line, name, f"holds {problem}, which cannot be stored; remove it")
        if not unstorable:
            yield line, cells


def date_order(stream: BinaryIO) -> DateOrder:
    order = DateOrder()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        reader = csv.reader(text)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if "event_date" in header:
            index = header.index("event_date")
            for cells in reader:
                if index < len(cells):
                    cell = cells[index]
                    match = NUMERIC_DATE.fullmatch(cell.strip())
                    if match and len(match.group(1)) <= 2:
                        order.day_first |= int(match.group(1)) > 12
                        order.month_first |= int(match.group(2)) > 12
    except csv.Error:
        pass
    finally:
        text.detach()
        stream.seek(0)
    return order


class ReferenceAcledReader(AcledReader):
    """AcledReader with its per-row steps as they were: a dict per row, a date parse per row."""

    def row(self, cells):
        row = {name: cells[index] for index, name in self.columns}
        if self.acled:
            row.setdefault("dataset", ACLED)
            row.setdefault("licence", DATASETS[ACLED]["licence"])
        before = row.get("event_type", "")
        map_event_type(row)
        if row.get("original_event_type") and row["event_type"] != before:
            self.old_types[before] = self.old_types.get(before, 0) + 1
        return row

    def date(self, row, cells):
        year = cells[self.year_index] if self.year_index is not None else ""
        row["event_date"] = excel_date(row.get("event_date", ""), year, self.order)


def read_acled(reader, rows, errors):
    held = None
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


def read_ged(reader, rows, errors):
    for line, cells in rows_as_wide_as_header(rows, reader.names, errors):
        yield line, reader.row(cells)


def rows_of(stream: BinaryIO, errors) -> Iterator[tuple[int, list[str]]]:
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
        text.detach()


def read_violence_rows(stream: BinaryIO, errors, notes: list[str], columns: tuple[str, ...]):
    C._sniff(stream)
    order = date_order(stream)
    with contextlib.closing(rows_of(stream, errors)) as rows:
        first = next(rows, None)
        if first is None:
            errors.raise_if_any()
            raise C.CsvImportError([C.RowError(1, "", "the file is empty")])
        names = [cell.strip().lower() for cell in first[1]]
        if is_ged(names):
            reader = GedReader(names)
            events = read_ged(reader, rows, errors)
        else:
            C._header(first[1], REQUIRED, columns)
            reader = ReferenceAcledReader(names, set(columns), order)
            events = read_acled(reader, rows, errors)
        any_row = False
        for line, row in events:
            any_row = True
            yield line, {name: undo_neutralisation(cell) for name, cell in row.items()}
        notes.extend(reader.describe())
    if not any_row and not errors:
        raise C.CsvImportError([C.RowError(2, "", "the file has a header but no rows")])
