"""Security of every response: headers, CSRF, error pages and JSON errors, reverse proxies."""

from __future__ import annotations

import re

import pytest
from flask import abort
from sqlalchemy import select

from tracker import create_app
from tracker.extensions import db
from tracker.models import LoginFailure, User

CSP_DIRECTIVES = (
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)
# POST routes that may skip CSRF. None today: a future token-authenticated API would go here.
CSRF_EXEMPT: set[str] = set()


def _build(rule, values) -> str:
    """The URL of ``rule`` with ``values`` for its variables."""
    from flask import url_for

    return url_for(rule.endpoint, **values)


@pytest.mark.parametrize(
    "path", ["/", "/login", "/api/v1/processes", "/static/css/app.css", "/nope"]
)
def test_every_response_carries_the_security_headers(demo, client, path):
    response = client.get(path)
    response.close()  # static files are streamed from an open file
    csp = response.headers["Content-Security-Policy"]
    for directive in CSP_DIRECTIVES:
        assert directive in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # Plain HTTP: no HSTS (a browser ignores it there, and it would pin a dev host).
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://tracker.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_scripts_or_handlers(demo, client):
    for path in ("/", "/processes/afghanistan-2020", "/login"):
        page = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", page), path
        assert "javascript:" not in page


def test_logged_in_pages_are_not_cached(make_user, client, auth):
    make_user()
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    auth.login()
    assert client.get("/").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


class TestCsrf:
    """CSRF is on in the test config, as in production."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_login_without_token_is_a_clear_400(self, make_user, client):
        make_user()
        response = client.post(
            "/login", data={"email": "researcher@example.org", "password": "x" * 20}
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "security token was missing or had expired" in page
        assert "reload the page" in page

    def test_logout_without_token_keeps_the_session(self, make_user, client, auth):
        make_user()
        auth.login()
        assert client.post("/logout").status_code == 400
        assert "Log out" in client.get("/").get_data(as_text=True)

    def test_every_state_changing_route_rejects_a_post_without_token(
        self, app, make_user, client, auth
    ):
        admin_id = make_user("admin@example.org", role="admin")
        auth.login("admin@example.org")
        checked = 0
        with app.test_request_context():
            urls = [
                (rule.rule, _build(rule, {name: admin_id for name in rule.arguments}))
                for rule in app.url_map.iter_rules()
                if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
                and rule.rule not in CSRF_EXEMPT
            ]
        for rule, url in urls:
            response = client.post(url, data={"role": "researcher"})
            assert response.status_code == 400, f"{rule} accepted a POST without a CSRF token"
            checked += 1
        assert checked >= 6
        with app.app_context():
            admin = db.session.get(User, admin_id)
            assert admin.is_active and admin.role == "admin" and not admin.must_change_password


class TestErrors:
    """Every error is a page on the site and JSON under /api, with no internals."""

    @pytest.fixture
    def app(self, database_url):
        from tests.conftest import wipe

        app = create_app(
            "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "MAX_CONTENT_LENGTH": 1024}
        )

        @app.get("/boom")
        @app.get("/api/v1/boom")
        def boom():
            raise RuntimeError("secret internal detail: password=hunter2")

        @app.get("/api/v1/slow-down")
        def slow_down():
            abort(429)

        yield app
        wipe(app)

    @pytest.mark.parametrize(
        ("method", "path", "status", "text"),
        [
            ("get", "/no/such/page", 404, "There is nothing at this address"),
            ("get", "/logout", 405, "not allowed at this address"),
            ("post", "/login", 413, "the limit is 1024 bytes"),
            ("get", "/boom", 500, "Something went wrong on our side"),
        ],
    )
    def test_site_errors_are_pages(self, client, method, path, status, text):
        kwargs = {"data": {"notes": "x" * 5000}} if status == 413 else {}
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code == status
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert text in page and "Peace Process Tracker" in page
        assert "Traceback" not in page and "hunter2" not in page

    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [
            ("get", "/api/v1/nothing-here", 404),
            ("post", "/api/v1/processes", 405),
            ("get", "/api/v1/slow-down", 429),
            ("get", "/api/v1/boom", 500),
        ],
    )
    def test_api_errors_are_json(self, client, method, path, status):
        response = getattr(client, method)(path)
        assert response.status_code == status
        body = response.get_json()
        assert body["error"]["code"] == status and body["error"]["message"]
        assert "hunter2" not in response.get_data(as_text=True)

    def test_405_names_the_allowed_methods(self, client):
        assert "POST" in client.get("/logout").headers["Allow"]

    def test_403_is_a_page(self, make_user, client, auth):
        make_user()
        auth.login()
        response = client.get("/admin/users")
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)


def failed_login_keys(app, client, auth, forwarded_for: str) -> set[str]:
    """Fail a login with an X-Forwarded-For header; the keys the throttle counted it under."""
    client.post(
        "/login",
        data={
            "email": "x@example.org",
            "password": "wrong password!!",
            "csrf_token": auth.csrf_token(),
        },
        headers={"X-Forwarded-For": forwarded_for},
    )
    with app.app_context():
        return set(db.session.scalars(select(LoginFailure.key)))


class TestBehindAProxy:
    """With PROXY_FIX_X_FOR=1 the app trusts one proxy's X-Forwarded-* headers."""

    @pytest.fixture
    def app_config(self):
        return {"PROXY_FIX_X_FOR": 1}

    def test_forwarded_https_gets_hsts(self, client):
        response = client.get("/", headers={"X-Forwarded-Proto": "https"})
        assert "max-age=" in response.headers["Strict-Transport-Security"]

    def test_throttling_counts_the_forwarded_client_address(self, app, client, auth):
        keys = failed_login_keys(app, client, auth, forwarded_for="203.0.113.7")
        assert keys == {"account:x@example.org", "address:203.0.113.7"}


def test_without_proxy_fix_forwarded_headers_are_ignored(app, client, auth):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    keys = failed_login_keys(app, client, auth, forwarded_for="203.0.113.7")
    assert "address:127.0.0.1" in keys and "address:203.0.113.7" not in keys
