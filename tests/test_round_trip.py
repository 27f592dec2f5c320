"""Round trips without loss: a process's violence CSV imported into the same or an empty
process, and its bundle imported into an empty tracker, give back every field, claims with
their dates, notes and sources included. Hypothesis generates reports with every optional field.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess, Source
from tracker.models.base import ACLED_EVENT_TYPES
from tracker.services.interchange.bundle import export_bundle
from tracker.services.interchange.bundle_import import import_bundle
from tracker.services.interchange.csv_export import releases_csv, violence_csv, violence_rows
from tracker.services.interchange.csv_import import import_releases_csv, import_violence_csv

SLUGS = itertools.count(1)
# Text as researchers write it: Latin and Dari letters, digits, punctuation, quotes, commas,
# line breaks and the characters a spreadsheet would run as a formula.
LETTERS = "abcXYZ کابلپشتو0123456789 .,'\"()=+-@/"
TEXT = st.text(LETTERS + "\n", min_size=1, max_size=40).map(str.strip).filter(bool)
NAME = st.text(LETTERS, min_size=1, max_size=30).map(str.strip).filter(bool)
OPTIONAL_TEXT = st.one_of(st.just(""), TEXT)
DAY = st.dates(min_value=date(1995, 1, 1), max_value=date(2025, 12, 31))
COUNT = st.integers(min_value=0, max_value=100_000)
URLS = st.lists(
    st.from_regex(r"https://example\.org/[a-z0-9]{1,12}", fullmatch=True), max_size=3, unique=True
)


@st.composite
def claims(draw):
    actors = draw(st.lists(NAME, max_size=3, unique=True))
    return [
        {
            "actor": actor,
            "stance": draw(st.sampled_from(["claimed", "denied"])),
            "date": draw(st.one_of(st.none(), DAY)),
            "notes": draw(OPTIONAL_TEXT),
            "source_url": draw(URLS),
        }
        for actor in actors
    ]


@st.composite
def report(draw, number: int):
    event_type = draw(st.sampled_from(sorted(ACLED_EVENT_TYPES)))
    fatalities = draw(COUNT)
    low = draw(st.one_of(st.none(), st.integers(0, fatalities)))
    high = draw(st.one_of(st.none(), st.integers(fatalities, fatalities + 1000)))
    has_place = draw(st.booleans())
    found_claims = draw(claims())
    return {
        "event_id_cnty": draw(st.sampled_from(["", f"TST{number}"])),
        "event_date": draw(DAY).isoformat(),
        "time_precision": draw(st.integers(1, 3)),
        "event_type": event_type,
        "sub_event_type": draw(st.sampled_from(["", *ACLED_EVENT_TYPES[event_type]])),
        "actor1": draw(NAME),
        "assoc_actor_1": draw(OPTIONAL_TEXT),
        "actor2": draw(OPTIONAL_TEXT),
        "assoc_actor_2": draw(OPTIONAL_TEXT),
        "country": draw(OPTIONAL_TEXT),
        "admin1": draw(OPTIONAL_TEXT),
        "admin2": draw(OPTIONAL_TEXT),
        "location": draw(NAME) + f" {number}",  # reports without an id differ by place
        # + 0.0 makes -0.0 plain 0.0: the same place, and SQLite stores both as 0.
        "latitude": draw(st.floats(-90, 90)) + 0.0 if has_place else None,
        "longitude": draw(st.floats(-180, 180)) + 0.0 if has_place else None,
        "geo_precision": draw(st.one_of(st.none(), st.integers(1, 3))),
        "source": draw(OPTIONAL_TEXT),
        "source_scale": draw(OPTIONAL_TEXT),
        "notes": draw(OPTIONAL_TEXT),
        "fatalities": fatalities,
        "fatalities_low": low,
        "fatalities_high": high,
        "injuries": draw(st.one_of(st.none(), COUNT)),
        "verification": draw(st.sampled_from(["reported", "corroborated", "confirmed"])),
        "source_url": ";".join(draw(URLS)),
        "disorder_type": draw(OPTIONAL_TEXT),
        "civilian_targeting": draw(st.sampled_from(["", "Civilian targeting"])),
        "inter1": draw(st.sampled_from(["", "1", "State forces"])),
        "inter2": draw(st.sampled_from(["", "7", "Civilians"])),
        "interaction": draw(st.sampled_from(["", "17", "State forces-Civilians"])),
        "admin3": draw(OPTIONAL_TEXT),
        "iso": draw(st.sampled_from(["", "4"])),
        "iso3": draw(st.sampled_from(["", "AFG"])),
        "region": draw(OPTIONAL_TEXT),
        "tags": draw(OPTIONAL_TEXT),
        "timestamp": draw(st.sampled_from(["", "1600000000"])),
        "original_event_type": draw(OPTIONAL_TEXT),
        "type_of_violence": draw(st.one_of(st.none(), st.integers(1, 3))),
        "dataset": draw(st.sampled_from(["", "ACLED", "UCDP GED"])),
        "licence": draw(OPTIONAL_TEXT),
        "claimed_by": ";".join(c["actor"] for c in found_claims if c["stance"] == "claimed"),
        "denied_by": ";".join(c["actor"] for c in found_claims if c["stance"] == "denied"),
        "claims": [{**c, "date": c["date"] and c["date"].isoformat()} for c in found_claims],
        "status": "published",
    }


@st.composite
def reports(draw):
    return [draw(report(number)) for number in range(draw(st.integers(1, 3)))]


def new_process(violence: list[dict]) -> PeaceProcess:
    """A new published process holding ``violence`` (imported as a bundle)."""
    slug = f"round-trip-{next(SLUGS)}"
    document = {
        "format": "peace-process-tracker/1",
        "process": {"slug": slug, "name": slug, "status": "published"},
        "violence": violence,
    }
    process, _ = import_bundle(document)
    db.session.flush()
    return process


def stored(process: PeaceProcess) -> list[dict]:
    """Every field of the process's reports as the export writes them."""
    return list(violence_rows(process))


