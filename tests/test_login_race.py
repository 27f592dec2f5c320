"""Login throttling under concurrency, and the same work for every kind of account.

Parallel wrong-password logins for one account must get at most the configured number of
password checks (before, 40 parallel attempts over two hosts got 7 and 8 against a limit of
5). Counted by wrapping the one function that checks a password hash; nothing is timed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import tracker.auth.forms
import tracker.models.accounts
from tests.conftest import PASSWORD, AuthActions

WRONG = "not the password at all"
LIMIT = 5


@pytest.fixture
def app_config():
    return {"LOGIN_MAX_FAILURES_PER_ACCOUNT": LIMIT, "LOGIN_MAX_FAILURES_PER_ADDRESS": 1000}


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every password hash check made, by thread."""
    made: list[str] = []
    lock = threading.Lock()
    real = tracker.auth.forms.check_password_hash

    def counting(stored: str, password: str) -> bool:
        with lock:
            made.append(threading.current_thread().name)
        return real(stored, password)

    # Wherever a hash is checked: the login's credential check and User.check_password.
    monkeypatch.setattr(tracker.auth.forms, "check_password_hash", counting)
    monkeypatch.setattr(tracker.models.accounts, "check_password_hash", counting)
    return made


def test_parallel_wrong_passwords_get_at_most_the_limit_of_checks(app, make_user, checks):
    make_user()
    clients = [AuthActions(app.test_client()) for _ in range(20)]
    tokens = [actions.csrf_token() for actions in clients]
    start = threading.Barrier(len(clients))

    def attempt(index: int) -> int:
        start.wait()
        data = {"email": "researcher@example.org", "password": WRONG, "csrf_token": tokens[index]}
        return clients[index].client.post("/login", data=data).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(attempt, range(len(clients))))
    assert len(checks) == LIMIT  # five attempts got their check; the other 15 were refused
    # Those checked say 401, or 429 when the lock came while their password was checked.
    assert set(statuses) <= {401, 429} and statuses.count(429) >= len(clients) - LIMIT
    # The right password is refused too while the lock holds, without a check.
    before = len(checks)
    assert AuthActions(app.test_client()).login().status_code == 429
    assert len(checks) == before


@pytest.mark.parametrize("kind", ["unknown", "deactivated", "active", "no password set"])
def test_every_kind_of_account_costs_one_password_check(app, make_user, auth, checks, kind):
    if kind == "deactivated":
        make_user(is_active_account=False)
    elif kind == "active":
        make_user()
    elif kind == "no password set":
        with app.app_context():
            from tests import factories
            from tracker.extensions import db

            factories.user("researcher@example.org")
            db.session.commit()
    response = auth.login("researcher@example.org", PASSWORD if kind != "active" else WRONG)
    assert response.status_code == 401
    assert len(checks) == 1


def test_a_deactivated_account_with_its_right_password_is_refused_like_a_wrong_one(make_user, auth):
    make_user(is_active_account=False)
    response = auth.login()
    assert response.status_code == 401
    assert "Email or password is incorrect." in response.get_data(as_text=True)
