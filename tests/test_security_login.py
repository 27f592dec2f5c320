"""Logging in safely: throttling kept in the database, revocable sessions, timeouts, redirects,
cookies and the password policy."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import PASSWORD, AuthActions
from tracker import create_app
from tracker.extensions import db
from tracker.models import LoginFailure, User
from tracker.models.base import utcnow
from tracker.services.accounts.passwords import (
    PasswordError,
    check_password_policy,
    common_passwords,
)

WRONG = "definitely not the password"


@pytest.fixture
def other_app(database_url):
    """Make more apps on the test database (other workers, other settings); closed afterwards."""
    made = []

    def make(config_name: str = "testing", **config):
        app = create_app(config_name, {"SQLALCHEMY_DATABASE_URI": database_url, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def logged_in(client) -> bool:
    """True when the client's session is a logged-in one (the page offers "Log out")."""
    return "Log out" in client.get("/").get_data(as_text=True)


class TestThrottling:
    @pytest.fixture
    def app_config(self):
        return {"LOGIN_MAX_FAILURES_PER_ACCOUNT": 3, "LOGIN_MAX_FAILURES_PER_ADDRESS": 5}

    def test_account_is_locked_after_the_configured_failures(self, make_user, auth):
        make_user()
        for _ in range(2):
            assert auth.login(password=WRONG).status_code == 401
        third = auth.login(password=WRONG)
        assert third.status_code == 429
        assert "try again in 15 minutes" in third.get_data(as_text=True)
        assert third.headers["Retry-After"] == "900"
        # Even the right password is refused while locked, with the same message.
        locked = auth.login()
        assert locked.status_code == 429
        assert "try again in 15 minutes" in locked.get_data(as_text=True)

    def test_lock_is_the_same_for_an_unknown_email(self, auth):
        for _ in range(3):
            response = auth.login("nobody@example.org", WRONG)
        assert response.status_code == 429

    def test_lock_lifts_when_its_time_has_passed(self, app, make_user, auth):
        make_user()
        for _ in range(3):
            auth.login(password=WRONG)
        with app.app_context():
            past = utcnow() - timedelta(minutes=1)
            db.session.execute(
                update(LoginFailure).values(
                    locked_until=past, window_started_at=past - timedelta(minutes=30)
                )
            )
            db.session.commit()
        assert auth.login().status_code == 302

    def test_success_forgives_the_account_but_not_the_address(self, app, make_user, auth):
        make_user()
        auth.login(password=WRONG)
        auth.login(password=WRONG)
        assert auth.login().status_code == 302
        with app.app_context():
            keys = dict(db.session.execute(select(LoginFailure.key, LoginFailure.failures)).all())
        assert keys == {"address:127.0.0.1": 2}

    def test_one_address_trying_many_accounts_is_locked(self, make_user, auth):
        for number in range(4):
            assert auth.login(f"guess{number}@example.org", WRONG).status_code == 401
        response = auth.login("guess9@example.org", WRONG)
        assert response.status_code == 429
        assert "try again in 15 minutes" in response.get_data(as_text=True)

    def test_counts_are_shared_by_every_worker(self, other_app, make_user, auth):
        """Two app instances (two gunicorn workers, or two hosts) see the same counts."""
        make_user()
        auth.login(password=WRONG)
        auth.login(password=WRONG)
        other_worker = other_app(LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
        other = AuthActions(other_worker.test_client())
        assert other.login(password=WRONG).status_code == 429


class TestRevocation:
    """Two browsers logged in as the same user: actions in one end the other's session."""

    @pytest.fixture
    def second(self, app):
        return AuthActions(app.test_client())

    def test_password_change_ends_other_sessions_but_keeps_this_one(
        self, make_user, client, auth, second
    ):
        make_user()
        auth.login()
        second.login()
        response = client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": "a brand new passphrase",
                "confirm_password": "a brand new passphrase",
                "csrf_token": auth.csrf_token("/account/password"),
            },
        )
        assert response.status_code == 302
        assert logged_in(client)
        assert not logged_in(second.client)

    def test_logout_ends_every_session_of_the_user(self, make_user, client, auth, second):
        make_user()
        auth.login()
        second.login()
        stolen_cookie = client.get_cookie("session").value
        auth.logout()
        assert not logged_in(second.client)
        # A copy of the session cookie taken before logout is useless afterwards.
        client.set_cookie("session", stolen_cookie)
        assert not logged_in(client)

    def test_deactivation_and_role_change_end_the_users_sessions(self, app, make_user, second):
        admin_id = make_user("admin@example.org", role="admin")
        user_id = make_user("r@example.org")
        admin = AuthActions(app.test_client())
        admin.login("admin@example.org")
        second.login("r@example.org")
        assert logged_in(second.client)
        admin.client.post(
            f"/admin/users/{user_id}/role",
            data={"role": "admin", "csrf_token": admin.csrf_token(f"/admin/users/{user_id}")},
        )
        assert not logged_in(second.client)
        second.login("r@example.org")
        admin.client.post(
            f"/admin/users/{user_id}/deactivate",
            data={"csrf_token": admin.csrf_token(f"/admin/users/{user_id}")},
        )
        assert not logged_in(second.client)
        assert second.login("r@example.org").status_code == 401
        assert admin_id and logged_in(admin.client)


