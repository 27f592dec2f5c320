"""No page of the app logs a Content-Security-Policy violation in a real browser.

Violations are caught two ways: Chromium's console messages that mention the policy, and the
``securitypolicyviolation`` events of each document (reported through a Playwright binding,
which the page's CSP cannot block).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.test_authorization_matrix import MATRIX, PUBLIC
from tracker.extensions import db
from tracker.main.routes import PLOTLY_VERSION
from tracker.models import Commitment, ReleaseRecord, ViolenceReport

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def csp_page(page):
    """The browser page, recording every CSP violation in ``page.violations``."""
    page.violations = []
    page.expose_function("reportCspViolation", lambda text: page.violations.append(text))
    page.add_init_script(LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text:
            page.violations.append(message.text)

    page.on("console", on_console)
    return page


def public_pages(app) -> list[str]:
    """Every public HTML page of the authorization matrix, on the demo data."""
    with app.app_context():
        commitment = db.session.scalar(select(Commitment.id).order_by(Commitment.id))
        release = db.session.scalar(select(ReleaseRecord.id).order_by(ReleaseRecord.id))
        report = db.session.scalar(select(ViolenceReport.id).order_by(ViolenceReport.id))
    values = {
        "commitment": commitment,
        "plotly": PLOTLY_VERSION,
        "target": 0,
        "release": release,
        "report": report,
    }
    return [
        (row.url or row.rule).format(**values)
        for row in MATRIX
        if row.method == "GET"
        and row.expected == PUBLIC
        and not row.rule.startswith(("/static/", "/assets/", "/api/"))
        and not row.rule.endswith((".csv", ".json"))  # downloads, not pages
    ]


def visit(page, path: str) -> None:
    """Open a page and let its scripts finish (charts drawn, if any)."""
    # "load", not "networkidle": the idle signal can fail to arrive in a busy headless Chromium
    # (seen in CI); the charts' own data-drawn marks say when their scripts have finished.
    page.goto(page.base_url + path, wait_until="load")
    if page.locator(".chart[data-figure]").count():
        # A locator, not wait_for_function: its string predicate needs eval(), which CSP refuses.
        expect(page.locator(".chart[data-figure]:not([data-drawn='true'])")).to_have_count(
            0, timeout=90_000
        )


def test_public_pages_log_no_csp_violation(app, demo, csp_page):
    pages = public_pages(app) + ["/no-such-page"]
    assert "/processes/afghanistan-2020" in pages
    for path in pages:
        visit(csp_page, path)
        assert csp_page.violations == [], path
    assert csp_page.watch.console_errors == [
        "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"
    ]


def test_login_account_and_admin_pages_log_no_csp_violation(demo, make_user, csp_page):
    page = csp_page
    make_user("admin@example.org", role="admin")
    make_user("researcher@example.org")
    visit(page, "/login")
    # Keyboard only: the form works without a mouse.
    page.keyboard.press("Tab")
    page.locator("#email").focus()
    page.keyboard.type("admin@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(page.base_url + "/")
    assert "Logged in as admin" in page.content()
    for path in ("/account/password", "/admin/users", "/admin/users/new"):
        visit(page, path)
        assert page.violations == [], path
    page.fill("#email", "newcomer@example.org")
    page.select_option("#role", "researcher")
    page.click("main button[type=submit]")
    assert page.locator(".temporary-password code").inner_text()
    page.click("text=Manage newcomer@example.org")
    page.click("text=Deactivate account")
    expect(page.locator("main")).to_contain_text("is deactivated")
    page.click("text=Log out")
    assert page.violations == []
    assert page.watch.console_errors == []


def test_the_check_catches_an_inline_script(app, csp_page):
    """The harness itself: a page with an inline script and handler is reported."""

    @app.get("/csp-canary")
    def canary():
        return '<p onclick="x()">hi</p><script>document.title = "ran"</script>'

    visit(csp_page, "/csp-canary")
    assert csp_page.title() != "ran"
    assert any("script-src" in violation for violation in csp_page.violations)
