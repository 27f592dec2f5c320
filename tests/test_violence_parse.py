"""Reading and validating a violence CSV gives, for every input, exactly what it gave before
issue 13 made it fast: the same rows, values, notes and errors (line, column, text). The old
code is kept as the oracle in tests/violence_reference*.py; real excerpts, the shared data and
generated files (NUL bytes, BOMs, formula cells, short rows, spreadsheet dates, 2^63, UCDP and
old ACLED headers, monadic rows) are read by both."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import violence_reference as old_read
from tests import violence_reference_fields as old_fields
from tracker.services.interchange import csv_import, violence_formats
from tracker.services.interchange.csv_read import CsvImportError, ErrorList
from tracker.services.interchange.kept_columns import KEPT_FIELDS, parse_kept
from tracker.services.rules import fields as F

DATA = Path(__file__).parent / "data"
SHARED = Path("/work/shared/data")
FILES = sorted(DATA.rglob("*.csv")) + sorted(SHARED.rglob("violence*.csv"))
ORACLE = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def outcome(function, *args):
    """What a call gave: its value, or its exception's kind and text."""
    try:
        return "value", function(*args)
    except Exception as error:  # noqa: BLE001 - any exception is part of the behaviour
        return "raised", type(error).__name__, str(error)


def read_and_parse(read, parse, content: bytes, stream=None):
    """Everything an import learns from a file: each row as read and as parsed, the errors
    and how many were not listed, the notes, or the refusal of the whole file."""
    errors, notes, rows = ErrorList(), [], []
    try:
        for line, raw in read(stream or io.BytesIO(content), errors, notes):
            rows.append((line, dict(raw), outcome(parse, raw)))
    except CsvImportError as refused:
        return "refused", [str(e) for e in refused.errors], refused.more, rows
    return rows, [str(e) for e in errors.errors], errors.more, notes


def new_result(content: bytes, stream=None):
    return read_and_parse(
        violence_formats.read_violence_rows, csv_import._parse_violence, content, stream
    )


def old_result(content: bytes):
    def read(stream, errors, notes):
        return old_read.read_violence_rows(stream, errors, notes, violence_formats.COLUMNS)

    return read_and_parse(read, old_fields.parse_row, content)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_real_file_reads_and_parses_as_before(path):
    content = path.read_bytes()
    assert new_result(content) == old_result(content)
    with path.open("rb") as stream:  # as the CLI reads it: a buffered file, read and sought
        assert new_result(content, stream) == old_result(content)


# Generated files ---------------------------------------------------------------------------

TODAY = date.today()
TEXTS = ["", " ", "plain", "'=SUM(A1)", "''+93", "'\tTab", "-5", "say \"hi\", then", "a\nb",
         "کابل، ولسوالی", "x\x00y", " spaced ", "'", "a;b; ;a", "\r'@",
         "'\rReturn", "'-5", "'@x"]  # fmt: skip
POOLS = {
    "event_id_cnty": ["AFG1", "AFG1", "AFG2", "", " AFG1 ", "x" * 65],
    "event_date": [
        "2020-04-09", "09 April 2020", "9-May-20", "31-12-19", "12-31-19", "05-02-19",
        "05/05/2019", "18/04/2001", "2019-13-01", "1899-12-31", "9999-12-31", "29 Feb 2019",
        "16-Feb-19", "2020/04/09", "٠٩-٠٥-٢٠", "", "  2020-04-09 ", TODAY.isoformat(),
        date.fromordinal(TODAY.toordinal() + 1).isoformat(), "2020-4-9", "09-April-2020",
    ],
    "year": ["2020", "2019", "", "19", "x", "2001", " 2020 "],
    "time_precision": ["1", "2", "3", "", "0", "4", "1.0", " 2 ", "+1"],
    "event_type": ["Battles", "Protests", "Riots/Protests", "Remote violence", "battles",
                   "Strategic development", " Riots ", "", "Headquarters or base established"],
    "sub_event_type": ["Armed clash", "Peaceful protest", "", "Attack", "Grenade", " Other "],
    "inter1": ["1", "5", "", " 5 ", "Rioters"],
    "inter2": ["2", "5", ""],
    "actor1": ["Taliban", "", " ", "Military Forces of Afghanistan (2014-2021)", "a" * 301],
    "actor2": ["Civilians", "", "Taliban"],
    "assoc_actor_1": ["", "A; B", "Taliban;Taliban"],
    "ally_actor_1": ["", "Berber Ethnic Group", "X"],
    "location": ["Kabul", "", " Kandahar ", "x" * 201],
    "latitude": ["34.5", "", "91", "-90", "nan", "1e2", "x", " 34 ", "inf"],
    "longitude": ["69.1", "", "181", "-180", "0"],
    "geo_precision": ["1", "2", "3", "", "4", "0"],
    "fatalities": ["0", "3", "", "1,000", " 12 ", "-1", "9223372036854775808", "1" * 25,
                   "10000001", "+5", "2.0", "٣", "1,,0"],
    "fatalities_low": ["", "1", "5", "x"],
    "fatalities_high": ["", "2", "10", "0"],
    "injuries": ["", "0", "4", "-3"],
    "claimed_by": ["", "Taliban", "ISIS-K; Taliban", " ; "],
    "denied_by": ["", "Taliban", "ISIS-K"],
    "verification": ["", "reported", "confirmed", "bogus", " disputed "],
    "source_url": ["", "https://a.example/1", "https://a.example/1;http://b.example",
                   "ftp://x", "https://[::1", "https://a.example/ b"],
    "type_of_violence": ["", "1", "3", "4"],
    "timestamp": ["1600000000", "", "1" * 21],
    "iso": ["4", "", "x" * 11],
    "claims": ["", "[]", "{", "[1]", "{}", json.dumps([{"actor": "Taliban", "stance": "claimed",
               "date": "2020-04-09", "notes": "", "source_url": []}]),
               json.dumps([{"actor": "ISIS-K", "stance": "denied"}]), "[" * 5000],
}  # fmt: skip
HEADERS = list(POOLS) + ["notes", "source", "country", "admin1", "unknown", "data_id", "dataset"]
GED = ["type_of_violence", "side_a", "side_b", "best", "date_start", "date_end", "low",
       "high", "id", "where_prec", "date_prec", "latitude", "longitude", "country",
       "source_article"]  # fmt: skip


