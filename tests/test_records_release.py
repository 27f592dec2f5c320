"""Release record forms: create with sources, validation with kept values, warnings to confirm."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.records_support import make_process, post, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, ReleaseRecord, Source

NEW = "/manage/release/new"


@pytest.fixture
def ids(app, make_user, auth):
    make_user("a@example.org")
    auth.login("a@example.org")
    return make_process(app)


def release_data(ids, **overrides) -> dict:
    data = {
        "commitment_id": str(ids["commitment"]),
        "kind": "batch",
        "date": "2020-04-08",
        "date_precision": "day",
        "count": "100",
        "count_low": "",
        "count_high": "",
        "location": "Bagram",
        "verification": "corroborated",
        "notes": "100 freed from Bagram",
        "sources-0-url": "https://www.reuters.com/article/bagram-100",
        "sources-0-publisher": "Reuters",
        "sources-0-title": "Afghan government frees 100 Taliban prisoners",
        "sources-1-url": "https://tolonews.com/afghanistan/bagram",
        "sources-1-publisher": "TOLOnews",
        "sources-1-title": "",
    }
    data.update(overrides)
    return data


def test_a_valid_batch_with_two_sources_is_saved_under_review(app, client, ids):
    response = post(client, NEW, release_data(ids))
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalars(select(ReleaseRecord)).one()
        assert (record.kind, record.count, record.location) == ("batch", 100, "Bagram")
        assert record.status == "under_review"
        assert record.created_by_id is not None
        assert [s.publisher for s in record.sources] == ["Reuters", "TOLOnews"]
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "release_record")
        ).one()
        assert event.action == "create"
        assert event.changes["count"] == {"before": None, "after": 100}
        assert sorted(event.changes["sources"]["after"]) == [
            "https://tolonews.com/afghanistan/bagram",
            "https://www.reuters.com/article/bagram-100",
        ]
    assert "under review" in text_of(client.get(response.location))


def test_sources_are_reused_by_url_not_duplicated(app, client, ids):
    post(client, NEW, release_data(ids))
    post(
        client,
        NEW,
        release_data(ids, date="2020-04-09", **{"sources-1-url": "", "sources-1-publisher": ""}),
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Source)) == 2
        first, second = db.session.scalars(select(ReleaseRecord).order_by(ReleaseRecord.id))
        assert first.sources[0].id == second.sources[0].id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("count", "0", "must be positive; got 0"),
        ("count", "a hundred", "'a hundred' is not a whole number"),
        ("count", "", "is required, for example 100"),
        ("date", "2020-02-30", "'2020-02-30' is not a real date"),
        ("date", "2999-01-01", "2999-01-01 is in the future"),
        ("date", "yesterday", "is not a date; use 2020-04-09"),
        ("count_low", "150", "Low estimate (150) is more than count (100)"),
        ("count_high", "50", "High estimate (50) is less than count (100)"),
        ("sources-0-url", "reuters.com/article", "is not a web address starting with http"),
        ("location", "x" * 201, "characters long; the limit is 200"),
        ("commitment_id", "999999999", "is not one of the choices"),
    ],
)
def test_each_rule_has_its_message_at_the_field_and_in_the_summary(
    app, client, ids, field, value, message
):
    response = post(client, NEW, release_data(ids, **{field: value}))
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert "There is a problem" in page
    assert page.count(message) == 2  # at the field and in the summary
    assert f'href="#{field}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 0
        assert db.session.scalar(select(func.count()).select_from(Source)) == 0


def test_typed_values_are_kept_after_an_error(client, ids):
    data = release_data(ids, count="abc", location="Pul-e-Charkhi ‫پل چرخی‬", notes="kept notes")
    page = post(client, NEW, data).get_data(as_text=True)
    assert 'value="abc"' in page
    assert "Pul-e-Charkhi" in page
    assert "kept notes" in page
    assert 'value="https://www.reuters.com/article/bagram-100"' in page
    assert 'value="2020-04-08"' in page


def test_a_release_before_the_signing_asks_for_confirmation(app, client, ids):
    response = post(client, NEW, release_data(ids, date="2020-02-20"))
    assert response.status_code == 200
    assert "before the agreement was signed on 29 Feb 2020" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 0
    confirmed = post(client, NEW, release_data(ids, date="2020-02-20", confirm_warnings="y"))
    assert confirmed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 1


def test_a_running_total_lower_than_an_earlier_one_is_a_warning(client, ids):
    post(client, NEW, release_data(ids, kind="cumulative", count="361", date="2020-04-13"))
    response = post(
        client, NEW, release_data(ids, kind="cumulative", count="300", date="2020-04-20")
    )
    assert response.status_code == 200
    assert "The running total 300 is lower than the total of 361 reported earlier" in text_of(
        response
    )


def test_passing_an_up_to_target_is_a_warning(client, ids):
    post(client, NEW, release_data(ids, kind="cumulative", count="4917", date="2020-08-02"))
    response = post(client, NEW, release_data(ids, count="100", date="2020-08-14"))
    assert "This would take progress to 5,017, past the target of up to 5,000" in text_of(response)


def test_add_another_source_keeps_values_and_saves_nothing(app, client, ids):
    response = post(client, NEW, release_data(ids, add_source="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="sources-2-url"' in page
    assert 'value="Bagram"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 0


def test_a_missing_csrf_token_is_refused(app, client, ids):
    response = client.post(NEW, data=release_data(ids))
    assert response.status_code == 400
    assert "The form expired. Your values are kept below: save again." in text_of(response)
    assert 'value="https://www.reuters.com/article/bagram-100"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 0


def test_viewers_are_sent_to_log_in(app, client, ids, auth):
    auth.logout()
    response = client.get(NEW)
    assert response.status_code == 302
    assert "/login" in response.location


def test_the_commitment_can_be_chosen_by_the_link_that_opens_the_form(client, ids):
    page = client.get(f"{NEW}?commitment_id={ids['commitment']}").get_data(as_text=True)
    assert f'<option selected value="{ids["commitment"]}">' in page
