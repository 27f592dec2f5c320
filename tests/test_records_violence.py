"""Violence report forms: ACLED types, claims, actor suggestions, duplicates, audited claims."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.records_support import make_process, post, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, Claim, ViolenceReport

NEW = "/manage/violence/new"


@pytest.fixture
def ids(app, make_user, auth):
    make_user("a@example.org")
    auth.login("a@example.org")
    return make_process(app)


def report_data(ids, **overrides) -> dict:
    data = {
        "process_id": str(ids["process"]),
        "event_date": "2020-04-09",
        "time_precision": "1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Islamic State (Khorasan Province)",
        "actor2": "Military Forces of the United States",
        "country": "Afghanistan",
        "admin1": "Parwan",
        "location": "Bagram Airfield",
        "latitude": "34.9461",
        "longitude": "69.2649",
        "geo_precision": "1",
        "fatalities": "0",
        "injuries": "",
        "verification": "corroborated",
        "notes": "Five rockets fired at Bagram Airfield.",
        "sources-0-url": "https://www.reuters.com/article/bagram-rockets",
        "sources-0-publisher": "Reuters",
        "claims-0-actor": "ISIS-K",
        "claims-0-stance": "claimed",
        "claims-0-stated_on": "2020-04-09",
        "claims-0-source_url": "https://example.org/amaq",
        "claims-1-actor": "Taliban",
        "claims-1-stance": "denied",
        "claims-1-stated_on": "2020-04-09",
        "claims-1-source_url": "https://twitter.com/zabehulah_m33/status/1",
    }
    data.update(overrides)
    return data


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_report_with_a_claim_and_a_denial_is_saved(app, client, ids):
    response = post(client, NEW, report_data(ids))
    assert response.status_code == 302
    with app.app_context():
        report = db.session.scalars(select(ViolenceReport)).one()
        assert report.status == "under_review"
        assert report.sub_event_type == "Shelling/artillery/missile attack"
        assert [(c.actor, c.stance) for c in report.claims] == [
            ("ISIS-K", "claimed"),
            ("Taliban", "denied"),
        ]
        assert report.claims[1].sources[0].url == "https://twitter.com/zabehulah_m33/status/1"
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "violence_report")
        ).one()
        assert [c["actor"] for c in event.changes["claims"]["after"]] == ["ISIS-K", "Taliban"]
        assert event.changes["sources"]["after"] == [
            "https://www.reuters.com/article/bagram-rockets"
        ]


def test_sub_event_types_are_grouped_under_their_event_type_without_javascript(client, ids):
    page = client.get(NEW).get_data(as_text=True)
    group = re.search(r'<optgroup label="Riots">(.*?)</optgroup>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", group) == [
        "Violent demonstration",
        "Mob violence",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sub_event_type", "Mob violence", "'Mob violence' is not a sub-event type of"),
        ("event_type", "Skirmish", "'Skirmish' is not one of: Battles"),
        ("latitude", "134.9", "must be between -90 and 90; got 134.9"),
        ("longitude", "east", "'east' is not a number"),
        ("fatalities", "-1", "must be at least 0; got -1"),
        ("fatalities", "", "is required, for example 0 or 3"),
        ("fatalities_high", "", None),
        ("event_date", "31 June 2020", "is not a date"),
        ("actor1", "", "is required"),
        ("location", "", "is required"),
        ("claims-0-stance", "maybe", "Claim 1: stance 'maybe' is not one of: claimed, denied"),
        ("claims-1-source_url", "twitter", "Claim 2: source URL 'twitter' is not a web address"),
        ("claims-0-stated_on", "2020-13-01", "Claim 1: date '2020-13-01' is not a real date"),
    ],
)
def test_each_rule_has_its_message_and_nothing_is_written(app, client, ids, field, value, message):
    response = post(client, NEW, report_data(ids, **{field: value}))
    if message is None:  # an optional field left blank is fine
        assert response.status_code == 302
        return
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert page.count(message) == 2
    assert f'href="#{field}"' in page
    assert count(app, ViolenceReport) == 0
    assert count(app, Claim) == 0


def test_fatality_estimates_must_surround_the_best_estimate(client, ids):
    response = post(client, NEW, report_data(ids, fatalities="5", fatalities_low="7"))
    assert "Low estimate (7) is more than fatalities (5)" in text_of(response)


def test_values_and_claims_are_kept_after_an_error(client, ids):
    page = post(client, NEW, report_data(ids, latitude="999")).get_data(as_text=True)
    assert 'value="999"' in page
    assert 'value="ISIS-K"' in page
    assert 'value="https://twitter.com/zabehulah_m33/status/1"' in page
    assert '<option selected value="Shelling/artillery/missile attack">' in page


def test_actor_names_are_suggested_from_the_process(app, client, ids):
    with app.app_context():
        process = db.session.get(factories.PeaceProcess, ids["process"])
        factories.violence(process, date(2020, 3, 4), actor1="Unidentified Armed Group")
        db.session.commit()
    page = client.get(NEW).get_data(as_text=True)
    datalist = re.search(r'<datalist id="actor-names">(.*?)</datalist>', page, re.S).group(1)
    for name in ("Taliban", "Islamic Republic of Afghanistan", "Unidentified Armed Group"):
        assert f'<option value="{name}">' in datalist
    assert 'list="actor-names"' in page


def test_a_report_like_an_existing_one_is_linked_as_a_possible_duplicate(app, client, ids):
    assert post(client, NEW, report_data(ids)).status_code == 302
    no_claims = {k: v for k, v in report_data(ids).items() if not k.startswith("claims-")}
    again = post(client, NEW, no_claims)
    assert again.status_code == 200
    assert "Possible duplicate: a report of Explosions/Remote violence in Bagram Airfield" in (
        text_of(again)
    )
    assert re.search(r'href="/manage/violence/\d+/edit">See violence record', again.text)
    assert count(app, ViolenceReport) == 1
    confirmed = report_data(ids, confirm_warnings="y")
    assert post(client, NEW, confirmed).status_code == 302
    assert count(app, ViolenceReport) == 2


def test_editing_claims_is_audited_and_restorable(app, client, ids):
    location = post(client, NEW, report_data(ids)).location
    report_id = int(location.split("/")[-2])
    page = client.get(location).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    edited = report_data(ids, version=version, **{"claims-1-stance": "claimed"})
    assert post(client, location, edited).status_code == 302
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "violence_report")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.action == "update"
        assert event.changes["claims"]["before"][1]["stance"] == "denied"
        assert event.changes["claims"]["after"][1]["stance"] == "claimed"
    history_path = f"/manage/violence/{report_id}/history"
    history = client.get(history_path).get_data(as_text=True)
    assert "<del>Taliban denied (2020-04-09" in history
    assert "<ins>Taliban claimed (2020-04-09" in history
    restore = re.findall(r'action="(/manage/violence/\d+/history/\d+/restore)"', history)[0]
    version = re.search(r'name="version" value="(\d+)"', history).group(1)
    post(client, restore, {"version": version}, form_path=history_path)
    with app.app_context():
        report = db.session.get(ViolenceReport, report_id)
        assert [(c.actor, c.stance) for c in report.claims] == [
            ("ISIS-K", "claimed"),
            ("Taliban", "denied"),
        ]