@st.composite
def violence_files(draw):
    """A CSV file of random rows: real values, odd values and broken bytes, as spreadsheets
    and other tools write them."""
    ged = draw(st.booleans()) and draw(st.booleans())
    columns = GED if ged else ["event_date", "event_type", "actor1", "location", "fatalities"]
    extra = draw(st.lists(st.sampled_from(HEADERS), unique=True, max_size=len(HEADERS)))
    header = draw(st.permutations(list(dict.fromkeys(columns + extra))))
    if draw(st.booleans()):
        header = [name.upper() if draw(st.booleans()) else name for name in header]
    cells = st.one_of(st.sampled_from(TEXTS), st.text(max_size=12))
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = [
            draw(st.sampled_from(POOLS[name.lower()]) if name.lower() in POOLS and
                 draw(st.integers(0, 4)) else cells)
            for name in header
        ]  # fmt: skip
        if draw(st.integers(0, 9)) == 0:
            row = row[: draw(st.integers(0, len(row)))]
        rows.append(row)
        if draw(st.integers(0, 5)) == 0:
            rows.append(list(row))  # monadic: the same event again
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
    content = out.getvalue().encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        content = b"\xef\xbb\xbf" + content
    damage = draw(st.sampled_from([b"", b"", b"", b"\xff", b'"', b"\x00", b"\n\n", b";"]))
    if damage:
        at = draw(st.integers(0, len(content)))
        content = content[:at] + damage + content[at:]
    return content


@ORACLE
@given(violence_files())
def test_generated_files_read_and_parse_as_before(content):
    assert new_result(content) == old_result(content)


def test_a_50_mb_cell_is_refused_as_before():
    header = b"event_date,event_type,actor1,location,fatalities,notes\n"
    content = header + b"2020-04-09,Battles,Taliban,Kabul,1," + b"x" * 50_000_000 + b"\n"
    assert new_result(content) == old_result(content)


# Single values -----------------------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**63, -(2**63), 10_000_001, 1.5, 2.0, float("nan"), float("inf")]),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from([v for pool in POOLS.values() for v in pool] + TEXTS),
    st.lists(st.one_of(st.none(), st.text(max_size=8), st.integers()), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.dates(),
)
PARSERS = [
    (name, new[name], old[name])
    for new, old in (
        (F.VIOLENCE_FIELDS, old_fields.VIOLENCE_FIELDS),
        (KEPT_FIELDS, old_fields.KEPT_FIELDS),
        (F.CLAIM_FIELDS, old_fields.CLAIM_FIELDS),
    )
    for name in new
]


@pytest.mark.parametrize("name,new,old", PARSERS, ids=[p[0] for p in PARSERS])
@settings(max_examples=200, deadline=None)
@given(value=VALUES)
def test_each_field_parser_gives_what_it_gave(name, new, old, value):
    assert outcome(new, value) == outcome(old, value)


@ORACLE
@given(st.dictionaries(st.sampled_from(HEADERS), VALUES, max_size=len(HEADERS)))
def test_any_row_of_any_values_parses_as_before(raw):
    assert outcome(csv_import._parse_violence, raw) == outcome(old_fields.parse_row, raw)


@ORACLE
@given(st.dictionaries(st.sampled_from(HEADERS), VALUES, max_size=len(HEADERS)))
def test_the_shared_rules_give_what_they_gave(raw):
    """fields.parse_violence and parse_kept, as the bundle and the forms use them."""
    assert outcome(F.parse_violence, raw) == outcome(old_fields.parse_violence, raw)
    assert outcome(parse_kept, raw) == outcome(old_fields.parse_kept, raw)


def test_the_kept_columns_and_the_report_fields_are_apart():
    """violence_formats.parse_report parses both in one pass: no name may be in both."""
    assert not F.VIOLENCE_FIELDS.keys() & KEPT_FIELDS.keys()
