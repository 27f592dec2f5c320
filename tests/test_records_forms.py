"""Forms for processes, parties, agreements, commitments, status changes, milestones, sources."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.records_support import make_process, post, text_of
from tracker.extensions import db
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Party,
    PeaceProcess,
    Source,
)


@pytest.fixture
def ids(app, make_user, auth):
    make_user("a@example.org")
    auth.login("a@example.org")
    return make_process(app)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_process_is_created_under_review_and_slugs_are_checked(app, client, ids):
    data = {"slug": "colombia-2016", "name": "Colombia 2016", "region": "Americas"}
    assert post(client, "/manage/process/new", data).status_code == 302
    with app.app_context():
        process = db.session.scalar(select(PeaceProcess).filter_by(slug="colombia-2016"))
        assert process.status == "under_review"
    clash = post(client, "/manage/process/new", {**data, "name": "Again"})
    assert "'colombia-2016' is already the slug of another process" in text_of(clash)
    bad = post(client, "/manage/process/new", {**data, "slug": "Colombia 2016!"})
    assert "may use only letters a-z, digits and single hyphens" in text_of(bad)
    assert 'value="Colombia 2016!"' in bad.get_data(as_text=True)
    assert count(app, PeaceProcess) == 2


def test_parties_are_unique_by_name_within_a_process(app, client, ids):
    data = {"process_id": str(ids["process"]), "name": "Qatar", "kind": "mediator"}
    assert post(client, "/manage/party/new", data).status_code == 302
    assert "another party of this process has this name" in text_of(
        post(client, "/manage/party/new", data)
    )
    bad_kind = post(client, "/manage/party/new", {**data, "name": "X", "kind": "friend"})
    assert "'friend' is not one of: government, armed_group" in text_of(bad_kind)


def test_an_agreement_has_signatories_and_sources(app, client, ids):
    data = {
        "process_id": str(ids["process"]),
        "key": "joint-declaration",
        "title": "Joint Declaration",
        "signed_on": "2020-02-29",
        "signatories": [str(ids["government"]), str(ids["taliban"])],
        "sources-0-url": "https://www.state.gov/joint-declaration",
        "sources-0-publisher": "US State Department",
    }
    assert post(client, "/manage/agreement/new", data).status_code == 302
    with app.app_context():
        agreement = db.session.scalar(select(Agreement).filter_by(key="joint-declaration"))
        assert [p.name for p in agreement.signatories] == [
            "Islamic Republic of Afghanistan",
            "Taliban",
        ]
        assert agreement.sources[0].publisher == "US State Department"
    future = post(client, "/manage/agreement/new", {**data, "key": "x", "signed_on": "2999-01-01"})
    assert "2999-01-01 is in the future" in text_of(future)


def commitment_data(ids, **overrides) -> dict:
    data = {
        "agreement_id": str(ids["agreement"]),
        "key": "taliban-releases",
        "kind": "prisoner_release",
        "description": "The Taliban release up to 1,000 prisoners of the other side.",
        "obligated_party_id": str(ids["taliban"]),
        "beneficiary_party_id": str(ids["government"]),
        "target": "1000",
        "target_is_maximum": "y",
        "unit": "prisoners",
        "deadline": "2020-03-10",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deadline": "2020-02-01"}, "must not be before the agreement was signed (29 Feb 2020)"),
        ({"target": ""}, "is required for a prisoner release"),
        ({"target": "0"}, "must be positive; got 0"),
        (
            {
                "kind": "violence_reduction",
                "period_start": "2020-02-28",
                "period_end": "2020-02-22",
            },
            "Period end must not be before its start",
        ),
        ({"description": ""}, "is required"),
    ],
)
def test_commitment_rules(app, client, ids, overrides, message):
    response = post(client, "/manage/commitment/new", commitment_data(ids, **overrides))
    assert response.status_code == 400
    assert message in text_of(response)
    assert count(app, Commitment) == 2


@pytest.mark.parametrize("kind", ["prisoner_release", "violence_reduction", "other"])
def test_each_kind_of_commitment_can_be_entered(app, client, ids, kind):
    data = commitment_data(ids, kind=kind, key=f"new-{kind.replace('_', '-')}")
    if kind == "violence_reduction":
        data.update(
            target="",
            period_start="2020-02-22",
            period_end="2020-02-28",
            baseline_start="2020-01-25",
            baseline_end="2020-02-21",
        )
    assert post(client, "/manage/commitment/new", data).status_code == 302
    with app.app_context():
        commitment = db.session.scalar(
            select(Commitment).filter_by(kind=kind).order_by(Commitment.id.desc())
        )
        assert commitment.obligated_party.name == "Taliban"
        assert commitment.target_is_maximum is True


def test_a_status_change_is_dated_and_sourced_and_waits_for_review(app, client, ids):
    data = {
        "commitment_id": str(ids["other"]),
        "changed_on": "2020-09-12",
        "pam_status": "2",
        "notes": "Talks opened in Doha.",
    }
    unsourced = post(client, "/manage/status/new", data)
    assert "a status change must cite a source" in text_of(unsourced)
    countable = post(
        client,
        "/manage/status/new",
        {**data, "commitment_id": str(ids["commitment"]), "sources-0-url": "https://example.org/a"},
    )
    assert "its status follows from the release records" in text_of(countable)
    sourced = {**data, "sources-0-url": "https://example.org/talks"}
    assert post(client, "/manage/status/new", sourced).status_code == 302
    with app.app_context():
        change = db.session.scalars(select(CommitmentStatusChange)).one()
        assert (change.pam_status, change.sources[0].url) == (2, "https://example.org/talks")
        assert change.status == "under_review"
    # The public figure moves only once a second person publishes it (test_status_review.py).
    api = client.get("/api/v1/processes/afghanistan-2020").get_json()
    statuses = {c["key"]: c["status"] for c in api["agreements"][0]["commitments"]}
    assert statuses["talks"] == 0


def test_a_milestone_and_its_date_order(app, client, ids):
    data = {
        "process_id": str(ids["process"]),
        "date": "2020-02-22",
        "end_date": "2020-02-28",
        "title": "Reduction in violence week",
        "sources-0-url": "https://example.org/riv",
    }
    assert post(client, "/manage/milestone/new", data).status_code == 302
    bad = post(client, "/manage/milestone/new", {**data, "end_date": "2020-02-01"})
    assert "must not be before the date" in text_of(bad)
    assert count(app, Milestone) == 1


def test_a_source_is_one_per_url(app, client, ids):
    data = {"url": "https://example.org/report", "publisher": "UNAMA", "published_on": "2020-04-10"}
    assert post(client, "/manage/source/new", data).status_code == 302
    clash = post(client, "/manage/source/new", data)
    assert "this URL is already a source" in text_of(clash)
    assert count(app, Source) == 1


def test_an_edit_form_opens_with_the_record_values(app, client, ids):
    page = client.get(f"/manage/party/{ids['taliban']}/edit").get_data(as_text=True)
    assert 'value="Taliban"' in page
    assert '<option selected value="armed_group">' in page
    with app.app_context():
        assert db.session.get(Party, ids["taliban"]).version == 1


def test_unknown_kinds_and_records_are_404s(client, ids):
    assert client.get("/manage/spaceship/new").status_code == 404
    assert client.get("/manage/release/999999999/edit").status_code == 404
    assert client.get("/manage/status/999999999/edit").status_code == 404


# No NUL here: the request edge refuses it before any form sees it (tests/test_request_edge.py).
GARBAGE = {
    name: "<b>nonsense</b> ' \""
    for name in [
        "process_id",
        "agreement_id",
        "commitment_id",
        "key",
        "slug",
        "name",
        "title",
        "kind",
        "status",
        "date",
        "end_date",
        "signed_on",
        "changed_on",
        "count",
        "count_low",
        "count_high",
        "date_precision",
        "verification",
        "url",
        "event_date",
        "event_type",
        "sub_event_type",
        "time_precision",
        "geo_precision",
        "latitude",
        "longitude",
        "fatalities",
        "obligated_party_id",
        "beneficiary_party_id",
        "target",
        "deadline",
        "period_start",
        "published_on",
        "version",
        "seen_event",
    ]
}


@pytest.mark.parametrize(
    "kind",
    [
        "release",
        "violence",
        "process",
        "party",
        "agreement",
        "commitment",
        "status",
        "milestone",
        "source",
    ],
)
def test_garbage_never_causes_a_500_or_a_partial_write(app, client, ids, kind):
    data = {
        **GARBAGE,
        "signatories": ["abc", "999"],
        "sources-0-url": "javascript:alert(1)",
        "sources-25-url": "https://example.org/too-many",
        "claims-0-actor": "x" * 400,
        "claims-0-stance": "maybe",
    }
    before = {model: count(app, model) for model in (PeaceProcess, Party, Commitment, Source)}
    response = post(client, f"/manage/{kind}/new", data)
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert {model: count(app, model) for model in before} == before
    edit = post(client, f"/manage/party/{ids['taliban']}/edit", data)
    assert edit.status_code == 400
    with_nul = post(client, f"/manage/{kind}/new", {**data, "name": "\x00"})
    assert with_nul.status_code == 400
    assert "holds a NUL character" in with_nul.get_data(as_text=True)
    assert {model: count(app, model) for model in before} == before