def csv_bytes(process: PeaceProcess) -> bytes:
    return "".join(violence_csv(process)).encode("utf-8")


ROUND_TRIP = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@ROUND_TRIP
@given(violence=reports())
def test_csv_export_imports_into_an_empty_process_and_back_without_loss(app, violence):
    with app.app_context():
        original = new_process(violence)
        exported = csv_bytes(original)
        empty = new_process([])
        result = import_violence_csv(io.BytesIO(exported), empty, status="published")
        assert result.counts.added == len(violence)
        assert stored(empty) == stored(original)
        again = import_violence_csv(io.BytesIO(exported), original, status="published")
        assert (again.counts.added, again.counts.updated) == (0, 0)
        assert csv_bytes(original) == exported
        db.session.rollback()


@ROUND_TRIP
@given(violence=reports())
def test_bundle_export_imports_into_an_empty_tracker_and_exports_the_same(app, violence):
    with app.app_context():
        original = new_process(violence)
        first = export_bundle(original)
        copy = dict(first, process=dict(first["process"], slug="copy-" + original.slug))
        imported, _ = import_bundle(copy)
        db.session.flush()
        second = export_bundle(imported)
        for document in (first, second):
            document.pop("exported_at")
            document["process"].pop("slug")
            document["process"].pop("name")
        assert second == first
        db.session.rollback()


def test_reimporting_the_export_keeps_claim_dates_and_sources(app, demo):
    """The bug of the issue: export then import reported "1 updated" and wiped claims."""
    with app.app_context():
        process = db.session.scalar(
            select(PeaceProcess).where(PeaceProcess.slug == "afghanistan-2020")
        )
        before = stored(process)
        claims = json.loads(before[0]["claims"])
        assert any(claim["date"] and claim["source_url"] for claim in claims)
        result = import_violence_csv(io.BytesIO(csv_bytes(process)), process)
        assert (result.counts.added, result.counts.updated) == (0, 0)
        assert stored(process) == before


def test_a_csv_naming_claimants_without_details_keeps_the_details_stored(app, demo):
    with app.app_context():
        process = db.session.scalar(
            select(PeaceProcess).where(PeaceProcess.slug == "afghanistan-2020")
        )
        before = stored(process)
        text = csv_bytes(process).decode("utf-8").splitlines()
        header = text[0].split(",")
        index = header.index("claims")
        rows = list(csv.reader(text))
        without = [[cell for i, cell in enumerate(row) if i != index] for row in rows]
        buffer = io.StringIO()
        csv.writer(buffer).writerows(without)
        result = import_violence_csv(io.BytesIO(buffer.getvalue().encode("utf-8")), process)
        assert (result.counts.added, result.counts.updated) == (0, 0)
        assert stored(process) == before


