"""Downloads: the process bundle and CSV exports (everyone; researchers also get drafts)."""

from flask import Blueprint

bp = Blueprint("downloads", __name__)

from tracker.downloads import routes  # noqa: E402,F401  - routes register themselves on bp
