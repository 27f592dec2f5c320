"""Browser harness: Playwright driving Debian's Chromium (never a downloaded browser) headless
against the app served by a real WSGI server in a thread of this process.

Without /usr/bin/chromium the browser tests are skipped on a developer's machine, and fail
under CI (CI=true), so a green CI run always means they ran.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-gl=swiftshader",
    "--enable-unsafe-swiftshader",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = "Debian's Chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The app on 127.0.0.1 at a free port, served by Werkzeug in a daemon thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class PageWatch:
    """What a page did that a test should know: console errors and requests leaving 127.0.0.1."""

    def __init__(self):
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; every request outside 127.0.0.1 is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Generous waits: these tests check behaviour, not speed, and CI shares two cores.
    page.set_default_timeout(90_000)
    watch = PageWatch()

    def on_console(message):
        if message.type == "error":
            watch.console_errors.append(message.text)

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            watch.outside_requests.append(route.request.url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
    page.route("**/*", guard)
    page.base_url = live_server
    page.watch = watch
    yield page
    context.close()
