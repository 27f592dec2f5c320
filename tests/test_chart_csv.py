"""Chart CSVs go through the one CSV writer: formulas neutralised, labels as plain text
(escaped only where they are shown: by Jinja in the page, for Plotly in the figure)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from tests import factories
from tracker.extensions import db


@pytest.fixture
def tricky(app):
    """A published process whose parties, places and actors look like markup or formulas."""
    with app.app_context():
        process = factories.process(slug="tricky")
        government = factories.party(process, "Gov & Allies", "government")
        group = factories.party(process, "<b>Front</b>", "armed_group")
        agreement = factories.agreement(process)
        first = factories.commitment(
            agreement, "gov", 100, obligated_party=government, beneficiary_party=group
        )
        second = factories.commitment(
            agreement, "front", 50, obligated_party=group, beneficiary_party=government
        )
        factories.release(first, date(2020, 4, 8), 40)
        factories.release(second, date(2020, 4, 9), 10)
        factories.violence(
            process, date(2020, 4, 10), location="=1+2", actor1="@Front", latitude=34.5,
            longitude=69.2, fatalities=2,
        )  # fmt: skip
        factories.violence(
            process, date(2020, 4, 11), location="-Kabul & Co", latitude=31.6, longitude=65.7
        )
        db.session.commit()
    return app


def rows_of(client, key: str) -> list[dict[str, str]]:
    response = client.get(f"/processes/tricky/charts/{key}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_map_csv_neutralises_formulas(tricky, client):
    locations = {row["location"] for row in rows_of(client, "map")}
    assert locations == {"'=1+2", "'-Kabul & Co"}


def test_chart_csvs_hold_plain_text_labels(tricky, client):
    sides = {row["side"] for row in rows_of(client, "progress")}
    assert sides == {
        "Gov & Allies releases <b>Front</b> prisoners",
        "<b>Front</b> releases Gov & Allies prisoners",
    }
    assert {row["side"] for row in rows_of(client, "pace")} == sides
    heading = client.get("/processes/tricky/charts/ratio.csv").get_data(as_text=True)
    assert "&amp;" not in heading and "&lt;" not in heading


def test_labels_are_escaped_once_at_each_edge(tricky, client):
    page = client.get("/processes/tricky").get_data(as_text=True)
    # The page: Jinja escapes once, so a reader sees "Gov & Allies", never "&amp;amp;".
    assert "Gov &amp; Allies releases &lt;b&gt;Front&lt;/b&gt; prisoners" in page
    # (The embed box's <iframe> snippet is HTML to copy: its title attribute is escaped for that
    # edge, so the page shows "&amp;" there on purpose; leave it out of this check.)
    shown = re.sub(r'<textarea id="embed-[^"]*"[^>]*>.*?</textarea>', "", page, flags=re.S)
    assert "&amp;amp;" not in shown and "<b>Front</b>" not in page
    # The figures: Plotly reads a subset of HTML, so names are escaped for it exactly once.
    blocks = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    names = [
        trace.get("name", "")
        for block in blocks
        for trace in json.loads(block).get("data", [])
        if isinstance(trace, dict)
    ]
    assert "Gov &amp; Allies releases" in names
    assert "&lt;b&gt;Front&lt;/b&gt; releases" in names
    assert not any("&amp;amp;" in name or "<b>" in name for name in names)
