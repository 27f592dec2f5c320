"""Cached chart data stays equal to freshly computed data after every kind of write.

The cache is keyed on the data version in the database, so these checks hold for any number of
workers: a second app on the same database (another worker, another host) sees each write too.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from flask import request

from tests.records_support import enter_batch, make_process, record_action
from tracker import create_app
from tracker.extensions import db
from tracker.services.dashboard import assemble as dashboard
from tracker.services.dashboard.cache import current_version
from tracker.services.figures.public import find_process

ACLED_EXCERPT = Path(__file__).parent / "data" / "acled_afghanistan_2020.csv"
SLUG = "afghanistan-2020"
FILTERS = ({}, {"interval": "month", "event_type": "Battles"}, {"actor": "taliban"})


def charts(app, args: dict, fresh: bool = False) -> dict:
    """The process's charts as the page builds them; ``fresh`` bypasses the cache."""
    with app.test_request_context(query_string=args):
        board = dashboard.Dashboard(find_process(SLUG), dashboard.parse_params(request.args))
        if fresh:
            built = [dashboard.BUILDERS[key](board) for key in dashboard.BUILDERS]
        else:
            built = [board.chart(key) for key in dashboard.BUILDERS]
        return {chart.key: asdict(chart) for chart in built if chart is not None}


def version(app) -> int:
    with app.test_request_context():
        return current_version()


def assert_cache_is_current(*apps) -> None:
    """For every app and filter set: what the cache serves equals a fresh computation."""
    for app in apps:
        for args in FILTERS:
            assert charts(app, args) == charts(app, args, fresh=True), args


@pytest.fixture
def other_worker(app, database_url):
    """A second app on the same database: another gunicorn worker, or another host."""
    other = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def review(client, record_id: int, verb: str) -> None:
    assert record_action(client, record_id, verb).status_code == 302


def progress_summary(app) -> str:
    return charts(app, {})["progress"]["summary"]


def test_cached_charts_follow_form_publish_import_and_archive(
    app, people, other_worker, runner, tmp_path
):
    ids = make_process(app)
    # Warm both workers' caches on the empty process.
    assert_cache_is_current(app, other_worker)
    assert "0 of up to 5,000" in progress_summary(other_worker)
    start = version(app)

    record_id = enter_batch(people["a"], ids["commitment"], "120")  # form: under review
    assert version(other_worker) > start
    assert_cache_is_current(app, other_worker)
    assert "0 of up to 5,000" in progress_summary(other_worker)

    review(people["b"], record_id, "publish")  # publish: the public figure moves
    assert_cache_is_current(app, other_worker)
    assert "120 of up to 5,000" in progress_summary(other_worker)

    excerpt = tmp_path / "acled.csv"
    excerpt.write_text(
        "".join(ACLED_EXCERPT.read_text(encoding="utf-8-sig").splitlines(True)[:41]),
        encoding="utf-8",
    )
    before_import = charts(other_worker, {})
    assert runner.invoke(args=["review", "off"]).exit_code == 0  # an import that publishes
    result = runner.invoke(
        args=["import", "violence", str(excerpt), "--process", SLUG, "--status", "published"]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["review", "on"]).exit_code == 0
    assert_cache_is_current(app, other_worker)
    after_import = charts(other_worker, {})
    assert "violence" not in before_import and "violence" in after_import
    assert after_import["violence"]["records"] > 0

    review(people["a"], record_id, "archive")  # archive: a change waiting for review
    assert_cache_is_current(app, other_worker)
    assert "120 of up to 5,000" in progress_summary(other_worker)
    review(people["b"], record_id, "publish")  # published: the figure goes back
    assert_cache_is_current(app, other_worker)
    assert "0 of up to 5,000" in progress_summary(other_worker)


def test_the_page_and_the_summary_api_show_a_write_at_once(app, people, other_worker, client):
    ids = make_process(app)
    worker = other_worker.test_client()
    api = f"/api/v1/processes/{SLUG}/violence/summary?interval=month"
    page_before = worker.get(f"/processes/{SLUG}").get_data(as_text=True)
    assert worker.get(api).get_json()["periods"] == []
    record_id = enter_batch(people["a"], ids["commitment"], "75")
    review(people["b"], record_id, "publish")
    page_after = worker.get(f"/processes/{SLUG}").get_data(as_text=True)
    assert "75 of up to 5,000" in page_after and "75 of up to 5,000" not in page_before


def test_reading_does_not_move_the_version(app, client):
    make_process(app)
    start = version(app)
    client.get(f"/processes/{SLUG}")
    client.get(f"/api/v1/processes/{SLUG}/violence/summary")
    assert version(app) == start


def test_anonymous_pages_are_shared_but_never_a_logged_in_users_page(app, people, client):
    make_process(app)
    anonymous = client.get(f"/processes/{SLUG}?interval=month").get_data(as_text=True)
    researcher = people["a"].get(f"/processes/{SLUG}?interval=month").get_data(as_text=True)
    assert "a@example.org" not in anonymous
    assert "Log out" in researcher and "Log out" not in anonymous
    again = app.test_client().get(f"/processes/{SLUG}?interval=month").get_data(as_text=True)
    assert again == anonymous
    assert "Log out" in people["a"].get(f"/processes/{SLUG}?interval=month").get_data(as_text=True)
