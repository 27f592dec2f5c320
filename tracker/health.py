"""``GET /healthz`` for load balancers: 200 when the database answers, 503 when it does not.

No login, no session and no cookie: the hooks that load a user (from the database that may be
down) skip it (``security.SESSIONLESS_ENDPOINTS``), and the session is never written back, so
no response of it carries a Set-Cookie (:class:`SessionlessEndpoints`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import csrf, db

bp = Blueprint("health", __name__)
ENDPOINT = "health.healthz"


@bp.get("/healthz")
def healthz():
    """``{"status": "ok"}`` when ``SELECT 1`` succeeds, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        current_app.logger.warning("Health check: the database does not answer", exc_info=True)
        db.session.rollback()
        return jsonify({"status": "unavailable", "database": "not answering"}), 503
    finally:
        db.session.close()
    return jsonify({"status": "ok"})


class SessionlessEndpoints(SecureCookieSessionInterface):
    """The signed-cookie session, never saved (so never a Set-Cookie) on the health check."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == ENDPOINT:
            return
        super().save_session(app, session, response)


def init_app(app) -> None:
    """Register the endpoint (no CSRF: GET only) and the session interface that skips it."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.session_interface = SessionlessEndpoints()
