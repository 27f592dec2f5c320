"""The violence CSV export from Core rows is byte for byte the export built from ORM objects
(kept below as the oracle): claims with dates, notes and sources, reports' sources, formula-like
cells, unicode, line breaks, quotes, NULLs, every status and filter, in the service and over
HTTP, streamed in chunks."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import selectinload

from tests import factories
from tracker.extensions import db
from tracker.models import Claim, ViolenceReport
from tracker.models.base import ACLED_EVENT_TYPES, REVIEW_STATUS
from tracker.services.figures.progress import PUBLIC
from tracker.services.figures.violence import ViolenceFilter, filtered_reports
from tracker.services.interchange.csv_export import violence_csv, violence_rows
from tracker.services.interchange.csvfile import csv_lines
from tracker.services.interchange.serializers import violence_to_dict
from tracker.services.interchange.violence_formats import COLUMNS, claims_cell

NO_FILTER = ViolenceFilter()
# Text as it comes: formulas (with and without our apostrophe), quotes, commas, line breaks,
# Dari, accents, emoji, tabs and carriage returns at the start, and empty strings.
TEXTS = (
    "",
    "plain",
    "=SUM(A1:A9)",
    "+93 700",
    "-5",
    "@attacker",
    "\tTabbed",
    "\rReturn",
    "'=already",
    "''+twice",
    "'quoted'",
    'say "hi", then go',
    "line one\nline two",
    "کابل، ولسوالی",
    "Kāpīsā ☂",
    " spaced ",
)


def old_violence_rows(process, filters=NO_FILTER, statuses=PUBLIC):
    """The violence export's rows as built before issue 13: one ORM object per report."""
    query = (
        filtered_reports(process, filters, statuses)
        .options(
            selectinload(ViolenceReport.claims).selectinload(Claim.sources),
            selectinload(ViolenceReport.sources),
        )
        .order_by(ViolenceReport.event_date, ViolenceReport.id)
        .execution_options(yield_per=500)
    )
    for report in db.session.scalars(query):
        row = violence_to_dict(report)
        row["claims"] = claims_cell(row["claims"])
        yield row


def old_violence_csv(process, filters=NO_FILTER, statuses=PUBLIC) -> str:
    return "".join(csv_lines(COLUMNS, old_violence_rows(process, filters, statuses)))


def maybe(chooser: random.Random, value, chance: float = 0.5):
    """``value`` or None."""
    return value if chooser.random() < chance else None


def add_report(process, chooser: random.Random, number: int, sources: list) -> None:
    """One report with a random mix of every field, its sources and claims."""
    event_type = chooser.choice(sorted(ACLED_EVENT_TYPES))
    text = lambda: chooser.choice(TEXTS)  # noqa: E731
    report = factories.violence(
        process,
        date(2019, 12, 30) + timedelta(days=chooser.randrange(60)),
        status=chooser.choice(("published",) * 3 + tuple(REVIEW_STATUS)),
        event_id_cnty=maybe(chooser, f"AFG{number}", 0.7),
        event_type=event_type,
        sub_event_type=maybe(chooser, ACLED_EVENT_TYPES[event_type][0], 0.8),
        time_precision=chooser.choice((1, 2, 3)),
        actor1=chooser.choice(("Taliban", "ISKP", "=cmd|' /C calc'!A0", "طالبان")),
        assoc_actor_1=text(),
        actor2=text(),
        country=chooser.choice(("Afghanistan", "")),
        admin1=text(),
        location=text() or "Kabul",
        latitude=maybe(chooser, round(chooser.uniform(-90, 90), chooser.choice((0, 4, 9)))),
        longitude=maybe(chooser, round(chooser.uniform(-180, 180), 6)),
        geo_precision=maybe(chooser, chooser.choice((1, 2, 3))),
        source=text(),
        notes=text(),
        fatalities=chooser.choice((0, 1, 7, 1500)),
        fatalities_low=maybe(chooser, 0),
        fatalities_high=maybe(chooser, 2000),
        injuries=maybe(chooser, chooser.choice((0, 3))),
        verification=chooser.choice(("reported", "corroborated", "confirmed")),
        tags=text(),
        iso3=chooser.choice(("AFG", "")),
        type_of_violence=maybe(chooser, chooser.choice((1, 2, 3))),
        dataset=chooser.choice(("ACLED", "UCDP GED", "")),
    )
    report.sources = chooser.sample(sources, chooser.choice((0, 0, 1, 3)))
    for actor in chooser.sample(
        ("ISKP", "Taliban", "+Front", "حزب"), chooser.choice((0, 0, 1, 2, 3))
    ):
        claim = Claim(
            actor=actor,
            stance=chooser.choice(("claimed", "denied")),
            stated_on=maybe(chooser, date(2020, 1, 1) + timedelta(days=chooser.randrange(9))),
            notes=text(),
            report=report,
        )
        claim.sources = chooser.sample(sources, chooser.choice((0, 1, 2)))
        db.session.add(claim)