class TestTimeouts:
    def age_session(self, client, idle: float = 0, since_login: float = 0) -> None:
        """Pretend the last request was ``idle`` seconds ago and login ``since_login`` ago."""
        now = time.time()
        with client.session_transaction() as session:
            session["seen_at"] = now - idle
            session["login_at"] = now - since_login

    def test_idle_session_ends_after_eight_hours(self, make_user, client, auth):
        make_user()
        auth.login()
        self.age_session(client, idle=7.9 * 3600, since_login=7.9 * 3600)
        assert logged_in(client)
        self.age_session(client, idle=8.1 * 3600, since_login=8.1 * 3600)
        page = client.get("/").get_data(as_text=True)
        assert "Your session has ended. Please log in again." in page
        assert "Log out" not in page

    def test_active_session_ends_after_seven_days(self, make_user, client, auth):
        make_user()
        auth.login()
        self.age_session(client, idle=60, since_login=6.9 * 24 * 3600)
        assert logged_in(client)
        self.age_session(client, idle=60, since_login=7.1 * 24 * 3600)
        assert not logged_in(client)

    @pytest.mark.parametrize(
        "app_config", [{"SESSION_IDLE_TIMEOUT": timedelta(minutes=30)}], indirect=False
    )
    def test_timeouts_are_configurable(self, make_user, client, auth, app_config):
        make_user()
        auth.login()
        self.age_session(client, idle=31 * 60, since_login=31 * 60)
        assert not logged_in(client)


class TestCookies:
    def test_session_cookie_is_httponly_and_samesite_lax(self, make_user, auth):
        make_user()
        cookie = auth.login().headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    def test_production_cookies_are_secure(self, other_app):
        production = other_app("production", SECRET_KEY="k" * 64)
        cookie = production.test_client().get("/login").headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    def test_remember_me_is_off_unless_configured(self, make_user, client, auth):
        make_user()
        auth.login(remember="y")
        assert client.get_cookie("remember_token") is None

    @pytest.mark.parametrize("app_config", [{"REMEMBER_ME_ENABLED": True}])
    def test_remember_me_cookie_has_the_same_flags(self, make_user, auth, app_config):
        make_user()
        cookies = auth.login(remember="y").headers.getlist("Set-Cookie")
        remember = next(c for c in cookies if c.startswith("remember_token="))
        assert "HttpOnly" in remember and "SameSite=Lax" in remember


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "evil.example",
    ],
)
def test_next_cannot_redirect_off_site(make_user, client, auth, target):
    make_user()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "email": "researcher@example.org",
            "password": PASSWORD,
            "csrf_token": auth.csrf_token(),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_fresh_session_at_login(make_user, client, auth):
    make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


class TestPasswords:
    def test_policy_needs_twelve_characters_and_refuses_common_ones(self):
        assert len(common_passwords()) >= 10_000
        with pytest.raises(PasswordError, match="at least 12 characters"):
            check_password_policy("eleven chrs")
        for common in ("Q1w2e3r4t5y6", "qwerty123456", "1qaz2wsx3edc"):
            with pytest.raises(PasswordError, match="commonly used"):
                check_password_policy(common)
        check_password_policy("tangerine lamppost")  # no composition rules
        check_password_policy("خوش آمدید به کابل")  # any script

    def test_change_password_page_explains_a_refusal(self, make_user, client, auth):
        make_user()
        auth.login()
        response = client.post(
            "/account/password",
            data={
                "current_password": "not my password",
                "new_password": "qwerty123456",
                "confirm_password": "qwerty123456",
                "csrf_token": auth.csrf_token("/account/password"),
            },
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "The current password is not right." in page
        assert "list of commonly used passwords" in page

    def test_hash_is_scrypt(self, app, make_user):
        user_id = make_user()
        with app.app_context():
            assert db.session.get(User, user_id).password_hash.startswith("scrypt:")


def test_secret_key_rotation_keeps_sessions_through_the_fallback(other_app, make_user, auth):
    """README's recipe: the new key with the old one as a fallback keeps people logged in."""
    make_user()
    auth.login()
    cookie = auth.client.get_cookie("session").value
    old_key = auth.client.application.config["SECRET_KEY"]

    def logged_in_with(config: dict) -> bool:
        client = other_app(**config).test_client()
        client.set_cookie("session", cookie)
        return logged_in(client)

    new_key = "a-brand-new-secret-key-" + "x" * 40
    assert logged_in_with({"SECRET_KEY": new_key, "SECRET_KEY_FALLBACKS": [old_key]})
    assert not logged_in_with({"SECRET_KEY": new_key})
