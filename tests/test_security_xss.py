"""Hostile text in every free-text field comes out escaped on every public page, in the chart
JSON (hover text and legends included) and literally in the API; SQL-looking input is just text.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import markupsafe
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.test_authorization_matrix import MATRIX, PUBLIC
from tracker.extensions import db
from tracker.main.routes import PLOTLY_VERSION
from tracker.models import Claim, Milestone, User

# Every free-text field of the models that public output may show.
FIELDS = (
    "process.name",
    "process.region",
    "process.description",
    "party.name",
    "party.short_name",
    "beneficiary.name",
    "beneficiary.short_name",
    "agreement.title",
    "agreement.summary",
    "commitment.description",
    "commitment.unit",
    "release.location",
    "release.notes",
    "violence.actor1",
    "violence.actor2",
    "violence.assoc_actor_1",
    "violence.location",
    "violence.notes",
    "violence.source",
    "claim.actor",
    "claim.notes",
    "source.publisher",
    "source.title",
    "milestone.title",
    "milestone.notes",
)
# Fields the public pages show; the test proves they are shown, escaped.
SHOWN_ON_PAGES = {
    "process.name",
    "process.region",
    "process.description",
    "party.name",
    "party.short_name",
    "agreement.title",
    "agreement.summary",
    "commitment.description",
    "commitment.unit",
    "source.publisher",
    "milestone.title",
    "milestone.notes",
    "release.location",
    "release.notes",
    "violence.actor1",
    "violence.actor2",
    "violence.location",
    "violence.notes",
    "violence.source",
    "claim.actor",
    "claim.notes",
}
SQL_TEXT = "Robert'); DROP TABLE users; --"


def escape(text: str) -> str:
    """Text as Jinja's autoescape writes it into a page."""
    return str(markupsafe.escape(text))


def payload(name: str) -> str:
    """A script tag and an event handler, labelled with the field's number (fits String(80))."""
    code = f"f{FIELDS.index(name):02d}"
    return f"<script>x('{code}')</script><img src=x onerror=\"x('{code}')\">"


@pytest.fixture
def hostile(app):
    """A published process whose every free-text field holds a payload; returns URL values."""
    text = {name: payload(name) for name in FIELDS}
    with app.app_context():
        process = factories.process(
            "hostile",
            name=text["process.name"],
            region=text["process.region"],
            description=text["process.description"],
        )
        party = factories.party(process, text["party.name"], short_name=text["party.short_name"])
        beneficiary = factories.party(
            process, text["beneficiary.name"], short_name=text["beneficiary.short_name"]
        )
        source = factories.source("https://news.example/report", text["source.publisher"])
        source.title = text["source.title"]
        agreement = factories.agreement(
            process, title=text["agreement.title"], summary=text["agreement.summary"]
        )
        agreement.sources.append(source)
        agreement.signatories.extend([party, beneficiary])
        commitment = factories.commitment(
            agreement,
            description=text["commitment.description"],
            unit=text["commitment.unit"],
            obligated_party=party,
            beneficiary_party=beneficiary,
            deadline=date(2020, 3, 10),
        )
        release = factories.release(
            commitment,
            date(2020, 4, 8),
            100,
            location=text["release.location"],
            notes=text["release.notes"],
        )
        report = factories.violence(
            process,
            date(2020, 4, 9),
            actor1=text["violence.actor1"],
            actor2=text["violence.actor2"],
            assoc_actor_1=text["violence.assoc_actor_1"],
            location=text["violence.location"],
            notes=text["violence.notes"],
            source=text["violence.source"],
        )
        db.session.add(
            Claim(
                report=report,
                actor=text["claim.actor"],
                stance="claimed",
                notes=text["claim.notes"],
            )
        )
        db.session.add(
            Milestone(
                process=process,
                date=date(2020, 2, 29),
                title=text["milestone.title"],
                notes=text["milestone.notes"],
                status="published",
            )
        )
        db.session.commit()
        return {
            "commitment": commitment.id,
            "plotly": PLOTLY_VERSION,
            "target": 0,
            "release": release.id,
            "report": report.id,
        }


def public_urls(values: dict) -> list[str]:
    """Every public GET route of the authorization matrix, with the hostile records' ids."""
    urls = []
    for row in MATRIX:
        if row.method != "GET" or row.expected != PUBLIC or "static" in row.rule:
            continue
        if "plotly" in row.rule:
            continue  # plotly.js itself, not a page
        url = (row.url or row.rule).replace("afghanistan-2020", "hostile")
        try:
            urls.append(url.format(**values))
        except KeyError:
            pytest.fail(f"add a value for {row.url} to the hostile fixture")
    return urls


def strings_in(value) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def test_payloads_are_escaped_on_every_public_page(client, hostile):
    shown = set()
    for url in public_urls(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        if response.mimetype == "application/json":
            continue
        assert "<script>x(" not in body, url
        assert "<img src=x" not in body, url
        for name in FIELDS:
            if escape(payload(name)) in body:
                shown.add(name)
    assert shown >= SHOWN_ON_PAGES, f"not shown: {sorted(SHOWN_ON_PAGES - shown)}"


def test_chart_json_is_inert_and_its_labels_are_escaped(client, hostile):
    page = client.get("/processes/hostile").get_data(as_text=True)
    block = re.search(
        r'<script type="application/json" id="progress-chart-data">(.*?)</script>', page, re.S
    ).group(1)
    # tojson escapes < > & ' so the block can never close itself or open a tag.
    assert "<" not in block and ">" not in block
    figure = json.loads(block)
    texts = strings_in(figure)
    # Plotly reads a subset of HTML in legends, hover templates and annotations: user text
    # reaches it with < and > as entities.
    assert not [text for text in texts if "<script" in text or "<img" in text]
    legend = figure["data"][0]["name"]
    assert html.escape(payload("party.short_name"), quote=False) in legend
    hover = figure["data"][0]["hovertemplate"]
    assert html.escape(payload("commitment.unit"), quote=False) in hover


def test_api_returns_the_text_literally_as_json(client, hostile):
    seen = set()
    for url in public_urls(hostile):
        response = client.get(url)
        if response.mimetype != "application/json":
            continue
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        for text in strings_in(response.get_json()):
            seen.update(name for name in FIELDS if text == payload(name))
    assert {"process.name", "agreement.title", "commitment.description", "milestone.notes"} <= seen


def test_sql_looking_input_is_stored_and_shown_literally(app, make_user, client, auth):
    make_user("admin@example.org", role="admin")
    auth.login("admin@example.org")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "o'brien@example.org",
            "display_name": SQL_TEXT,
            "role": "researcher",
            "csrf_token": auth.csrf_token("/admin/users/new"),
        },
    )
    assert response.status_code == 200
    page = client.get("/admin/users").get_data(as_text=True)
    assert escape(SQL_TEXT) in page and escape("o'brien@example.org") in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
        stored = db.session.scalar(select(User.display_name).where(User.email.like("o'%")))
        assert stored == SQL_TEXT


def test_sql_looking_login_and_urls_are_just_text(app, client, auth):
    with app.app_context():
        factories.process("quoted", name=SQL_TEXT)
        db.session.commit()
    assert SQL_TEXT in client.get("/api/v1/processes").get_data(as_text=True)
    assert escape(SQL_TEXT) in client.get("/processes/quoted").get_data(as_text=True)
    assert auth.login("' OR '1'='1' --", "' OR '1'='1' --").status_code == 401
    assert client.get("/api/v1/processes/' OR '1'='1").status_code == 404
