"""The public, read-only JSON API under /api/v1 (published records only)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from tracker.api import routes  # noqa: E402,F401  - routes register themselves on bp
