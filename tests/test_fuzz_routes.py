"""A fuzzer over every route: no input gives a 5xx, and a refused request changes nothing.

Walks ``app.url_map``: for every rule and method (HEAD and OPTIONS included), as an anonymous
visitor, a researcher and an admin, hypothesis generates path values, query strings and form
bodies (uploads too) from values that broke pages before: NUL and unpaired bytes, huge and
negative numbers, far dates, long and odd Unicode, wrong types. Record forms get a valid body
with a few fields replaced, so the values reach the rules behind the form checks.

After each request: the status is below 500; and when it is 4xx, or the method is GET, HEAD or
OPTIONS, no table changed (row counts of every table, audit events included; login failures
are throttle bookkeeping and left out). CSRF is off so that POSTs reach the views.

Bounded and derandomized, so it runs the same examples every time: ``FUZZ_EXAMPLES`` examples
per rule and method (default 12, each sent as all three roles).
"""

from __future__ import annotations

import io
import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests import factories
from tests.conftest import wipe
from tests.test_authorization_matrix import client_as
from tests.test_records_release import release_data
from tests.test_records_violence import report_data
from tracker import create_app
from tracker.extensions import db
from tracker.main.routes import PLOTLY_VERSION
from tracker.models import User
from tracker.services.entry.registry import KINDS

VARIABLE = re.compile(r"<(?:[^<>:]+:)?(\w+)>")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
ROLES = ("anonymous", "researcher", "admin")
NOT_TRACKED = {"login_failures"}

