"""Peace Process Tracker: a Flask application that tracks countable promises of peace agreements."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Application factory: configure, then register extensions, blueprints, handlers, commands."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from tracker import routing
    from tracker.config import load_config

    load_config(app, config_name, overrides)
    app.json.sort_keys = False  # keep documented field order in API responses
    routing.init_app(app)
    register_extensions(app)
    register_templating(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_assets(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects and the audit listener to the app."""
    from tracker import auth, inputs, jobs, security
    from tracker.extensions import compress, csrf, db, login_manager, migrate
    from tracker.services.dashboard import cache
    from tracker.services.entry import audit, guard
    from tracker.services.interchange import bulk_violence

    db.init_app(app)
    compress.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    inputs.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    auth.init_login(login_manager)
    audit.init_app(app)
    cache.init_app(app)
    guard.init_app(app)
    bulk_violence.init_app(app)  # after the guard: changes it diverts never reach the row
    security.init_app(app)
    jobs.init_app(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_assets(app: Flask) -> None:
    """Fingerprinted, compressed static files served by WhiteNoise (wraps the WSGI app last)."""
    from tracker import assets

    assets.init_app(app)


def register_templating(app: Flask) -> None:
    """Template filters for numbers and dates."""
    from tracker import templating

    templating.init_app(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature."""
    from tracker import health
    from tracker.admin import bp as admin_bp
    from tracker.api import bp as api_bp
    from tracker.auth import bp as auth_bp
    from tracker.downloads import bp as downloads_bp
    from tracker.extensions import csrf
    from tracker.imports import bp as imports_bp
    from tracker.main import bp as main_bp
    from tracker.records import bp as records_bp

    app.register_blueprint(main_bp)
    health.init_app(app)
    app.register_blueprint(auth_bp)
    csrf.exempt(api_bp)  # read-only, no cookies needed
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(imports_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(records_bp, url_prefix="/manage")


def register_errorhandlers(app: Flask) -> None:
    """HTML error pages for the site, JSON error bodies under /api."""
    from tracker.errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    """The CLI of DOMAIN.md: users, demo, export, import (db comes from Flask-Migrate)."""
    from tracker.cli import init_app

    init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, use WAL so readers do not block the writer, wait for locks."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
