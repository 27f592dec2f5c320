"""The process page in a real browser: the chart is drawn with the demo data, nothing leaks out."""

from playwright.sync_api import expect


def test_process_page_draws_the_progress_chart_with_data(demo, page):
    page.goto(f"{page.base_url}/processes/afghanistan-2020")
    chart = page.locator("#progress-chart")
    chart.locator(".main-svg").first.wait_for()
    expect(page.locator("#progress-chart")).to_have_attribute("data-drawn", "true", timeout=90_000)
    # One line per side, drawn with its points.
    traces = page.evaluate(
        "Array.from(document.getElementById('progress-chart').data)"
        ".filter(t => t.mode === 'lines+markers').map(t => t.y.length)"
    )
    assert traces == [10, 5]
    # Two progress lines, and two traces of reported running totals (diamonds).
    assert chart.locator("g.scatterlayer g.trace").count() == 4
    assert page.locator("text=Target: up to 5,000 prisoners").count() == 1
    assert page.watch.console_errors == []
    assert page.watch.outside_requests == []


def test_home_page_shows_headline_progress(demo, page):
    page.goto(page.base_url + "/")
    headline = page.locator(".progress-item .headline").first
    assert "released 5,197 Taliban prisoners of up to 5,000" in " ".join(
        headline.inner_text().split()
    )
    assert page.watch.console_errors == []
