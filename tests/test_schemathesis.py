"""schemathesis over the whole /api/v1 in-process (WSGI): no 500s, every response as documented.

The database holds the demo process and the realistic ACLED file (published), so list and
summary responses carry real items. Each operation gets valid requests (which must succeed
or give a documented 4xx) and invalid ones (which must be refused with a 4xx).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.conftest import load_demo
from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess
from tracker.services.interchange.csv_import import import_violence_csv

ACLED = Path(__file__).parent / "data" / "acled_afghanistan_2020.csv"
OPERATIONS = [
    "listProcesses",
    "getProcess",
    "listViolence",
    "summariseViolence",
    "getCommitmentProgress",
]  # schemathesis leaves out the document's own path, /openapi.json


@pytest.fixture
def api_schema(app):
    """The API's own document, bound to the app with demo and ACLED data."""
    load_demo(app)
    with app.app_context():
        process = db.session.scalar(db.select(PeaceProcess))
        with ACLED.open("rb") as stream:
            import_violence_csv(stream, process, "published")
        db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def operations(schema) -> dict:
    """The document's operations by operationId."""
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.definition.raw["operationId"]] = operation
    return found


def test_the_document_lists_every_operation(api_schema):
    assert sorted(operations(api_schema)) == sorted(OPERATIONS)


# Operations whose parameters can be wrong (a slug or an ETag can be any string).
CONSTRAINED = ["listViolence", "summariseViolence", "getCommitmentProgress"]
CASES = [(operation, GenerationMode.POSITIVE) for operation in OPERATIONS] + [
    (operation, GenerationMode.NEGATIVE) for operation in CONSTRAINED
]


# The WSGI transport hands over bodies as sent: ask for them uncompressed.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.mark.parametrize(("operation_id", "mode"), CASES)
def test_api_matches_its_openapi_document(api_schema, operation_id, mode):
    operation = operations(api_schema)[operation_id]
    with api_schema.app.app_context():
        real_ids = db.session.scalars(db.select(Commitment.id)).all()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        # The same cases every run: a failure in CI can be replayed, never a flaky one.
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=PLAIN)
        # Random slugs and ids find nothing: ask again for the real process and commitments,
        # with the same query, so full responses are checked against the document too.
        if "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = "afghanistan-2020"
            case.call_and_validate(headers=PLAIN)
        elif "commitment_id" in (case.path_parameters or {}):
            for commitment_id in real_ids:
                case.path_parameters["commitment_id"] = commitment_id
                case.call_and_validate(headers=PLAIN)

    check()