NASTY_NUMBERS = [
    "0",
    "-1",
    "-2147483649",
    "2147483647",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-0",
    "1.5",
    "0x10",
]
NASTY_DATES = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2020-02-30",
    "1899-12-31",
    "2101-01-01",
    "31-12-19",
    "9 April 2020",
    "2020-04-09T00:00:00",
]
NASTY_TEXT = [
    "\x00",
    "a\x00b",
    "%00",
    "\ufeff",
    "\u202e\u0627\u0641\u063a\u0627\u0646",
    "🏳️\u200d🌈" * 50,
    "x" * 5000,
    "<script>alert(1)</script>",
    "'; DROP TABLE users; --",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "[]",
    "{}",
    "true",
    "null",
    " ",
    "",
]
GOOD = ["afghanistan-2020", "Taliban", "Battles", "week", "2020-04-09", "1", "published"]
# What is appended to a value: as often as not a NUL (PostgreSQL cannot hold it).
SUFFIXES = ["", "\x00", "\x00x", "\u0301", "\uffff", "\x00"]
base_value = st.one_of(
    st.sampled_from(GOOD),
    st.sampled_from(NASTY_NUMBERS + NASTY_DATES + NASTY_TEXT),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
nasty_value = st.tuples(base_value, st.sampled_from(SUFFIXES)).map("".join)
# Names the views read from query strings and forms, and a few they do not.
PARAMETERS = [
    "from",
    "to",
    "event_type",
    "actor",
    "actor_role",
    "interval",
    "page",
    "per_page",
    "next",
    "process",
    "commitment",
    "process_id",
    "agreement_id",
    "commitment_id",
    "date_from",
    "date_to",
    "status",
    "q",
    "verification",
    "unknown",
]
FORM_FIELDS = PARAMETERS + [
    "email",
    "password",
    "current_password",
    "new_password",
    "confirm_password",
    "display_name",
    "role",
    "review_required",
    "target",
    "version",
    "seen_event",
    "kind",
    "date",
    "count",
    "location",
    "notes",
    "title",
    "slug",
    "name",
    "deadline",
    "sources-0-url",
    "claims-0-actor",
]
UPLOADS = [
    b"",
    b"\xff\xfe" + "date,count\n".encode("utf-16-le"),
    b"event_date,event_type,actor1,location,fatalities\n0001-01-01,Battles,T,K,1\n",
    b"event_date,event_type,actor1,location,fatalities\n2020-04-09,Battles,T\x00,K,1\n",
    b"date,count\n9999-12-31,99999999999999999999\n2020-04-09,-5\n",
    b"date,kind,count,source_url\n2020-04-09,batch,1,"
    + b";".join([b"https://e.org/x"] * 30)
    + b"\n",
    b'"unterminated,quote\n',
    bytes(range(256)),
]


@pytest.fixture(scope="module")
def fuzzed(database_url):
    """One app and one small world for the whole module (each test only reads or refuses).

    A published process with a commitment, a release record, a violence report, a pending
    upload of the researcher's, and one account of each role plus a third to act on.
    """
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        users, ids = factories.small_world("fuzz-upload-token")
    values = {"plotly": PLOTLY_VERSION, **ids}
    yield app, users, values
    wipe(app)


def path_strategy(rule, values: dict) -> st.SearchStrategy[str]:
    """URLs for ``rule``: each variable a known good value or a nasty one."""
    known_strings = [
        "afghanistan-2020",
        "release",
        "violence",
        "progress",
        "violence-x",
        values["upload"],
        values["plotly"],
        *KINDS,
    ]
    known_ints = [str(values[name]) for name in ("target", "commitment", "release", "report")]
    parts = {}
    for name, converter in rule._converters.items():
        if type(converter).__name__ in ("IntegerConverter", "DatabaseIdConverter"):
            parts[name] = st.sampled_from(known_ints + NASTY_NUMBERS)
        else:
            parts[name] = st.one_of(st.sampled_from(known_strings), nasty_value)

    def build(drawn: dict) -> str:
        return VARIABLE.sub(lambda m: quote(drawn[m.group(1)], safe=""), rule.rule)

    return st.fixed_dictionaries(parts).map(build)


def query_strategy() -> st.SearchStrategy[str]:
    pairs = st.lists(st.tuples(st.sampled_from(PARAMETERS), nasty_value), max_size=4)
    return pairs.map(lambda items: urlencode(items) if items else "")


def form_strategy(rule, method: str) -> st.SearchStrategy[dict]:
    """A form body: for record forms a valid one with some fields replaced."""
    mutations = st.dictionaries(st.sampled_from(FORM_FIELDS), nasty_value, max_size=4)
    if method != "POST":
        return st.just({})
    if rule.rule == "/imports":
        return st.fixed_dictionaries(
            {
                "target": st.sampled_from(["violence:1", "releases:1", "x:y", "violence:-1"]),
                "status": st.sampled_from(["under_review", "published", "\x00"]),
                "upload": st.sampled_from(UPLOADS),
            }
        )
    if "/manage/<kind_name>" in rule.rule:
        # One or two fields of a valid body replaced, so the rest passes and the value travels
        # as far as it can: to the rule set, the audit trail and the database.
        fields = sorted(
            set(release_data({"process": 1, "commitment": 1}))
            | set(report_data({"process": 1, "commitment": 1}))
        )
        replaced = st.dictionaries(st.sampled_from(fields), nasty_value, min_size=1, max_size=2)
        return st.one_of(
            st.tuples(st.sampled_from(["release", "violence"]), replaced),
            st.tuples(st.sampled_from(["release", "violence"]), replaced),
            mutations,
        )
    return mutations


def valid_body(kind: str, values: dict) -> dict:
    ids = {"process": values["process"], "commitment": values["commitment"]}
    return release_data(ids) if kind == "release" else report_data(ids)


def table_counts() -> tuple:
    """Row counts of every tracked table, in one query."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in NOT_TRACKED]
    return tuple(
        db.session.execute(
            select(*[select(func.count()).select_from(t).scalar_subquery() for t in tables])
        ).one()
    )


def restore_actors(users: dict) -> None:
    """Keep the researcher and the admin able to act: a fuzzed admin POST may change them."""
    for role, user_id in users.items():
        user = db.session.get(User, user_id)
        user.is_active_account, user.role, user.must_change_password = True, role, False
    db.session.commit()


def rules_and_methods():
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods):
            found.append(pytest.param(rule.rule, method, id=f"{method} {rule.rule}"))
    return found


@pytest.mark.parametrize(("rule_text", "method"), rules_and_methods())
def test_no_input_gives_a_5xx_or_changes_anything_when_refused(fuzzed, rule_text, method):
    app, users, values = fuzzed
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text and method in r.methods)
    examples = EXAMPLES if method in ("GET", "POST") else max(2, EXAMPLES // 4)

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        path=path_strategy(rule, values),
        query=query_strategy(),
        form=form_strategy(rule, method),
    )
    def check(path, query, form):
        url = f"{path}?{query}" if query else path
        for role in ROLES:
            with app.app_context():
                restore_actors(users)
                before = table_counts()
            client = client_as(app, role, users)
            kwargs = {}
            if isinstance(form, tuple):
                kind, changes = form
                kwargs["data"] = {**valid_body(kind, values), **changes}
                # The body is a valid one of this kind: send it to this kind's address.
                url = re.sub(r"^/manage/[^/?]*", f"/manage/{kind}", url)
            elif "upload" in form:
                data = {k: v for k, v in form.items() if k != "upload"}
                data["file"] = (io.BytesIO(form["upload"]), "fuzz.csv")
                kwargs.update(data=data, content_type="multipart/form-data")
            elif form:
                kwargs["data"] = form
            response = client.open(url, method=method, **kwargs)
            status = response.status_code
            response.close()
            assert status < 500, f"{method} {url} as {role} with {form!r}: {status}"
            if status >= 400 or method in ("GET", "HEAD", "OPTIONS"):
                with app.app_context():
                    after = table_counts()
                assert after == before, f"{method} {url} as {role} ({status}) changed a table"

    check()
