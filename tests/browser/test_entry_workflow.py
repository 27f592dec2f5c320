"""Researcher A enters a release batch with two sources using only the keyboard; researcher B
publishes it; the public progress chart and the API show the new total."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.records_support import make_process
from tracker.extensions import db
from tracker.models import Agreement


def keyboard_login(page, email: str) -> None:
    """Log in by typing and tabbing: no clicks."""
    page.goto(f"{page.base_url}/login")
    page.locator("#email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{page.base_url}/")


def tab_and_type(page, text: str = "") -> None:
    """Move to the next field and type into it."""
    page.keyboard.press("Tab")
    if text:
        page.keyboard.type(text)


def test_keyboard_entry_then_review_then_public_total(app, make_user, page, browser):
    make_user("a@example.org", display_name="Researcher A")
    make_user("b@example.org", display_name="Researcher B")
    ids = make_process(app)

    keyboard_login(page, "a@example.org")
    page.goto(f"{page.base_url}/manage/release/new")
    page.locator("#commitment_id").focus()
    page.keyboard.press("ArrowDown")  # the first commitment
    tab_and_type(page)  # kind: batch (the default)
    tab_and_type(page, "2020-04-08")  # date
    tab_and_type(page)  # date precision: day
    tab_and_type(page, "100")  # count
    tab_and_type(page)  # low estimate
    tab_and_type(page)  # high estimate
    tab_and_type(page, "Bagram")  # place
    tab_and_type(page)  # verification
    tab_and_type(page, "100 freed from Bagram")  # notes
    tab_and_type(page, "https://www.reuters.com/article/bagram-100")
    tab_and_type(page, "Reuters")
    tab_and_type(page, "Afghan government frees 100 Taliban prisoners")
    tab_and_type(page, "https://tolonews.com/afghanistan/bagram-100")
    tab_and_type(page, "TOLOnews")
    page.keyboard.press("Enter")  # Enter in a text box saves (not "add another source")
    page.wait_for_url("**/manage/release/*/edit")
    assert "It is under review" in page.locator(".flash").inner_text()
    assert page.locator("#sources-1-url").input_value() == (
        "https://tolonews.com/afghanistan/bagram-100"
    )
    assert page.locator("#count").input_value() == "100"
    assert page.locator("text=You entered or changed this record").count() == 1
    assert page.watch.console_errors == []

    # Nothing public yet: the record is under review.
    api = page.request.get(f"{page.base_url}/api/v1/commitments/{ids['commitment']}/progress")
    assert api.json()["achieved"] == 0

    context_b = browser.new_context(viewport={"width": 1280, "height": 900})
    page_b = context_b.new_page()
    page_b.base_url = page.base_url
    keyboard_login(page_b, "b@example.org")
    page_b.goto(f"{page.base_url}/manage/review")
    publish = page_b.get_by_role("button", name="Publish release record")
    publish.focus()
    page_b.keyboard.press("Enter")
    page_b.wait_for_url("**/manage/review*")  # back to the queue, at the next item
    assert "published" in page_b.locator(".flash").inner_text()
    context_b.close()

    api = page.request.get(f"{page.base_url}/api/v1/commitments/{ids['commitment']}/progress")
    assert api.json()["achieved"] == 100
    assert api.json()["series"] == [{"date": "2020-04-08", "cumulative": 100}]

    page.goto(f"{page.base_url}/processes/afghanistan-2020")
    expect(page.locator("#progress-chart")).to_have_attribute("data-drawn", "true", timeout=90_000)
    drawn = page.evaluate("Array.from(document.getElementById('progress-chart').data, t => t.y)")
    assert [max(y) for y in drawn if y] == [100]
    assert page.watch.outside_requests == []
    assert page.watch.console_errors == []


def test_scripts_narrow_sub_event_types_and_focus_the_error_summary(app, make_user, page):
    make_user("a@example.org")
    ids = make_process(app)
    keyboard_login(page, "a@example.org")
    page.goto(f"{page.base_url}/manage/violence/new?process_id={ids['process']}")
    page.select_option("#event_type", "Riots")
    enabled = page.evaluate(
        "Array.from(document.querySelectorAll('#sub_event_type option'))"
        ".filter(o => !o.disabled && !(o.parentElement.disabled)).map(o => o.value)"
    )
    assert enabled == ["", "Violent demonstration", "Mob violence"]
    page.locator("#actor1").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submit with most fields empty
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.keyboard.press("Tab")  # the first error link
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#event_date"
    # The refused form is answered with 400, which Chromium logs; no script errors besides.
    assert [e for e in page.watch.console_errors if "status of 400" not in e] == []


AXE = Path(__file__).parent.parent / "vendor" / "axe.min.js"
RECORD_PAGES = [
    "/manage/",
    "/manage/review",
    "/manage/release/new",
    "/manage/violence/new",
    "/manage/release/",
    "/manage/violence/?event_type=Battles",
    "/manage/agreement/{agreement}/edit",
    "/manage/agreement/{agreement}/history",
]


def axe_violations(page) -> list[str]:
    """Run axe-core, served as if from this site (the strict CSP refuses inline scripts)."""
    axe_url = page.base_url + "/__test__/axe.min.js"
    page.route(axe_url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=axe_url)
    return page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => v.id + ': ' + v.nodes.length"
        " + ' ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')))"
    )


@pytest.mark.parametrize("path", RECORD_PAGES)
def test_records_pages_are_accessible_and_fit_a_small_screen(demo, make_user, page, path):
    make_user("a@example.org")
    with demo.app_context():
        agreement = db.session.scalar(select(func.min(Agreement.id)))
    keyboard_login(page, "a@example.org")
    page.goto(page.base_url + path.format(agreement=agreement))
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.watch.console_errors == []


def test_a_form_with_errors_is_accessible(app, make_user, page):
    make_user("a@example.org")
    make_process(app)
    keyboard_login(page, "a@example.org")
    page.goto(f"{page.base_url}/manage/release/new")
    with page.expect_navigation():
        page.locator("form.record-form button.button:not(.secondary)").click()
    assert page.locator(".error-summary li").count() >= 2
    assert axe_violations(page) == []
