"""Shared fixtures: app, client, runner, database, demo data, users and a login helper.

The schema is built once per run by the real migrations; each test starts from empty tables.
SQLite by default (a temporary file, so live-server threads share it); PostgreSQL when
TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import json
import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests import factories
from tracker import create_app
from tracker.cli import DEMO_BUNDLE
from tracker.extensions import db
from tracker.services.interchange.bundle_import import import_bundle

pytest_plugins = ["tests.upload_support"]

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database migrated to the latest schema, shared by the whole run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'tracker-test.sqlite3'}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.engine.dispose()
    return url


def wipe(app) -> None:
    """Delete every row, children first, so the next test starts empty."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def app_config() -> dict:
    """Per-test config overrides; override this fixture in a module to change settings."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    """A fresh app on the shared test database, with empty tables."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **app_config})
    yield app
    wipe(app)


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services and models directly."""
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def load_demo(app) -> None:
    """Import the shipped demo bundle."""
    with app.app_context():
        import_bundle(json.loads(DEMO_BUNDLE.read_text(encoding="utf-8")))
        db.session.commit()


@pytest.fixture
def demo(app):
    """The Afghanistan 2020 demo data set, published."""
    load_demo(app)
    return app


@pytest.fixture
def make_user(app):
    """Create a user: ``make_user("a@example.org", role="admin")``; the password is PASSWORD."""

    def make(email: str = "researcher@example.org", role: str = "researcher", **kwargs):
        with app.app_context():
            user = factories.user(email=email, role=role, password=PASSWORD, **kwargs)
            db.session.commit()
            return user.id

    return make


class AuthActions:
    """Log in and out through the real pages."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path: str = "/login") -> str:
        import re

        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str = "researcher@example.org", password: str = PASSWORD, **extra):
        return self.client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": self.csrf_token(), **extra},
        )

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token("/")})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def display_names() -> dict[str, str]:
    """Display names for the accounts of ``people``, by name (default: the email's local part)."""
    return {}


@pytest.fixture
def people(app, make_user, display_names):
    """Researchers A and B and an admin, each logged in on a client of their own.

    ``people["a"]`` is A's client; the emails are ``a@``, ``b@`` and ``admin@example.org``.
    """
    clients = {}
    for name, role in (("a", "researcher"), ("b", "researcher"), ("admin", "admin")):
        extra = {"display_name": display_names[name]} if name in display_names else {}
        make_user(f"{name}@example.org", role=role, **extra)
        clients[name] = app.test_client()
        AuthActions(clients[name]).login(f"{name}@example.org")
    return clients
