"""Configuration classes.

Nothing here reads the environment at import time: :func:`load_config` is called by the
application factory and copies ``DATABASE_URL``, ``SECRET_KEY`` and friends from the
environment into the chosen class's settings.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class BaseConfig:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a researcher may keep a form open all day
    # 250,000 ACLED rows take about 85 MB (345 bytes a row from scripts/make_test_data.py).
    MAX_CONTENT_LENGTH = 128 * 1024 * 1024
    # The web upload: at most this many rows (larger files: the flask import command). Its
    # check and its import run as jobs on the Huey queue, never inside a request.
    IMPORT_WEB_MAX_ROWS = 250_000
    # Publish all stops after this many seconds (between two records, each committed on its
    # own), well inside gunicorn's 30 s timeout; the reviewer presses it again for the rest.
    REVIEW_PUBLISH_SECONDS = 10.0
    # The job queue: a SQLite file in the instance folder unless HUEY_URL names a Redis server
    # (redis://host:6379/0), which every app host of a deployment then shares.
    HUEY_URL: str | None = None
    HUEY_IMMEDIATE = False
    # A job not heard from for this long (no progress, no start) died with its worker.
    IMPORT_JOB_GRACE = timedelta(minutes=5)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    REMEMBER_ME_ENABLED = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    # A login session ends after this long without a request, and this long after login at most.
    SESSION_IDLE_TIMEOUT = timedelta(hours=8)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(days=7)
    # Login throttling, counted in the database (table login_failures) so it holds across
    # gunicorn workers and hosts. Per account and per client address, within a window.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_LOCKOUT = timedelta(minutes=15)
    # Strict-Transport-Security max-age, sent only on responses served over HTTPS.
    HSTS_MAX_AGE = 365 * 24 * 3600
    # Public API pages: the largest page a client may ask for.
    API_MAX_PER_PAGE = 500
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_FIX_X_FOR = 0
    SECRET_KEY: str | None = None
    # Responses compressed by Flask-Compress (static files come pre-compressed from WhiteNoise).
    # Pages and CSVs are compressed on every request, so fast levels: Brotli 1 turns the 222 KB
    # process page into 37 KB in 0.6 ms, where Brotli 4 (the default) took 2.2 ms for 32 KB and
    # gzip 6 5.4 ms for 35 KB (gzip 1: 1.7 ms, 44 KB).
    COMPRESS_BR_LEVEL = 1
    COMPRESS_LEVEL = 1
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/csv",
        "text/plain",
        "application/json",
        "application/javascript",
        "application/atom+xml",
    ]
    # Entries of the per-process caches of chart data and of whole public pages (0: no cache).
    CHART_CACHE_SIZE = 256
    PAGE_CACHE_SIZE = 32
    # Where the fingerprinted, compressed static files are built (default: instance/assets).
    STATIC_BUILD_DIR: str | None = None


class DevelopmentConfig(BaseConfig):
    """Local use: `make run`. Cookies are not Secure because it serves plain HTTP."""

    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(BaseConfig):
    """The test suite. The database URL comes from TEST_DATABASE_URL or an in-memory SQLite."""

    ENV_NAME = "testing"
    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SECRET_KEY = "testing-only-secret-key-not-for-production"
    SERVER_NAME = None
    # Jobs run inside the request that queues them: no consumer needed in tests.
    HUEY_IMMEDIATE = True


class ProductionConfig(BaseConfig):
    """Production: SECRET_KEY must come from the environment or the instance config."""

    ENV_NAME = "production"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

# Environment variables copied into the config when set. Values are strings unless converted.
_ENV_INT = (
    "MAX_CONTENT_LENGTH",
    "PROXY_FIX_X_FOR",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT",
    "LOGIN_MAX_FAILURES_PER_ADDRESS",
    "HSTS_MAX_AGE",
    "IMPORT_WEB_MAX_ROWS",
)
# Durations read from the environment in minutes: SESSION_IDLE_TIMEOUT_MINUTES=480 and so on.
_ENV_MINUTES = (
    "SESSION_IDLE_TIMEOUT",
    "SESSION_ABSOLUTE_TIMEOUT",
    "LOGIN_FAILURE_WINDOW",
    "LOGIN_LOCKOUT",
)
_ENV_BOOL = ("REMEMBER_ME_ENABLED",)


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def normalise_database_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` spellings hosts hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def development_secret_key(instance_path: Path) -> str:
    """Generate a secret key once and keep it in the instance folder: sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(app, config_name: str | None = None, overrides: dict | None = None) -> None:
    """Fill ``app.config``: class defaults, instance/config.py, the environment, then overrides."""
    environ = os.environ
    name = config_name or environ.get("TRACKER_ENV") or "development"
    if name not in CONFIGS:
        raise RuntimeError(f"TRACKER_ENV must be one of {', '.join(CONFIGS)}; got {name!r}")
    app.config.from_object(CONFIGS[name])
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)

    if environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("SECRET_KEY_FALLBACKS"):
        app.config["SECRET_KEY_FALLBACKS"] = [
            key.strip() for key in environ["SECRET_KEY_FALLBACKS"].split(",") if key.strip()
        ]
    for key in _ENV_INT:
        if environ.get(key):
            app.config[key] = int(environ[key])
    for key in _ENV_MINUTES:
        if environ.get(f"{key}_MINUTES"):
            app.config[key] = timedelta(minutes=int(environ[f"{key}_MINUTES"]))
    if environ.get("HUEY_URL"):
        app.config["HUEY_URL"] = environ["HUEY_URL"]
    for key in _ENV_BOOL:
        if environ.get(key):
            app.config[key] = environ[key].strip().lower() in ("1", "true", "yes", "on")

    if name == "testing":
        url = environ.get("TEST_DATABASE_URL") or "sqlite://"
    else:
        url = environ.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
        url = url or sqlite_url(instance_path / "tracker.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)

    if overrides:
        app.config.update(overrides)
    # The session cookie lives no longer than the idle timeout; each request renews it.
    app.config["PERMANENT_SESSION_LIFETIME"] = min(
        app.config["SESSION_IDLE_TIMEOUT"], app.config["SESSION_ABSOLUTE_TIMEOUT"]
    )
    app.config["REMEMBER_COOKIE_DURATION"] = min(
        app.config["REMEMBER_COOKIE_DURATION"], app.config["SESSION_ABSOLUTE_TIMEOUT"]
    )

    if not app.config.get("SECRET_KEY"):
        if name == "production":
            raise RuntimeError(
                "SECRET_KEY is not set. Production refuses to start without it: "
                "export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        app.config["SECRET_KEY"] = development_secret_key(instance_path)
