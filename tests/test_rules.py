"""One rule set per record kind: a form, a CSV row and a bundle accept and refuse the same values
with the same message, and every stored date, count and id stays within its stated range.

The CSV rows and the bundle's records start from rows of the real files in /work/shared/data
(the Afghanistan 2020 release records and violence report), changed in one field per case.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.records_support import make_process, post, text_of
from tracker.extensions import db
from tracker.models import (
    Agreement,
    Commitment,
    Milestone,
    PeaceProcess,
    ReleaseRecord,
    ViolenceReport,
)
from tracker.services.interchange.bundle import FORMAT, BundleError
from tracker.services.interchange.bundle_import import import_bundle
from tracker.services.interchange.csv_import import (
    CsvImportError,
    import_releases_csv,
    import_violence_csv,
)

DATA = Path("/work/shared/data/afghanistan-2020")
LOCAL_DATA = Path(__file__).parent / "data"


def first_row(name: str) -> dict[str, str]:
    """The first data row of a shared real file (a copy kept in tests/data when it is missing)."""
    path = DATA / name if (DATA / name).exists() else LOCAL_DATA / name
    with path.open(encoding="utf-8", newline="") as file:
        return next(csv.DictReader(file))


RELEASE_ROW = first_row("releases-government.csv")  # 100 freed from Bagram, 8 April 2020
VIOLENCE_ROW = first_row("violence.csv")  # the Bagram rockets of 9 April 2020

TOO_LONG = "x" * 2001
RANGE = "is outside the years the tracker holds (1900-01-01 to 2100-12-31)"
SLUG_RULE = "may use only letters a-z, digits and single hyphens"
SIGNED = "must not be before the agreement was signed (29 Feb 2020)"
OVER = "must be at most 10,000,000; got 10,000,001"

# (record kind, field, value, the message it gets or None when accepted)
CASES = [
    ("process", "slug", "a--b", SLUG_RULE),
    ("process", "slug", "-ab", SLUG_RULE),
    ("process", "slug", "Colombia-2016", None),  # capitals are lowered, as anyone would expect
    ("agreement", "key", "doha--2", SLUG_RULE),
    ("agreement", "key", "doha-2", None),
    ("commitment", "key", "gov-releases-", SLUG_RULE),
    ("commitment", "deadline", "2020-02-28", SIGNED),
    ("commitment", "deadline", "2020-02-29", None),  # due on signature
    ("commitment", "deadline", "9999-12-31", f"9999-12-31 {RANGE}"),
    ("commitment", "deadline", "2100-12-31", None),
    ("commitment", "target", "", "is required for a prisoner release (how many, e.g. 5000)"),
    ("commitment", "target", "10000001", OVER),
    ("commitment", "target", "10000000", None),
    ("commitment", "description", "", "is required"),
    ("source", "title", TOO_LONG, "is 2,001 characters long; the limit is 2,000"),
    ("source", "title", "x" * 2000, None),
    ("milestone", "end_date", "9999-12-31", f"9999-12-31 {RANGE}"),
    ("release", "date", "0001-01-01", f"0001-01-01 {RANGE}"),
    ("release", "date", "1899-12-31", f"1899-12-31 {RANGE}"),
    ("release", "date", "1900-01-01", None),
    ("release", "date", "9999-12-31", "9999-12-31 is in the future"),
    ("release", "count", "10000001", OVER),
    ("release", "count", "10000000", None),
    ("release", "count_high", "10000001", OVER),
    ("violence", "event_date", "0001-01-01", f"0001-01-01 {RANGE}"),
    ("violence", "event_date", "01 January 0001", f"0001-01-01 {RANGE}"),
    ("violence", "fatalities", "10000001", OVER),
    ("violence", "fatalities", "10000000", None),
    ("violence", "injuries", "99999999999999999999999", "must be from 0 to 10,000,000"),
]
CSV_KINDS = {"release", "violence"}


# --- The three paths -----------------------------------------------------------------------


def base_form(kind: str, ids: dict[str, int]) -> tuple[str, dict[str, str]]:
    """A valid submission of ``kind``'s form: (path, data)."""
    forms = {
        "process": {"slug": "colombia-2016", "name": "Colombia 2016"},
        "agreement": {
            "process_id": ids["process"],
            "key": "doha-2",
            "title": "Second Doha agreement",
            "signed_on": "2020-02-29",
        },
        "commitment": {
            "agreement_id": ids["agreement"],
            "key": "taliban-releases",
            "kind": "prisoner_release",
            "description": "The Taliban release up to 1,000 prisoners of the other side.",
            "target": "1000",
            "unit": "prisoners",
            "deadline": "2020-03-10",
        },
        "source": {"url": "https://example.org/report", "publisher": "Example"},
        "milestone": {"process_id": ids["process"], "date": "2020-02-29", "title": "Signing"},
        "release": {
            "commitment_id": ids["commitment"],
            **{k: RELEASE_ROW[k] for k in ("date", "kind", "count", "location", "verification")},
            "date_precision": RELEASE_ROW["date_precision"],
        },
        "violence": {
            "process_id": ids["process"],
            **{
                k: VIOLENCE_ROW[k]
                for k in (
                    "event_date",
                    "time_precision",
                    "event_type",
                    "sub_event_type",
                    "actor1",
                    "location",
                    "fatalities",
                    "verification",
                )
            },
        },
    }
    data = {name: str(value) for name, value in forms[kind].items()}
    return f"/manage/{kind}/new", {**data, "confirm_warnings": "y"}


