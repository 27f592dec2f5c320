"""The authorization matrix: for every route and method of the app, what anonymous visitors,
researchers and admins get.

The test walks ``app.url_map``: a route that has no row in MATRIX fails the suite, naming it,
so every new route needs an explicit decision. To add a route, add a ``Row`` with the rule as
Flask spells it, the method, one of the audiences below (or a dict of your own), and, when the
rule has variables, a ``url`` whose ``{placeholders}`` come from ``PLACEHOLDERS``.

Outcomes: OK (the view answered: 2xx, 3xx elsewhere than the login page, or its own 4xx for a
bad form), LOGIN (redirect to the login page), UNAUTHORIZED (401, from a JSON endpoint),
FORBIDDEN (403), NOT_FOUND (404).
CSRF is off here so that POSTs reach the permission checks; tests/test_security.py proves
every POST route refuses a request without a CSRF token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.main.routes import PLOTLY_VERSION
from tracker.models import AuditEvent, User

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "forbidden", "not found"
UNAUTHORIZED = "unauthorized"  # a JSON endpoint's 401, where a page would send to the login
ROLES = ("anonymous", "researcher", "admin")

PUBLIC = {"anonymous": OK, "researcher": OK, "admin": OK}
MEMBERS = {"anonymous": LOGIN, "researcher": OK, "admin": OK}
ADMINS = {"anonymous": LOGIN, "researcher": FORBIDDEN, "admin": OK}
# A pending upload of the researcher's: nobody else learns that it exists.
UPLOADER = {"anonymous": LOGIN, "researcher": OK, "admin": NOT_FOUND}
UPLOADER_JSON = {"anonymous": UNAUTHORIZED, "researcher": OK, "admin": NOT_FOUND}


@dataclass(frozen=True)
class Row:
    """One decision: who gets what at ``rule`` with ``method``."""

    rule: str
    method: str
    expected: dict[str, str]
    url: str | None = None  # defaults to the rule itself (rules without variables)
    data: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


MATRIX: list[Row] = [
    # Public pages and assets.
    Row("/", "GET", PUBLIC),
    Row("/processes/<slug>", "GET", PUBLIC, url="/processes/afghanistan-2020"),
    Row("/compare", "GET", PUBLIC),
    Row("/compare.csv", "GET", PUBLIC),
    Row(
        "/embed/processes/<slug>/charts/<key>",
        "GET",
        PUBLIC,
        url="/embed/processes/afghanistan-2020/charts/progress",
    ),
    Row("/processes/<slug>/feed.atom", "GET", PUBLIC, url="/processes/afghanistan-2020/feed.atom"),
    Row("/static/<path:filename>", "GET", PUBLIC, url="/static/css/app.css"),
    Row("/assets/plotly-<version>.min.js", "GET", PUBLIC, url="/assets/plotly-{plotly}.min.js"),
    Row(
        "/processes/<slug>/charts/<key>.csv",
        "GET",
        PUBLIC,
        url="/processes/afghanistan-2020/charts/progress.csv",
    ),
    Row(
        "/processes/<slug>/charts/<key>/table",
        "GET",
        PUBLIC,
        url="/processes/afghanistan-2020/charts/progress/table",
    ),
    Row(
        "/processes/<slug>/releases/<int:record_id>",
        "GET",
        PUBLIC,
        url="/processes/afghanistan-2020/releases/{release}",
    ),
    Row(
        "/processes/<slug>/violence/<int:report_id>",
        "GET",
        PUBLIC,
        url="/processes/afghanistan-2020/violence/{report}",
    ),
    # The load balancer's health check.
    Row("/healthz", "GET", PUBLIC),
    # Public read-only API.
    Row("/api/v1/processes", "GET", PUBLIC),
    Row("/api/v1/processes/<slug>", "GET", PUBLIC, url="/api/v1/processes/afghanistan-2020"),
    Row(
        "/api/v1/commitments/<int:commitment_id>/progress",
        "GET",
        PUBLIC,
        url="/api/v1/commitments/{commitment}/progress",
    ),
    Row("/api/v1/openapi.json", "GET", PUBLIC),
    Row(
        "/api/v1/processes/<slug>/violence",
        "GET",
        PUBLIC,
        url="/api/v1/processes/afghanistan-2020/violence",
    ),
    Row(
        "/api/v1/processes/<slug>/violence/summary",
        "GET",
        PUBLIC,
        url="/api/v1/processes/afghanistan-2020/violence/summary?interval=week",
    ),
    # Exports: everyone; viewers get published records only (tests/test_export.py).
    Row("/exports", "GET", PUBLIC),
    Row(
        "/exports/processes/<slug>.json",
        "GET",
        PUBLIC,
        url="/exports/processes/afghanistan-2020.json",
    ),
    Row(
        "/exports/processes/<slug>/violence.csv",
        "GET",
        PUBLIC,
        url="/exports/processes/afghanistan-2020/violence.csv",
    ),
    Row(
        "/exports/commitments/<int:commitment_id>/releases.csv",
        "GET",
        PUBLIC,
        url="/exports/commitments/{commitment}/releases.csv",
    ),
    # Imports: researchers and admins; a pending upload belongs to its uploader alone.
    Row("/imports", "GET", MEMBERS),
    Row("/imports", "POST", MEMBERS, data={"kind": "violence"}),
    Row("/imports/agreement", "GET", MEMBERS),
    Row("/imports/agreement", "POST", MEMBERS, data={"pax_id": "1"}),
    Row("/imports/<token>", "GET", UPLOADER, url="/imports/{upload}"),
    Row("/imports/<token>/confirm", "POST", UPLOADER, url="/imports/{upload}/confirm"),
    Row("/imports/<token>/cancel", "POST", UPLOADER, url="/imports/{upload}/cancel"),
    Row("/imports/<token>/check", "POST", UPLOADER, url="/imports/{upload}/check"),
    Row("/imports/<token>/status.json", "GET", UPLOADER_JSON, url="/imports/{upload}/status.json"),
    # Accounts.
    Row("/login", "GET", PUBLIC),
    Row("/login", "POST", PUBLIC, data={"email": "x@example.org", "password": "wrong"}),
    Row("/logout", "POST", PUBLIC),
    Row("/account/password", "GET", MEMBERS),
    Row("/account/password", "POST", MEMBERS),
    # Admin: account management.
    Row("/admin/", "GET", ADMINS),
    Row("/admin/users", "GET", ADMINS),
    Row("/admin/users/new", "GET", ADMINS),
    Row("/admin/users/new", "POST", ADMINS, data={"email": "", "role": "researcher"}),
    Row("/admin/users/<int:user_id>", "GET", ADMINS, url="/admin/users/{target}"),
    Row(
        "/admin/users/<int:user_id>/role",
        "POST",
        ADMINS,
        url="/admin/users/{target}/role",
        data={"role": "researcher"},
    ),
    Row(
        "/admin/users/<int:user_id>/deactivate",
        "POST",
        ADMINS,
        url="/admin/users/{target}/deactivate",
    ),
    Row(
        "/admin/users/<int:user_id>/reactivate",
        "POST",
        ADMINS,
        url="/admin/users/{target}/reactivate",
    ),
    Row(
        "/admin/users/<int:user_id>/reset-password",
        "POST",
        ADMINS,
        url="/admin/users/{target}/reset-password",
    ),
    # Records entry and review (issue 3): researchers and admins; settings for admins only.
    Row("/manage/", "GET", MEMBERS),
    Row("/manage/review", "GET", MEMBERS),
    Row("/manage/settings", "GET", ADMINS),
    Row("/manage/settings", "POST", ADMINS, data={"review_required": "y"}),
    Row("/manage/<kind_name>/", "GET", MEMBERS, url="/manage/release/"),
    Row("/manage/<kind_name>/new", "GET", MEMBERS, url="/manage/release/new"),
    Row("/manage/<kind_name>/new", "POST", MEMBERS, url="/manage/release/new", data={"count": ""}),
    Row(
        "/manage/<kind_name>/<int:record_id>/edit",
        "GET",
        MEMBERS,
        url="/manage/release/{release}/edit",
    ),
    Row(
        "/manage/<kind_name>/<int:record_id>/edit",
        "POST",
        MEMBERS,
        url="/manage/release/{release}/edit",
        data={"count": ""},
    ),
    Row(
        "/manage/<kind_name>/<int:record_id>/history",
        "GET",
        MEMBERS,
        url="/manage/release/{release}/history",
    ),
    Row(
        "/manage/<kind_name>/<int:record_id>/history/<int:event_id>/restore",
        "POST",
        MEMBERS,
        url="/manage/release/{release}/history/0/restore",
    ),
    Row(
        "/manage/<kind_name>/<int:record_id>/publish",
        "POST",
        MEMBERS,
        url="/manage/violence/{report}/publish",
    ),
    Row(
        "/manage/<kind_name>/<int:record_id>/archive",
        "POST",
        MEMBERS,
        url="/manage/violence/{report}/archive",
    ),
    Row(
        "/manage/<kind_name>/<int:record_id>/restore",
        "POST",
        MEMBERS,
        url="/manage/violence/{report}/restore",
    ),
    # The review queue's bulk publish and send back (issue 10).
    Row("/manage/review/batch", "POST", MEMBERS, data={"batch": "no such import"}),
    Row(
        "/manage/<kind_name>/<int:record_id>/send-back",
        "POST",
        MEMBERS,
        url="/manage/violence/{report}/send-back",
        data={"comment": "Check the date."},
    ),
]

# Values for the {placeholders} of Row.url, from the `world` fixture.
PLACEHOLDERS = ("target", "commitment", "plotly", "release", "report", "upload")


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture
def world(app):
    """A small published process, one user of each role, and a third account to act on.

    The users have no password (sessions are set directly): hashing would slow every row.
    """
    with app.app_context():
        users, ids = factories.small_world("matrix-upload-token")
    ids.pop("process")
    values = {"plotly": PLOTLY_VERSION, **ids}
    return users, values


def client_as(app, role: str, users: dict[str, int]):
    """A test client logged in as ``role`` (with the user's current session token)."""
    client = app.test_client()
    if role == "anonymous":
        return client
    with app.app_context():
        user = db.session.get(User, users[role])
        session_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
        session["login_at"] = session["seen_at"] = time.time()
    return client


def outcome(response) -> str:
    """What the visitor got, as one of the matrix's outcomes."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and location.startswith("/login"):
        return LOGIN
    if response.status_code == 401 and response.is_json:
        return UNAUTHORIZED
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    assert response.status_code < 500, f"server error {response.status_code}"
    assert response.status_code != 405, "method not allowed: the row names a wrong method"
    return OK


def test_every_route_and_method_has_a_decision(app):
    decided = {(row.rule, row.method) for row in MATRIX}
    routes = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = sorted(routes - decided)
    assert not missing, (
        "No decision in the authorization matrix for: "
        + ", ".join(f"{method} {rule}" for rule, method in missing)
        + ". Add a Row for each to MATRIX in tests/test_authorization_matrix.py."
    )
    stale = sorted(decided - routes)
    assert not stale, f"Rows for routes that no longer exist: {stale}"


def audit_count(app) -> int:
    """How many audit events there are: any change to a tracked record adds one."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("row", MATRIX, ids=str)
def test_route_gives_each_role_what_the_matrix_says(app, world, row):
    users, values = world
    url = (row.url or row.rule).format(**values)
    before = audit_count(app)
    got = {}
    for role in ROLES:
        client = client_as(app, role, users)
        response = client.open(url, method=row.method, data=row.data)
        response.close()
        got[role] = outcome(response)
    assert got == row.expected, f"{row}: expected {row.expected}, got {got}"
    if row.method == "GET":
        assert audit_count(app) == before, f"{row} changed a record: no GET may change state"
