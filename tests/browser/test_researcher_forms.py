"""Researcher forms in a real browser: "Add another claim" inserts one block in place (no reload)
and moves the keyboard focus into it; the claims typed in both blocks are saved."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.test_entry_workflow import keyboard_login
from tests.records_support import make_process
from tracker.extensions import db
from tracker.models import ViolenceReport


def test_keyboard_only_adding_a_claim_inserts_one_block_and_focuses_it(app, make_user, page):
    make_user("a@example.org", display_name="Researcher A")
    make_process(app)
    keyboard_login(page, "a@example.org")
    page.goto(f"{page.base_url}/manage/violence/new")
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    claims = page.locator("fieldset[data-row='Claim']")
    assert claims.count() == 1

    page.locator("#claims-0-actor").focus()
    page.keyboard.type("ISKP")
    for _ in range(5):  # stance, statement date, source URL, notes, then the button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Add another claim"
    page.keyboard.press("Enter")

    assert claims.count() == 2  # one block, not two
    assert page.evaluate("document.activeElement.id") == "claims-1-actor"
    assert page.evaluate("window.sameDocument") is True
    assert claims.nth(1).locator("legend").inner_text() == "Claim 2"
    assert page.locator("#claims-1-actor").input_value() == ""  # blank, not a copy
    assert page.locator("label[for='claims-1-stated_on']").count() == 1
    page.keyboard.type("Taliban")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # denied
    assert page.locator("#claims-1-stance").input_value() == "denied"

    # The rest of the report, then save: both claims reach the database.
    page.select_option("#process_id", label="Afghanistan 2020")
    page.select_option("#event_type", "Explosions/Remote violence")
    page.select_option("#sub_event_type", "Shelling/artillery/missile attack")
    page.fill("#event_date", "2020-04-09")
    page.fill("#actor1", "Unidentified armed group")
    page.fill("#location", "Bagram Airfield")
    page.fill("#fatalities", "0")
    page.fill("#sources-0-url", "https://example.org/bagram-rockets")
    page.locator("button.button:has-text('Save')").click()
    errors = page.locator(".error-summary")
    assert errors.count() == 0 or errors.inner_text() == ""
    page.wait_for_url("**/manage/violence/*/edit")
    with app.app_context():
        report = db.session.scalar(select(ViolenceReport))
        assert sorted((c.actor, c.stance) for c in report.claims) == [
            ("ISKP", "claimed"),
            ("Taliban", "denied"),
        ]
    assert page.watch.console_errors == []
