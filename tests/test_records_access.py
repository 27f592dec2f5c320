"""Who may use the records pages: logged-in researchers and admins; settings for admins only."""

from __future__ import annotations

import pytest

from tests.records_support import make_process

PAGES = [
    "/manage/",
    "/manage/review",
    "/manage/release/",
    "/manage/release/new",
    "/manage/violence/new",
    "/manage/agreement/{agreement}/edit",
    "/manage/agreement/{agreement}/history",
]


@pytest.fixture
def ids(app):
    return make_process(app)


@pytest.mark.parametrize("path", PAGES + ["/manage/settings"])
def test_viewers_are_sent_to_log_in(client, ids, path):
    response = client.get(path.format(**ids))
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize("path", PAGES)
def test_researchers_and_admins_may_use_the_pages(app, make_user, auth, ids, path):
    make_user("a@example.org")
    auth.login("a@example.org")
    assert auth.client.get(path.format(**ids)).status_code == 200


def test_state_changes_need_post(app, make_user, auth, ids):
    make_user("a@example.org")
    auth.login("a@example.org")
    for action in ("publish", "archive", "restore"):
        path = f"/manage/agreement/{ids['agreement']}/{action}"
        assert auth.client.get(path).status_code == 405