def through_form(app, client, ids, kind: str, field: str, value: str) -> str | None:
    path, data = base_form(kind, ids)
    response = post(client, path, {**data, field: value})
    if response.status_code == 302:
        return None
    assert response.status_code == 400, response.status_code
    return text_of(response)


def csv_bytes(row: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


def through_csv(app, client, ids, kind: str, field: str, value: str) -> str | None:
    with app.app_context():
        try:
            if kind == "release":
                commitment = db.session.get(Commitment, ids["commitment"])
                import_releases_csv(
                    io.BytesIO(csv_bytes({**RELEASE_ROW, field: value})), commitment
                )
            else:
                process = db.session.get(PeaceProcess, ids["process"])
                import_violence_csv(io.BytesIO(csv_bytes({**VIOLENCE_ROW, field: value})), process)
        except CsvImportError as error:
            assert [(e.line, e.column) for e in error.errors] == [(2, field)], error.lines()
            return error.errors[0].message
        finally:
            db.session.rollback()
    return None


BUNDLE = {
    "format": FORMAT,
    "process": {"slug": "afghanistan-bundle", "name": "Afghanistan (bundle)"},
    "parties": [
        {
            "name": "Islamic Republic of Afghanistan",
            "short_name": "Government",
            "kind": "government",
        },
        {"name": "Taliban", "kind": "armed_group"},
    ],
    "sources": [{"url": "https://example.org/report", "publisher": "Example"}],
    "agreements": [
        {
            "key": "doha",
            "title": "Agreement for Bringing Peace to Afghanistan",
            "signed_on": "2020-02-29",
            "signatories": ["Taliban"],
            "commitments": [
                {
                    "key": "gov-releases",
                    "kind": "prisoner_release",
                    "description": "Up to 5,000 Taliban prisoners released by 10 March 2020.",
                    "obligated_party": "Government",
                    "beneficiary_party": "Taliban",
                    "target": 5000,
                    "target_is_maximum": True,
                    "unit": "prisoners",
                    "deadline": "2020-03-10",
                    "releases": [RELEASE_ROW],
                }
            ],
        }
    ],
    "milestones": [{"date": "2020-02-29", "title": "Signing"}],
    "violence": [VIOLENCE_ROW],
}
BUNDLE_PLACES = {
    "process": ("process",),
    "agreement": ("agreements", 0),
    "commitment": ("agreements", 0, "commitments", 0),
    "release": ("agreements", 0, "commitments", 0, "releases", 0),
    "source": ("sources", 0),
    "milestone": ("milestones", 0),
    "violence": ("violence", 0),
}


def json_path(place: tuple) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in place)[1:]


def through_bundle(app, client, ids, kind: str, field: str, value: str) -> str | None:
    document = copy.deepcopy(BUNDLE)
    record = document
    for part in BUNDLE_PLACES[kind]:
        record = record[part]
    record[field] = value
    with app.app_context():
        try:
            import_bundle(document)
        except BundleError as error:
            expected_path = f"{json_path(BUNDLE_PLACES[kind])}.{field}"
            assert [path for path, _ in error.errors] == [expected_path], error.errors
            return error.errors[0][1]
        finally:
            db.session.rollback()
    return None


PATHS = {"form": through_form, "csv": through_csv, "bundle": through_bundle}


@pytest.fixture
def ids(app, make_user, auth):
    make_user("a@example.org")
    auth.login("a@example.org")
    return make_process(app)


@pytest.mark.parametrize(
    ("way", "kind", "field", "value", "message"),
    [
        (way, *case)
        for case in CASES
        for way in PATHS
        # A CSV holds release records and violence reports only.
        if way != "csv" or case[0] in CSV_KINDS
    ],
)
def test_a_value_gets_the_same_answer_from_a_form_a_csv_row_and_a_bundle(
    app, client, ids, way, kind, field, value, message
):
    answer = PATHS[way](app, client, ids, kind, field, value)
    if message is None:
        assert answer is None, f"{kind}.{field}={value[:20]!r} refused: {answer[:300]}"
    elif way == "form":
        assert answer is not None and message in answer
    else:
        assert answer == message


# --- Ids past the database's integer range ---------------------------------------------------


def records(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("violence", "process_id"),
        ("release", "commitment_id"),
        ("commitment", "agreement_id"),
        ("commitment", "obligated_party_id"),
        ("milestone", "process_id"),
    ],
)
@pytest.mark.parametrize("number", [2**63, 2**31, -1, "\u00b2"])
def test_an_id_no_row_can_have_is_a_form_error(app, client, ids, kind, field, number):
    model = {"violence": ViolenceReport, "release": ReleaseRecord}.get(kind, Commitment)
    before = records(app, model)
    path, data = base_form(kind, ids)
    response = post(client, path, {**data, field: str(number)})
    assert response.status_code == 400
    assert "is not one of the choices" in text_of(response)
    assert records(app, model) == before


def test_signatories_past_the_integer_range_are_a_form_error(app, client, ids):
    path, data = base_form("agreement", ids)
    response = post(client, path, {**data, "signatories": [str(ids["taliban"]), str(2**63)]})
    assert response.status_code == 400
    assert "must be parties of the agreement's process" in text_of(response)
    assert records(app, Agreement) == 1


def test_a_version_past_the_integer_range_is_refused_not_a_500(app, client, ids):
    path, data = base_form("milestone", ids)
    assert post(client, path, data).status_code == 302
    with app.app_context():
        milestone = db.session.scalar(select(Milestone))
        edit = f"/manage/milestone/{milestone.id}/edit"
    response = post(client, edit, {**data, "title": "Changed", "version": str(2**63)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Milestone.title)) == "Changed"
