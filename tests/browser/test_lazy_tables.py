"""Long data tables under the charts arrive when opened; a second visit asks for no asset."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests import factories
from tracker.extensions import db
from tracker.services.figures.public import find_process

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def add_daily_reports(app, days: int = 260) -> None:
    with app.app_context():
        process = find_process("afghanistan-2020")
        for day in range(days):
            factories.violence(process, date(2020, 3, 1) + timedelta(days=day), fatalities=day % 4)
        db.session.commit()


def test_opening_a_long_table_loads_its_rows(app, demo, page):
    add_daily_reports(app)
    page.goto(f"{page.base_url}/processes/afghanistan-2020?interval=day")
    section = page.locator("#chart-violence")
    assert section.locator("#violence-table").count() == 0
    section.locator("summary", has_text="Data behind the chart").click()
    table = section.locator("#violence-table")
    expect(table).to_be_visible(timeout=90_000)
    assert table.locator("tbody tr").count() >= 260
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 768, 360):
        page.set_viewport_size({"width": width, "height": 900})
        section.locator("summary", has_text="Data behind the chart").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"lazy-table-{width}.png"))
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_a_second_visit_asks_the_server_for_no_asset(app, demo, browser, live_server):
    # A context of its own: the shared page fixture routes every request, which turns off
    # the browser's cache.
    reached: list[str] = []
    inner = app.wsgi_app

    def recording(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    app.wsgi_app = recording
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        url = f"{live_server}/processes/afghanistan-2020"
        for visit in ("first", "second"):
            reached.clear()
            page.goto(url)
            expect(page.locator("#map-chart")).to_have_attribute(
                "data-drawn", "true", timeout=90_000
            )
            if visit == "first":
                assets = [path for path in reached if path.startswith(("/static/", "/assets/"))]
                assert any(path.startswith("/assets/plotly-") for path in assets)
                assert any("/topojson." in path for path in assets)  # the base map
        assert reached == ["/processes/afghanistan-2020"]
    finally:
        context.close()
        app.wsgi_app = inner
