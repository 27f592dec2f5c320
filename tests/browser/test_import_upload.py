"""The CSV upload in a real browser, by keyboard: log in, choose a file, preview, confirm."""

from pathlib import Path

from tests.conftest import PASSWORD

ACLED = Path(__file__).parent.parent / "data" / "acled_afghanistan_2020.csv"


def test_upload_preview_and_confirm_with_the_keyboard(demo, make_user, page):
    make_user()
    page.goto(f"{page.base_url}/login")
    page.fill("input[name=email]", "researcher@example.org")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{page.base_url}/imports")
    page.set_input_files("input[name=file]", str(ACLED))
    page.focus("input[name=file]")
    page.keyboard.press("Tab")  # to the submit button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Preview: acled_afghanistan_2020.csv" in page.locator("h1").inner_text()
    assert page.locator(".counts dd").first.inner_text() == "400"
    assert page.locator(".preview-table tbody tr").count() == 10
    page.focus("text=Add 400, update 0, leave 0 unchanged")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "400 added, 0 updated, 0 unchanged" in page.locator(".flash").inner_text()
    assert page.locator(".imports-table tbody tr").count() == 1
    assert page.watch.console_errors == [] and page.watch.outside_requests == []
