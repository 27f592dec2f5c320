"""The public JSON API: processes, process detail with progress, commitment progress, OpenAPI."""

from datetime import date

from tests import factories
from tracker.extensions import db


def commitment_ids(client) -> dict[str, int]:
    detail = client.get("/api/v1/processes/afghanistan-2020").get_json()
    return {c["key"]: c["id"] for a in detail["agreements"] for c in a["commitments"]}


def test_processes_lists_the_demo_process(demo, client):
    response = client.get("/api/v1/processes")
    assert response.status_code == 200
    slugs = [p["slug"] for p in response.get_json()["processes"]]
    assert slugs == ["afghanistan-2020"]


def test_process_detail_has_two_release_commitments_with_progress(demo, client):
    detail = client.get("/api/v1/processes/afghanistan-2020").get_json()
    commitments = [c for a in detail["agreements"] for c in a["commitments"]]
    releases = [c for c in commitments if c["kind"] == "prisoner_release"]
    assert sorted(c["target"] for c in releases) == [1000, 5000]
    government = next(c for c in releases if c["target"] == 5000)
    assert government["progress"] == {"achieved": 5197, "percent": 103.94, "as_of": "2020-09-02"}
    assert government["deadline"] == "2020-03-10"
    assert government["status"] == 3
    assert government["obligated_party"] == "Government of the Islamic Republic of Afghanistan"
    riv = next(c for c in commitments if c["kind"] == "violence_reduction")
    assert riv["progress"] is None and riv["period_start"] == "2020-02-22"


def test_commitment_progress_gives_the_series(demo, client):
    taliban = commitment_ids(client)["taliban-releases"]
    body = client.get(f"/api/v1/commitments/{taliban}/progress").get_json()
    assert body["target"] == 1000 and body["unit"] == "prisoners"
    assert body["series"] == [
        {"date": "2020-04-12", "cumulative": 20},
        {"date": "2020-04-30", "cumulative": 60},
        {"date": "2020-06-06", "cumulative": 400},
        {"date": "2020-07-15", "cumulative": 845},
        {"date": "2020-07-30", "cumulative": 1005},
    ]
    assert body["achieved"] == 1005 and body["as_of"] == "2020-07-30"
    assert body["projected_completion"] is None


def test_unknown_and_unpublished_things_are_404_with_a_json_error(app, client):
    with app.app_context():
        hidden = factories.process(slug="hidden", status="under_review")
        commitment = factories.commitment(factories.agreement(hidden))
        db.session.commit()
        hidden_id = commitment.id
    for path in (
        "/api/v1/processes/hidden",
        "/api/v1/processes/nope",
        f"/api/v1/commitments/{hidden_id}/progress",
        "/api/v1/commitments/999999/progress",
        "/api/v1/nothing-here",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.is_json
        assert response.get_json()["error"]["code"] == 404
    assert client.get("/api/v1/processes").get_json() == {"processes": []}


def test_unpublished_release_records_are_not_counted(app, client):
    with app.app_context():
        process = factories.process(slug="p")
        commitment = factories.commitment(factories.agreement(process), target=10)
        factories.release(commitment, date(2020, 1, 1), 4)
        factories.release(commitment, date(2020, 1, 2), 5, status="under_review")
        db.session.commit()
        commitment_id = commitment.id
    body = client.get(f"/api/v1/commitments/{commitment_id}/progress").get_json()
    assert body["achieved"] == 4 and len(body["series"]) == 1


def test_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = set(document["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{")
            path = path.replace(">", "}")
            assert path in documented, rule.rule
