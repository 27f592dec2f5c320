"""Lists of release records and violence reports: filters and pagination."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests import factories
from tests.records_support import make_process, text_of
from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess


@pytest.fixture
def ids(app, make_user, auth):
    make_user("a@example.org")
    auth.login("a@example.org")
    ids = make_process(app)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        process = db.session.get(PeaceProcess, ids["process"])
        for day in range(30):
            factories.release(
                commitment,
                date(2020, 4, 1) + timedelta(days=day),
                10 + day,
                status="published" if day % 2 else "under_review",
                verification="confirmed" if day == 5 else "reported",
            )
        factories.violence(process, date(2020, 4, 9), event_type="Battles", actor1="Taliban")
        factories.violence(
            process,
            date(2020, 5, 12),
            event_type="Violence against civilians",
            sub_event_type="Attack",
            actor1="Unidentified Armed Group",
            status="under_review",
        )
        db.session.commit()
    return ids


def rows(response) -> list[str]:
    body = response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_release_records_are_paginated_newest_first(client, ids):
    first = client.get("/manage/release/")
    assert "30 release records found." in text_of(first)
    assert len(rows(first)) == 25
    assert "on 30 Apr 2020" in rows(first)[0]
    second = client.get("/manage/release/?page=2")
    assert len(rows(second)) == 5
    assert "Page 2 of 2" in text_of(second)


def test_release_filters_by_status_date_range_and_verification(client, ids):
    published = client.get(
        "/manage/release/?status=published&date_from=2020-04-10&date_to=2020-04-19"
    )
    assert "5 release records found." in text_of(published)
    confirmed = client.get(
        f"/manage/release/?verification=confirmed&commitment={ids['commitment']}"
    )
    assert "1 release record found." in text_of(confirmed)
    elsewhere = client.get(f"/manage/release/?process={ids['process'] + 100}")
    assert "0 release records found." in text_of(elsewhere)


def test_page_links_keep_the_filters(client, ids):
    page = client.get("/manage/release/?verification=reported").get_data(as_text=True)
    assert 'href="/manage/release/?page=2&amp;verification=reported"' in page


def test_violence_filters_by_event_type_actor_and_status(client, ids):
    assert "1 violence report found." in text_of(client.get("/manage/violence/?event_type=Battles"))
    by_actor = client.get("/manage/violence/?actor=unidentified")
    assert "1 violence report found." in text_of(by_actor)
    assert "Unidentified Armed Group" in text_of(by_actor)
    assert "1 violence report found." in text_of(
        client.get("/manage/violence/?status=under_review")
    )


def test_a_bad_filter_is_explained_not_a_crash(client, ids):
    response = client.get("/manage/release/?date_from=April&status=gone")
    assert response.status_code == 400
    text = text_of(response)
    assert "From 'April' is not a date" in text
    assert "Status 'gone' is not one of: under_review, published, archived" in text
    assert "30 release records found." in text
