"""Bulk data in and out: CSV uploads with a preview (researchers) and exports (everyone)."""

from flask import Blueprint

bp = Blueprint("imports", __name__)

from tracker.imports import exports, pax, routes  # noqa: E402,F401  - routes register on bp
