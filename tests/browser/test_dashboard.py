"""The dashboard in a real browser: every chart drawn, nothing leaves 127.0.0.1, tables match
the API, filters change the charts and the URL, CSV downloads hold the chart's data, and
axe-core (tests/vendor/axe.min.js, from the npm package) finds no accessibility violations."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

SLUG = "afghanistan-2020"
CHARTS = ("progress", "ratio", "pace", "score", "violence", "riv", "map")
AXE = Path(__file__).parent.parent / "vendor" / "axe.min.js"


def wait_for_charts(page) -> None:
    """Wait until every chart on the page has been drawn (or failed).

    A locator, not wait_for_function: a string predicate is evaluated with eval(), which the
    strict CSP (no 'unsafe-eval') may refuse."""
    expect(page.locator(".chart[data-figure]:not([data-drawn])")).to_have_count(0, timeout=90_000)


def test_process_page_draws_every_chart_with_data(demo, page):
    page.goto(f"{page.base_url}/processes/{SLUG}")
    wait_for_charts(page)
    for key in CHARTS:
        chart = page.locator(f"#{key}-chart")
        assert chart.get_attribute("data-drawn") == "true", key
        points = page.evaluate(
            f"document.getElementById('{key}-chart').data"
            ".map(t => (t.y || t.lat || []).length).reduce((a, b) => a + b, 0)"
        )
        assert points > 0, key
        assert chart.locator(".main-svg").count() >= 1
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []  # plotly.js and the map's TopoJSON are local


def test_progress_table_matches_the_api(demo, page):
    page.goto(f"{page.base_url}/processes/{SLUG}")
    for commitment_id in page.eval_on_selector_all(
        "#progress-table tr[data-commitment]",
        "rows => [...new Set(rows.map(r => r.dataset.commitment))]",
    ):
        api = page.request.get(
            f"{page.base_url}/api/v1/commitments/{commitment_id}/progress"
        ).json()
        rows = page.eval_on_selector_all(
            f"#progress-table tr[data-commitment='{commitment_id}']",
            "rows => rows.map(r => [r.cells[2].dataset.value, Number(r.cells[3].dataset.value)])",
        )
        assert rows == [[point["date"], point["cumulative"]] for point in api["series"]]
        assert rows


def test_changing_a_filter_changes_the_charts_and_the_url(demo, page):
    page.goto(f"{page.base_url}/processes/{SLUG}")
    wait_for_charts(page)
    before = page.evaluate("document.getElementById('progress-chart').data[0].x.length")
    page.fill("#filter-from", "2020-07-01")
    page.click("button:has-text('Apply filters')")
    page.wait_for_url("**from=2020-07-01**")
    wait_for_charts(page)
    after = page.evaluate("document.getElementById('progress-chart').data[0].x")
    assert len(after) < before and all(day >= "2020-07-01" for day in after)
    # The interval switch submits itself (script), keeping the date filter in the URL.
    page.select_option("#filter-interval", "day")
    page.wait_for_url("**interval=day**")
    assert "from=2020-07-01" in page.url
    wait_for_charts(page)
    assert page.locator("#filter-interval").input_value() == "day"
    assert page.watch.console_errors == []


def test_csv_download_holds_the_charts_data(demo, page):
    page.goto(f"{page.base_url}/processes/{SLUG}")
    wait_for_charts(page)
    with page.expect_download() as info:
        page.click("#chart-progress a:has-text('Download this data (CSV)')")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    figure = page.evaluate(
        "document.getElementById('progress-chart').data.filter(t => t.mode === 'lines+markers')"
        ".map(t => t.x.map((x, i) => [x, t.y[i]]))"
    )
    drawn = sorted(tuple(point) for line in figure for point in line)
    assert sorted((row["date"], int(row["cumulative"])) for row in rows) == drawn


@pytest.mark.parametrize("path", ["/", f"/processes/{SLUG}"])
def test_axe_finds_no_accessibility_violations(demo, page, path):
    page.goto(page.base_url + path)
    wait_for_charts(page)
    # The strict CSP refuses inline scripts, so axe is served as if from this site.
    axe_url = page.base_url + "/__test__/axe.min.js"
    page.route(axe_url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=axe_url)
    violations = page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => v.id + ': ' + v.nodes.length"
        " + ' ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')))"
    )
    assert violations == []


def test_dashboard_fits_a_360_pixel_screen(demo, page):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{page.base_url}/processes/{SLUG}")
    wait_for_charts(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