def test_sources_already_known_keep_one_order_through_the_round_trip(app):
    """A claim citing a new source and one the tracker already had: the export lists them in
    one order, so re-importing the file changes nothing (found by the property test above)."""
    from tests import factories

    with app.app_context():
        factories.source("https://example.org/known")
        db.session.flush()
        claim = {
            "actor": "ISIS-K",
            "stance": "claimed",
            "date": None,
            "notes": "",
            "source_url": ["https://example.org/new", "https://example.org/known"],
        }
        violence = [
            {
                "event_date": "2020-03-03",
                "event_type": "Battles",
                "actor1": "Taliban",
                "location": "Bagram",
                "fatalities": 0,
                "claims": [claim],
                "status": "published",
            }
        ]
        original = new_process(violence)
        exported = csv_bytes(original)
        assert "https://example.org/known;https://example.org/new" in exported.decode()
        empty = new_process([])
        import_violence_csv(io.BytesIO(exported), empty, status="published")
        assert stored(empty) == stored(original)
        db.session.rollback()


@pytest.fixture
def release_with_two_sources(app):
    """A published release citing source a (no publisher) and then b (published by UNAMA)."""
    from tests import factories

    with app.app_context():
        process = factories.process(slug="sources")
        commitment = factories.commitment(factories.agreement(process))
        db.session.flush()
        unnamed = factories.source("https://example.org/a")
        unama = factories.source("https://example.org/b", publisher="UNAMA")
        db.session.flush()
        factories.release(commitment, date(2020, 4, 8), 100, sources=[unnamed, unama])
        db.session.commit()
        return process.id, commitment.id


def publishers(urls=("https://example.org/a", "https://example.org/b")) -> list[str]:
    return [db.session.scalar(select(Source.publisher).where(Source.url == url)) for url in urls]


def test_release_csv_reimport_keeps_each_publisher_with_its_source(app, release_with_two_sources):
    _, commitment_id = release_with_two_sources
    with app.app_context():
        commitment = db.session.get(Commitment, commitment_id)
        exported = "".join(releases_csv(commitment))
        assert ",https://example.org/a;https://example.org/b,;UNAMA," in exported
        result = import_releases_csv(io.BytesIO(exported.encode()), commitment)
        assert (result.counts.added, result.counts.updated) == (0, 0)
        assert result.preview[0]["source_name"] == ["", "UNAMA"]
        db.session.flush()
        assert publishers() == ["", "UNAMA"]
        assert "".join(releases_csv(commitment)) == exported
        db.session.rollback()


def test_bundle_reimport_keeps_each_publisher_with_its_source(app, release_with_two_sources):
    process_id, _ = release_with_two_sources
    with app.app_context():
        first = export_bundle(db.session.get(PeaceProcess, process_id))
        import_bundle(json.loads(json.dumps(first)))
        db.session.flush()
        assert publishers() == ["", "UNAMA"]
        second = export_bundle(db.session.get(PeaceProcess, process_id))
        first.pop("exported_at")
        second.pop("exported_at")
        assert second == first
        db.session.rollback()


def test_a_bundle_into_an_empty_tracker_keeps_each_publisher_with_its_source(
    app, release_with_two_sources
):
    from tests.conftest import wipe

    process_id, _ = release_with_two_sources
    with app.app_context():
        first = export_bundle(db.session.get(PeaceProcess, process_id))
    wipe(app)
    with app.app_context():
        process, _ = import_bundle(json.loads(json.dumps(first)))
        db.session.flush()
        assert publishers() == ["", "UNAMA"]
        second = export_bundle(process)
        first.pop("exported_at")
        second.pop("exported_at")
        assert second == first
        db.session.rollback()


def test_publishers_pair_by_place_when_urls_repeat_or_leave_gaps(app):
    from tracker.services.rules.fields import parse_release

    clean, errors = parse_release(
        {
            "date": "2020-04-08",
            "count": "5",
            "source_url": "https://x.org/1;;https://x.org/2;https://x.org/1",
            "source_name": "One;Nobody;;Later",
        }
    )
    assert errors == {}
    assert clean["source_url"] == ["https://x.org/1", "https://x.org/2"]
    assert clean["source_name"] == ["One", ""]