@pytest.fixture
def varied(ctx):
    """Two processes (the export must not mix them) with 160 and 20 varied reports."""
    chooser = random.Random(9)
    # Sources made in shuffled order, so their ids do not follow their urls.
    urls = [f"https://example.org/{name}" for name in ("b", "a", "=x", "ü", "c;d", "e")]
    chooser.shuffle(urls)
    sources = [factories.source(url, publisher="P") for url in urls]
    process = factories.process("export-process")
    other = factories.process("other-process")
    for number in range(180):
        add_report(process if number < 160 else other, chooser, number, sources)
    db.session.commit()
    return process


FILTERS = (
    NO_FILTER,
    ViolenceFilter(date_from=date(2020, 1, 5), date_to=date(2020, 1, 20)),
    ViolenceFilter(event_types=("Battles", "Protests")),
    ViolenceFilter(actor="iskp"),
    ViolenceFilter(actor="taliban", actor_role="denied"),
    ViolenceFilter(actor="front", actor_role="any"),
)


@pytest.mark.parametrize("filters", FILTERS)
def test_export_is_byte_for_byte_the_orm_export(varied, filters):
    for statuses in (PUBLIC, tuple(REVIEW_STATUS)):
        expected = old_violence_csv(varied, filters, statuses)
        assert "".join(violence_csv(varied, filters, statuses)) == expected
        assert list(violence_rows(varied, filters, statuses)) == list(
            old_violence_rows(varied, filters, statuses)
        )


def test_the_data_set_has_what_the_comparison_needs(varied):
    text = old_violence_csv(varied, statuses=tuple(REVIEW_STATUS))
    rows = list(old_violence_rows(varied, statuses=tuple(REVIEW_STATUS)))
    assert len(rows) == 160
    assert (
        "'=SUM(A1:A9)" in text
        and "''=already" in text
        and "'''+twice" in text
        and "https://example.org/" in text
    )
    assert any(row["claims"] and '"date": "2020' in row["claims"] for row in rows)
    assert any(row["claims"] and '"date": null' in row["claims"] for row in rows)
    assert any(";" in row["claimed_by"] or ";" in row["denied_by"] for row in rows)
    assert any(row["latitude"] is None for row in rows)


def test_the_download_streams_the_same_bytes(app, varied, client, auth, make_user):
    expected = old_violence_csv(varied).encode("utf-8")
    response = client.get("/exports/processes/export-process/violence.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.get_data() == expected
    query = "from=2020-01-05&to=2020-01-20&event_type=Battles&event_type=Riots&actor=iskp"
    response = client.get(f"/exports/processes/export-process/violence.csv?{query}")
    filters = ViolenceFilter(date(2020, 1, 5), date(2020, 1, 20), ("Battles", "Riots"), "iskp")
    assert response.get_data() == old_violence_csv(varied, filters).encode("utf-8")
    make_user()
    auth.login()
    response = client.get("/exports/processes/export-process/violence.csv")
    assert response.get_data() == old_violence_csv(varied, statuses=REVIEW_STATUS).encode("utf-8")


def test_bad_filters_are_a_400_before_anything_is_sent(varied, client):
    response = client.get("/exports/processes/export-process/violence.csv?from=tomorrow")
    assert response.status_code == 400 and b"from" in response.data
    assert client.get("/exports/processes/nowhere/violence.csv").status_code == 404
