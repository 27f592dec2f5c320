"""Bulk data in: CSV uploads with a preview and an import log (researchers)."""

from flask import Blueprint

bp = Blueprint("imports", __name__)

from tracker.imports import routes  # noqa: E402,F401  - routes register on bp
