"""Public pages: the list of processes and each process's dashboard."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from tracker.main import routes  # noqa: E402,F401  - routes register themselves on bp
