"""Request filters read once (tracker.services.rules.filters) for pages, lists, downloads and
the API: NUL in any filter is a 400 or ignored, never a 500 (PostgreSQL refuses NUL), and the
same bad value gets the same message everywhere."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import PeaceProcess

SLUG = "afghanistan-2020"
FILTER_NAMES = (
    "from", "to", "date_from", "date_to", "event_type", "actor", "interval", "process",
    "commitment", "status", "verification", "page", "per_page",
)  # fmt: skip
PAGES = (f"/processes/{SLUG}", "/manage/violence/", "/manage/release/")
DATA = (
    f"/processes/{SLUG}/charts/progress.csv",
    f"/processes/{SLUG}/charts/violence.csv",
    f"/processes/{SLUG}/charts/map.csv",
    f"/exports/processes/{SLUG}/violence.csv",
    f"/exports/processes/{SLUG}.json",
    f"/api/v1/processes/{SLUG}/violence",
    f"/api/v1/processes/{SLUG}/violence/summary",
)


@pytest.fixture
def reports(demo, make_user, auth):
    """The demo process with two more published reports, and a researcher logged in."""
    with demo.app_context():
        process = db.session.scalar(db.select(PeaceProcess).filter_by(slug=SLUG))
        factories.violence(
            process, date(2020, 3, 4), actor1="Haqqani Network", location="Kunduz",
            latitude=36.73, longitude=68.86,
        )  # fmt: skip
        factories.violence(
            process, date(2020, 3, 5), actor1="ISKP", location="Jalalabad",
            latitude=34.43, longitude=70.45,
        )  # fmt: skip
        db.session.commit()
    make_user()
    auth.login()
    return demo


@pytest.mark.parametrize("path", PAGES + DATA)
def test_nul_in_any_filter_is_a_400_or_ignored(reports, client, path):
    for name in FILTER_NAMES:
        for value in ("Haqqani%00", "2020-03-01%00"):
            response = client.get(f"{path}?{name}={value}")
            response.get_data()  # a streamed download runs to its end
            # A chart left with no rows by a good filter is a 404 (no data), as without NUL.
            expected = (200, 400, 404) if "/charts/" in path else (200, 400)
            assert response.status_code in expected, (name, value, response.status_code)
            if response.status_code == 400 and path in DATA:
                error = response.get_json()["error"]
                assert error["code"] == 400 and repr(name) in error["message"]


@pytest.mark.parametrize(
    "path",
    [
        f"/processes/{SLUG}/charts/map.csv",
        f"/exports/processes/{SLUG}/violence.csv",
        f"/api/v1/processes/{SLUG}/violence",
        "/manage/violence/",
    ],
)
def test_nul_in_an_actor_is_dropped_and_the_filter_still_applies(reports, client, path):
    def body(query: str) -> str:
        response = client.get(f"{path}{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    for query in ("?actor=Haqqani", "?actor=Haq%00qani", "?actor=%00haqqani%00"):
        text = body(query)
        assert "Kunduz" in text and "Jalalabad" not in text, query
    assert "Jalalabad" in body("")


def test_a_bad_filter_gets_the_same_message_on_every_surface(reports, client):
    message = "From 'someday' is not a date; use 2020-04-09 or 09 April 2020"
    page = client.get(f"/processes/{SLUG}?from=someday").get_data(as_text=True)
    assert message.replace("'", "&#39;") in page
    listing = client.get("/manage/violence/?date_from=someday")
    assert listing.status_code == 400
    assert message.replace("'", "&#39;") in listing.get_data(as_text=True)
    for path in (f"/api/v1/processes/{SLUG}/violence", f"/exports/processes/{SLUG}/violence.csv"):
        response = client.get(f"{path}?from=someday")
        assert response.status_code == 400
        assert message in response.get_json()["error"]["message"]


def test_actor_limit_is_the_same_everywhere(reports, client):
    too_long, fits = "x" * 301, "x" * 300
    for path in (
        f"/api/v1/processes/{SLUG}/violence",
        f"/exports/processes/{SLUG}/violence.csv",
        "/manage/violence/",
    ):
        refused = client.get(f"{path}?actor={too_long}")
        assert refused.status_code == 400, path
        assert "Actor is 301 characters long; the limit is 300" in refused.get_data(as_text=True)
        accepted = client.get(f"{path}?actor={fits}")
        accepted.get_data()
        assert accepted.status_code == 200, path
    page = client.get(f"/processes/{SLUG}?actor={too_long}").get_data(as_text=True)
    assert "Actor is 301 characters long; the limit is 300; showing every actor." in page


def test_chart_csv_keeps_the_actor_filter(reports, client):
    text = client.get(f"/processes/{SLUG}/charts/map.csv?actor=haqqani").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["location"] for row in rows] == ["Kunduz"]
