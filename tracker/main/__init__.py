"""Public pages: the list of processes, each process's dashboard, and the records behind it."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from tracker.main import compare, feed, records, routes, share  # noqa: E402,F401  - routes register on bp
