"""Home and process pages at 360, 768 and 1280 px, measured in the browser: no text runs out of
its container, no legend entry, label or axis title is cut off, and wide tables scroll inside
their own labelled, focusable region."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.layout_checks import (
    CLIPPED_CHART_TEXT,
    OVERFLOWING_TEXT,
    axe_violations,
    wait_for_charts,
)
from tracker.extensions import db
from tracker.services.figures.public import find_process

SLUG = "afghanistan-2020"
WIDTHS = (360, 768, 1280)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/", f"/processes/{SLUG}"])
def test_no_text_overflows_and_no_chart_text_is_cut_off(demo, page, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base_url + path)
    wait_for_charts(page)
    # Open every data table, so its contents are measured too.
    for summary in page.locator("details > summary").all():
        summary.click()
    assert page.evaluate(OVERFLOWING_TEXT) == []
    assert page.evaluate(CLIPPED_CHART_TEXT) == []
    assert page.watch.console_errors == []


def test_a_wide_table_scrolls_in_a_focusable_region_on_a_phone(demo, page):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{page.base_url}/processes/{SLUG}")
    region = page.get_by_role("region", name="Terms and their status")
    # The Basis column is beyond the card's edge, and the keyboard can scroll to it.
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    basis = region.locator("th", has_text="Basis")
    expect(basis).not_to_be_in_viewport(ratio=0.99)  # cut off by the region's edge at first
    region.focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    expect(basis).to_be_in_viewport(ratio=0.99)  # (keyboard scrolling may be animated: polled)


def test_a_one_week_band_on_a_three_year_axis_stays_visible(demo, page):
    with demo.app_context():  # a report in 2023 stretches the weekly axis over three years
        factories.violence(find_process(SLUG), date(2023, 3, 1))
        db.session.commit()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{page.base_url}/processes/{SLUG}")
    wait_for_charts(page)
    # The agreed week (22-28 Feb 2020) and the milestone bands: plotly draws them as paths.
    widths = page.evaluate(
        "[...document.querySelectorAll('#violence-chart .shapelayer path')]"
        ".map(p => p.getBoundingClientRect()).filter(r => r.height > 100 && r.width > 0)"
        ".map(r => r.width)"
    )
    assert len(widths) == 2 and min(widths) >= 5.5


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path",
    ["/compare", f"/embed/processes/{SLUG}/charts/progress", f"/embed/processes/{SLUG}/charts/map"],
)
def test_new_pages_fit_every_width(demo, page, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base_url + path)
    wait_for_charts(page)
    assert page.evaluate(OVERFLOWING_TEXT) == []
    assert page.evaluate(CLIPPED_CHART_TEXT) == []
    assert page.watch.console_errors == [] and page.watch.outside_requests == []


@pytest.mark.parametrize(
    "path", ["/compare", f"/embed/processes/{SLUG}/charts/violence", f"/processes/{SLUG}"]
)
def test_axe_finds_nothing_on_the_new_pages_and_boxes(demo, page, path):
    page.goto(page.base_url + path)
    wait_for_charts(page)
    for box in page.locator("details.share").all():  # the cite and embed boxes, opened
        box.evaluate("d => { d.open = true; }")
    assert axe_violations(page) == []


def test_copy_buttons_appear_with_the_script_and_copy_the_reference(demo, page, browser):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{page.base_url}/processes/{SLUG}")
    page.locator("#cite-progress summary").click()
    button = page.locator("button[data-copy='cite-progress-text']")
    expect(button).to_have_text("Copy the reference")
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Peace Process Tracker. “Cumulative prisoner releases")
